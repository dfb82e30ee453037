package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cost of a quantization-aware training step against a float step of the same network in the same process:
 * {@code wdr-cpu}, every module quantized at 8 bits per tensor (INQ half frozen, LSQ, STE), weights only and with
 * 8-bit input activations, PoseLoss, gradient clipping and Adam as {@link PoseTrainer} runs them.
 *
 * <p>The variants take turns (one block of steps each per round) so that a change of machine load falls on all of
 * them; the figure per variant is the median over all its timed steps. Run alone on the machine:
 * {@code mvn -o -q -B test -Dtest=QatStepBenchmark -Dmqat.excludedGroups= -Dmqat.test.threads=2
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.batch=32 -Dbench.size=128 -Dbench.rounds=4 -Dbench.steps=10]};
 * the table goes to stdout and {@code target/qat-step-benchmark.txt}.
 */
@Tag("benchmark")
class QatStepBenchmark {

    @Test
    void qatStepAgainstFloatStep() throws Exception {
        int batch = Integer.getInteger("bench.batch", 32);
        int rounds = Integer.getInteger("bench.rounds", 4);
        int steps = Integer.getInteger("bench.steps", 10);
        int warmup = 3;
        Engine.getInstance().setRandomSeed(1);
        ModelConfig config = ModelConfig.defaults();
        int px = Integer.getInteger("bench.size", config.inputSizePx());
        SplittableRandom r = new SplittableRandom(5);
        float[] pixels = new float[batch * 3 * px * px];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        CameraIntrinsics cam = TrainFixtures.camera(px);
        AnchorGrid grid = AnchorGrid.of(config, px, px);
        TargetAssigner assigner = new TargetAssigner(grid, LossConfig.defaults());
        List<ImageTargets> targets = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            ObjectInstance obj = TrainFixtures.object(TrainFixtures.randomPose(r, r.nextDouble(-200, 200),
                    r.nextDouble(-200, 200), r.nextDouble(450, 3000)), cam);
            targets.add(assigner.assign(List.of(obj), cam, r.split()));
        }
        PoseLoss poseLoss = new PoseLoss(grid, LossConfig.defaults());
        Shape inputShape = new Shape(batch, 3, px, px);

        Map<String, Variant> variants = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            variants.put("float", new Variant(manager, config, null, 0));
            variants.put("inq 8-8-8 (half frozen)", new Variant(manager, config, QuantizerKind.INQ, 0));
            variants.put("lsq 8-8-8", new Variant(manager, config, QuantizerKind.LSQ, 0));
            variants.put("ste 8-8-8", new Variant(manager, config, QuantizerKind.STE, 0));
            variants.put("lsq 8-8-8, act 8", new Variant(manager, config, QuantizerKind.LSQ, 8));
            variants.put("inq 8-8-8, act 8", new Variant(manager, config, QuantizerKind.INQ, 8));
            Map<String, List<double[]>> samples = new LinkedHashMap<>();
            variants.keySet().forEach(k -> samples.put(k, new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Variant> e : variants.entrySet()) {
                    for (int s = 0; s < (round == 0 ? warmup : 0) + steps; s++) {
                        double[] t = e.getValue().step(pixels, inputShape, out -> poseLoss.compute(out, targets).total());
                        if (round > 0 || s >= warmup) {
                            samples.get(e.getKey()).add(t);
                        }
                    }
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%n== wdr-cpu QAT step against float step, batch %d, %d px, %d rounds x %d"
                    + " steps per variant, interleaved ==%n", batch, px, rounds, steps));
            sb.append(String.format(Locale.ROOT, "%-26s %9s %7s %9s %9s %9s%n", "variant", "ms/step", "x float",
                    "forward", "backward", "update"));
            double floatMs = median(samples.get("float"), 0);
            for (Map.Entry<String, List<double[]>> e : samples.entrySet()) {
                List<double[]> t = e.getValue();
                double ms = median(t, 0);
                sb.append(String.format(Locale.ROOT, "%-26s %9.1f %7.2f %9.1f %9.1f %9.1f%n", e.getKey(), ms,
                        ms / floatMs, median(t, 1), median(t, 2), median(t, 3)));
                assertThat(t.get(t.size() - 1)[4]).as(e.getKey() + " loss").isFinite();
            }
            System.out.print(sb);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "qat-step-benchmark.txt"), sb.toString());
        }
    }

    /** One network with its quantizers, optimizer and parameter store; a step as {@link PoseTrainer} runs it. */
    private static final class Variant {
        private final PoseNet net;
        private final NDManager manager;
        private final ParameterStore store;
        private final ParameterOptimizer optimizer;

        Variant(NDManager manager, ModelConfig config, QuantizerKind kind, int actBits) {
            this.manager = manager;
            this.net = PoseNet.create(config, manager);
            if (kind != null) {
                Quantization.attach(net, BitPlan.uniform(8), kind, Granularity.PER_TENSOR);
                if (actBits > 0) {
                    for (NetModule m : NetModule.values()) {
                        Quantization.attachInputQuantizers(net, m, ActivationQuantSpec.defaults().withBits(actBits));
                    }
                }
                if (kind == QuantizerKind.INQ) {
                    for (NetModule m : NetModule.values()) {
                        Quantization.freezeInq(net, m, 0.5);
                    }
                }
            }
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            net.namedParameters().forEach((name, p) -> {
                if (p.requiresGradient()) {
                    trainable.put(name, p);
                }
            });
            this.store = new ParameterStore(manager, false);
            this.optimizer = new ParameterOptimizer(OptimizerKind.ADAM, trainable, manager);
        }

        /** Returns {wall ms, forward+loss ms, backward ms, clip+update ms, loss}. */
        double[] step(float[] pixels, Shape shape, java.util.function.Function<NDList, NDArray> lossOf) {
            long t0 = System.nanoTime();
            float loss;
            long t1;
            long t2;
            try (NDScope scope = new NDScope(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray input = HostArrays.copyOf(manager, pixels, shape);
                NDArray total = lossOf.apply(net.forward(store, new NDList(input), true));
                t1 = System.nanoTime();
                gc.backward(total);
                loss = total.getFloat();
                t2 = System.nanoTime();
            }
            optimizer.clipGradients(10.0);
            optimizer.step(1e-4);
            long t3 = System.nanoTime();
            return new double[] {(t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, loss};
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
