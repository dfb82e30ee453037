package dev.mqat.cli;

import dev.mqat.export.OnnxEvaluation;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.ModelSource;
import dev.mqat.run.RunEvaluation;
import dev.mqat.report.PredictionOverlay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates a run on a dataset split. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict every image of a split with a run's best checkpoint (or a packed .mqat file) and score the poses.",
            "Writes RUN/predictions-<split>.csv (BOP19; 'mqat eval-poses' on it gives the same numbers) and "
                    + "RUN/metrics-<split>.json, prints the metrics overall and per near/medium/far depth bin. For a "
                    + "file FILE.mqat they go beside it: FILE-predictions-<split>.csv, FILE-metrics-<split>.json.",
            "Errors are computed over all model vertices."})
final class EvalCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = SharedOptions.MODEL)
    Path run;

    @Option(names = "--data", paramLabel = "DIR", description = SharedOptions.DATA)
    Path data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = SharedOptions.SPLIT)
    String split;

    @Mixin
    DeviceOption device;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    @Option(names = "--overlays", defaultValue = "0", paramLabel = "N", description = "Also write N images that have objects (fewer when the split has fewer) with every predicted (magenta) and ground-truth (green) box and its keypoints to RUN/overlays-<split>/ (FILE-overlays-<split>/ for a file).")
    int overlays;

    @Override
    public void run() {
        if (run.getFileName() != null && run.getFileName().toString().endsWith(".onnx")) {
            evaluateOnnx();
            return;
        }
        ModelSource model = ModelArgument.open(run).onDevice(device.override());
        if (data != null && !Files.isDirectory(data)) {
            throw new UsageException("--data: dataset folder not found: " + data);
        }
        if (overlays < 0) {
            throw new UsageException("--overlays must be >= 0, found " + overlays);
        }
        RunEvaluation.Outcome outcome;
        try {
            outcome = RunEvaluation.evaluate(model, data, split);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (overlays > 0) {
            Path folder = model.output("overlays-" + split);
            List<Path> files = PredictionOverlay.writeAll(outcome, folder, overlays);
            System.err.println("wrote " + files.size() + " overlays to " + folder);
        }
        print(outcome);
    }

    /** Scores an exported .onnx file through ONNX Runtime with mqat's decoder, PnP and metrics. */
    private void evaluateOnnx() {
        if (!Files.isRegularFile(run)) {
            throw new UsageException("--model: file not found: " + run);
        }
        if (overlays > 0) {
            throw new UsageException("--overlays: not available for a .onnx model");
        }
        if (device.override() == DeviceChoice.GPU) {
            throw new UsageException("--device gpu: a .onnx model runs in ONNX Runtime on the CPU; leave out --device");
        }
        try {
            print(OnnxEvaluation.evaluate(run, data, split));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private void print(RunEvaluation.Outcome outcome) {
        if (json) {
            System.out.println(outcome.result().toJson());
        } else {
            System.out.print(outcome.result().toTable());
            System.out.printf("%.1f ms per image; predictions %s; metrics %s%n", outcome.secondsPerImage() * 1000,
                    outcome.predictionsCsv(), outcome.metricsJson());
        }
    }
}
