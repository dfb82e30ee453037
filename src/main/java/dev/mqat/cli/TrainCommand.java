package dev.mqat.cli;

import dev.mqat.Durations;
import dev.mqat.data.AugmentationConfig;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.ModelConfig;
import dev.mqat.run.Provenance;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunObject;
import dev.mqat.data.BopDataset;
import dev.mqat.run.TrainingJob;
import dev.mqat.train.CropPhase;
import dev.mqat.train.DepthCalibrationSplit;
import dev.mqat.train.LossConfig;
import dev.mqat.train.OptimizerKind;
import dev.mqat.train.PoseTrainer;
import dev.mqat.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains a pose network into a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a pose network on a BOP dataset into a run folder.",
            "Writes RUN/config.json, RUN/log.jsonl (one JSON object per step, per validation and at the end) and "
                    + "RUN/checkpoints/{last,best}.ckpt; the best checkpoint is chosen by ADI-0.1d on the val split.",
            "--resume continues a killed run from its last checkpoint with the same result as an uninterrupted run "
                    + "(step and epoch budgets; a --time-limit run stops at the limit, so its step count depends on the machine)."})
final class TrainCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--data", paramLabel = "DIR", description = SharedOptions.DATA)
    Path data;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run folder to create (or to continue with --resume).")
    Path out;

    @Mixin
    NetworkOptions network;

    @Option(names = "--input-size", paramLabel = "PX", description = SharedOptions.INPUT_SIZE)
    Integer inputSize;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Budget budget;

    static final class Budget {
        @Option(names = "--epochs", paramLabel = "N", description = "Train for N epochs (default 10).")
        Integer epochs;

        @Option(names = "--steps", paramLabel = "N", description = "Train for N steps.")
        Long steps;

        @Option(names = "--time-limit", paramLabel = "DURATION", description = "Train for a wall-clock budget, e.g. 10m, 1h30m; the cosine schedule follows elapsed time.")
        String timeLimit;
    }

    @Option(names = "--batch", defaultValue = "64", paramLabel = "N", description = SharedOptions.BATCH)
    int batch;

    @Option(names = "--lr", defaultValue = "4e-3", paramLabel = "LR", description = SharedOptions.LR)
    Double lr;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME", converter = SharedOptions.OptimizerConverter.class,
            description = SharedOptions.OPTIMIZER)
    OptimizerKind optimizer;

    @Option(names = "--warmup", defaultValue = "50", paramLabel = "STEPS", description = "Linear warm-up steps. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--augment", description = "Turn on shift/zoom/roll augmentation (off by default, as in the recipe "
            + "the defaults come from, whose --crop windows already vary the framing).")
    boolean augment;

    @Option(names = "--no-augment", hidden = true, description = "No augmentation, the default; kept for old scripts.")
    boolean noAugment;

    @Option(names = "--crop", paramLabel = "SIDE[:UNTIL],...", description = "Train on SIDE x SIDE windows placed at random "
            + "around the objects instead of whole images (SIDE a multiple of 32, 0 = whole images): a step costs about "
            + "(SIDE / input side)^2 of a whole-image step. Phases end at the fraction UNTIL of the budget, the last at its end: "
            + "96 = windows of 96 px throughout, 64:0.6,96 = 64 px for the first 60 %%, then 96 px, 64:0.5,96:0.85,0 = 64 px, "
            + "96 px from 50 %%, whole images from 85 %%. Validation and inference always see whole images. Default: half the input "
            + "side until 60 %%, three quarters until 90 %%, then whole images (64:0.6,96:0.9,0 at 128 px); whole images for "
            + "inputs under 128 px.")
    String crop;

    @Option(names = "--clip-grad-norm", defaultValue = "" + TrainConfig.DEFAULT_MAX_GRAD_NORM, paramLabel = "N",
            description = "Before each update, scale the gradients down so that their global L2 norm is at most N "
                    + "(0 = no clipping); each step's norm before clipping is logged as grad_norm. Default: ${DEFAULT-VALUE}.")
    double clipGradNorm;

    @Option(names = "--positives", defaultValue = "10", paramLabel = "N", description = "Positive cells sampled per object. Default: ${DEFAULT-VALUE}.")
    int positives;

    @Option(names = "--smooth-l1-knee", defaultValue = "0.005", paramLabel = "D",
            description = "Knee of the smooth-L1 on object-space corner errors, in object diameters: quadratic below, "
                    + "linear above. Default: ${DEFAULT-VALUE} (WDR's is " + LossConfig.DEFAULT_SMOOTH_L1_KNEE + ").")
    double smoothL1Knee;

    @Option(names = "--val-images", defaultValue = "0", paramLabel = "N", description = SharedOptions.VAL_IMAGES)
    Integer valImages;

    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "STEPS", description = SharedOptions.CHECKPOINT_EVERY)
    long checkpointEvery;


    @Option(names = "--bn-calibration", defaultValue = "" + TrainConfig.DEFAULT_BN_CALIBRATION_BATCHES, paramLabel = "BATCHES",
            description = SharedOptions.BN_CALIBRATION)
    int bnCalibration;

    @Option(names = "--depth-calibration", defaultValue = "" + TrainConfig.DEFAULT_DEPTH_CALIBRATION_IMAGES, paramLabel = "IMAGES",
            description = SharedOptions.DEPTH_CALIBRATION)
    Integer depthCalibration;

    @Option(names = "--depth-calibration-split", defaultValue = "train", paramLabel = "SPLIT",
            description = SharedOptions.DEPTH_CALIBRATION_SPLIT)
    String depthCalibrationSplit;

    @Option(names = "--rotations", defaultValue = "4", paramLabel = "N", description = "Views of each image at inference "
            + "(validation, eval, predict), their corner correspondences pooled into one PnP per object: 1 = the image as it is, "
            + "2 = also turned by 180 degrees, 4 = every quarter turn (N times the forward passes). Stored in config.json "
            + "(decoder.rotations). Default: ${DEFAULT-VALUE}.")
    int rotations;

    @Option(names = "--zoom-below", defaultValue = "64", paramLabel = "PX", description = "At inference, an object whose "
            + "first-pass box is smaller than this is seen again magnified about its centre (--zoom), and PnP is solved on the "
            + "correspondences of all passes pooled (0 = off). Stored in config.json (decoder.zoomBelowPx). "
            + "Default: ${DEFAULT-VALUE}.")
    double zoomBelow;

    @Option(names = "--zoom", defaultValue = "1.3,1.7", split = ",", paramLabel = "X", description = "Magnifications of those "
            + "second looks, each above 1; each costs the forward passes of one more image per small object. Stored in "
            + "config.json (decoder.zooms). Default: ${DEFAULT-VALUE}.")
    List<Double> zooms;

    @Option(names = "--init", paramLabel = "CKPT|RUN", description = "Start from the weights of this checkpoint (or run folder: "
            + "its best.ckpt) instead of random ones, with a new optimizer and schedule; the architecture must match.")
    Path init;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = SharedOptions.SEED)
    long seed;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "T", description = SharedOptions.WORKERS)
    Integer workers;

    @Mixin
    JobOptions job;

    /** What {@code train --json} prints. */
    record Trained(String run, long steps, double seconds, double lastLoss, double bestValAdi01d) {}

    @Override
    public void run() {
        RunConfig config = null;
        job.check();
        if (!job.resume) {
            if (data == null) {
                throw new UsageException("--data is required (unless --resume)");
            }
            if (!Files.isDirectory(data)) {
                throw new UsageException("--data: dataset folder not found: " + data);
            }
            config = config();
        } else if (!Files.isRegularFile(RunConfig.file(out))) {
            throw new UsageException("--resume: " + out + " is not a run folder (no config.json)");
        }
        PoseTrainer.Result r;
        try {
            r = TrainingJob.run(config, out, job.resume);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (job.json) {
            JsonOutput.print(new Trained(out.toString(), r.steps(), r.elapsed().toMillis() / 1000.0, r.lastLoss(),
                    r.bestScore()));
            return;
        }
        System.out.printf("trained %d steps in %s; last loss %.4f; best val ADI-0.1d %.2f%%; run %s%n", r.steps(),
                Durations.format(r.elapsed()), r.lastLoss(), r.bestScore(), out);
    }

    private RunConfig config() {
        try {
            List<RunObject> objects = RunObject.of(BopDataset.open(data).objects());
            ModelConfig model = network.config(objects.size(), NetworkOptions.TRAIN_DEPTH);
            if (inputSize != null) {
                model = model.withInputSizePx(inputSize);
            }
            int epochs = 0;
            long steps = 0;
            double seconds = 0;
            if (budget == null || budget.epochs != null) {
                epochs = budget == null ? 10 : budget.epochs;
            } else if (budget.steps != null) {
                steps = budget.steps;
            } else {
                seconds = Durations.parse(budget.timeLimit).toMillis() / 1000.0;
            }
            TrainConfig train = TrainConfig.defaults().withBatchSize(batch).withOptimizer(optimizer).withLearningRate(lr)
                    .withWarmupSteps(warmup).withBudget(epochs, steps, seconds).withSeed(seed)
                    .withAugmentation(augment ? AugmentationConfig.defaults() : AugmentationConfig.none())
                    .withLoaderThreads(workers).withValidateEverySteps(checkpointEvery)
                    .withBnCalibrationBatches(bnCalibration).withDepthCalibrationImages(depthCalibration)
                    .withInitFrom(init == null ? null : initCheckpoint(model).toString())
                    .withCrops(crop == null ? CropPhase.recipeFor(model.inputSizePx()) : CropPhase.parse(crop))
                    .withMaxGradNorm(clipGradNorm)
                    .withDepthCalibrationSplit(DepthCalibrationSplit.fromKey(depthCalibrationSplit));
            List<String> command = SharedOptions.commandLine(spec);
            LossConfig loss = LossConfig.defaults().withPositivesPerObject(positives).withSmoothL1BetaDiameters(smoothL1Knee);
            return new RunConfig(command, data.toString(), objects, model, train, loss,
                    DecoderConfig.defaults().withRotations(rotations).withZoomBelowPx(zoomBelow).withZooms(zooms),
                    PnpConfig.defaults(), valImages, job.device.orAuto(), Provenance.current());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The {@code --init} checkpoint, checked to hold the network this run builds. */
    private Path initCheckpoint(ModelConfig model) {
        Path file = TrainingJob.initCheckpoint(init);
        ModelConfig found = ModelCheckpoint.readHeader(file).model();
        if (!found.equals(model)) {
            throw new UsageException("--init: " + file + " holds " + found + " but this run builds " + model
                    + "; pass the same --arch, --width, --depth and --input-size");
        }
        return file;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
}
