package dev.mqat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of the trainable weights, the copy that validation scores and {@code best.ckpt} keeps
 * when {@link TrainConfig#averageDecay()} is set. Why: a short run ends while the weights still move from batch to
 * batch; their average over the last few hundred steps is a steadier network than the last step's.
 *
 * <p>The decay ramps up as {@code min(decay, (1 + n) / (10 + n))} after {@code n} updates, so the first steps'
 * random weights leave the average quickly. Batch-norm running statistics are not averaged: they are recomputed
 * for the averaged weights before each validation ({@link TrainConfig#bnCalibrationBatches()}).
 *
 * <p>The averages live in a sub-manager of the model's manager that this object owns (close it with the run).
 */
public final class WeightAverage implements AutoCloseable {
    private final double decay;
    private final Map<String, Parameter> parameters;
    private final NDManager stateManager;
    private final Map<String, NDArray> averages = new LinkedHashMap<>();
    private final Map<String, NDArray> swappedOut = new LinkedHashMap<>();
    private long updates;

    /**
     * @param decay weight of the old average at each update, in (0, 1)
     * @param parameters trainable parameters by stable name; the averages start as copies of them
     * @param owner manager of the model; the averages are created in a sub-manager of it
     */
    public WeightAverage(double decay, Map<String, Parameter> parameters, NDManager owner) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("train.averageDecay: must be in (0, 1), found " + decay);
        }
        this.decay = decay;
        this.parameters = new LinkedHashMap<>(parameters);
        this.stateManager = owner.newSubManager();
        for (Map.Entry<String, Parameter> e : this.parameters.entrySet()) {
            NDArray copy = e.getValue().getArray().duplicate();
            copy.attach(stateManager);
            averages.put(e.getKey(), copy);
        }
    }

    /** Folds the current weights into the average (after an optimizer step, outside autograd). */
    public void update() {
        updates++;
        float keep = (float) Math.min(decay, (1.0 + updates) / (10.0 + updates));
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                NDArray avg = averages.get(e.getKey());
                // avg = keep * avg + (1 - keep) * w, written as avg += (1 - keep) (w - avg)
                avg.addi(e.getValue().getArray().sub(avg).muli(1 - keep));
            }
        }
    }

    /** Number of updates folded in so far (including those restored by {@link #load}). */
    public long updates() {
        return updates;
    }

    /** Puts the averaged weights into the network, keeping the trained ones for {@link #swapOut()}. */
    public void swapIn() {
        if (!swappedOut.isEmpty()) {
            throw new IllegalStateException("weight average: already swapped in");
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray w = e.getValue().getArray();
            NDArray kept = w.duplicate();
            kept.attach(stateManager);
            swappedOut.put(e.getKey(), kept);
            averages.get(e.getKey()).copyTo(w);
        }
    }

    /** Puts the trained weights back after {@link #swapIn()}. */
    public void swapOut() {
        for (Map.Entry<String, NDArray> e : swappedOut.entrySet()) {
            e.getValue().copyTo(parameters.get(e.getKey()).getArray());
            e.getValue().close();
        }
        swappedOut.clear();
    }

    /** Writes the update count and the averages by name. */
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(updates);
        out.writeInt(averages.size());
        for (Map.Entry<String, NDArray> e : averages.entrySet()) {
            out.writeUTF(e.getKey());
            float[] v = e.getValue().toFloatArray();
            out.writeInt(v.length);
            for (float f : v) {
                out.writeFloat(f);
            }
        }
    }

    /** Restores a state written by {@link #save}; names and sizes must match. */
    public void load(DataInputStream in, String source) throws IOException {
        updates = in.readLong();
        int n = in.readInt();
        if (n != averages.size()) {
            throw new IllegalStateException(source + ": weight average has " + n + " parameters, the model "
                    + averages.size());
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            NDArray target = averages.get(name);
            if (target == null) {
                throw new IllegalStateException(source + ": weight average of unknown parameter " + name);
            }
            int size = in.readInt();
            if (size != target.size()) {
                throw new IllegalStateException(source + ": weight average of " + name + " has " + size
                        + " values, expected " + target.size());
            }
            float[] v = new float[size];
            for (int k = 0; k < size; k++) {
                v[k] = in.readFloat();
            }
            target.set(v);
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
