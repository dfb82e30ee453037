package dev.mqat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
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
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import dev.mqat.model.BatchNormCalibration;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.train.LossConfig;
import dev.mqat.train.LossParts;
import dev.mqat.train.PoseObjective;
import dev.mqat.train.PoseTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HessianTraceTest {

    /** Corners of a 100 x 80 x 60 mm box, in the order of {@code Mesh.bboxCorners()}. */
    private static final double[][] BOX = {
        {-50, -40, -30}, {-50, -40, 30}, {-50, 40, -30}, {-50, 40, 30},
        {50, -40, -30}, {50, -40, 30}, {50, 40, -30}, {50, 40, 30}};

    /**
     * Step of the central differences: a power of two, so that {@code W +- h v} is exact in float32 for every weight
     * below 256 in magnitude and the two weights differ by exactly {@code 2 h v}. Measured on the network of the test:
     * at 2^-14 the differences were still off by up to 36% (the loss is only piecewise twice differentiable, and group
     * norms over a few values curve sharply), at 2^-18 float32 rounding in the gradients moved the smallest curvatures
     * by 1%; at 2^-16 and 2^-17 every layer agreed with the double backward to 0.6%.
     */
    static final float STEP = 0x1p-16f;
    /**
     * Relative agreement asked of each layer, and of the differences at half the step (the reference must be settled
     * to better than what it is used to check).
     */
    private static final double RELATIVE_TOLERANCE = 0.01;
    /** Curvatures below this fraction of the largest one are compared in absolute terms only. */
    private static final double NEGLIGIBLE = 1e-6;

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    /**
     * The Hessian-vector products of the double backward against central differences of ordinary gradients, per
     * layer, on the real training loss. The batch norms and group norms are given offsets that keep every ReLU and
     * leaky ReLU input positive: a difference step that moves a unit across its kink makes the gradient jump, and on
     * the network as initialised that ruined the float32 differences of most layers at every step size, while the
     * double backward (which differentiates the active linear piece) agreed with float64 differences to 1e-5. With
     * the kinks out of reach the loss is smooth along the line and the differences converge; the second-derivative
     * kernels exercised are the same.
     */
    @Test
    void doubleBackpropAgreesWithCentralDifferencesOfGradients() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.5);
        List<InputImage> images = images(16, 64, 5);
        PoseNet net = network(manager, config, images, true);
        Batch batch = new Batch(0, 0, BatchLoader.normalize(images), images);
        PoseObjective objective = new PoseObjective(config, LossConfig.defaults(), 11);
        List<PoseConv2d> layers = net.layers();
        float[][] direction = HessianTrace.rademacher(layers, new SplittableRandom(99));

        CurvatureProbe probe = new CurvatureProbe(net, manager, objective);
        double[] backprop = probe.curvatures(batch, direction);
        double[] differences = centralDifferences(manager, net, batch, objective, direction, STEP);
        double[] halfStep = centralDifferences(manager, net, batch, objective, direction, STEP / 2);

        double largest = Arrays.stream(differences).map(Math::abs).max().orElseThrow();
        assertThat(largest).as("largest curvature").isGreaterThan(0);
        assertThat(disagreements(layers, halfStep, differences, largest))
                .as("layers whose central differences move when the step is halved (the reference is not settled)")
                .isEmpty();
        assertThat(disagreements(layers, backprop, differences, largest))
                .as("layers whose double-backward v_i . (H v)_i differs from the central difference").isEmpty();
        long compared = Arrays.stream(differences).filter(d -> Math.abs(d) >= NEGLIGIBLE * largest).count();
        assertThat(compared).as("layers with a non-negligible curvature").isGreaterThan(layers.size() * 3L / 4);

        // the comparison can fail: curvatures along another direction disagree with these differences
        double[] elsewhere = probe.curvatures(batch, HessianTrace.rademacher(layers, new SplittableRandom(100)));
        assertThat(disagreements(layers, elsewhere, differences, largest)).as("layers that disagree along another "
                + "direction").hasSizeGreaterThan(layers.size() * 3 / 4);
    }

    /** One line per layer where {@code tested} and {@code reference} differ by more than the tolerance. */
    private static List<String> disagreements(List<PoseConv2d> layers, double[] tested, double[] reference,
            double largest) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (!agree(tested[i], reference[i], largest)) {
                out.add(layers.get(i).name() + ": " + tested[i] + " against " + reference[i]);
            }
        }
        return out;
    }

    private static boolean agree(double tested, double reference, double largest) {
        return Math.abs(tested - reference) <= RELATIVE_TOLERANCE * Math.abs(reference) + NEGLIGIBLE * largest;
    }

    /**
     * A known answer: twice the loss has twice the Hessian, so with the same batches and directions every trace and
     * standard error doubles. Doubling is exact in binary floating point, so only subnormal intermediates could make
     * the two runs differ at all.
     */
    @Test
    void twiceTheLossGivesTwiceEveryTraceAndStandardError() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.125);
        List<InputImage> images = images(16, 64, 8);
        PoseNet net = network(manager, config, images, false);
        PoseObjective objective = new PoseObjective(config, LossConfig.defaults(), 4);
        PoseTrainer.Objective doubled = (outputs, batch) -> {
            LossParts parts = objective.compute(outputs, batch);
            return new LossParts(parts.total().mul(2), parts.classification(), parts.regression(), parts.positives());
        };
        HessianTrace.Settings settings = new HessianTrace.Settings(16, 3, 3, 0.05, 8);

        HessianTrace.Result once = HessianTrace.estimate(settings, net, manager, images, objective, done -> {});
        HessianTrace.Result twice = HessianTrace.estimate(settings, net, manager, images, doubled, done -> {});

        assertThat(twice.samples()).isEqualTo(once.samples());
        for (int i = 0; i < once.layers().size(); i++) {
            HessianTrace.LayerTrace a = once.layers().get(i);
            HessianTrace.LayerTrace b = twice.layers().get(i);
            assertThat(b.trace()).as("trace of %s for twice the loss", a.layer())
                    .isCloseTo(2 * a.trace(), within(1e-12 * Math.abs(a.trace())));
            assertThat(b.standardError()).as("standard error of %s for twice the loss", a.layer())
                    .isCloseTo(2 * a.standardError(), within(1e-12 * a.standardError()));
        }
        assertThat(once.layers()).as("traces that are not zero").anySatisfy(t -> assertThat(t.trace()).isNotZero());
    }

    /** Entries of +-1 only, one array per layer sized like its weight, signs balanced, the same for the same seed. */
    @Test
    void rademacherDirectionsAreSignsSizedLikeTheWeights() {
        PoseNet net = PoseNet.build(ModelConfig.defaults().withWidthMultiplier(0.5));
        float[][] v = HessianTrace.rademacher(net.layers(), new SplittableRandom(1));
        long count = 0;
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            assertThat((long) v[i].length).as("length of %s", net.layers().get(i).name())
                    .isEqualTo(net.layers().get(i).weightCount());
            for (float x : v[i]) {
                assertThat(Math.abs(x)).isEqualTo(1f);
                sum += x;
            }
            count += v[i].length;
        }
        // a fair sign has mean 0 and standard deviation 1 / sqrt(count): 5 of those is a generous bound
        assertThat(Math.abs(sum / count)).as("mean sign over %s entries", count).isLessThan(5 / Math.sqrt(count));
        assertThat(HessianTrace.rademacher(net.layers(), new SplittableRandom(1))).isDeepEqualTo(v);
    }

    @Test
    void sameSeedGivesTheSameResultAndTheNetworkIsLeftAsItWas() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25);
        List<InputImage> images = images(32, 64, 6);
        PoseNet net = network(manager, config, images, false);
        PoseObjective objective = new PoseObjective(config, LossConfig.defaults(), 4);
        fillGradients(net, objective, new Batch(0, 0, BatchLoader.normalize(images.subList(0, 16)), images.subList(0, 16)));
        Map<String, float[]> parameters = snapshot(net, false);
        Map<String, float[]> gradients = snapshot(net, true);
        int arrays = manager.getManagedArrays().size();
        HessianTrace.Settings settings = new HessianTrace.Settings(16, 3, 3, 0.05, 21);

        List<Integer> progress = new ArrayList<>();
        HessianTrace.Result first = HessianTrace.estimate(settings, net, manager, images, objective, progress::add);
        HessianTrace.Result again = HessianTrace.estimate(settings, net, manager, images, objective, done -> {});
        HessianTrace.Result otherSeed = HessianTrace.estimate(settings.withSeed(22), net, manager, images, objective,
                done -> {});

        assertThat(again).as("same settings, same network, same images").isEqualTo(first);
        assertThat(otherSeed.layers()).as("another seed draws other batches and directions").isNotEqualTo(first.layers());
        assertThat(first.layers()).extracting(HessianTrace.LayerTrace::layer)
                .containsExactlyElementsOf(net.layers().stream().map(PoseConv2d::name).toList());
        assertThat(first.layers()).allSatisfy(t -> assertThat(t.standardError()).isFinite().isPositive());
        assertThat(first.tracesByLayer()).containsExactlyEntriesOf(first.layers().stream().collect(
                java.util.stream.Collectors.toMap(HessianTrace.LayerTrace::layer, HessianTrace.LayerTrace::trace,
                        (a, b) -> a, java.util.LinkedHashMap::new)));
        assertThat(progress).containsExactly(1, 2, 3);
        assertThat(changed(parameters, snapshot(net, false))).as("parameters changed by three estimates").isEmpty();
        assertThat(changed(gradients, snapshot(net, true))).as("gradients changed by three estimates").isEmpty();
        assertThat(manager.getManagedArrays()).as("arrays left in the model's manager").hasSize(arrays);
    }

    @Test
    void samplingStopsAtTheMinimumWhenSettledAndAtTheMaximumOtherwise() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.125);
        List<InputImage> images = images(16, 64, 9);
        PoseNet net = network(manager, config, images, false);
        PoseObjective objective = new PoseObjective(config, LossConfig.defaults(), 4);

        HessianTrace.Result loose = HessianTrace.estimate(new HessianTrace.Settings(16, 2, 6, 1e9, 1), net, manager,
                images, objective, done -> {});
        HessianTrace.Result strict = HessianTrace.estimate(new HessianTrace.Settings(16, 2, 6, 1e-9, 1), net, manager,
                images, objective, done -> {});

        assertThat(loose.samples()).isEqualTo(2);
        assertThat(loose.settled()).isTrue();
        assertThat(strict.samples()).isEqualTo(6);
        assertThat(strict.settled()).isFalse();
    }

    /** Hand-computed: 1, 2, 3, 4 have mean 2.5, sample variance 5/3, standard error sqrt(5/3 / 4). */
    @Test
    void momentsGiveTheMeanAndTheStandardErrorOfTheMean() {
        HessianTrace.Moments moments = new HessianTrace.Moments();
        moments.add(1);
        assertThat(moments.standardError()).as("one sample").isInfinite();
        moments.add(2);
        moments.add(3);
        moments.add(4);
        assertThat(moments.mean()).isCloseTo(2.5, within(1e-15));
        assertThat(moments.standardError()).isCloseTo(Math.sqrt(5.0 / 3 / 4), within(1e-15));
    }

    @Test
    void settingsRejectBadValuesNamingTheKey() {
        HessianTrace.Settings d = HessianTrace.Settings.defaults();
        assertThat(d.withMaxSamples(128).maxSamples()).isEqualTo(128);
        assertThat(d.withMaxSamples(4).minSamples()).isEqualTo(4);
        assertThatThrownBy(() -> d.withBatchSize(24)).hasMessageContaining("hessian.batchSize").hasMessageContaining("24");
        assertThatThrownBy(() -> d.withBatchSize(0)).hasMessageContaining("hessian.batchSize");
        assertThatThrownBy(() -> d.withMaxSamples(1)).hasMessageContaining("hessian.maxSamples");
        assertThatThrownBy(() -> new HessianTrace.Settings(32, 1, 8, 0.05, 0)).hasMessageContaining("hessian.minSamples");
        assertThatThrownBy(() -> new HessianTrace.Settings(32, 8, 4, 0.05, 0)).hasMessageContaining("hessian.maxSamples");
        assertThatThrownBy(() -> new HessianTrace.Settings(32, 8, 64, 0, 0))
                .hasMessageContaining("hessian.relativeTolerance");
        assertThatThrownBy(() -> new HessianTrace.Settings(32, 8, 64, Double.NaN, 0))
                .hasMessageContaining("hessian.relativeTolerance");
    }

    @Test
    void aSmallTrainingSetShrinksTheBatchToWholeBlocksOf16() {
        HessianTrace.Settings d = HessianTrace.Settings.defaults(); // batch 32
        assertThat(d.fittedTo(1000)).isEqualTo(d);
        assertThat(d.fittedTo(32)).isEqualTo(d);
        assertThat(d.fittedTo(31).batchSize()).isEqualTo(16);
        assertThat(d.fittedTo(16).batchSize()).isEqualTo(16);
        assertThat(d.withBatchSize(64).fittedTo(50).batchSize()).isEqualTo(48);
        assertThat(d.fittedTo(15)).as("under one block: left for estimate to reject").isEqualTo(d);
        assertThat(d.fittedTo(20).maxSamples()).isEqualTo(d.maxSamples());
    }

    @Test
    void tooFewImagesForABatchAreRejected() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.125);
        List<InputImage> images = images(8, 64, 9);
        PoseNet net = PoseNet.create(config, manager);
        assertThatThrownBy(() -> HessianTrace.estimate(HessianTrace.Settings.defaults().withBatchSize(16), net, manager,
                images, new PoseObjective(config, LossConfig.defaults(), 4), done -> {}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hessian.batchSize")
                .hasMessageContaining("8 images");
    }

    /** The in-place detach that breaks the reference cycle: the gradient loses its history and keeps its values. */
    @Test
    void forgetHistoryDetachesAGradientInPlace() {
        try (NDScope scope = new NDScope(); GradientCollector recording = manager.getEngine().newGradientCollector()) {
            NDArray t = manager.create(new float[] {1, 2, 3});
            t.setRequiresGradient(true);
            SecondOrderAutograd.backward(t.mul(t).mul(t).sum(), true);
            NDArray gradient = t.getGradient();
            // libtorch changes the requires-grad flag of leaves only: it refuses for a tensor with a history
            assertThatThrownBy(() -> gradient.setRequiresGradient(false)).as("flag change on a recorded gradient")
                    .isInstanceOf(EngineException.class);

            SecondOrderAutograd.forgetHistory(gradient);

            t.getGradient().setRequiresGradient(false); // a leaf now: no history left
            assertThat(t.getGradient().toFloatArray()).containsExactly(3, 12, 27);
        }
    }

    /** Seeded engine, initialised network, batch-norm statistics of the images; optionally kinks out of reach. */
    static PoseNet network(NDManager manager, ModelConfig config, List<InputImage> images, boolean linearActivations) {
        Engine.getInstance().setRandomSeed(7);
        PoseNet net = PoseNet.create(config, manager);
        if (linearActivations) {
            // normalised values times 0.5 plus 6 stay positive unless a value lies 12 deviations from its mean
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                if (e.getKey().endsWith(".gamma")) {
                    fill(e.getValue().getArray(), 0.5f);
                } else if (e.getKey().endsWith(".beta")) {
                    fill(e.getValue().getArray(), 6f);
                }
            }
        }
        BatchNormCalibration.recalibrate(net, manager, images, 16);
        return net;
    }

    private static void fill(NDArray array, float value) {
        float[] values = new float[Math.toIntExact(array.size())];
        Arrays.fill(values, value);
        array.set(values);
    }

    /**
     * {@code v_i . (g_i(W + h v) - g_i(W - h v)) / 2h} per layer, from ordinary first-order gradients of the
     * inference-mode forward with the network's own weights moved in place and restored bit for bit afterwards.
     */
    static double[] centralDifferences(NDManager manager, PoseNet net, Batch batch, PoseTrainer.Objective objective,
            float[][] v, float step) {
        List<PoseConv2d> layers = net.layers();
        float[][] trained = new float[layers.size()][];
        for (int i = 0; i < trained.length; i++) {
            trained[i] = layers.get(i).weight().getArray().toFloatArray();
        }
        double[][] slopes = new double[2][];
        try {
            for (int side = 0; side < 2; side++) {
                float h = side == 0 ? step : -step;
                for (int i = 0; i < trained.length; i++) {
                    float[] moved = trained[i].clone();
                    for (int j = 0; j < moved.length; j++) {
                        moved[j] += h * v[i][j];
                    }
                    layers.get(i).weight().getArray().set(moved);
                }
                slopes[side] = directionalSlopes(manager, net, batch, objective, v);
            }
        } finally {
            for (int i = 0; i < trained.length; i++) {
                layers.get(i).weight().getArray().set(trained[i]);
            }
        }
        double[] out = new double[trained.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (slopes[0][i] - slopes[1][i]) / (2.0 * step);
        }
        return out;
    }

    /** {@code v_i . g_i} per layer from one ordinary backward; the weights' gradients are zeroed afterwards. */
    private static double[] directionalSlopes(NDManager manager, PoseNet net, Batch batch,
            PoseTrainer.Objective objective, float[][] v) {
        List<PoseConv2d> layers = net.layers();
        double[] out = new double[layers.size()];
        try (NDScope scope = new NDScope(); GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray input = HostArrays.copyOf(manager, batch.pixels(), new Shape(batch.size(), 3, batch.sizePx(),
                    batch.sizePx()));
            NDList outputs = net.forward(new ParameterStore(manager, false), new NDList(input), false);
            collector.backward(objective.compute(outputs, batch).total());
            for (int i = 0; i < out.length; i++) {
                NDArray gradient = layers.get(i).weight().getArray().getGradient();
                float[] g = gradient.toFloatArray();
                for (int j = 0; j < g.length; j++) {
                    out[i] += (double) v[i][j] * g[j];
                }
                gradient.muli(0);
            }
        }
        return out;
    }

    /** One ordinary backward, so that the parameters hold gradients a later check can compare. */
    private void fillGradients(PoseNet net, PoseTrainer.Objective objective, Batch batch) {
        try (NDScope scope = new NDScope(); GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray input = HostArrays.copyOf(manager, batch.pixels(), new Shape(batch.size(), 3, batch.sizePx(),
                    batch.sizePx()));
            collector.backward(objective.compute(net.forward(new ParameterStore(manager, false), new NDList(input), true),
                    batch).total());
        }
    }

    /** Values, or gradients, of every parameter that has them, by name. */
    private static Map<String, float[]> snapshot(PoseNet net, boolean gradients) {
        Map<String, float[]> out = new TreeMap<>();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            NDArray array = e.getValue().getArray();
            if (!gradients) {
                out.put(e.getKey(), array.toFloatArray());
            } else if (array.hasGradient()) {
                try (NDArray gradient = array.getGradient()) {
                    out.put(e.getKey(), gradient.toFloatArray());
                }
            }
        }
        return out;
    }

    /** Names whose values differ between two snapshots, or that only one of them has. */
    private static List<String> changed(Map<String, float[]> before, Map<String, float[]> after) {
        List<String> out = new ArrayList<>();
        for (String name : before.keySet()) {
            if (!after.containsKey(name) || !Arrays.equals(before.get(name), after.get(name))) {
                out.add(name);
            }
        }
        for (String name : after.keySet()) {
            if (!before.containsKey(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** Random pixels and one box per image, 350 to 650 mm away, seen with a 150 px (at 128 px) focal length. */
    static List<InputImage> images(int count, int sizePx, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double f = 150.0 * sizePx / 128;
        CameraIntrinsics camera = new CameraIntrinsics(f, f, (sizePx - 1) / 2.0, (sizePx - 1) / 2.0, sizePx, sizePx);
        List<InputImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] rgb = new byte[sizePx * sizePx * 3];
            for (int p = 0; p < rgb.length; p++) {
                rgb[p] = (byte) random.nextInt(256);
            }
            double[] translationMm = {random.nextDouble(-30, 30), random.nextDouble(-30, 30), random.nextDouble(350, 650)};
            Pose pose = new Pose(rotation(random), translationMm);
            out.add(new InputImage(rgb, sizePx, camera, List.of(new InputImage.InputObject(0, pose, null, BOX, 141.4))));
        }
        return out;
    }

    /** A rotation matrix, row-major, from a random unit quaternion. */
    private static double[] rotation(SplittableRandom random) {
        double w = random.nextDouble(-1, 1);
        double a = random.nextDouble(-1, 1);
        double b = random.nextDouble(-1, 1);
        double c = random.nextDouble(-1, 1);
        double n = Math.sqrt(w * w + a * a + b * b + c * c);
        w /= n;
        a /= n;
        b /= n;
        c /= n;
        return new double[] {
            1 - 2 * (b * b + c * c), 2 * (a * b - c * w), 2 * (a * c + b * w),
            2 * (a * b + c * w), 1 - 2 * (a * a + c * c), 2 * (b * c - a * w),
            2 * (a * c - b * w), 2 * (b * c + a * w), 1 - 2 * (a * a + b * b)};
    }
}
