package dev.mqat.cli;

import dev.mqat.run.CalibrationJob;
import dev.mqat.train.DepthCalibrationSplit;
import dev.mqat.train.TrainConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Fits the depth correction of a run's checkpoint. */
@Command(name = "calibrate-depth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fit the depth bias of a run's checkpoint and store the correction in it. Fits it on unaugmented images of the training split, or of "
                + "the split --depth-calibration-split or the run's config.json (train.depthCalibrationSplit) names "
                + "(ln(z_pred/z_true) = a + b ln(z_pred/1 m), least absolute deviations), store the correction in the "
                + "checkpoint and print val ADI-0.1d before and after.",
            "mqat train already does this before every checkpoint (--depth-calibration); use this on older runs. "
                    + "Every later eval, predict and quantize applies the stored correction. "
                    + "Re-run 'mqat eval' afterwards: the recorded metrics describe the uncorrected poses."})
final class CalibrateDepthCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Mixin
    CheckpointTarget target;

    @Option(names = "--depth-calibration", defaultValue = "" + TrainConfig.DEFAULT_DEPTH_CALIBRATION_IMAGES, paramLabel = "IMAGES",
            description = SharedOptions.DEPTH_CALIBRATION)
    Integer images;


    @Option(names = "--depth-calibration-split", paramLabel = "SPLIT", description = SharedOptions.DEPTH_CALIBRATION_SPLIT)
    String split;


    @Mixin
    DeviceOption device;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    @Override
    public void run() {
        Path file = target.file();
        if (images < 1) {
            throw new UsageException("--depth-calibration must be at least 1, found " + images);
        }
        CalibrationJob.Result r;
        try {
            r = CalibrationJob.run(target.run, file, target.outFile(file), 0, images,
                    split == null ? null : DepthCalibrationSplit.fromKey(split), device.override());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (json) {
            JsonOutput.print(Calibrated.of(r));
            return;
        }
        System.out.printf("depth bias ln(z_pred/z_true) = %.4f %+.4f ln(z_pred/1 m), fitted on %d poses; "
                + "val ADI-0.1d %.2f%% -> %.2f%%; wrote %s%n", r.depth().correction().logBiasAt1m(),
                r.depth().correction().logBiasSlope(), r.depth().samples(), r.scoreBefore(), r.scoreAfter(), r.written());
    }
}
