package dev.mqat.cli;

import dev.mqat.export.InferenceBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Inference latency and peak memory: mqat's own forward, ONNX Runtime fp32 and ONNX Runtime QDQ. */
@Command(name = "bench-infer", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure inference latency and peak memory of a network in mqat and in ONNX Runtime. "
                + "Latency per image (median and p90) and peak memory, three ways: mqat's "
                + "own forward (DJL), ONNX Runtime on the float32 export, ONNX Runtime on the QDQ export. Each runs alone "
                + "in a child process. A float run's QDQ model is quantized in memory (8-bit weights and activations) for "
                + "timing only. With a .onnx file, only that file runs in ONNX Runtime.",
            "Also counts the operators of ONNX Runtime's optimised graphs (saved in the work folder): which nodes it "
                    + "fused. Run it alone on the machine."})
final class BenchInferCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", paramLabel = "RUN|FILE",
            description = SharedOptions.MODEL)
    Path model;

    @Option(names = "--arch", paramLabel = "NAME",
            description = SharedOptions.ARCH)
    String arch;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N", description = SharedOptions.BATCH)
    int batch;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Intra-op threads of every backend; 0 = all available processors. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--runs", defaultValue = "100", description = "Timed forwards. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--warmup-runs", defaultValue = "20", paramLabel = "N", description = "Untimed forwards first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Work folder for the exports and optimised graphs (default: RUN/bench-infer, or FILE's folder).")
    Path out;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    /**
     * What {@code bench-infer --json} prints: the text's numbers, one object.
     *
     * @param source the run folder or .onnx file given, or the preset
     * @param threads intra-op threads every backend was given (all available processors when not set)
     * @param backends per backend, in the order of the text
     */
    record Benchmarked(String source, String arch, int inputSizePx, String plan, int activationBits,
            boolean qdqQuantizedForTiming, int batch, int threads, int runs, int warmupRuns, List<Backend> backends) {

        /**
         * One backend's numbers.
         *
         * @param backend {@code djl}, {@code ort_fp32} or {@code ort_qdq}
         * @param peakRssBytes peak resident memory of its process, bytes; null where it cannot be read
         * @param startRssBytes resident memory before it loaded anything, bytes; null likewise
         * @param optimizedOps operator counts of ONNX Runtime's optimised graph; empty for DJL
         */
        record Backend(String backend, String model, double medianMsPerImage, double p90MsPerImage, Long peakRssBytes,
                Long startRssBytes, Map<String, Integer> optimizedOps) {}

        static Benchmarked of(InferenceBenchmark.Report r) {
            InferenceBenchmark.Settings s = r.settings();
            return new Benchmarked(r.source(), r.arch(), r.inputSizePx(), r.plan(), r.activationBits(),
                    r.qdqQuantizedForTiming(), s.batch(), s.effectiveThreads(), s.runs(), s.warmupRuns(),
                    r.measurements().stream().map(m -> new Backend(m.backend().name().toLowerCase(Locale.ROOT),
                            m.model(), m.medianMsPerImage(), m.p90MsPerImage(), bytesOrNull(m.peakRssBytes()),
                            bytesOrNull(m.startRssBytes()), m.optimizedOps())).toList());
        }

        private static Long bytesOrNull(long bytes) {
            return bytes < 0 ? null : bytes;
        }
    }

    @Override
    public void run() {
        if ((model == null) == (arch == null)) {
            throw new UsageException("give one of --model RUN|FILE and --arch NAME");
        }
        boolean file = model != null && Files.isRegularFile(model) && model.toString().endsWith(".onnx");
        if (model != null && !file && !Files.isRegularFile(model.resolve("config.json"))) {
            throw new UsageException("--model: " + model + " is neither a run folder (no config.json) nor a .onnx file");
        }
        InferenceBenchmark.Settings settings;
        try {
            settings = new InferenceBenchmark.Settings(batch, threads, runs, warmup);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (arch != null && out == null) {
            throw new UsageException("--out DIR is required with --arch (where the exports go)");
        }
        Path work = out != null ? out
                : file ? model.toAbsolutePath().getParent() : model.resolve("bench-infer");
        InferenceBenchmark.Report r;
        try {
            r = arch != null ? InferenceBenchmark.runPreset(arch, settings, work) : InferenceBenchmark.run(model, settings, work);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (json) {
            JsonOutput.print(Benchmarked.of(r));
            return;
        }
        System.out.printf(Locale.ROOT, "%s: %s, %d px, batch %d, %d threads, %d runs after %d warm-up%n", r.source(),
                r.arch(), r.inputSizePx(), settings.batch(), settings.effectiveThreads(), settings.runs(),
                settings.warmupRuns());
        System.out.printf(Locale.ROOT, "QDQ model: plan %s, %s%s%n", r.plan(),
                r.activationBits() > 0 ? r.activationBits() + "-bit activations" : "weights only",
                r.qdqQuantizedForTiming() ? " (a float run quantized in memory for timing only)" : "");
        System.out.printf(Locale.ROOT, "%-9s %14s %11s %14s %10s%n", "backend", "median ms/img", "p90 ms/img",
                "peak RSS MiB", "start MiB");
        for (InferenceBenchmark.Measurement m : r.measurements()) {
            System.out.printf(Locale.ROOT, "%-9s %14.2f %11.2f %14s %10s%n", label(m.backend()), m.medianMsPerImage(),
                    m.p90MsPerImage(), mib(m.peakRssBytes()), mib(m.startRssBytes()));
        }
        for (InferenceBenchmark.Measurement m : r.measurements()) {
            if (!m.optimizedOps().isEmpty()) {
                System.out.println(label(m.backend()) + " graph after ONNX Runtime's optimisations: " + ops(m.optimizedOps()));
            }
        }
        System.out.println("optimised graphs and exports in " + work);
    }

    private static String label(InferenceBenchmark.Backend b) {
        return switch (b) {
            case DJL -> "DJL";
            case ORT_FP32 -> "ORT fp32";
            case ORT_QDQ -> "ORT QDQ";
        };
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    private static String ops(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
