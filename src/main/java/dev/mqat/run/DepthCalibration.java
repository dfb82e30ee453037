package dev.mqat.run;

import ai.djl.ndarray.NDManager;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.eval.PoseEstimate;
import dev.mqat.model.PoseNet;
import dev.mqat.train.PoseTrainer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validation step of {@code mqat train}, {@code quantize} and {@code calibrate-depth}: fit the network's depth
 * bias ({@link DepthCorrection}) on a fixed set of unaugmented images of the split the run names
 * ({@link dev.mqat.train.TrainConfig#depthCalibrationSplit()}: training images by default, or validation images),
 * then score the corrected poses on the validation split. The fit is recorded in the checkpoint, so every later
 * prediction applies it.
 */
final class DepthCalibration {

    /**
     * What one calibration found.
     *
     * @param fit the fitted correction ({@link DepthCorrection#NONE} with 0 samples when calibration is off)
     * @param val validation result of the corrected poses, null without a val split
     * @param metadata checkpoint entries recording the fit (empty when calibration is off)
     * @param valEstimates the corrected pose estimates on the validation images, null without a val split
     */
    record Outcome(DepthCorrection.Fit fit, EvaluationResult val, Map<String, String> metadata,
            List<PoseEstimate> valEstimates) {
        /** Val ADI-0.1d in %, NaN without a val split. */
        double score() {
            return val == null ? Double.NaN : val.overall().adi01d();
        }

        PoseTrainer.Validation validation() {
            return new PoseTrainer.Validation(score(), metadata);
        }
    }

    /** Checkpoint metadata key: the split the depth correction was fitted on. */
    static final String SPLIT_KEY = "depth_calibration_split";

    private final RunData images;
    private final RunData val;
    private final RunConfig cfg;

    /**
     * @param train the run's training split; may be null when the run fits on the val split
     * @param val the validation split, or null
     * @param count images to fit on (the first of the run's calibration shuffle of its calibration split), 0 to leave
     *     poses raw
     * @throws IllegalArgumentException when the run fits on the val split and the dataset has none
     */
    DepthCalibration(RunData train, RunData val, RunConfig cfg, int count) {
        boolean onVal = cfg.train().depthCalibrationOnVal();
        if (count > 0 && onVal && val == null) {
            throw new IllegalArgumentException("train.depthCalibrationSplit is val, but " + cfg.data() + " has no val split");
        }
        RunData source = onVal ? val : train;
        this.images = count > 0 ? source.subset(PoseTrainer.calibrationIndices(source.images.size(), count, cfg.train()))
                : null;
        this.val = val;
        this.cfg = cfg;
    }

    /** The split the fit uses, and how many of its images; null when there is no fit. */
    RunData fitImages() {
        return images;
    }

    /** True when there is something to do: a fit, a score, or both. */
    boolean active() {
        return images != null || val != null;
    }

    Outcome run(PoseNet net, NDManager manager) {
        DepthCorrection.Fit fit = images == null ? new DepthCorrection.Fit(DepthCorrection.NONE, 0)
                : images.fitDepthCorrection(net, manager, cfg);
        RunData.Scored scored = val == null ? null : val.score(net, manager, cfg, fit.correction());
        EvaluationResult v = scored == null ? null : scored.evaluation().result();
        List<PoseEstimate> estimates = scored == null ? null : scored.estimates();
        if (images == null) {
            return new Outcome(fit, v, Map.of(), estimates);
        }
        Map<String, String> metadata = new LinkedHashMap<>(fit.correction().toMetadata(fit.samples()));
        metadata.put(SPLIT_KEY, images.split);
        return new Outcome(fit, v, metadata, estimates);
    }
}
