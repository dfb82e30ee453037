package dev.mqat.search;

import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.QuantizeJob;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code mqat search} is asked to do.
 *
 * @param sourceRun trained float run folder (its best checkpoint is the search's starting network)
 * @param data dataset folder, null for the source run's
 * @param compression whole-model size target: quantized bytes at most fp32 bytes / {@code compression}
 * @param bits candidate bit-widths of Phase C (the probes always use 2)
 * @param quantizer base quantizer Q of every probe and stage
 * @param probe fine-tuning budget of each probe and of the FP control
 * @param stage fine-tuning budget of each gradated stage
 * @param hessian how the Hessian traces are sampled
 * @param probeMarginPoints a probe beats FP when its validation ADI-0.1d exceeds the control's by more than this
 *     many points (0: the paper's rule, any higher accuracy)
 * @param checkpointEverySteps resumable checkpoint inside each fine-tune every N steps (0: once per epoch)
 * @param depthCalibrationImages training images each fine-tune refits the depth correction on when the source has
 *     one (0: the source run's count); the same for every fine-tune, so the comparisons stay fair
 * @param validationImages validation images each fine-tune is scored on, the first ones of the val split (0: all);
 *     the probes are decided on them
 * @param command the command line, recorded in every run folder's config
 * @param fineTuneSeed seed of every fine-tune (initial state of the quantizers, data order), null for the source
 *     run's training seed; {@code mqat compare --seeds N} repeats a search with N of them
 * @param device where the engine runs every fine-tune and Hessian pass, recorded in each fine-tune's config; null
 *     for the device the source run's config records (also what a settings file written before the key existed
 *     reads as)
 * @param learningRate base learning rate of every fine-tune, null for
 *     {@link dev.mqat.run.QuantizeJob#DEFAULT_LEARNING_RATE} (also what a settings file written before the key
 *     existed reads as)
 */
public record SearchSettings(Path sourceRun, Path data, double compression, List<Integer> bits,
        QuantizerKind quantizer, Budget probe, Budget stage, HessianTrace.Settings hessian, double probeMarginPoints,
        long checkpointEverySteps, int depthCalibrationImages, int validationImages, List<String> command,
        Long fineTuneSeed, DeviceChoice device, Double learningRate) {

    /**
     * A fine-tuning budget: exactly one of epochs and steps is positive.
     *
     * @param epochs epochs of fine-tuning, or 0
     * @param steps steps of fine-tuning, or 0
     */
    public record Budget(int epochs, long steps) {
        public Budget {
            if ((epochs > 0) == (steps > 0) || epochs < 0 || steps < 0) {
                throw new IllegalArgumentException("budget: set exactly one of epochs and steps, found " + epochs
                        + " epochs and " + steps + " steps");
            }
        }

        public static Budget ofSteps(long steps) {
            return new Budget(0, steps);
        }

        public static Budget ofEpochs(int epochs) {
            return new Budget(epochs, 0);
        }

        @Override
        public String toString() {
            return epochs > 0 ? epochs + " epochs" : steps + " steps";
        }
    }

    /** Named budgets: {@code quick} fits a search of the shipped model in 20 minutes on 2 cores; {@code paper} is
     * the paper's 30 epochs per fine-tune. */
    public enum Preset {
        QUICK(Budget.ofSteps(200), Budget.ofSteps(200), 16, 256, 256),
        PAPER(Budget.ofEpochs(30), Budget.ofEpochs(30), 64, 0, 0);

        public final Budget probe;
        public final Budget stage;
        public final int hessianSamples;
        /** Depth-calibration images per fine-tune (0: the source's); with rotations and zoom views each costs
         * about as much as a validation image. */
        public final int depthCalibrationImages;
        /** Validation images each fine-tune is scored on (0: the whole val split), the first ones of the split. */
        public final int validationImages;

        Preset(Budget probe, Budget stage, int hessianSamples, int depthCalibrationImages, int validationImages) {
            this.probe = probe;
            this.stage = stage;
            this.hessianSamples = hessianSamples;
            this.depthCalibrationImages = depthCalibrationImages;
            this.validationImages = validationImages;
        }
    }

    public SearchSettings {
        bits = List.copyOf(bits);
        command = List.copyOf(command);
        if (sourceRun == null) {
            throw new IllegalArgumentException("search needs a source run");
        }
        if (!(compression >= 1) || Double.isInfinite(compression)) {
            throw new IllegalArgumentException("compression: expected a finite number >= 1, found " + compression);
        }
        if (bits.isEmpty()) {
            throw new IllegalArgumentException("bits: expected at least one candidate bit-width");
        }
        for (int b : bits) {
            if (b < 2 || b > 8) {
                throw new IllegalArgumentException("bits: expected values in 2..8, found " + b);
            }
        }
        if (bits.stream().distinct().count() != bits.size()) {
            throw new IllegalArgumentException("bits: " + bits + " names a bit-width twice");
        }
        if (!Double.isFinite(probeMarginPoints)) {
            throw new IllegalArgumentException("probe margin: expected a finite number of points, found "
                    + probeMarginPoints);
        }
        if (depthCalibrationImages < 0) {
            throw new IllegalArgumentException("depth calibration: expected >= 0 images, found "
                    + depthCalibrationImages);
        }
        if (validationImages < 0) {
            throw new IllegalArgumentException("validation images: expected >= 0, found " + validationImages);
        }
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("checkpoint every: expected >= 0 steps, found " + checkpointEverySteps);
        }
        QuantizeJob.learningRate("learning rate", learningRate);
    }

    /** Settings whose fine-tunes use the source run's seed and device and quantize's default learning rate. */
    public SearchSettings(Path sourceRun, Path data, double compression, List<Integer> bits, QuantizerKind quantizer,
            Budget probe, Budget stage, HessianTrace.Settings hessian, double probeMarginPoints,
            long checkpointEverySteps, int depthCalibrationImages, int validationImages, List<String> command) {
        this(sourceRun, data, compression, bits, quantizer, probe, stage, hessian, probeMarginPoints,
                checkpointEverySteps, depthCalibrationImages, validationImages, command, null, null, null);
    }

    /** These settings at another size target. */
    public SearchSettings withCompression(double target) {
        return new SearchSettings(sourceRun, data, target, bits, quantizer, probe, stage, hessian, probeMarginPoints,
                checkpointEverySteps, depthCalibrationImages, validationImages, command, fineTuneSeed, device,
                learningRate);
    }

    /** These settings with every fine-tune seeded by {@code seed} (null: the source run's seed). */
    public SearchSettings withFineTuneSeed(Long seed) {
        return new SearchSettings(sourceRun, data, compression, bits, quantizer, probe, stage, hessian,
                probeMarginPoints, checkpointEverySteps, depthCalibrationImages, validationImages, command, seed,
                device, learningRate);
    }

    /** These settings running on {@code newDevice} (null: the source run's device). */
    public SearchSettings withDevice(DeviceChoice newDevice) {
        return new SearchSettings(sourceRun, data, compression, bits, quantizer, probe, stage, hessian,
                probeMarginPoints, checkpointEverySteps, depthCalibrationImages, validationImages, command,
                fineTuneSeed, newDevice, learningRate);
    }

    /** These settings recording another command line (the one setting two equal searches may differ in). */
    public SearchSettings withCommand(List<String> newCommand) {
        return new SearchSettings(sourceRun, data, compression, bits, quantizer, probe, stage, hessian,
                probeMarginPoints, checkpointEverySteps, depthCalibrationImages, validationImages, newCommand,
                fineTuneSeed, device, learningRate);
    }

    /** These settings fine-tuning at {@code rate} (null: quantize's default rate). */
    public SearchSettings withLearningRate(Double rate) {
        return new SearchSettings(sourceRun, data, compression, bits, quantizer, probe, stage, hessian,
                probeMarginPoints, checkpointEverySteps, depthCalibrationImages, validationImages, command,
                fineTuneSeed, device, rate);
    }

    /** The defaults of {@code mqat search} for a source run: 4x, bits 2,3,4,8, INQ, the quick budget. */
    public static SearchSettings defaults(Path sourceRun) {
        Preset p = Preset.QUICK;
        return new SearchSettings(sourceRun, null, 4, List.of(2, 3, 4, 8), QuantizerKind.INQ, p.probe, p.stage,
                HessianTrace.Settings.defaults().withMaxSamples(p.hessianSamples), 0, 50, p.depthCalibrationImages,
                p.validationImages, List.of("mqat", "search"));
    }

    /** The bit-width every probe quantizes its module to (paper Algorithm 1, line 2). */
    public static final int PROBE_BITS = 2;

    /** The rule deciding whether a probe beats full precision, in words (printed and written to search.json). */
    public String rule() {
        return String.format(java.util.Locale.ROOT, "a probe beats FP when its validation ADI-0.1d exceeds the FP "
                + "control's by more than %.2f points; the most accurate such probe wins (ties: the smaller module)",
                probeMarginPoints);
    }
}
