package dev.mqat.export;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.export.onnx.OnnxProto.ModelProto;
import dev.mqat.export.onnx.OnnxProto.NodeProto;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantMethod;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.QuantSetup;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.InferenceSetup;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import dev.mqat.run.RunObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Inference latency and peak memory of one pose network run three ways: mqat's own forward (DJL on libtorch),
 * ONNX Runtime on the float32 export and ONNX Runtime on the QDQ export ({@code mqat bench-infer}).
 *
 * <p>Each backend runs alone in a child JVM with this process's classpath, so that its peak resident memory
 * ({@code VmHWM} of {@code /proc/self/status}, Linux) is its own: the JVM, the engine's native libraries, the
 * model and its working memory. The child times {@link Settings#warmupRuns} untimed and {@link Settings#runs}
 * timed forwards of one fixed batch of seeded random pixels, end to end from a Java float array to Java float
 * arrays (input copy, forward, output copy), and reports milliseconds per image.
 *
 * <p>The QDQ model of a quantized run is its export ({@link OnnxOptions#defaults()}). A float run has no scales,
 * so for timing only it is quantized in memory first: 8-bit STE weights (per tensor) and 8-bit running min-max
 * activations whose ranges come from one training-mode forward of the benchmark batch; its accuracy means nothing.
 * For every ONNX Runtime run the graph after ONNX Runtime's optimisations is saved and its operators counted
 * ({@link Measurement#optimizedOps}), which shows which nodes ONNX Runtime fused and which it left as they were.
 *
 * <p>Pitfalls: the machine's other load moves every number; run alone (and niced) and compare medians.
 */
public final class InferenceBenchmark {

    /** How the network is run. */
    public enum Backend {
        /**
         * mqat's own forward: DJL 0.36 on libtorch 2.7.1, inference mode, the run's fake-quantized weights.
         *
         * @see dev.mqat.model.PoseNet
         */
        DJL,
        /**
         * ONNX Runtime (CPU provider, default optimisations) on the float32 export.
         *
         * @see OnnxOptions#float32()
         */
        ORT_FP32,
        /**
         * ONNX Runtime on the export with integer weights and, where the run quantizes activations, QDQ pairs.
         *
         * @see OnnxOptions#defaults()
         */
        ORT_QDQ
    }

    /**
     * What to measure.
     *
     * @param batch images per forward (default 1)
     * @param threads intra-op threads of every backend; 0 = the number of available processors (default 0)
     * @param runs timed forwards, at least 100 for the median and p90 to be stable (default 100)
     * @param warmupRuns untimed forwards first (default 20)
     */
    public record Settings(int batch, int threads, int runs, int warmupRuns) {
        public Settings {
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be >= 1, found " + batch);
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0 = all available processors), found " + threads);
            }
            if (runs < 1 || warmupRuns < 0) {
                throw new IllegalArgumentException("runs must be >= 1 and warm-up runs >= 0, found " + runs + " and "
                        + warmupRuns);
            }
        }

        /** Batch 1, all processors, 100 timed runs after 20 warm-up runs. */
        public static Settings defaults() {
            return new Settings(1, 0, 100, 20);
        }

        /** The thread count the backends are given. */
        public int effectiveThreads() {
            return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * One backend's numbers.
     *
     * @param backend how the network ran
     * @param model the run folder, .onnx file or {@code preset:<arch>} (random weights) it ran
     * @param medianMsPerImage median over the timed runs of (run time / batch), ms
     * @param p90MsPerImage 90th percentile of the same, ms
     * @param peakRssBytes peak resident memory of the child process, bytes (-1 where /proc is missing)
     * @param startRssBytes resident memory of the child before it loaded anything, bytes (-1 likewise)
     * @param runs timed runs
     * @param optimizedOps operator counts of the graph after ONNX Runtime's optimisations ({@code domain:op}, the
     *     default domain unprefixed), sorted by name; empty for DJL
     */
    public record Measurement(Backend backend, String model, double medianMsPerImage, double p90MsPerImage,
            long peakRssBytes, long startRssBytes, int runs, Map<String, Integer> optimizedOps) {
        public Measurement {
            optimizedOps = java.util.Collections.unmodifiableMap(new TreeMap<>(optimizedOps));
        }
    }

    /**
     * A benchmark's numbers.
     *
     * @param source the run folder or .onnx file given, or the preset
     * @param arch the network preset
     * @param inputSizePx input side, px
     * @param plan the plan of the QDQ model ({@code fp} for a float model)
     * @param activationBits activation QDQ bits of the QDQ model, 0 for none
     * @param qdqQuantizedForTiming whether the QDQ model was quantized in memory for timing (a float run)
     * @param settings what was measured
     * @param measurements per backend, in {@link Backend} order
     */
    public record Report(String source, String arch, int inputSizePx, String plan, int activationBits,
            boolean qdqQuantizedForTiming, Settings settings, List<Measurement> measurements) {
        public Report {
            measurements = List.copyOf(measurements);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private InferenceBenchmark() {}

    /**
     * Measures a run folder (all three backends) or an exported .onnx file (ONNX Runtime on that file, as
     * {@link Backend#ORT_QDQ} when it has QuantizeLinear or DequantizeLinear nodes, else {@link Backend#ORT_FP32}).
     *
     * @param workDir where the exports and ONNX Runtime's optimised graphs go
     * @throws IllegalArgumentException when {@code model} is neither a run folder nor a .onnx file
     */
    public static Report run(Path model, Settings settings, Path workDir) {
        createDirectories(workDir);
        if (Files.isRegularFile(model) && model.toString().endsWith(".onnx")) {
            return runFile(model, settings, workDir);
        }
        if (!Files.isRegularFile(RunConfig.file(model))) {
            throw new IllegalArgumentException(model + " is neither a run folder (no config.json) nor a .onnx file");
        }
        InferenceSetup setup = InferenceSetup.of(model);
        Prepared p;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            p = prepare(QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(model), manager), manager, setup, settings,
                    workDir);
        }
        return measureAll(model.toString(), model.toString(), setup, p, settings, workDir);
    }

    /**
     * Measures a preset network with random weights (seeded), for timing networks that have no trained run, such as
     * {@code wdr-darknet53} at 512 px; its QDQ model is quantized in memory as a float run's.
     *
     * @throws IllegalArgumentException naming the preset and the valid ones
     */
    public static Report runPreset(String arch, Settings settings, Path workDir) {
        ModelConfig config = ModelConfig.preset(arch);
        createDirectories(workDir);
        double[][] cube = new double[8][];
        for (int k = 0; k < 8; k++) {
            cube[k] = new double[] {(k & 4) == 0 ? -50 : 50, (k & 2) == 0 ? -50 : 50, (k & 1) == 0 ? -50 : 50};
        }
        InferenceSetup setup = new InferenceSetup(config, List.of(new RunObject(1, 100 * Math.sqrt(3), cube)),
                DecoderConfig.defaults(), PnpConfig.defaults(), DepthCorrection.NONE, "");
        Prepared p;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            p = prepare(randomNetwork(config, manager), manager, setup, settings, workDir);
        }
        return measureAll(arch + " (random weights)", PRESET_PREFIX + arch, setup, p, settings, workDir);
    }

    /** Child-process model argument of a random-weight preset network. */
    private static final String PRESET_PREFIX = "preset:";

    private static PoseNet randomNetwork(ModelConfig config, NDManager manager) {
        Engine.getInstance().setRandomSeed(0);
        return PoseNet.create(config, manager);
    }

    /** The exports a measurement needs, and what the QDQ one holds. */
    private record Prepared(Path fp32, Path qdq, String plan, int activationBits, boolean quantizedForTiming) {}

    /** Writes the fp32 export, quantizes a float network in memory for timing, writes the QDQ export. */
    private static Prepared prepare(PoseNet net, NDManager manager, InferenceSetup setup, Settings settings, Path workDir) {
        Path fp32 = workDir.resolve("fp32.onnx");
        Path qdq = workDir.resolve("qdq.onnx");
        OnnxExporter.export(net, setup, fp32, OnnxOptions.float32());
        boolean forTiming = QuantSetup.of(net).isEmpty();
        if (forTiming) {
            quantizeForTiming(net, manager, settings.batch());
        }
        OnnxExporter.Result r = OnnxExporter.export(net, setup, qdq, OnnxOptions.defaults());
        int actBits = r.layers().stream().mapToInt(OnnxExporter.Layer::inputBits).max().orElse(0);
        return new Prepared(fp32, qdq, Quantization.planOf(net).toString(), actBits, forTiming);
    }

    private static Report measureAll(String source, String djlModel, InferenceSetup setup, Prepared p, Settings settings,
            Path workDir) {
        List<Measurement> out = new ArrayList<>();
        out.add(measure(Backend.DJL, djlModel, settings, null));
        out.add(measure(Backend.ORT_FP32, p.fp32().toString(), settings, workDir.resolve("fp32.optimized.onnx")));
        out.add(measure(Backend.ORT_QDQ, p.qdq().toString(), settings, workDir.resolve("qdq.optimized.onnx")));
        return new Report(source, setup.model().arch().key(), setup.model().inputSizePx(), p.plan(), p.activationBits(),
                p.quantizedForTiming(), settings, out);
    }

    private static void createDirectories(Path workDir) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
    }

    private static Report runFile(Path file, Settings settings, Path workDir) {
        ModelProto proto = read(file);
        boolean qdq = proto.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getOpType().equals("QuantizeLinear") || n.getOpType().equals("DequantizeLinear"));
        InferenceSetup setup;
        String plan = BitPlan.FULL_PRECISION;
        int actBits = 0;
        try (OnnxPoseRunner runner = OnnxPoseRunner.open(file)) {
            setup = runner.setup();
            if (runner.quantization().isPresent()) {
                JsonNode q = JSON.readTree(runner.quantization().get());
                plan = q.path("plan").asText(plan);
                actBits = q.path("activationQdq").asBoolean() ? q.path("activationBits").asInt() : 0;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": metadata " + OnnxExporter.QUANTIZATION_KEY + ": " + e.getMessage(), e);
        }
        String stem = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        Measurement m = measure(qdq ? Backend.ORT_QDQ : Backend.ORT_FP32, file.toString(), settings,
                workDir.resolve(stem + ".optimized.onnx"));
        return new Report(file.toString(), setup.model().arch().key(), setup.model().inputSizePx(), plan, actBits, false,
                settings, List.of(m));
    }

    /** 8-bit STE weights and 8-bit running min-max activations everywhere, ranges from one batch. */
    private static void quantizeForTiming(PoseNet net, NDManager manager, int batch) {
        Quantization.attach(net, BitPlan.parse("8-8-8"), QuantizerKind.STE, Granularity.PER_TENSOR);
        for (NetModule m : NetModule.values()) {
            Quantization.attachInputQuantizers(net, m, new ActivationQuantSpec(8, ActivationQuantMethod.RUNNING_MIN_MAX));
        }
        int s = net.config().inputSizePx();
        try (NDScope scope = new NDScope()) {
            net.forward(new ParameterStore(manager, false),
                    new NDList(HostArrays.copyOf(manager, pixels(batch, s), new Shape(batch, 3, s, s))), true);
        }
    }

    /** Seeded uniform pixels in the normalised range [-2, 2]. */
    static float[] pixels(int batch, int sizePx) {
        SplittableRandom r = new SplittableRandom(0);
        float[] x = new float[batch * 3 * sizePx * sizePx];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    private static Measurement measure(Backend backend, String model, Settings settings, Path optimizedModel) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        int threads = settings.effectiveThreads();
        for (Map.Entry<Object, Object> p : System.getProperties().entrySet()) {
            String k = p.getKey().toString();
            if ((k.startsWith("ai.djl.") && !k.startsWith("ai.djl.pytorch.num_")) || k.equals("DJL_CACHE_DIR")
                    || k.equals("ENGINE_CACHE_DIR") || k.startsWith("org.slf4j.")) {
                cmd.add("-D" + k + "=" + p.getValue());
            }
        }
        cmd.add("-Dai.djl.pytorch.num_threads=" + threads);
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Child.class.getName());
        cmd.addAll(List.of(backend.name(), model, Integer.toString(settings.batch()), Integer.toString(threads),
                Integer.toString(settings.runs()), Integer.toString(settings.warmupRuns()),
                optimizedModel == null ? "-" : optimizedModel.toString()));
        Path errors;
        try {
            errors = Files.createTempFile("mqat-bench-infer", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException("bench-infer: cannot create a log file: " + e.getMessage(), e);
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
            byte[] stdout = p.getInputStream().readAllBytes();
            int exit = p.waitFor();
            if (exit != 0) {
                List<String> lines = Files.readAllLines(errors);
                String last = lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
                throw new IllegalStateException("bench-infer: the " + backend + " process failed (exit " + exit + "): " + last);
            }
            JsonNode r = JSON.readTree(new String(stdout, StandardCharsets.UTF_8));
            double[] ms = new double[r.get("ms_per_image").size()];
            for (int i = 0; i < ms.length; i++) {
                ms[i] = r.get("ms_per_image").get(i).asDouble();
            }
            Arrays.sort(ms);
            Map<String, Integer> ops = optimizedModel == null || !Files.isRegularFile(optimizedModel) ? Map.of()
                    : operatorCounts(read(optimizedModel));
            return new Measurement(backend, model, percentile(ms, 0.5), percentile(ms, 0.9),
                    r.get("peak_rss_bytes").asLong(), r.get("start_rss_bytes").asLong(), ms.length, ops);
        } catch (IOException e) {
            throw new UncheckedIOException("bench-infer: " + backend + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("bench-infer: interrupted while " + backend + " ran", e);
        } finally {
            try {
                Files.deleteIfExists(errors);
            } catch (IOException ignored) {
                // a temporary log; the system cleans its temp folder
            }
        }
    }

    /** Linear interpolation between the closest ranks of sorted values. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Operator counts of a graph, {@code domain:op} outside the default domain. */
    static Map<String, Integer> operatorCounts(ModelProto model) {
        Map<String, Integer> out = new TreeMap<>();
        for (NodeProto n : model.getGraph().getNodeList()) {
            String key = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + ":" + n.getOpType();
            out.merge(key, 1, Integer::sum);
        }
        return out;
    }

    private static ModelProto read(Path file) {
        try {
            return ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Resident memory from {@code /proc/self/status}: {@code VmHWM} (peak) or {@code VmRSS}; -1 elsewhere. */
    static long residentBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return -1;
    }

    /**
     * The child process of one measurement: args {@code BACKEND MODEL BATCH THREADS RUNS WARMUP OPTIMIZED|-}; prints
     * one JSON object ({@code ms_per_image}, {@code peak_rss_bytes}, {@code start_rss_bytes}) to standard output.
     */
    public static final class Child {
        private Child() {}

        public static void main(String[] args) throws IOException {
            long start = residentBytes("VmRSS");
            Backend backend = Backend.valueOf(args[0]);
            String model = args[1];
            int batch = Integer.parseInt(args[2]);
            int threads = Integer.parseInt(args[3]);
            int runs = Integer.parseInt(args[4]);
            int warmup = Integer.parseInt(args[5]);
            Path optimized = args[6].equals("-") ? null : Path.of(args[6]);
            double[] ms = backend == Backend.DJL ? timeDjl(model, batch, runs, warmup)
                    : timeOrt(Path.of(model), batch, threads, runs, warmup, optimized);
            ObjectNode out = JSON.createObjectNode();
            ArrayNode a = out.putArray("ms_per_image");
            for (double v : ms) {
                a.add(v);
            }
            out.put("peak_rss_bytes", residentBytes("VmHWM"));
            out.put("start_rss_bytes", start);
            System.out.println(out);
        }

        private static double[] timeDjl(String model, int batch, int runs, int warmup) {
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                PoseNet net = model.startsWith(PRESET_PREFIX)
                        ? randomNetwork(ModelConfig.preset(model.substring(PRESET_PREFIX.length())), m)
                        : QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(Path.of(model)), m);
                ParameterStore store = new ParameterStore(m, false);
                int s = net.config().inputSizePx();
                float[] x = pixels(batch, s);
                Shape shape = new Shape(batch, 3, s, s);
                double[] ms = new double[runs];
                for (int i = 0; i < warmup + runs; i++) {
                    long t0 = System.nanoTime();
                    try (NDScope scope = new NDScope()) {
                        NDList out = net.forward(store, new NDList(HostArrays.copyOf(m, x, shape)), false);
                        out.get(0).toFloatArray();
                        out.get(1).toFloatArray();
                    }
                    if (i >= warmup) {
                        ms[i - warmup] = (System.nanoTime() - t0) / 1e6 / batch;
                    }
                }
                return ms;
            }
        }

        private static double[] timeOrt(Path file, int batch, int threads, int runs, int warmup, Path optimized) {
            try (OnnxPoseRunner r = OnnxPoseRunner.open(file, new OnnxPoseRunner.Options(threads, optimized))) {
                float[] x = pixels(batch, r.config().inputSizePx());
                double[] ms = new double[runs];
                for (int i = 0; i < warmup + runs; i++) {
                    long t0 = System.nanoTime();
                    r.run(x, batch);
                    if (i >= warmup) {
                        ms[i - warmup] = (System.nanoTime() - t0) / 1e6 / batch;
                    }
                }
                return ms;
            }
        }
    }
}
