package dev.mqat.cli;

import dev.mqat.run.CalibrationJob;
import dev.mqat.train.TrainConfig;
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

    @Mixin
    CheckpointTarget target;

    @Option(names = "--bn-calibration", defaultValue = "" + TrainConfig.DEFAULT_BN_CALIBRATION_BATCHES, paramLabel = "BATCHES",
            description = SharedOptions.BN_CALIBRATION)
    int batches;


    @Mixin
    DeviceOption device;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    @Override
    public void run() {
        Path file = target.file();
        CalibrationJob.Result r;
        try {
            r = CalibrationJob.run(target.run, file, target.outFile(file), batches, 0, null, device.override());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (json) {
            JsonOutput.print(Calibrated.of(r));
            return;
        }
        String depth = r.depth().samples() > 0 ? String.format(" (depth correction refitted on %d poses)", r.depth().samples()) : "";
        System.out.printf("recomputed batch-norm statistics over %d batches%s; val ADI-0.1d %.2f%% -> %.2f%%; wrote %s%n",
                r.bnBatches(), depth, r.scoreBefore(), r.scoreAfter(), r.written());
    }
}
