package dev.mqat.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.mqat.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Checks the engine's convolution against a float64 reference: forward output and the gradients of the input,
 * the weight and the bias, for the convolution path every {@link PoseConv2d} uses.
 *
 * <p>Why it exists: on AVX-512 CPUs libtorch 2.7.1 (oneDNN 3.7.1) computes wrong outputs or input gradients for 3x3
 * convolutions whose channel counts do not fill its kernels' channel blocks ({@link ConvChannelPadding} lists the
 * cases). {@link PoseConv2d#convolve} works around them; this check proves on the machine at hand that the
 * workaround holds. {@code mqat doctor} runs it, and every training run checks its own network's convolutions.
 *
 * <p>The reference is computed by the engine in float64 from plain operators (shifted slices and matrix products,
 * {@link #shiftedProducts}), so no convolution kernel and no project code takes part in it. Between the cases, and
 * just before each backward, freed memory is filled with NaN so that a kernel reading uninitialised memory fails
 * every time instead of by chance.
 */
public final class ConvGradientCheck {

    /** Largest accepted error, relative to the largest magnitude of the float64 reference (float32 rounding). */
    public static final double RELATIVE_TOLERANCE = 1e-4;

    /** One convolution to check; input {@code [batch, inChannels, sizePx, sizePx]}, padding {@code kernel / 2}. */
    public record ConvCase(int batch, int inChannels, int outChannels, int sizePx, int kernel, int stride,
            boolean bias) {
        public ConvCase {
            if (batch <= 0 || inChannels <= 0 || outChannels <= 0 || sizePx <= 0 || kernel <= 0 || kernel % 2 == 0
                    || stride <= 0) {
                throw new IllegalArgumentException("conv check case must have positive sizes and an odd kernel, found "
                        + describe(batch, inChannels, outChannels, sizePx, kernel, stride, bias));
            }
        }

        /** Shapes in one line, e.g. {@code x[32,64,8,8] w[1,64,3,3] stride 1, bias}. */
        @Override
        public String toString() {
            return describe(batch, inChannels, outChannels, sizePx, kernel, stride, bias);
        }

        private static String describe(int batch, int in, int out, int size, int kernel, int stride, boolean bias) {
            return "x[" + batch + "," + in + "," + size + "," + size + "] w[" + out + "," + in + "," + kernel + ","
                    + kernel + "] stride " + stride + (bias ? ", bias" : "");
        }
    }

    /**
     * Errors of one case, each the largest absolute difference to the float64 reference divided by the largest
     * magnitude of the reference; infinite when the value is not finite.
     */
    public record Outcome(ConvCase convCase, double forwardError, double inputGradientError,
            double weightGradientError, double biasGradientError) {

        /** Whether every error is within {@link #RELATIVE_TOLERANCE}. */
        public boolean ok() {
            return forwardError <= RELATIVE_TOLERANCE && inputGradientError <= RELATIVE_TOLERANCE
                    && weightGradientError <= RELATIVE_TOLERANCE && biasGradientError <= RELATIVE_TOLERANCE;
        }

        /** One line naming the case and what disagrees, e.g. {@code input gradient off by 3.1 (relative)}. */
        public String describe() {
            List<String> bad = new ArrayList<>();
            addIfBad(bad, "output", forwardError);
            addIfBad(bad, "input gradient", inputGradientError);
            addIfBad(bad, "weight gradient", weightGradientError);
            addIfBad(bad, "bias gradient", biasGradientError);
            return convCase + (bad.isEmpty() ? ": ok" : ": " + String.join(", ", bad));
        }

        private static void addIfBad(List<String> bad, String what, double error) {
            if (!(error <= RELATIVE_TOLERANCE)) {
                bad.add(what + (Double.isInfinite(error) ? " not finite"
                        : String.format(Locale.ROOT, " off by %.3g of its largest value", error)));
            }
        }
    }

    /** A convolution with padding {@code kernel / 2}, as {@link PoseConv2d#convolve} computes it. */
    @FunctionalInterface
    public interface Convolution {
        /** {@code x [N,C,H,W]}, {@code w [O,C,k,k]}, {@code b [O]} or null; returns {@code [N,O,H',W']}. */
        NDArray apply(NDArray x, NDArray w, NDArray b, int stride, int pad);
    }

    private ConvGradientCheck() {}

    /**
     * The standard cases: output-channel counts 1, 2, 3, 8, 15, 16, 17, 24 (3x3 and 1x1, with and without bias,
     * at several sides) and every distinct convolution of the given networks ({@link #networkCases}).
     */
    public static List<ConvCase> standardCases(List<ModelConfig> networks) {
        Map<String, ConvCase> cases = new LinkedHashMap<>();
        int[] sizes = {16, 8, 4};
        int i = 0;
        for (int out : new int[] {1, 2, 3, 8, 15, 16, 17, 24}) {
            int size = sizes[i++ % sizes.length];
            add(cases, new ConvCase(32, 64, out, size, 3, 1, true));
            add(cases, new ConvCase(16, 24, out, size, 1, 1, false));
            add(cases, new ConvCase(8, 17, out, 2 * size, 3, 2, false));
        }
        for (ModelConfig config : networks) {
            for (ConvCase c : networkCases(config)) {
                add(cases, c);
            }
        }
        return List.copyOf(cases.values());
    }

    /**
     * The cases {@code mqat doctor} checks: {@link #standardCases(List)} for {@code wdr-cpu} at widths 0.5, 0.75,
     * 1 and 1.25 with one and two classes.
     */
    public static List<ConvCase> doctorCases() {
        List<ModelConfig> networks = new ArrayList<>();
        for (double width : new double[] {1.0, 0.5, 0.75, 1.25}) {
            for (int classes : new int[] {1, 2}) {
                networks.add(ModelConfig.defaults().withWidthMultiplier(width).withNumClasses(classes));
            }
        }
        return standardCases(networks);
    }

    /**
     * Runs the cases at each thread count in turn and returns the first disagreement, with the thread count it
     * was found at; empty when every case agrees at every count.
     */
    public static Optional<Failure> firstFailure(List<ConvCase> cases, int... threadCounts) {
        for (int threads : threadCounts) {
            for (Outcome o : runAll(cases, threads, 1)) {
                if (!o.ok()) {
                    return Optional.of(new Failure(o, threads));
                }
            }
        }
        return Optional.empty();
    }

    /** A disagreement and the intra-op thread count it was found at. */
    public record Failure(Outcome outcome, int threads) {
        /** One line, e.g. {@code x[32,64,8,8] w[1,64,3,3] stride 1, bias: input gradient not finite (2 threads)}. */
        public String describe() {
            return outcome.describe() + " (" + threads + (threads == 1 ? " thread)" : " threads)");
        }
    }

    private static void add(Map<String, ConvCase> cases, ConvCase c) {
        cases.putIfAbsent(c.toString(), c);
    }

    /**
     * Every distinct convolution of a network (8 px output side): the failure depends on the channel counts, not on
     * the side, and larger sides only cost time.
     */
    static List<ConvCase> networkCases(ModelConfig config) {
        PoseNet net = PoseNet.build(config);
        Map<String, ConvCase> out = new LinkedHashMap<>();
        for (PoseConv2d layer : net.layers()) {
            // batch 16 for 1x1 layers: smaller batches at one thread go to libtorch's non-oneDNN path, which logs an
            // NNPACK warning per call on CPUs NNPACK does not support, and training batches are larger anyway
            int batch = layer.kernelSize() == 1 ? 16 : 8;
            add(out, new ConvCase(batch, layer.inChannels(), layer.outChannels(), 8 * layer.stride(), layer.kernelSize(),
                    layer.stride(), layer.bias().isPresent()));
        }
        return List.copyOf(out.values());
    }

    /** Checks {@link PoseConv2d#convolve} on one case; seeded, so the same seed draws the same tensors. */
    public static Outcome check(ConvCase c, long seed) {
        return check(c, seed, PoseConv2d::convolve);
    }

    /**
     * Checks a convolution against the float64 reference on one case.
     *
     * @param c the shapes
     * @param seed seeds the inputs, the weights and the upstream gradient
     * @param convolution the float32 convolution under test
     */
    public static Outcome check(ConvCase c, long seed, Convolution convolution) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape xShape = new Shape(c.batch(), c.inChannels(), c.sizePx(), c.sizePx());
        Shape wShape = new Shape(c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
        int pad = c.kernel() / 2;
        int outSide = (c.sizePx() + 2 * pad - c.kernel()) / c.stride() + 1;
        Shape yShape = new Shape(c.batch(), c.outChannels(), outSide, outSide);
        double[] x = normal(random, xShape.size(), 1.0);
        double[] w = normal(random, wShape.size(), 1.0 / Math.sqrt((double) c.inChannels() * c.kernel() * c.kernel()));
        double[] b = c.bias() ? normal(random, c.outChannels(), 0.1) : null;
        double[] g = normal(random, yShape.size(), 0.03);
        try (NDManager manager = NDManager.newBaseManager()) {
            poisonFreedMemory(manager);
            double[][] test = run(manager, DataType.FLOAT32, x, w, b, g, xShape, wShape, c, convolution);
            double[][] reference = run(manager, DataType.FLOAT64, x, w, b, g, xShape, wShape, c,
                    ConvGradientCheck::shiftedProducts);
            return new Outcome(c, relativeError(test[0], reference[0]), relativeError(test[1], reference[1]),
                    relativeError(test[2], reference[2]), c.bias() ? relativeError(test[3], reference[3]) : 0);
        }
    }

    /**
     * Runs every standard case at the given intra-op thread count, then restores the previous count.
     *
     * @param seed root seed: case i draws its tensors from the stream (seed, gradient check, i) of {@link Seeds}
     * @return the outcomes in case order
     */
    public static List<Outcome> runAll(List<ConvCase> cases, int threads, long seed) {
        Engine.getEngine("PyTorch"); // loads the native library the thread calls go to
        int before = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        try {
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                out.add(check(cases.get(i), Seeds.seed(seed, Seeds.Purpose.GRADIENT_CHECK, i)));
            }
            return out;
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    /**
     * Checks every distinct convolution of a network at the engine's current thread count and throws when one
     * disagrees with the float64 reference: training through such a convolution would learn from wrong gradients.
     * Takes well under a second for {@code wdr-cpu}.
     *
     * @throws IllegalStateException one line naming the shape and what disagrees
     */
    public static void verify(ModelConfig config) {
        Engine.getEngine("PyTorch"); // loads the native library before the thread count is read
        firstFailure(networkCases(config), JniUtils.getNumThreads()).ifPresent(f -> {
            throw new IllegalStateException("the engine computes a wrong convolution on this machine (" + f.describe()
                    + "); training would learn from wrong gradients; 'mqat doctor' runs the full check");
        });
    }

    /** Forward output, input gradient, weight gradient and bias gradient (null without bias), as doubles. */
    private static double[][] run(NDManager parent, DataType type, double[] x, double[] w, double[] b, double[] g,
            Shape xShape, Shape wShape, ConvCase c, Convolution convolution) {
        try (NDManager m = parent.newSubManager()) {
            NDArray xs = m.create(x, xShape).toType(type, false);
            NDArray ws = m.create(w, wShape).toType(type, false);
            NDArray bs = b == null ? null : m.create(b, new Shape(c.outChannels())).toType(type, false);
            xs.setRequiresGradient(true);
            ws.setRequiresGradient(true);
            if (bs != null) {
                bs.setRequiresGradient(true);
            }
            NDArray y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                y = convolution.apply(xs, ws, bs, c.stride(), c.kernel() / 2);
                NDArray upstream = m.create(g, y.getShape()).toType(type, false);
                NDArray loss = y.mul(upstream).sum();
                poisonFreedMemory(m);
                collector.backward(loss);
            }
            return new double[][] {doubles(y), doubles(xs.getGradient()), doubles(ws.getGradient()),
                bs == null ? null : doubles(bs.getGradient())};
        }
    }

    /**
     * The float64 reference: the convolution written as a sum over kernel offsets of matrix products between the
     * weight slice {@code w[:, :, i, j]} and the input shifted by that offset, so that no convolution kernel of the
     * engine takes part; autograd of these plain operators gives the reference gradients.
     */
    private static NDArray shiftedProducts(NDArray x, NDArray w, NDArray b, int stride, int pad) {
        Shape xs = x.getShape();
        Shape ws = w.getShape();
        long n = xs.get(0);
        long channels = xs.get(1);
        long height = xs.get(2);
        long width = xs.get(3);
        long out = ws.get(0);
        int kernel = (int) ws.get(2);
        long outH = (height + 2L * pad - kernel) / stride + 1;
        long outW = (width + 2L * pad - kernel) / stride + 1;
        NDArray padded = x;
        if (pad > 0) {
            NDManager m = x.getManager();
            NDArray side = m.zeros(new Shape(n, channels, height, pad), x.getDataType());
            padded = NDArrays.concat(new NDList(side, x, side), 3);
            NDArray band = m.zeros(new Shape(n, channels, pad, width + 2L * pad), x.getDataType());
            padded = NDArrays.concat(new NDList(band, padded, band), 2);
        }
        NDArray y = null;
        for (int i = 0; i < kernel; i++) {
            for (int j = 0; j < kernel; j++) {
                NDArray window = padded.get(new NDIndex(":, :, " + i + ":" + (i + stride * (outH - 1) + 1) + ":" + stride
                        + ", " + j + ":" + (j + stride * (outW - 1) + 1) + ":" + stride)).reshape(n, channels, outH * outW);
                NDArray term = w.get(new NDIndex(":, :, " + i + ", " + j)).matMul(window);
                y = y == null ? term : y.add(term);
            }
        }
        y = y.reshape(n, out, outH, outW);
        return b == null ? y : y.add(b.reshape(1, out, 1, 1));
    }

    /** Allocates arrays of several sizes filled with NaN and frees them, so stale memory reads as NaN. */
    private static void poisonFreedMemory(NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            for (long n = 256; n <= (1L << 21); n *= 4) {
                m.full(new Shape(n), Float.NaN, DataType.FLOAT32);
            }
        }
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, true).toDoubleArray();
    }

    private static double relativeError(double[] test, double[] reference) {
        double scale = 0;
        for (double r : reference) {
            scale = Math.max(scale, Math.abs(r));
        }
        double worst = 0;
        for (int i = 0; i < test.length; i++) {
            double d = Math.abs(test[i] - reference[i]);
            if (!Double.isFinite(test[i])) {
                return Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, d);
        }
        return worst / Math.max(scale, Double.MIN_NORMAL);
    }

    private static double[] normal(SplittableRandom random, long n, double sd) {
        double[] out = new double[Math.toIntExact(n)];
        for (int i = 0; i < out.length; i++) {
            // Box-Muller from the seeded generator: the same seed gives the same tensors on every platform
            double u = 1.0 - random.nextDouble();
            out[i] = sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }
        return out;
    }
}
