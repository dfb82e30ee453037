package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training-step time of the CPU preset {@code wdr-cpu} (128 px, batch 32 unless set) in Java against the same network and batch
 * in PyTorch ({@code /usr/bin/python3} with Debian's python3-torch, script {@code bench/wdr_cpu_step.py} in the test
 * resources), in the same run, plus the peak RSS of the Java training loop after 50 and after 500 steps.
 *
 * <p>The Java step is {@link PoseTrainer}'s: an {@link NDScope} per step around input creation, forward, loss and
 * backward in a {@link GradientCollector}, the loss read back, then the {@link ParameterOptimizer} Adam step (lr 1e-3)
 * outside the scope. Two losses: the network-only step uses the sum of squares of both outputs on both sides (the
 * compared figure); the full step uses the real {@link PoseLoss} with targets from {@link TargetAssigner} (Java only).
 * Python and Java runs alternate; the first run of each side has warm-up steps that are not timed.
 *
 * <p>Run: {@code mvn -o -q -B test -Dtest=TrainStepBenchmark -Dmqat.excludedGroups= -Dmqat.test.threads=2
 * -Dsurefire.failIfNoSpecifiedTests=false} (options {@code -Dbench.steps=40 -Dbench.runs=3 -Dbench.rssSteps=500
 * -Dbench.batch=32 -Dbench.size=128}; {@code -Dbench.batch=64 -Dbench.size=64} times the step of
 * {@code mqat train --batch 64 --crop 64}; {@code -Dbench.trace=DIR} profiles one more run a side and prints the
 * operators whose self time differs most; {@code -Dbench.shapes=true} records input shapes in the Java trace).
 */
@Tag("benchmark")
class TrainStepBenchmark {

    private static final int WARMUP = 10;
    /** The compared figure's loss, as in the PyTorch twin: the sum of squares of both outputs. */
    private static final Function<NDList, NDArray> NETWORK_ONLY_LOSS =
            out -> out.get(0).square().sum().add(out.get(1).square().sum());

