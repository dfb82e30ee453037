package dev.mqat.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.mqat.Reporter;
import dev.mqat.data.BopDataset;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.PoseNet;
import dev.mqat.train.PoseObjective;
import dev.mqat.train.PoseTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code mqat train}: trains a pose network on a BOP dataset into a run folder, selecting the best checkpoint
 * by ADI-0.1d on the validation split (never the test split), each checkpoint with its fitted depth correction.
 */
public final class TrainingJob {
    private TrainingJob() {}

    /**
     * Trains a new run ({@code resume == false}: the folder must be new or empty) or continues a killed one
     * from its last checkpoint ({@code resume == true}: the folder's own {@code config.json} is used and
     * {@code config} is ignored).
     */
    public static PoseTrainer.Result run(RunConfig config, Path runDir, boolean resume) {
        RunConfig cfg = resume ? RunConfig.read(runDir) : config;
        Device device = Devices.of(cfg.device()); // first: a missing GPU leaves no half-made run folder behind
        if (!resume) {
            requireEmpty(runDir);
            cfg.write(runDir);
        }
        BopDataset dataset = BopDataset.open(Path.of(cfg.data()));
        if (dataset.objects().size() != cfg.model().numClasses()) {
            throw new IllegalArgumentException(cfg.data() + ": " + dataset.objects().size() + " objects but the model has "
                    + cfg.model().numClasses() + " classes");
        }
        int size = cfg.model().inputSizePx();
        RunData train = RunData.load(dataset, "train", size, 0);
        RunData val = dataset.hasSplit("val") ? RunData.load(dataset, "val", size, cfg.valImages()) : null;
        Engine.getEngine("PyTorch").setRandomSeed((int) cfg.train().seed());
        try (NDManager manager = NDManager.newBaseManager(device)) {
            PoseNet net = PoseNet.create(cfg.model(), manager);
            if (!resume && cfg.train().initFrom() != null) {
                ModelCheckpoint.load(net, Path.of(cfg.train().initFrom()));
            }
            PoseObjective objective = new PoseObjective(cfg.model(), cfg.loss(), cfg.train().seed());
            if (val == null) {
                Reporter.line("mqat: " + cfg.data() + " has no val split; the last checkpoint is also the best");
            }
            DepthCalibration calibration = new DepthCalibration(train, val, cfg, cfg.train().depthCalibrationImages());
            PoseTrainer.Validator validator = calibration.active() ? n -> calibration.run(n, manager).validation() : null;
            return PoseTrainer.fit(cfg.train(), net, manager, train.images, objective, validator, runDir, resume);
        }
    }

    /**
     * The checkpoint a {@code --init} argument names: a {@code .ckpt} file, or a run folder (its
     * {@code checkpoints/best.ckpt}).
     *
     * @throws IllegalArgumentException naming the path when neither exists
     */
    public static Path initCheckpoint(Path fileOrRun) {
        Path file = Files.isDirectory(fileOrRun) ? fileOrRun.resolve("checkpoints").resolve("best.ckpt") : fileOrRun;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--init: no checkpoint at " + file
                    + " (give a .ckpt file or a run folder with checkpoints/best.ckpt)");
        }
        return file;
    }

    /** Fails unless {@code runDir} is missing or empty (a new run never mixes with an old one). */
    static void requireEmpty(Path runDir) {
        if (Files.isDirectory(runDir)) {
            try (Stream<Path> s = Files.list(runDir)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("run folder " + runDir
                            + " is not empty; use --resume to continue it or choose a new --out");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(runDir + ": " + e.getMessage(), e);
            }
        }
    }
}
