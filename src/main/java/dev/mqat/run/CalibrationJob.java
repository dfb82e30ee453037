package dev.mqat.run;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.mqat.data.BopDataset;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.model.BatchNormCalibration;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.PoseNet;
import dev.mqat.train.DepthCalibrationSplit;
import dev.mqat.train.PoseTrainer;
import dev.mqat.train.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mqat calibrate-bn} and {@code mqat calibrate-depth}: the post-training calibrations that {@code mqat train}
 * does before every checkpoint, applied to an existing checkpoint (runs trained before they existed, or with them
 * turned off). Batch-norm statistics are recomputed over training images ({@link BatchNormCalibration}); the depth
 * bias is fitted on training images ({@link DepthCorrection}). The checkpoint is scored on the validation split
 * before and after.
 */
public final class CalibrationJob {

    /**
     * What a calibration did.
     *
     * @param written the checkpoint written
     * @param bnBatches training batches the batch-norm statistics were averaged over, 0 when kept
     * @param depth the depth correction now in the checkpoint and the poses it was fitted on
     * @param scoreBefore val ADI-0.1d (%) of the checkpoint as it was, NaN without a val split
     * @param scoreAfter val ADI-0.1d (%) after calibration, NaN without a val split
     */
    public record Result(Path written, int bnBatches, DepthCorrection.Fit depth, double scoreBefore, double scoreAfter) {}

    private CalibrationJob() {}

    /**
     * @param checkpoint checkpoint file to calibrate
     * @param out file to write (may be {@code checkpoint} itself; written atomically)
     * @param bnBatches batches of the run's batch size to recompute batch-norm statistics over, 0 to keep them
     * @param depthImages training images to fit the depth correction on; 0 keeps the checkpoint's correction when
     *     the statistics are kept, and refits it on the default count when they change (the bias depends on them)
     * @param depthSplit split to fit the depth correction on, or null for the one the run's config names
     * @param device where the engine runs the network, or null for the device the run's config records (which is
     *     not rewritten either way)
     */
    public static Result run(Path runDir, Path checkpoint, Path out, int bnBatches, int depthImages,
            DepthCalibrationSplit depthSplit, DeviceChoice device) {
        if (bnBatches < 0 || depthImages < 0 || bnBatches + depthImages == 0) {
            throw new IllegalArgumentException("nothing to calibrate: batch-norm batches " + bnBatches
                    + " and depth images " + depthImages + " (one must be positive, neither negative)");
        }
        RunConfig read = RunConfig.read(runDir);
        RunConfig split = depthSplit == null ? read
                : read.withTrain(read.train().withDepthCalibrationSplit(depthSplit));
        RunConfig cfg = device == null ? split : split.withDevice(device); // config.json is not rewritten
        Device engineDevice = Devices.of(cfg.device()); // first: a missing GPU fails before the images are read
        BopDataset dataset = BopDataset.open(Path.of(cfg.data()));
        int size = cfg.model().inputSizePx();
        // the training images serve batch-norm statistics and a depth fit on train; skip reading them otherwise
        boolean needsTrain = bnBatches > 0 || !cfg.train().depthCalibrationOnVal();
        RunData train = needsTrain ? RunData.load(dataset, "train", size, 0) : null;
        RunData val = dataset.hasSplit("val") ? RunData.load(dataset, "val", size, cfg.valImages()) : null;
        Map<String, String> metadata = new LinkedHashMap<>(ModelCheckpoint.readHeader(checkpoint).metadata());
        DepthCorrection before = RunEvaluation.depthCorrection(checkpoint);
        try (NDManager manager = NDManager.newBaseManager(engineDevice)) {
            PoseNet net = QuantizedCheckpoints.load(checkpoint, manager);
            double scoreBefore = val == null ? Double.NaN : val.evaluate(net, manager, cfg, before).overall().adi01d();
            int bnDone = 0;
            if (bnBatches > 0) {
                bnDone = BatchNormCalibration.recalibrate(net, manager,
                        PoseTrainer.calibrationImages(train.images, cfg.train().withBnCalibrationBatches(bnBatches)),
                        cfg.train().batchSize());
                metadata.put("bn_calibration_batches", Integer.toString(bnDone));
            }
            int fitOn = depthImages > 0 ? depthImages
                    : before.equals(DepthCorrection.NONE) ? 0 : TrainConfig.DEFAULT_DEPTH_CALIBRATION_IMAGES;
            DepthCorrection.Fit fit;
            double scoreAfter;
            if (fitOn > 0) {
                DepthCalibration.Outcome o = new DepthCalibration(train, val, cfg, fitOn).run(net, manager);
                fit = o.fit();
                scoreAfter = o.score();
                metadata.putAll(o.metadata());
            } else {
                fit = new DepthCorrection.Fit(before, 0);
                scoreAfter = val == null ? Double.NaN : val.evaluate(net, manager, cfg, before).overall().adi01d();
            }
            metadata.put("score", Double.toString(scoreAfter));
            ModelCheckpoint.save(net, out, metadata);
            return new Result(out, bnDone, fit, scoreBefore, scoreAfter);
        }
    }
}
