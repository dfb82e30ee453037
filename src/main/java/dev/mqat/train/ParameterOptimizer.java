package dev.mqat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam or SGD-with-momentum over named parameters, with its state saved by name so that a resumed run continues
 * exactly where it stopped (DJL's own optimizers keep their state private).
 *
 * <p>The state arrays live in a sub-manager of the model's manager that this object owns (close it with the
 * run). {@link #step} updates in place outside autograd and zeroes the gradients (PyTorch accumulates them).
 */
public final class ParameterOptimizer implements AutoCloseable {
    private static final int FORMAT_VERSION = 1;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;
    private static final double MOMENTUM = 0.9;

    private final OptimizerKind kind;
    private final Map<String, Parameter> parameters;
    private final NDManager stateManager;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long updates;

    /**
     * @param parameters trainable parameters by stable name; their arrays get gradients attached here
     * @param owner manager of the model; the optimizer state is created in a sub-manager of it
     */
    public ParameterOptimizer(OptimizerKind kind, Map<String, Parameter> parameters, NDManager owner) {
        this.kind = kind;
        this.parameters = new LinkedHashMap<>(parameters);
        this.stateManager = owner.newSubManager();
        for (Map.Entry<String, Parameter> e : this.parameters.entrySet()) {
            NDArray w = e.getValue().getArray();
            if (!w.hasGradient()) {
                w.setRequiresGradient(true);
            }
            first.put(e.getKey(), stateManager.zeros(w.getShape(), w.getDataType()));
            if (kind == OptimizerKind.ADAM) {
                second.put(e.getKey(), stateManager.zeros(w.getShape(), w.getDataType()));
            }
        }
    }

    /** Number of updates done so far (including those restored by {@link #load}). */
    public long updates() {
        return updates;
    }

    /**
     * Scales every gradient by the same factor so that their global L2 norm is at most {@code maxNorm} (gradient-norm
     * clipping, as the reference training does); {@code maxNorm <= 0} only measures.
     *
     * @return the global norm before clipping
     */
    public double clipGradients(double maxNorm) {
        try (NDScope scope = new NDScope()) {
            List<NDArray> gradients = new ArrayList<>(parameters.size());
            NDArray sumOfSquares = null;
            for (Parameter p : parameters.values()) {
                NDArray g = p.getArray().getGradient();
                gradients.add(g);
                // squares summed in float64: a large but finite float32 gradient (LSQ step sizes early on) must not
                // overflow into an infinite norm
                NDArray s = g.toType(DataType.FLOAT64, false).square().sum();
                sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
            }
            double norm = sumOfSquares == null ? 0 : Math.sqrt(sumOfSquares.getDouble());
            if (maxNorm > 0 && norm > maxNorm) {
                float factor = (float) (maxNorm / norm);
                for (NDArray g : gradients) {
                    g.muli(factor);
                }
            }
            return norm;
        }
    }

    /**
     * The name of the first parameter, in the order given at construction (module order), whose gradient holds a
     * NaN or an infinity; null when every gradient is finite. Meant for the error message after a non-finite norm.
     */
    public String firstNonFiniteGradient() {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            try (NDScope scope = new NDScope()) {
                if (holdsNonFinite(e.getValue().getArray().getGradient())) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /** Whether the array holds a NaN or an infinity (call inside an NDScope: the test arrays are temporary). */
    static boolean holdsNonFinite(NDArray a) {
        return a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
    }

    /** Applies one update with learning rate {@code lr} from the accumulated gradients, then zeroes them. */
    public void step(double lr) {
        updates++;
        double bias1 = 1 - Math.pow(BETA1, updates);
        double bias2 = 1 - Math.pow(BETA2, updates);
        double stepSize = lr * Math.sqrt(bias2) / bias1;
        double epsHat = EPS * Math.sqrt(bias2);
        try (NDScope scope = new NDScope()) {
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                NDArray w = e.getValue().getArray();
                NDArray g = w.getGradient();
                NDArray m = first.get(e.getKey());
                switch (kind) {
                    case ADAM -> {
                        // one fused native update per parameter (PyTorch's Adam rewritten for libtorch's kernel:
                        // lr/b1 * m / (sqrt(v/b2) + eps) = (lr sqrt(b2)/b1) * m / (sqrt(v) + eps sqrt(b2)))
                        NDArray v = second.get(e.getKey());
                        w.getNDArrayInternal().adamUpdate(new NDList(w, g, m, v), new NDList(w), (float) lr,
                                (float) stepSize, 0f, 1f, -1f, (float) BETA1, (float) BETA2, (float) epsHat, false, false);
                    }
                    case SGD -> {
                        m.muli(MOMENTUM).addi(g);
                        w.subi(m.mul(lr));
                        g.muli(0);
                    }
                }
            }
        }
    }

    /** Writes the state (kind, update count, moments by name). */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT_VERSION);
        out.writeUTF(kind.name());
        out.writeLong(updates);
        out.writeInt(first.size());
        for (String name : first.keySet()) {
            out.writeUTF(name);
            writeArray(out, first.get(name));
            if (kind == OptimizerKind.ADAM) {
                writeArray(out, second.get(name));
            }
        }
    }

    /** Restores a state written by {@link #save}; names and shapes must match. */
    public void load(DataInputStream in, String source) throws IOException {
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException(source + ": optimizer state version " + version + ", this mqat reads "
                    + FORMAT_VERSION);
        }
        String k = in.readUTF();
        if (!k.equals(kind.name())) {
            throw new IllegalStateException(source + ": optimizer state is " + k + ", the run uses " + kind);
        }
        updates = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            if (!first.containsKey(name)) {
                throw new IllegalStateException(source + ": optimizer state for unknown parameter " + name);
            }
            readArray(in, first.get(name), source, name);
            if (kind == OptimizerKind.ADAM) {
                readArray(in, second.get(name), source, name);
            }
        }
        if (n != first.size()) {
            throw new IllegalStateException(source + ": optimizer state has " + n + " parameters, the model " + first.size());
        }
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        float[] v = a.toFloatArray();
        out.writeInt(v.length);
        for (float f : v) {
            out.writeFloat(f);
        }
    }

    private static void readArray(DataInputStream in, NDArray target, String source, String name) throws IOException {
        int n = in.readInt();
        if (n != target.size()) {
            throw new IllegalStateException(source + ": optimizer state of " + name + " has " + n + " values, expected "
                    + target.size());
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        target.set(v);
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
