package dev.mqat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.mqat.data.Batch;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.train.LossConfig;
import dev.mqat.train.PoseObjective;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Both Hutchinson estimators of {@code Tr(H_ii)} against the exact trace, on one layer small enough that its Hessian
 * block can be built column by column: the double-backward products {@code v.(Hv)} of {@link CurvatureProbe} and the
 * central differences {@code v.(g(W + h v) - g(W - h v)) / 2h} of ordinary gradients, along the same Rademacher
 * directions, on one fixed batch. Everything is measured once ({@link #measure()}); the tests compare.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HessianExactTraceTest {

    /**
     * The probed layer: 72 weights at width 0.125 ([1, 8, 3, 3]). No ReLU follows it, so the loss is smooth along its
     * weights (logits into the focal loss) and the central differences need no offsets keeping units off their kinks.
     */
    private static final String LAYER = "head.cls_logits";
    /**
     * Step of the central differences, a power of two. Measured, trace of the differenced block against the exact
     * trace: 2^-6 off by 4.5e-5 (truncation, shrinking 4x per halving), 2^-8 by 2.3e-6, 2^-10 to 2^-14 by 1.6e-4 to
     * 1.6e-3 and 2^-16 by 2.8e-3 (float32 rounding of the gradients, growing as the step shrinks).
     */
    private static final float STEP = 0x1p-8f;
    /** Error allowed to the trace of the differenced block, relative to the exact trace: 40 times the measured. */
    private static final double TRACE_TOLERANCE = 1e-4;
    /**
     * Error allowed to one sample along a Rademacher direction, relative to the exact trace. Measured at most 7e-4
     * over the 64 samples, between the differences and the products and between either and the built block: rounding
     * and truncation, larger along v (|v|^2 = 72) than along e_j. The means of the differences and of the products
     * differed by 9e-5.
     */
    private static final double SAMPLE_TOLERANCE = 5e-3;
    /** Rademacher samples per estimator. */
    private static final int SAMPLES = 64;
    /** A normal mean falls outside this many standard errors once in 16000 draws; the fixed seeds fix the draw. */
    private static final double STANDARD_ERRORS = 4;

    private NDManager manager;
    private PoseNet net;
    private PoseConv2d layer;
    private int layerIndex;
    private Batch batch;
    private PoseObjective objective;
    private CurvatureProbe probe;

    /** Sum over the layer's weights j of the double-backward product along the one-hot e_j, that is of H_jj. */
    private double exactTrace;
    /** The layer's Hessian block built column by column, column j from the central difference along e_j. */
    private double[][] hessian;
    /** Per Rademacher direction v: the double-backward product v.(Hv). */
    private double[] products;
    /** Per direction: the central difference v.(g(W + h v) - g(W - h v)) / 2h. */
    private double[] differences;
    /** Per direction: v.(Hv) with the built block. */
    private double[] quadraticForms;

    /**
     * Seeded tiny network as initialised (batch-norm statistics of the images), 64 px, one fixed batch of 16:
     * libtorch computes wrong second derivatives of convolutions on AVX-512 CPUs for batches not a multiple of 16.
     */
    @BeforeAll
    void measure() {
        manager = NDManager.newBaseManager();
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.125);
        List<InputImage> images = HessianTraceTest.images(16, 64, 5);
        net = HessianTraceTest.network(manager, config, images, false);
        batch = new Batch(0, 0, BatchLoader.normalize(images), images);
        objective = new PoseObjective(config, LossConfig.defaults(), 11);
        layer = net.layer(LAYER);
        layerIndex = net.layers().indexOf(layer);
        probe = new CurvatureProbe(net, manager, objective);
        int n = Math.toIntExact(layer.weightCount());

        hessian = new double[n][];
        for (int j = 0; j < n; j++) {
            float[] oneHot = new float[n];
            oneHot[j] = 1;
            exactTrace += product(oneHot);
            hessian[j] = gradientDifference(oneHot);
        }

        // directions over this layer only: HessianTrace's joint vectors over all layers add cross terms v_i.H_ij v_j
        // of mean zero that, next to the pose head's curvature, took the standard error from 0.036 to 8.1
        SplittableRandom random = new SplittableRandom(3);
        products = new double[SAMPLES];
        differences = new double[SAMPLES];
        quadraticForms = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            float[] v = HessianTrace.rademacher(List.of(layer), random)[0];
            products[s] = product(v);
            differences[s] = dot(v, gradientDifference(v));
            quadraticForms[s] = quadraticForm(hessian, v);
        }
    }

    @AfterAll
    void closeManager() {
        manager.close();
    }

    /** The diagonal the double backward gives and the block the differences build describe the same Hessian. */
    @Test
    void exactTraceEqualsTheTraceOfTheBlockBuiltFromGradientDifferences() {
        double trace = 0;
        double largest = 0;
        double asymmetry = 0;
        for (int j = 0; j < hessian.length; j++) {
            trace += hessian[j][j];
            for (int k = 0; k < hessian.length; k++) {
                largest = Math.max(largest, Math.abs(hessian[j][k]));
                asymmetry = Math.max(asymmetry, Math.abs(hessian[j][k] - hessian[k][j]));
            }
        }
        assertThat(exactTrace).as("exact trace of %s", LAYER).isNotZero();
        assertThat(trace).as("trace of the block built from central differences")
                .isCloseTo(exactTrace, within(TRACE_TOLERANCE * Math.abs(exactTrace)));
        // measured 1e-3 of the largest entry: float32 rounding of the gradients, not shared by H_jk and H_kj
        assertThat(asymmetry).as("largest |H_jk - H_kj| of the built block, largest entry %s", largest)
                .isLessThan(1e-2 * largest);
    }

    /**
     * Every sample of both estimators is the quadratic form of the built block along its direction, so the spread
     * of the means below is Hutchinson's sampling error and nothing else.
     */
    @Test
    void everySampleIsTheQuadraticFormOfTheBuiltBlock() {
        double tolerance = SAMPLE_TOLERANCE * Math.abs(exactTrace);
        for (int s = 0; s < SAMPLES; s++) {
            assertThat(products[s]).as("double-backward sample %s", s).isCloseTo(quadraticForms[s], within(tolerance));
            assertThat(differences[s]).as("central-difference sample %s", s)
                    .isCloseTo(quadraticForms[s], within(tolerance));
        }
        // the check can fail: each sample against the block along the next sample's direction
        long matched = 0;
        for (int s = 0; s + 1 < SAMPLES; s++) {
            matched += Math.abs(products[s] - quadraticForms[s + 1]) <= tolerance ? 1 : 0;
        }
        assertThat(matched).as("samples that match the block along another direction").isLessThan(SAMPLES / 8);
    }

    @Test
    void hutchinsonMeanOfDoubleBackwardProductsIsWithinFourStandardErrorsOfTheExactTrace() {
        HessianTrace.Moments m = moments(products);
        assertThat(m.mean()).as("Hutchinson mean of %s products, standard error %s", SAMPLES, m.standardError())
                .isCloseTo(exactTrace, within(STANDARD_ERRORS * m.standardError()));
        // the stated error is the right size: Var(v.Hv) = 2 sum_{j != k} H_jk^2 for Rademacher v. A standard
        // deviation from 64 samples of kurtosis 13 (measured) is itself uncertain by sqrt((13 - 1) / (4 * 64)) = 22%;
        // a factor of two either way allows for that and still catches an error without its sqrt(samples)
        double predicted = predictedStandardDeviation() / Math.sqrt(SAMPLES);
        assertThat(m.standardError()).as("standard error against sqrt(2 sum H_jk^2 / samples) = %s", predicted)
                .isBetween(predicted / 2, predicted * 2);
    }

    @Test
    void hutchinsonMeanOfCentralDifferencesIsWithinFourStandardErrorsOfTheExactTrace() {
        HessianTrace.Moments m = moments(differences);
        assertThat(m.mean()).as("Hutchinson mean of %s central differences, standard error %s", SAMPLES,
                m.standardError()).isCloseTo(exactTrace, within(STANDARD_ERRORS * m.standardError()
                        + SAMPLE_TOLERANCE * Math.abs(exactTrace)));
    }

    /** The comparisons can fail: the trace of the Hessian of twice the loss lies far outside both estimators' error. */
    @Test
    void bothHutchinsonMeansRejectTheTraceOfTwiceTheLoss() {
        for (double[] samples : List.of(products, differences)) {
            HessianTrace.Moments m = moments(samples);
            assertThat(Math.abs(m.mean() - 2 * exactTrace)).as("distance of the mean %s from twice the trace %s, "
                    + "standard error %s", m.mean(), 2 * exactTrace, m.standardError())
                    .isGreaterThan(STANDARD_ERRORS * m.standardError() + SAMPLE_TOLERANCE * Math.abs(exactTrace));
        }
    }

    /** Standard deviation of one Hutchinson sample, from the built block: sqrt(2 sum_{j != k} H_jk^2). */
    private double predictedStandardDeviation() {
        double sum = 0;
        for (int j = 0; j < hessian.length; j++) {
            for (int k = 0; k < hessian.length; k++) {
                if (j != k) {
                    sum += hessian[j][k] * hessian[j][k];
                }
            }
        }
        return Math.sqrt(2 * sum);
    }

    private static HessianTrace.Moments moments(double[] samples) {
        HessianTrace.Moments m = new HessianTrace.Moments();
        for (double x : samples) {
            m.add(x);
        }
        return m;
    }

    /** v.(Hv) of the layer by the probe's double backward, the direction zero on every other layer. */
    private double product(float[] v) {
        float[][] directions = new float[net.layers().size()][];
        for (int i = 0; i < directions.length; i++) {
            directions[i] = i == layerIndex ? v : new float[Math.toIntExact(net.layers().get(i).weightCount())];
        }
        return probe.curvatures(batch, directions)[layerIndex];
    }

    /** (g(W + h v) - g(W - h v)) / 2h of the layer's weight; the weight is restored bit for bit afterwards. */
    private double[] gradientDifference(float[] v) {
        NDArray weight = layer.weight().getArray();
        float[] trained = weight.toFloatArray();
        float[] plus = trained.clone();
        float[] minus = trained.clone();
        for (int j = 0; j < trained.length; j++) {
            plus[j] += STEP * v[j];
            minus[j] -= STEP * v[j];
        }
        float[] gPlus;
        float[] gMinus;
        try {
            gPlus = gradientAt(plus);
            gMinus = gradientAt(minus);
        } finally {
            weight.set(trained);
        }
        double[] out = new double[trained.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = ((double) gPlus[j] - gMinus[j]) / (2.0 * STEP);
        }
        return out;
    }

    /** The loss gradient of the layer's weight set to {@code values}, from one ordinary inference-mode backward. */
    private float[] gradientAt(float[] values) {
        NDArray weight = layer.weight().getArray();
        weight.set(values);
        try (NDScope scope = new NDScope(); GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray input = HostArrays.copyOf(manager, batch.pixels(), new Shape(batch.size(), 3, batch.sizePx(),
                    batch.sizePx()));
            NDList outputs = net.forward(new OnlyWeightStore(manager, layer.weight()), new NDList(input), false);
            collector.backward(objective.compute(outputs, batch).total());
            NDArray gradient = weight.getGradient();
            float[] out = gradient.toFloatArray();
            gradient.muli(0); // gradients accumulate
            return out;
        }
    }

    private static double dot(float[] v, double[] x) {
        double sum = 0;
        for (int j = 0; j < v.length; j++) {
            sum += v[j] * x[j];
        }
        return sum;
    }

    private static double quadraticForm(double[][] columns, float[] v) {
        double sum = 0;
        for (int j = 0; j < v.length; j++) {
            sum += v[j] * dot(v, columns[j]);
        }
        return sum;
    }

    /**
     * Reads every parameter but one weight detached from autograd: the backward then stops at the head instead of
     * running through the whole network: 17 instead of 93 ms per central difference.
     */
    private static final class OnlyWeightStore extends ParameterStore {
        private final Parameter weight;

        OnlyWeightStore(NDManager manager, Parameter weight) {
            super(manager, false);
            this.weight = weight;
        }

        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null;
            }
            NDArray value = parameter == weight ? parameter.getArray() : parameter.getArray().stopGradient();
            return value.getDevice().equals(device) ? value : value.toDevice(device, false);
        }
    }
}
