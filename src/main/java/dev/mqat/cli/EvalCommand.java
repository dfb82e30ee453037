package dev.mqat.cli;

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

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run folder (from mqat train or mqat quantize), or a packed model file from mqat export.")
    Path run;

    @Option(names = "--data", paramLabel = "DIR", description = "BOP dataset folder (default: the one the run trained on).")
    Path data;

    @Option(names = "--split", defaultValue = "test", description = "Split to evaluate. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--json", description = "Print exactly one JSON object (the format of 'mqat eval-poses --json').")
    boolean json;

    @Option(names = "--overlays", defaultValue = "0", paramLabel = "N", description = "Also write N images that have objects (fewer when the split has fewer) with every predicted (magenta) and ground-truth (green) box and its keypoints to RUN/overlays-<split>/ (FILE-overlays-<split>/ for a file).")
    int overlays;

    @Override
    public void run() {
        ModelSource model = ModelArgument.open(run);
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
        if (json) {
            System.out.println(outcome.result().toJson());
        } else {
            System.out.print(outcome.result().toTable());
            System.out.printf("%.1f ms per image; predictions %s; metrics %s%n", outcome.secondsPerImage() * 1000,
                    outcome.predictionsCsv(), outcome.metricsJson());
        }
    }
}
