package dev.mqat.cli;

import dev.mqat.mqat.CalibrationJob;
import dev.mqat.mqat.RunConfig;
import dev.mqat.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Recomputes the batch-norm statistics of a run's checkpoint. */
@Command(name = "calibrate-bn", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Recompute the batch-norm running statistics of a run's checkpoint as the average over unaugmented "
                + "training batches, and print val ADI-0.1d before and after.",
            "mqat train already does this before every checkpoint (--bn-calibration); use this on older runs. "
                    + "A depth correction in the checkpoint is refitted, since it depends on the statistics. "
                    + "Re-run 'mqat eval' afterwards: the recorded metrics describe the old statistics."})
final class CalibrateBnCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "Run folder (from mqat train or mqat quantize).")
    Path run;

    @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "NAME", description = "Checkpoint in RUN/checkpoints: best or last. Default: ${DEFAULT-VALUE}.")
    String checkpoint;

    @Option(names = "--batches", defaultValue = "" + TrainConfig.DEFAULT_BN_CALIBRATION_BATCHES, paramLabel = "N", description = "Training batches to average over. Default: ${DEFAULT-VALUE}.")
    int batches;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the calibrated checkpoint here (default: replace the checkpoint).")
    Path out;

    @Override
    public void run() {
        Path file = checkpointFile(run, checkpoint);
        CalibrationJob.Result r;
        try {
            r = CalibrationJob.run(run, file, out == null ? file : out, batches, 0);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String depth = r.depth().samples() > 0 ? String.format(" (depth correction refitted on %d poses)", r.depth().samples()) : "";
        System.out.printf("recomputed batch-norm statistics over %d batches%s; val ADI-0.1d %.2f%% -> %.2f%%; wrote %s%n",
                r.bnBatches(), depth, r.scoreBefore(), r.scoreAfter(), r.written());
    }

    /** {@code RUN/checkpoints/NAME.ckpt} for a {@code --checkpoint best|last}, or a usage error naming what is wrong. */
    static Path checkpointFile(Path run, String name) {
        if (!Files.isRegularFile(RunConfig.file(run))) {
            throw new UsageException("--model: " + run + " is not a run folder (no config.json)");
        }
        if (!name.equals("best") && !name.equals("last")) {
            throw new UsageException("--checkpoint '" + name + "' is not one of best, last");
        }
        Path file = run.resolve("checkpoints").resolve(name + ".ckpt");
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--checkpoint: " + file + " not found");
        }
        return file;
    }
}
