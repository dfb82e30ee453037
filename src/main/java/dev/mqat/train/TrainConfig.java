package dev.mqat.train;

import dev.mqat.data.AugmentationConfig;
import java.util.List;

/**
 * How {@code mqat train} trains: budget, batch, optimizer, schedule, augmentation, seed.
 *
 * <p>Exactly one budget is set: {@code epochs}, {@code steps} or {@code timeLimitSeconds} (the others 0).
 * Step and epoch budgets are exactly reproducible and resumable; a time budget ends at the first step past the
 * limit, so its step count depends on the machine. The learning rate warms up linearly over {@code warmupSteps},
 * then follows a cosine from {@code learningRate} to 0 over the budget (by steps, or by elapsed time).
 *
 * @param batchSize images per step (default 32)
 * @param optimizer optimizer (default ADAM)
 * @param learningRate base learning rate (default 2e-3)
 * @param warmupSteps linear warm-up steps (default 50)
 * @param epochs epoch budget, or 0
 * @param steps step budget, or 0
 * @param timeLimitSeconds wall-clock budget in seconds, or 0
 * @param seed root seed of initialisation, data order and augmentation (default 1)
 * @param augmentation geometric augmentation (default {@link AugmentationConfig#defaults()})
 * @param loaderThreads background threads building batches (default 1)
 * @param validateEverySteps run validation every this many steps, or 0 for once per epoch (at the end only for a
 *     time-limited run) (default 0)
 * @param bnCalibrationBatches before each validation and checkpoint, recompute the batch-norm running statistics
 *     as the average over this many unaugmented training batches ("precise BN"); 0 keeps the running averages of
 *     training (default 50; runs written before this setting existed read as 0)
 * @param depthCalibrationImages at each validation, fit the network's depth bias ({@code eval.DepthCorrection}) on
 *     this many unaugmented training images and store it in the checkpoint; 0 leaves poses uncorrected (default
 *     1024; runs written before this setting existed read as 0)
 * @param initFrom checkpoint whose weights a new run starts from instead of random ones (fine-tuning), or null
 * @param crops phases of training on windows around the objects instead of whole images ({@link CropPhase});
 *     empty for whole images throughout (default; runs written before this setting existed read as empty)
 * @param maxGradNorm before each update, scale the gradients down so that their global L2 norm is at most this;
 *     0 turns clipping off (default {@link #DEFAULT_MAX_GRAD_NORM}; runs written before this setting existed read
 *     as 0)
 * @param depthCalibrationSplit split whose images the depth bias is fitted on: {@link DepthCalibrationSplit#TRAIN}
 *     (default; the first {@code depthCalibrationImages} of a fixed shuffle of the training images) or
 *     {@link DepthCalibrationSplit#VAL} (images the network never trained on, like the test images); written as
 *     {@code "train"} or {@code "val"}, and runs written before this setting existed read as {@code train}
 */
