package dev.mqat.mqat;

import ai.djl.ndarray.NDManager;
import dev.mqat.data.BopDataset;
import dev.mqat.model.BatchNormCalibration;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.PoseNet;
import dev.mqat.train.PoseTrainer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code mqat calibrate-bn}: recomputes the batch-norm statistics of a run's checkpoint over its training images
 * ({@link BatchNormCalibration}), scores it on the validation split before and after, and writes the result. For
 * runs trained before {@code mqat train} calibrated at every checkpoint, or with {@code --bn-calibration 0}.
 */
public final class BatchNormJob {

    /**
     * What a calibration did.
     *
     * @param written the checkpoint written
     * @param batches training batches averaged
     * @param scoreBefore val ADI-0.1d (%) with the statistics found in the checkpoint, NaN without a val split
     * @param scoreAfter val ADI-0.1d (%) with the recomputed statistics, NaN without a val split
     */
    public record Result(Path written, int batches, double scoreBefore, double scoreAfter) {}

    private BatchNormJob() {}

    /**
     * @param checkpoint checkpoint file to calibrate
     * @param out file to write (may be {@code checkpoint} itself; written atomically)
     * @param batches batches of the run's batch size to average over
     */
    public static Result run(Path runDir, Path checkpoint, Path out, int batches) {
        if (batches < 1) {
            throw new IllegalArgumentException("--batches must be at least 1, found " + batches);
        }
        RunConfig cfg = RunConfig.read(runDir);
        BopDataset dataset = BopDataset.open(Path.of(cfg.data()));
        int size = cfg.model().inputSizePx();
        RunData train = RunData.load(dataset, "train", size, 0);
        RunData val = dataset.hasSplit("val") ? RunData.load(dataset, "val", size, cfg.valImages()) : null;
        Map<String, String> metadata = new LinkedHashMap<>(ModelCheckpoint.readHeader(checkpoint).metadata());
        try (NDManager manager = NDManager.newBaseManager(Devices.of(cfg.device()))) {
            PoseNet net = QuantizedCheckpoints.load(checkpoint, manager);
            double before = val == null ? Double.NaN : val.evaluate(net, manager, cfg).overall().adi01d();
            int done = BatchNormCalibration.recalibrate(net, manager,
                    PoseTrainer.calibrationImages(train.images, cfg.train().withBnCalibrationBatches(batches)),
                    cfg.train().batchSize());
            double after = val == null ? Double.NaN : val.evaluate(net, manager, cfg).overall().adi01d();
            metadata.put("bn_calibration_batches", Integer.toString(done));
            metadata.put("score", Double.toString(after));
            ModelCheckpoint.save(net, out, metadata);
            return new Result(out, done, before, after);
        }
    }
}
