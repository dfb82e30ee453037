package dev.mqat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    /** Start of each parameter in the flat vectors, and the total length last. */
    private final long[] starts;
    /** First moment (Adam) or momentum buffer (SGD), one flat vector in parameter order. */
    private final NDArray first;
    /** Second moment (Adam only, else null), flat like {@link #first}. */
    private final NDArray second;
    private long updates;

    /**
     * @param parameters trainable parameters by stable name; their arrays get gradients attached here
     * @param owner manager of the model; the optimizer state is created in a sub-manager of it
     */
    public ParameterOptimizer(OptimizerKind kind, Map<String, Parameter> parameters, NDManager owner) {
        this.kind = kind;
        this.parameters = new LinkedHashMap<>(parameters);
        this.stateManager = owner.newSubManager();
        starts = new long[this.parameters.size() + 1];
        int i = 0;
        for (Parameter p : this.parameters.values()) {
            NDArray w = p.getArray();
            if (w.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + p.getName() + " is " + w.getDataType()
                        + "; the optimizer keeps float32 state");
            }
            if (!w.hasGradient()) {
                w.setRequiresGradient(true);
            }
            starts[i + 1] = starts[i] + w.size();
            i++;
        }
        first = stateManager.zeros(new Shape(starts[starts.length - 1]), DataType.FLOAT32);
        second = kind == OptimizerKind.ADAM ? stateManager.zeros(first.getShape(), DataType.FLOAT32) : null;
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
        if (parameters.isEmpty()) {
            return 0;
        }
        try (NDScope scope = new NDScope()) {
            // squares summed in float64: a large but finite float32 gradient (LSQ step sizes early on) must not
            // overflow into an infinite norm
            double norm = Math.sqrt(gatheredGradients().toType(DataType.FLOAT64, false).square().sum().getDouble());
            if (maxNorm > 0 && norm > maxNorm) {
                float factor = (float) (maxNorm / norm);
                for (Parameter p : parameters.values()) {
                    p.getArray().getGradient().muli(factor);
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

    /**
     * Applies one update with learning rate {@code lr} from the accumulated gradients, then zeroes them.
     *
     * <p>Why one flat vector: the update runs as a dozen whole-model operations on every parameter at once instead
     * of a dozen per parameter (the wdr-cpu network has 84 parameter arrays; per-array updates spent more time
     * dispatching engine calls than computing). Adam is PyTorch's formula, written with in-place operations.
     */
    public void step(double lr) {
        updates++;
        if (parameters.isEmpty()) {
            return;
        }
        try (NDScope scope = new NDScope()) {
            NDArray g = gatheredGradients();
            NDArray update = switch (kind) {
                case ADAM -> {
                    double bias1 = 1 - Math.pow(BETA1, updates);
                    double bias2 = 1 - Math.pow(BETA2, updates);
                    // lr/b1 * m / (sqrt(v/b2) + eps) = (lr sqrt(b2)/b1) * m / (sqrt(v) + eps sqrt(b2))
                    first.muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
                    second.muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
                    NDArray denominator = second.sqrt().addi((float) (EPS * Math.sqrt(bias2)));
                    yield first.div(denominator).muli((float) (lr * Math.sqrt(bias2) / bias1));
                }
                case SGD -> {
                    first.muli((float) MOMENTUM).addi(g);
                    yield first.mul((float) lr);
                }
            };
            // split's indices are the inner boundaries: every start but the first, without the total length
            NDList pieces = update.split(Arrays.copyOfRange(starts, 1, starts.length - 1), 0);
            int i = 0;
            for (Parameter p : parameters.values()) {
                NDArray w = p.getArray();
                w.subi(pieces.get(i++).reshape(w.getShape()));
                JniUtils.zeroGrad((PtNDArray) w);
            }
        }
    }

    /** Every parameter's gradient, flattened and concatenated in parameter order (a copy owned by the scope). */
    private NDArray gatheredGradients() {
        NDList flat = new NDList(parameters.size());
        for (Parameter p : parameters.values()) {
            flat.add(p.getArray().getGradient().reshape(-1));
        }
        return NDArrays.concat(flat, 0);
    }

    /** Writes the state (kind, update count, moments by name). */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT_VERSION);
        out.writeUTF(kind.name());
        out.writeLong(updates);
        out.writeInt(parameters.size());
        float[] m = first.toFloatArray();
        float[] v = second == null ? null : second.toFloatArray();
        int i = 0;
        for (String name : parameters.keySet()) {
            out.writeUTF(name);
            writeRange(out, m, starts[i], starts[i + 1]);
            if (v != null) {
                writeRange(out, v, starts[i], starts[i + 1]);
            }
            i++;
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
        Map<String, Integer> index = new HashMap<>();
        for (String name : parameters.keySet()) {
            index.put(name, index.size());
        }
        float[] m = new float[Math.toIntExact(first.size())];
        float[] v = second == null ? null : new float[m.length];
        for (int j = 0; j < n; j++) {
            String name = in.readUTF();
            Integer i = index.get(name);
            if (i == null) {
                throw new IllegalStateException(source + ": optimizer state for unknown parameter " + name);
            }
            readRange(in, m, starts[i], starts[i + 1], source, name);
            if (v != null) {
                readRange(in, v, starts[i], starts[i + 1], source, name);
            }
        }
        if (n != parameters.size()) {
            throw new IllegalStateException(source + ": optimizer state has " + n + " parameters, the model "
                    + parameters.size());
        }
        first.set(m);
        if (v != null) {
            second.set(v);
        }
    }

    private static void writeRange(DataOutputStream out, float[] values, long from, long to) throws IOException {
        out.writeInt(Math.toIntExact(to - from));
        for (int i = (int) from; i < to; i++) {
            out.writeFloat(values[i]);
        }
    }

    private static void readRange(DataInputStream in, float[] target, long from, long to, String source, String name)
            throws IOException {
        int n = in.readInt();
        if (n != to - from) {
            throw new IllegalStateException(source + ": optimizer state of " + name + " has " + n + " values, expected "
                    + (to - from));
        }
        for (int i = (int) from; i < to; i++) {
            target[i] = in.readFloat();
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
