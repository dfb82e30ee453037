package dev.mqat.compare;

import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.QuantizeJob;
import dev.mqat.search.HessianTrace;
import dev.mqat.search.SearchSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code mqat compare} is asked to do ({@code CMP/compare.json}).
 *
 * <p>One budget for every fine-tune: the FP control, each uniform baseline, each probe of the search and each stage of
 * its gradated quantization get {@code fineTune} (same steps; the source run's batch, data and optimizer; quantize's
 * default learning rate; as {@code mqat search} fine-tunes). docs/decisions.md says why a baseline gets one such
 * fine-tune and MQAT one per module.
 *
 * @param sourceRun trained float run folder every method starts from (its best checkpoint)
 * @param data dataset folder, null for the source run's
 * @param compressions whole-model size targets, e.g. 4 and 8 (each at least 1, in the order given)
 * @param methods the methods compared; {@link Method#FP} always among them (the control of every paired test)
 * @param budget the preset the budget came from ({@code quick}, {@code paper}), for the record
 * @param fineTune steps or epochs of every fine-tune
 * @param hessianSamples most Hutchinson samples of the search's Hessian traces
 * @param depthCalibrationImages training images each fine-tune refits the depth correction on (0: the source's)
 * @param validationImages validation images each fine-tune is scored on, the first of the val split (0: all)
 * @param seeds fine-tuning seeds per method: seed {@code k} (from 1) fine-tunes with the source run's seed plus
 *     {@code k - 1}, so the first seed's runs are exactly what {@code mqat search} and {@code mqat quantize} make
 * @param checkpointEverySteps resumable checkpoint inside each fine-tune every N steps
 * @param command the command line, recorded in every run folder's config
 * @param device where the engine runs every method, recorded in every run folder's config; null for the device the
 *     source run's config records (also what a settings file written before the key existed reads as)
 * @param learningRate base learning rate of every fine-tune, null for
 *     {@link dev.mqat.run.QuantizeJob#DEFAULT_LEARNING_RATE} (also what a settings file written before the key
 *     existed reads as)
 */
public record ComparisonSettings(Path sourceRun, Path data, List<Double> compressions, List<Method> methods,
        String budget, SearchSettings.Budget fineTune, int hessianSamples, int depthCalibrationImages,
        int validationImages, int seeds,
        long checkpointEverySteps, List<String> command, DeviceChoice device, Double learningRate) {

    /** Candidate bit-widths of the search's Phase C, as {@code mqat search}'s default. */
    public static final List<Integer> SEARCH_BITS = List.of(2, 3, 4, 8);
    /** The search's base quantizer (the paper's recommendation); its FP control is fine-tuned with INQ's schedule. */
    public static final QuantizerKind SEARCH_QUANTIZER = QuantizerKind.INQ;

    public ComparisonSettings {
        compressions = List.copyOf(compressions);
        command = List.copyOf(command);
        if (sourceRun == null) {
            throw new IllegalArgumentException("compare needs a source run (--model)");
        }
        if (compressions.isEmpty()) {
            throw new IllegalArgumentException("compression: expected at least one target, e.g. 4,8");
        }
        for (double c : compressions) {
            if (!(c >= 1) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("compression: expected finite numbers >= 1, found " + c);
            }
        }
        if (compressions.stream().distinct().count() != compressions.size()) {
            throw new IllegalArgumentException("compression: " + compressions + " names a target twice");
        }
        List<Method> m = new ArrayList<>();
        m.add(Method.FP);
        for (Method x : methods) {
            if (!m.contains(x)) {
                m.add(x);
            }
        }
        methods = List.copyOf(m);
        if (fineTune == null) {
            throw new IllegalArgumentException("compare needs a fine-tuning budget");
        }
        if (hessianSamples < 1) {
            throw new IllegalArgumentException("hessian samples: expected >= 1, found " + hessianSamples);
        }
        if (depthCalibrationImages < 0) {
            throw new IllegalArgumentException("depth calibration: expected >= 0 images, found "
                    + depthCalibrationImages);
        }
        if (validationImages < 0) {
            throw new IllegalArgumentException("validation images: expected >= 0, found " + validationImages);
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds: expected >= 1, found " + seeds);
        }
        if (checkpointEverySteps < 0) {
            throw new IllegalArgumentException("checkpoint every: expected >= 0 steps, found " + checkpointEverySteps);
        }
        QuantizeJob.learningRate("learning rate", learningRate);
    }

    /**
     * Settings from a budget preset: every fine-tune gets the preset's stage budget (the same as its probe budget),
     * the search its Hessian samples and depth-calibration count; every method, one seed.
     */
    public static ComparisonSettings of(Path sourceRun, Path data, List<Double> compressions,
            SearchSettings.Preset preset, int seeds, List<String> command) {
        return new ComparisonSettings(sourceRun, data, compressions, List.of(Method.values()),
                preset.name().toLowerCase(Locale.ROOT), preset.stage, preset.hessianSamples,
                preset.depthCalibrationImages, preset.validationImages, seeds, 50, command, null, null);
    }

    /** These settings with another budget of every fine-tune (the preset's name is kept, for the record). */
    public ComparisonSettings withFineTune(SearchSettings.Budget b) {
        return new ComparisonSettings(sourceRun, data, compressions, methods, budget, b, hessianSamples,
                depthCalibrationImages, validationImages, seeds, checkpointEverySteps, command, device,
                learningRate);
    }

    /** These settings with other image counts for each fine-tune's depth refit and validation (0 as in the record). */
    public ComparisonSettings withScoringImages(int newDepthCalibrationImages, int newValidationImages) {
        return new ComparisonSettings(sourceRun, data, compressions, methods, budget, fineTune, hessianSamples,
                newDepthCalibrationImages, newValidationImages, seeds, checkpointEverySteps, command, device,
                learningRate);
    }

    /** These settings comparing only {@code only} (and the FP control). */
    public ComparisonSettings withMethods(List<Method> only) {
        return new ComparisonSettings(sourceRun, data, compressions, only, budget, fineTune, hessianSamples,
                depthCalibrationImages, validationImages, seeds, checkpointEverySteps, command, device,
                learningRate);
    }

    /** These settings running every method on {@code newDevice} (null: the source run's device). */
    public ComparisonSettings withDevice(DeviceChoice newDevice) {
        return new ComparisonSettings(sourceRun, data, compressions, methods, budget, fineTune, hessianSamples,
                depthCalibrationImages, validationImages, seeds, checkpointEverySteps, command, newDevice,
                learningRate);
    }

    /** These settings fine-tuning every method at {@code rate} (null: quantize's default rate). */
    public ComparisonSettings withLearningRate(Double rate) {
        return new ComparisonSettings(sourceRun, data, compressions, methods, budget, fineTune, hessianSamples,
                depthCalibrationImages, validationImages, seeds, checkpointEverySteps, command, device, rate);
    }

    /**
     * The bits of a uniform baseline paired with a compression target: the fewest bits whose weights alone are
     * compressed no more than the target ({@code ceil(32 / c)}, within 2..8), so the baseline is never smaller than
     * the size MQAT is held to: 8 bits at 4x, 4 bits at 8x, 2 bits at 16x.
     */
    public static int uniformBits(double compression) {
        int b = (int) Math.ceil(32 / compression - 1e-9);
        return Math.max(2, Math.min(8, b));
    }

    /**
     * The search's settings at {@code compression} for seed {@code seed} (from 1): INQ, bits 2, 3, 4, 8, the paper's
     * probe rule, probes and stages with the comparison's budget.
     */
    public SearchSettings search(double compression, int seed) {
        return new SearchSettings(sourceRun, data, compression, SEARCH_BITS, SEARCH_QUANTIZER, fineTune, fineTune,
                HessianTrace.Settings.defaults().withMaxSamples(hessianSamples), 0, checkpointEverySteps,
                depthCalibrationImages, validationImages, command, seed == 1 ? null : fineTuneSeed(seed), device,
                learningRate);
    }

    /** The training seed of seed {@code k}'s fine-tunes: the source run's plus {@code k - 1}. */
    long fineTuneSeed(int k) {
        return dev.mqat.run.RunConfig.read(sourceRun).train().seed() + k - 1;
    }
}
