package dev.mqat.compare;

import dev.mqat.quant.Granularity;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.RunConfig;
import dev.mqat.search.SearchSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LayerwiseMixedPrecision} is asked to do; stored as {@code OUT/layerwise/settings.json}.
 *
 * <p>The fine-tune is {@code quantize}'s LSQ fine-tune of every layer at once ({@link dev.mqat.run.QuantizeJob}, one
 * stage, the source run's optimizer at quantize's default rate, x0.1 at 1/3, 2/3 and 5/6 of the budget), so with the
 * same budget, depth calibration and seed it trains exactly as the uniform LSQ baseline does; only the plan differs.
 * Paths are made absolute.
 *
 * @param sourceRun trained float run folder; its best checkpoint is measured and fine-tuned
 * @param data dataset folder, null for the source run's
 * @param out the run folder to write (new or empty, or the started run to continue)
 * @param compression whole-model size target: quantized bytes at most fp32 bytes / {@code compression} (as
 *     {@code mqat size} counts), e.g. 4.0
 * @param bits candidate bit-widths per layer, each in 2..8 (default 2, 4, 8)
 * @param hessianSamples Hutchinson samples at most (default 16, the quick budget); batches of 32 training images, or
 *     the largest multiple of 16 a smaller training set holds
 * @param budget fine-tuning budget, epochs or steps (default the quick budget's 200 steps)
 * @param granularity scale granularity of the quantizers and of the size count (default per tensor)
 * @param checkpointEverySteps resumable checkpoint inside the fine-tune every N steps (0: once per epoch; default 50)
 * @param depthCalibrationImages training images the fine-tune refits the depth correction on when the source has
 *     one (0: the source run's count; default 256, the quick budget's)
 * @param validationImages validation images the fine-tune is scored on, the first of the val split (0: all;
 *     default 256, the quick budget's)
 * @param seed seeds the Hessian sampling and the fine-tune's training (default the source run's training seed)
 * @param device where the engine runs the Hessian passes and the fine-tune, recorded in the fine-tune's config; null
 *     (the default, and what a settings file written before the key existed reads as) for the source run's device
 * @param resume continue the run in {@code out} when it is started (its stored settings must equal these but for
 *     {@code resume}); start it otherwise
 * @param command the command line, recorded in the fine-tune's config
 * @param learningRate base learning rate of the fine-tune, null (the default, and what a settings file written before
 *     the key existed reads as) for {@link dev.mqat.run.QuantizeJob#DEFAULT_LEARNING_RATE}
 */
public record LayerwiseSettings(Path sourceRun, Path data, Path out, double compression, List<Integer> bits,
        int hessianSamples, SearchSettings.Budget budget, Granularity granularity, long checkpointEverySteps,
        int depthCalibrationImages, int validationImages, long seed, DeviceChoice device, boolean resume,
        List<String> command, Double learningRate) {

    /** The candidate bit-widths of HAWQ-V3's experiments. */
    public static final List<Integer> DEFAULT_BITS = List.of(2, 4, 8);

    public LayerwiseSettings {
        if (sourceRun == null || out == null) {
            throw new IllegalArgumentException("layerwise.sourceRun and layerwise.out are required, found " + sourceRun
                    + " and " + out);
        }
        sourceRun = sourceRun.toAbsolutePath().normalize();
        data = data == null ? null : data.toAbsolutePath().normalize();
        out = out.toAbsolutePath().normalize();
        bits = List.copyOf(bits);
        command = List.copyOf(command);
        if (!(compression >= 1) || Double.isInfinite(compression)) {
            throw new IllegalArgumentException("layerwise.compression: expected a finite number >= 1, found "
                    + compression);
        }
        if (bits.isEmpty()) {
            throw new IllegalArgumentException("layerwise.bits: expected at least one candidate bit-width");
        }
        for (int b : bits) {
            if (b < 2 || b > 8) {
                throw new IllegalArgumentException("layerwise.bits: expected values in 2..8, found " + b);
            }
        }
        if (bits.stream().distinct().count() != bits.size()) {
            throw new IllegalArgumentException("layerwise.bits: " + bits + " names a bit-width twice");
        }
        if (hessianSamples < 2) {
            throw new IllegalArgumentException("layerwise.hessianSamples: expected at least 2 (a standard error needs "
                    + "two samples), found " + hessianSamples);
        }
        if (budget == null || granularity == null) {
            throw new IllegalArgumentException("layerwise.budget and layerwise.granularity are required, found "
                    + budget + " and " + granularity);
        }
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("layerwise.checkpointEverySteps: expected >= 0, found "
                    + checkpointEverySteps);
        }
        if (validationImages < 0) {
            throw new IllegalArgumentException("layerwise.validationImages: expected >= 0, found " + validationImages);
        }
        if (depthCalibrationImages < 0) {
            throw new IllegalArgumentException("layerwise.depthCalibrationImages: expected >= 0, found "
                    + depthCalibrationImages);
        }
        QuantizeJob.learningRate("layerwise.learningRate", learningRate);
    }

    /**
     * The defaults for a source run: its dataset, bits 2, 4, 8, the quick budget (16 Hessian samples, 200 steps,
     * 256 depth-calibration images, a checkpoint every 50 steps), per-tensor scales, the source's training seed.
     *
     * @throws java.io.UncheckedIOException when {@code sourceRun} has no {@code config.json}
     */
    public static LayerwiseSettings defaults(Path sourceRun, Path out, double compression) {
        SearchSettings.Preset quick = SearchSettings.Preset.QUICK;
        long seed = RunConfig.read(sourceRun).train().seed();
        return new LayerwiseSettings(sourceRun, null, out, compression, DEFAULT_BITS, quick.hessianSamples,
                quick.stage, Granularity.PER_TENSOR, 50, quick.depthCalibrationImages, quick.validationImages, seed,
                null, false, List.of("mqat", "compare"), null);
    }

    public LayerwiseSettings withData(Path d) {
        return new LayerwiseSettings(sourceRun, d, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, command,
                learningRate);
    }

    public LayerwiseSettings withOut(Path o) {
        return new LayerwiseSettings(sourceRun, data, o, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, command,
                learningRate);
    }

    public LayerwiseSettings withCompression(double c) {
        return new LayerwiseSettings(sourceRun, data, out, c, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, command,
                learningRate);
    }

    public LayerwiseSettings withHessianSamples(int n) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, n, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, command,
                learningRate);
    }

    public LayerwiseSettings withBudget(SearchSettings.Budget b) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, b, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, command,
                learningRate);
    }

    public LayerwiseSettings withCheckpointEverySteps(long n) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity, n,
                depthCalibrationImages, validationImages, seed, device, resume, command, learningRate);
    }

    public LayerwiseSettings withDepthCalibrationImages(int n) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, n, validationImages, seed, device, resume, command, learningRate);
    }

    public LayerwiseSettings withSeed(long s) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, s, device, resume, command,
                learningRate);
    }

    public LayerwiseSettings withDevice(DeviceChoice d) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, d, resume, command, learningRate);
    }

    public LayerwiseSettings withResume(boolean r) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, r, command, learningRate);
    }

    public LayerwiseSettings withCommand(List<String> c) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, c, learningRate);
    }

    public LayerwiseSettings withLearningRate(Double rate) {
        return new LayerwiseSettings(sourceRun, data, out, compression, bits, hessianSamples, budget, granularity,
                checkpointEverySteps, depthCalibrationImages, validationImages, seed, device, resume, command, rate);
    }
}