public record TrainConfig(int batchSize, OptimizerKind optimizer, double learningRate, int warmupSteps, int epochs,
        long steps, double timeLimitSeconds, long seed, AugmentationConfig augmentation, int loaderThreads,
        long validateEverySteps, int bnCalibrationBatches, int depthCalibrationImages, String initFrom, List<CropPhase> crops,
        double maxGradNorm, DepthCalibrationSplit depthCalibrationSplit) {

    /** Batch-norm calibration batches of {@link #defaults()}: 1600 images, a few seconds on the CPU preset. */
    public static final int DEFAULT_BN_CALIBRATION_BATCHES = 50;

    /** Depth-calibration images of {@link #defaults()}: a two-parameter fit, a few seconds per validation. */
    public static final int DEFAULT_DEPTH_CALIBRATION_IMAGES = 1024;

    /**
     * Gradient-norm limit of {@link #defaults()}. Measured global norms of the CPU preset's steps lie mostly between 3
     * and 9 after the first thousand steps (log.jsonl {@code grad_norm}), so only unusual steps are scaled. The
     * reference clips at 5 with a loss scaled differently (weights 0.01 and 0.1, no division by the positives).
     */
    public static final double DEFAULT_MAX_GRAD_NORM = 10;

    public TrainConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("train.batchSize: must be at least 1, found " + batchSize);
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("train.optimizer: required; expected one of ADAM, SGD");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("train.learningRate: must be positive, found " + learningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("train.warmupSteps: must be >= 0, found " + warmupSteps);
        }
        int budgets = (epochs > 0 ? 1 : 0) + (steps > 0 ? 1 : 0) + (timeLimitSeconds > 0 ? 1 : 0);
        if (budgets != 1 || epochs < 0 || steps < 0 || timeLimitSeconds < 0) {
            throw new IllegalArgumentException("train: set exactly one budget of epochs, steps, timeLimitSeconds; found "
                    + epochs + ", " + steps + ", " + timeLimitSeconds);
        }
        if (augmentation == null) {
            throw new IllegalArgumentException("train.augmentation: required");
        }
        if (loaderThreads < 1) {
            throw new IllegalArgumentException("train.loaderThreads: must be at least 1, found " + loaderThreads);
        }
        if (validateEverySteps < 0) {
            throw new IllegalArgumentException("train.validateEverySteps: must be >= 0, found " + validateEverySteps);
        }
        if (bnCalibrationBatches < 0) {
            throw new IllegalArgumentException("train.bnCalibrationBatches: must be >= 0, found " + bnCalibrationBatches);
        }
        if (depthCalibrationImages < 0) {
            throw new IllegalArgumentException("train.depthCalibrationImages: must be >= 0, found " + depthCalibrationImages);
        }
        crops = CropPhase.validated(crops);
        if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
            throw new IllegalArgumentException("train.maxGradNorm: must be >= 0 (0 = no clipping), found " + maxGradNorm);
        }
        if (depthCalibrationSplit == null) {
            depthCalibrationSplit = DepthCalibrationSplit.TRAIN; // a config written before the setting existed
        }
    }

    /**
     * 10 epochs of Adam at 2e-3, batch 32, default augmentation, seed 1, batch-norm and depth calibration on,
     * gradients clipped at {@link #DEFAULT_MAX_GRAD_NORM}: the one source of defaults; other settings are these with
     * {@code with*} calls.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(32, OptimizerKind.ADAM, 2e-3, 50, 10, 0, 0, 1, AugmentationConfig.defaults(), 1, 0,
                DEFAULT_BN_CALIBRATION_BATCHES, DEFAULT_DEPTH_CALIBRATION_IMAGES, null, List.of(), DEFAULT_MAX_GRAD_NORM,
                DepthCalibrationSplit.TRAIN);
    }

    /** This config with another batch size (images per step). */
    public TrainConfig withBatchSize(int n) {
        return new TrainConfig(n, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another optimizer. */
    public TrainConfig withOptimizer(OptimizerKind kind) {
        return new TrainConfig(batchSize, kind, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another base learning rate. */
    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(batchSize, optimizer, lr, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another number of linear warm-up steps. */
    public TrainConfig withWarmupSteps(int n) {
        return new TrainConfig(batchSize, optimizer, learningRate, n, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another budget; exactly one of the three is positive. */
    public TrainConfig withBudget(int newEpochs, long newSteps, double newTimeLimitSeconds) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, newEpochs, newSteps,
                newTimeLimitSeconds, seed, augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches,
                depthCalibrationImages, initFrom, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another root seed. */
    public TrainConfig withSeed(long s) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, s,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another geometric augmentation. */
    public TrainConfig withAugmentation(AugmentationConfig a) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                a, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages, initFrom, crops,
                maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another number of batch-building threads. */
    public TrainConfig withLoaderThreads(int n) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, n, validateEverySteps, bnCalibrationBatches, depthCalibrationImages, initFrom, crops,
                maxGradNorm, depthCalibrationSplit);
    }

    /** This config validating every {@code n} steps (0: once per epoch). */
    public TrainConfig withValidateEverySteps(long n) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, n, bnCalibrationBatches, depthCalibrationImages, initFrom, crops,
                maxGradNorm, depthCalibrationSplit);
    }

    /** This config recomputing batch-norm statistics over {@code n} batches (0: off). */
    public TrainConfig withBnCalibrationBatches(int n) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, n, depthCalibrationImages, initFrom, crops,
                maxGradNorm, depthCalibrationSplit);
    }

    /** This config fitting the depth bias on {@code n} images (0: off). */
    public TrainConfig withDepthCalibrationImages(int n) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, n, initFrom, crops, maxGradNorm,
                depthCalibrationSplit);
    }

    /** This config with another checkpoint a new run starts from (null: random weights). */
    public TrainConfig withInitFrom(String checkpoint) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                checkpoint, crops, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with other training-window phases (empty: whole images). */
    public TrainConfig withCrops(List<CropPhase> phases) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, phases, maxGradNorm, depthCalibrationSplit);
    }

    /** This config with another gradient-norm limit (0: no clipping). */
    public TrainConfig withMaxGradNorm(double limit) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, limit, depthCalibrationSplit);
    }

    /** This config with another split the depth bias is fitted on. */
    public TrainConfig withDepthCalibrationSplit(DepthCalibrationSplit split) {
        return new TrainConfig(batchSize, optimizer, learningRate, warmupSteps, epochs, steps, timeLimitSeconds, seed,
                augmentation, loaderThreads, validateEverySteps, bnCalibrationBatches, depthCalibrationImages,
                initFrom, crops, maxGradNorm, split);
    }

    /** True when the depth bias is fitted on the val split rather than on training images. */
    public boolean depthCalibrationOnVal() {
        return depthCalibrationSplit == DepthCalibrationSplit.VAL;
    }

    /** Side of the training windows at the fraction {@code budgetFraction} of the budget; 0 for whole images. */
    public int cropAt(double budgetFraction) {
        return CropPhase.sideAt(crops, budgetFraction);
    }

    /** Learning rate at {@code step} given the fraction of the budget used ({@code 0..1}). */
    public double learningRateAt(long step, double budgetFraction) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / (warmupSteps + 1);
        }
        double f = Math.min(1, Math.max(0, budgetFraction));
        return learningRate * 0.5 * (1 + Math.cos(Math.PI * f));
    }
}
