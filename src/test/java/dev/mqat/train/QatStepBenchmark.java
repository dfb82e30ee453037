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
import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost of a quantization-aware training step against a float step of the same network, and of both against
 * their PyTorch twins ({@link PyTorchTwin}): {@code wdr-cpu}, every conv quantized at 8 bits per tensor (INQ half
 * frozen, LSQ, STE), weights only and with 8-bit input activations; the network-only step of the twin (sum of squares
 * of both outputs, backward, Adam 1e-3; no clipping on either side).
 *
 * <p>Each round builds every Java network afresh and starts a new Python process per twin, so both sides start from
 * new weights each round; the variants take turns within a round so that a change of machine load falls on all of
 * them. A figure is the median over all timed steps (Java) or over the per-round medians (PyTorch). Run alone on
 * the machine: {@code mvn -o -q -B test -Dtest=QatStepBenchmark -Dmqat.excludedGroups= -Dmqat.test.threads=2
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.settings=32x128,64x64 -Dbench.rounds=3 -Dbench.steps=10]}; the
 * tables go to stdout and {@code target/qat-step-benchmark.txt}.
 */
@Tag("benchmark")
class QatStepBenchmark {
    private static final int WARMUP = 3;

    /** A Java variant and the twin that computes the same step in PyTorch (null when none does). */
    private record Spec(String name, QuantizerKind kind, int actBits, String twin) {}

    private static final List<Spec> SPECS = List.of(
            new Spec("float", null, 0, "none"),
            new Spec("inq 8-8-8 (half frozen)", QuantizerKind.INQ, 0, null),
            new Spec("lsq 8-8-8", QuantizerKind.LSQ, 0, "lsq"),
            new Spec("ste 8-8-8", QuantizerKind.STE, 0, "ste"),
            new Spec("lsq 8-8-8, act 8", QuantizerKind.LSQ, 8, null),
            new Spec("inq 8-8-8, act 8", QuantizerKind.INQ, 8, null));

    @Test
    void qatStepAgainstFloatStepAndPyTorch(@TempDir Path tmp) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 3);
        int steps = Integer.getInteger("bench.steps", 10);
        int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        PyTorchTwin twin = PyTorchTwin.in(tmp);
        StringBuilder sb = new StringBuilder();
        for (String setting : System.getProperty("bench.settings", "32x128,64x64").split(",")) {
            String[] bs = setting.trim().split("x");
            sb.append(table(twin, Integer.parseInt(bs[0]), Integer.parseInt(bs[1]), rounds, steps, threads));
        }
        System.out.print(sb);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "qat-step-benchmark.txt"), sb.toString());
    }

    private static String table(PyTorchTwin twin, int batch, int px, int rounds, int steps, int threads)
            throws Exception {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(px);
        SplittableRandom r = new SplittableRandom(5);
        float[] pixels = new float[batch * 3 * px * px];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
        Shape inputShape = new Shape(batch, 3, px, px);
        Map<String, List<double[]>> java = new LinkedHashMap<>();
        Map<String, List<Double>> py = new LinkedHashMap<>();
        SPECS.forEach(s -> java.put(s.name(), new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            for (Spec spec : SPECS) {
                Engine.getInstance().setRandomSeed(1 + round);
                try (NDManager manager = NDManager.newBaseManager()) {
                    Variant v = new Variant(manager, config, spec.kind(), spec.actBits());
                    for (int s = 0; s < WARMUP + steps; s++) {
                        double[] t = v.step(pixels, inputShape);
                        if (s >= WARMUP) {
                            java.get(spec.name()).add(t);
                        }
                    }
                    v.close();
                }
                if (spec.twin() != null) {
                    JsonNode result = twin.run(batch, px, steps, WARMUP, threads, spec.twin());
                    py.computeIfAbsent(spec.name(), k -> new ArrayList<>()).add(result.get("median_ms").asDouble());
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n== wdr-cpu network-only step, batch %d, %d px, %d threads, %d rounds x"
                + " %d steps per variant, interleaved; median ms ==%n", batch, px, threads, rounds, steps));
        sb.append(String.format(Locale.ROOT, "%-24s %8s %8s %8s %8s %8s %9s %9s%n", "variant", "Java", "x float",
                "forward", "backward", "update", "PyTorch", "Java/PT"));
        double floatMs = median(java.get("float"), 0);
        for (Spec spec : SPECS) {
            List<double[]> t = java.get(spec.name());
            double ms = median(t, 0);
            List<Double> p = py.get(spec.name());
            double pyMs = p == null ? Double.NaN : median(p.stream().map(d -> new double[] {d}).toList(), 0);
            sb.append(String.format(Locale.ROOT, "%-24s %8.1f %8.2f %8.1f %8.1f %8.1f %9s %9s%n", spec.name(), ms,
                    ms / floatMs, median(t, 1), median(t, 2), median(t, 3),
                    p == null ? "-" : String.format(Locale.ROOT, "%.1f", pyMs),
                    p == null ? "-" : String.format(Locale.ROOT, "%.2f", ms / pyMs)));
            assertThat(t.get(t.size() - 1)[4]).as(spec.name() + " loss").isFinite();
        }
        return sb.toString();
    }

    /** One network with its quantizers, optimizer and parameter store; a step as {@link PoseTrainer} runs it. */
    private static final class Variant implements AutoCloseable {
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

        /** One step as the twin's; returns {wall ms, forward+loss ms, backward ms, update ms, loss}. */
        double[] step(float[] pixels, Shape shape) {
            long t0 = System.nanoTime();
            float loss;
            long t1;
            long t2;
            try (NDScope scope = new NDScope(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray input = HostArrays.copyOf(manager, pixels, shape);
                NDList out = net.forward(store, new NDList(input), true);
                NDArray total = out.get(0).square().sum().add(out.get(1).square().sum());
                t1 = System.nanoTime();
                gc.backward(total);
                loss = total.getFloat();
                t2 = System.nanoTime();
            }
            optimizer.step(1e-3);
            long t3 = System.nanoTime();
            return new double[] {(t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, loss};
        }

        @Override
        public void close() {
            optimizer.close();
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
