package dev.mqat.mqat;

import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.model.PoseNet;
import dev.mqat.train.PoseTrainer;
import java.util.Map;

/**
 * The validation step of {@code mqat train}, {@code quantize} and {@code calibrate-depth}: fit the network's depth
 * bias ({@link DepthCorrection}) on a fixed set of unaugmented training images, then score the corrected poses on
 * the validation split. The fit is recorded in the checkpoint, so every later prediction applies it.
 */
final class DepthCalibration {

    /**
     * What one calibration found.
     *
     * @param fit the fitted correction ({@link DepthCorrection#NONE} with 0 samples when calibration is off)
     * @param val validation result of the corrected poses, null without a val split
     * @param metadata checkpoint entries recording the fit (empty when calibration is off)
     */
    record Outcome(DepthCorrection.Fit fit, EvaluationResult val, Map<String, String> metadata) {
        /** Val ADI-0.1d in %, NaN without a val split. */
        double score() {
            return val == null ? Double.NaN : val.overall().adi01d();
        }

        PoseTrainer.Validation validation() {
            return new PoseTrainer.Validation(score(), metadata);
        }
    }

    private final RunData images;
    private final RunData val;
    private final RunConfig cfg;

    /**
     * @param train the run's training split
     * @param val the validation split, or null
     * @param count training images to fit on (the first of the run's calibration shuffle), 0 to leave poses raw
     */
    DepthCalibration(RunData train, RunData val, RunConfig cfg, int count) {
        this.images = count > 0 ? train.subset(PoseTrainer.calibrationIndices(train.images.size(), count, cfg.train()))
                : null;
        this.val = val;
        this.cfg = cfg;
    }

    /** True when there is something to do: a fit, a score, or both. */
    boolean active() {
        return images != null || val != null;
    }

    Outcome run(PoseNet net, NDManager manager) {
        DepthCorrection.Fit fit = images == null ? new DepthCorrection.Fit(DepthCorrection.NONE, 0)
                : images.fitDepthCorrection(net, manager, cfg);
        EvaluationResult v = val == null ? null : val.evaluate(net, manager, cfg, fit.correction());
        return new Outcome(fit, v, images == null ? Map.of() : fit.correction().toMetadata(fit.samples()));
    }
}