    @Test
    void wdrCpuJavaAgainstPyTorch(@TempDir Path tmp) throws Exception {
        int steps = Integer.getInteger("bench.steps", 40);
        int runs = Integer.getInteger("bench.runs", 3);
        int rssSteps = Integer.getInteger("bench.rssSteps", 500);
        int batch = Integer.getInteger("bench.batch", 32);
        String traceDir = System.getProperty("bench.trace");
        int threads = Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads",
                Integer.toString(Runtime.getRuntime().availableProcessors())));
        PyTorchTwin twin = PyTorchTwin.in(tmp);
        String loadStart = loadAverage();

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

        try (NDManager manager = NDManager.newBaseManager()) {
            PoseNet net = PoseNet.create(config, manager);
            Map<String, Parameter> trainable = new LinkedHashMap<>();
            net.namedParameters().forEach((name, p) -> {
                if (p.requiresGradient()) {
                    trainable.put(name, p);
                }
            });
            ParameterStore store = new ParameterStore(manager, false);
            Shape inputShape = new Shape(batch, 3, px, px);
            try (ParameterOptimizer optimizer = new ParameterOptimizer(OptimizerKind.ADAM, trainable, manager)) {
                StepLoop loop = new StepLoop(net, manager, store, optimizer, pixels, inputShape);
                long javaParams = net.parameterCount();

                // memory: the real training step (PoseLoss), VmHWM after 50 and after rssSteps steps
                long hwmStart = procStatusKb("VmHWM");
                Samples full = new Samples();
                long hwm50 = -1;
                List<String> rssTrace = new ArrayList<>();
                for (int s = 1; s <= rssSteps; s++) {
                    full.add(s > WARMUP, loop.step(out -> poseLoss.compute(out, targets).total()));
                    if (s == 50) {
                        hwm50 = procStatusKb("VmHWM");
                    }
                    if (s % 50 == 0) {
                        Runtime rt = Runtime.getRuntime();
                        rssTrace.add(s + ":" + procStatusKb("VmRSS") / 1024 + "/" + rt.totalMemory() / (1 << 20));
                    }
                }
                long hwmEnd = procStatusKb("VmHWM");
                long rssEnd = procStatusKb("VmRSS");
                String loadAfterMemory = loadAverage();

                // speed: Python and Java network-only runs alternate
                List<JsonNode> py = new ArrayList<>();
                List<Double> javaRunMedians = new ArrayList<>();
                List<Double> javaRunCpu = new ArrayList<>();
                Samples simple = new Samples();
                List<String> pyPhases = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    py.add(twin.run(batch, px, steps, WARMUP, threads, "none"));
                    Samples thisRun = new Samples();
                    for (int s = 0; s < (run == 0 ? WARMUP : 0) + steps; s++) {
                        double[] t = loop.step(NETWORK_ONLY_LOSS);
                        boolean timed = run > 0 || s >= WARMUP;
                        thisRun.add(timed, t);
                        simple.add(timed, t);
                    }
                    javaRunMedians.add(thisRun.medianWallMs());
                    javaRunCpu.add(thisRun.medianCpuMs());
                }
                String loadEnd = loadAverage();
                List<String> operatorGaps = traceDir == null ? List.of()
                        : profileOperators(twin, loop, Path.of(traceDir), batch, px, steps, threads);

                long pyParams = py.get(0).get("params").asLong();
                List<Double> pyMedians = py.stream().map(j -> j.get("median_ms").asDouble()).toList();
                List<Double> pyCpu = py.stream().map(j -> j.get("median_cpu_ms").asDouble()).toList();
                double javaMs = median(javaRunMedians);
                double pyMs = median(pyMedians);
                double javaCpu = median(javaRunCpu);
                double pyCpuMs = median(pyCpu);
                StringBuilder sb = new StringBuilder();
                sb.append(String.format("%n== wdr-cpu training step, batch %d, %d px, %d libtorch threads both sides,"
                        + " OMP_WAIT_POLICY=%s ==%n", batch, px, threads, System.getenv().getOrDefault("OMP_WAIT_POLICY",
                        "(unset)")));
                sb.append(String.format("parameters: Java %d, PyTorch %d (torch %s)%n", javaParams, pyParams,
                        py.get(0).get("torch").asText()));
                sb.append(String.format("network-only step (sum of squares loss, Adam 1e-3), median of %d alternating runs"
                        + " x %d steps:%n", runs, steps));
                sb.append(String.format("  Java    %.1f ms/step wall, %.1f ms CPU (run medians %s)%n", javaMs, javaCpu,
                        fmt(javaRunMedians)));
                sb.append(String.format("  PyTorch %.1f ms/step wall, %.1f ms CPU (run medians %s)%n", pyMs, pyCpuMs,
                        fmt(pyMedians)));
                sb.append(String.format("  phases, median ms: Java %s; PyTorch (first run) forward+loss %.1f, backward %.1f,"
                        + " optimizer %.1f%n", simple.phases(), py.get(0).get("forward_ms").asDouble(),
                        py.get(0).get("backward_ms").asDouble(), py.get(0).get("optimizer_ms").asDouble()));
                sb.append(String.format("  ratio Java/PyTorch %.2f wall, %.2f CPU (target <= 1.3)%n", javaMs / pyMs,
                        javaCpu / pyCpuMs));
                sb.append(String.format("full step with PoseLoss (Java): %.1f ms/step wall, %.1f ms CPU, median of %d steps%n",
                        full.medianWallMs(), full.medianCpuMs(), full.size()));
                sb.append(String.format("  phases, median ms: %s%n", full.phases()));
                sb.append(String.format("peak RSS (VmHWM) of the full-step loop: before %d MiB, after 50 steps %s MiB, after"
                        + " %d steps %d MiB (VmRSS now %d MiB)%n", hwmStart / 1024, hwm50 < 0 ? "n/a" : hwm50 / 1024,
                        rssSteps, hwmEnd / 1024, rssEnd / 1024));
                sb.append(String.format("  VmRSS / Java heap committed, MiB, by step: %s%n", String.join(" ", rssTrace)));
                sb.append(String.format("load average (1/5/15 min): start %s, after memory loop %s, end %s%n", loadStart,
                        loadAfterMemory, loadEnd));
                if (!operatorGaps.isEmpty()) {
                    sb.append(String.format("operators with the largest self-time gap, %d profiled network-only steps a side"
                            + " (traces in %s):%n", steps, traceDir));
                    operatorGaps.forEach(line -> sb.append(line).append(System.lineSeparator()));
                }
                System.out.print(sb);
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "train-step-benchmark.txt"), sb.toString());

                assertThat(javaParams).as("parameter count Java vs PyTorch twin").isEqualTo(pyParams);
                JsonNode p0 = py.get(0);
                long cells = grid.cellCount();
                assertThat(p0.get("cls_shape").toString()).isEqualTo("[" + batch + "," + cells + ",1]");
                assertThat(p0.get("pose_shape").toString()).isEqualTo("[" + batch + "," + cells + ",16]");
                assertThat(full.lastLoss()).isFinite();
            }
        }
    }

    /**
     * Profiles {@code steps} network-only steps on each side (libtorch's profiler through DJL, PyTorch's autograd
     * profiler), writes both Chrome traces into {@code dir} and returns the operator table of the largest gaps.
     */
    private static List<String> profileOperators(PyTorchTwin twin, StepLoop loop, Path dir, int batch, int px, int steps,
            int threads) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path pyTrace = dir.toAbsolutePath().resolve("pytorch-trace.json");
        Path javaTrace = dir.toAbsolutePath().resolve("java-trace.json");
        twin.run(batch, px, steps, WARMUP, threads, "none", pyTrace);
        JniUtils.startProfile(false, Boolean.getBoolean("bench.shapes"), false);
        for (int s = 0; s < steps; s++) {
            loop.step(NETWORK_ONLY_LOSS);
        }
        JniUtils.stopProfile(javaTrace.toString());
        return OperatorProfile.largestGaps(OperatorProfile.read(javaTrace), OperatorProfile.read(pyTrace), steps, 20);
    }

    /** One training step per call in PoseTrainer's pattern; returns {wall ms, CPU ms, loss}. */
    private static final class StepLoop {
        private final PoseNet net;
        private final NDManager manager;
        private final ParameterStore store;
        private final ParameterOptimizer optimizer;
        private final float[] pixels;
        private final Shape shape;

        StepLoop(PoseNet net, NDManager manager, ParameterStore store, ParameterOptimizer optimizer, float[] pixels,
                Shape shape) {
            this.net = net;
            this.manager = manager;
            this.store = store;
            this.optimizer = optimizer;
            this.pixels = pixels;
            this.shape = shape;
        }

        double[] step(Function<NDList, NDArray> lossOf) {
            long t0 = System.nanoTime();
            long c0 = processCpuNanos();
            float loss;
            long t1;
            long t2;
            try (NDScope scope = new NDScope(); GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray input = HostArrays.copyOf(manager, pixels, shape); // as PoseTrainer does
                NDList outputs = net.forward(store, new NDList(input), true);
                NDArray total = lossOf.apply(outputs);
                t1 = System.nanoTime();
                gc.backward(total);
                loss = total.getFloat();
                t2 = System.nanoTime();
            }
            optimizer.step(1e-3);
            long t3 = System.nanoTime();
            return new double[] {(t3 - t0) / 1e6, (processCpuNanos() - c0) / 1e6, loss, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                (t3 - t2) / 1e6};
        }
    }

    private static final class Samples {
        private final List<Double> wall = new ArrayList<>();
        private final List<Double> cpu = new ArrayList<>();
        private final List<Double> forward = new ArrayList<>();
        private final List<Double> backward = new ArrayList<>();
        private final List<Double> update = new ArrayList<>();
        private double lastLoss = Double.NaN;

        void add(boolean timed, double[] t) {
            lastLoss = t[2];
            if (timed) {
                wall.add(t[0]);
                cpu.add(t[1]);
                forward.add(t[3]);
                backward.add(t[4]);
                update.add(t[5]);
            }
        }

        double medianWallMs() {
            return median(wall);
        }

        double medianCpuMs() {
            return median(cpu);
        }

        /** Median forward + loss / backward / optimizer wall ms. */
        String phases() {
            return String.format("forward+loss %.1f, backward %.1f, optimizer %.1f", median(forward), median(backward),
                    median(update));
        }

        int size() {
            return wall.size();
        }

        double lastLoss() {
            return lastLoss;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A field of /proc/self/status in kB, e.g. VmHWM (peak resident set). */
    private static long procStatusKb(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("/proc/self/status has no " + key);
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static double median(List<Double> v) {
        double[] c = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(c);
        return c.length == 0 ? Double.NaN : c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static String fmt(List<Double> v) {
        return v.stream().map(d -> String.format("%.0f", d)).toList().toString();
    }
}
