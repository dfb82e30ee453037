package dev.mqat.cli;

import dev.mqat.quant.QuantizerKind;
import dev.mqat.train.OptimizerKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * One name, one meaning, one help text: the help and the value parsers of the options that several commands take.
 * A command declares such an option with the text from here (picocli fills {@code ${DEFAULT-VALUE}} with the
 * command's own default); {@code OptionConsistencyTest} fails when two commands describe one option differently.
 *
 * <p>Renamed options keep their old spelling for one release ({@link OldSpellings}).
 */
final class SharedOptions {

    /** The command line as typed ({@code mqat} and the subcommand's arguments), recorded in run configs. */
    static List<String> commandLine(CommandSpec spec) {
        List<String> command = new ArrayList<>();
        command.add("mqat");
        command.addAll(spec.commandLine().getParseResult().originalArgs());
        return command;
    }

    static final String DATA = "BOP dataset folder; a command that starts from a run reads the one the run trained on "
            + "unless this is given.";
    static final String MODEL = "Run folder written by train, quantize, search or compare; eval, predict and model "
            + "inspect also take a packed .mqat file from mqat export, eval and bench-infer a .onnx file.";
    static final String SEED = "Root seed: the same seed on the same inputs gives the same result. Default: "
            + "${DEFAULT-VALUE}.";
    static final String RESUME = "Continue the work in --out where it stopped, from its last checkpoint.";
    static final String JSON = "Print one JSON object on stdout instead of the text (progress stays on stderr).";
    static final String DEVICE = "Engine device: auto (a GPU when the engine sees one, else the CPU), cpu or "
            + "gpu. Default: auto for train; a command that starts from a run uses the device the run's config.json "
            + "records, and this overrides it for that command only (runs it writes record the device they ran on). "
            + "Not with --resume: a resumed run keeps its device.";
    static final String PLAN = "Bits per module, optionally per layer: 8-2-8 (backbone-fpn-head), "
            + "backbone=8,fpn=2,head=8, layer entries such as fpn.lateral.0=4 that override their module's bits (names as "
            + "in mqat model summary), or fp for no quantized module.";
    static final String PER_CHANNEL = "One fp32 scale per output channel instead of one per layer.";
    static final String LR = "Base learning rate. Default: 4e-3 for train; 4e-4 for the fine-tunes of quantize, "
            + "search, compare and demo.";
    static final String OPTIMIZER = "adam or sgd (momentum 0.9). Default: adam for train; for quantize the run's.";
    static final String QUANTIZER = "Weight quantizer: inq, lsq or ste. Default: ${DEFAULT-VALUE}.";
    static final String STAGE_STEPS = "Fine-tuning steps of each stage: every fine-tune of quantize, search, compare "
            + "and demo (overrides a --budget).";
    static final String COMPRESSION = "Whole-model size target C: at most fp32 bytes / C (compare takes a list such as "
            + "4,8). Default: ${DEFAULT-VALUE}.";
    static final String BUDGET = "quick (200 steps per fine-tune, 16 Hessian samples, depth calibration on 256 "
            + "images; a search of the shipped model takes about 20 minutes on 2 cores) or paper (30 epochs per "
            + "fine-tune, 64 samples). Default: ${DEFAULT-VALUE}.";
    static final String BATCH = "Images per step (train) or per forward (bench-infer). Default: ${DEFAULT-VALUE}.";
    static final String ARCH = "Network preset: wdr-cpu (128 px, CPU default) or wdr-darknet53 (paper scale); size "
            + "and bench-infer take it instead of --model. Default: ${DEFAULT-VALUE}.";
    static final String CHECKPOINT_EVERY = "Write a resumable checkpoint every N steps, and validate there when the "
            + "command validates while training (0 = once per epoch; a --time-limit run only at its end). Default: "
            + "${DEFAULT-VALUE}.";
    static final String WORKERS = "Background threads: train builds batches on them (default 1), synth renders "
            + "images on them (default: all cores).";
    static final String INPUT_SIZE = "Image side in px: the network input for train (a multiple of 32; default: the "
            + "preset's), the images written for synth (default 128).";
    static final String DEPTH_CALIBRATION = "Unaugmented images the depth correction is fitted on (0 = raw PnP "
            + "poses). Default: 1024 (search: its --budget's).";
    static final String VAL_IMAGES = "Validation images that score each checkpoint or fine-tune: the first N of "
            + "the val split (0 = all of it). Default: all (search: its --budget's).";
    static final String DEPTH_CALIBRATION_SPLIT = "Split the depth correction is fitted on: train (the first images "
            + "of a fixed shuffle) or val (images the network never trained on; its val score is then optimistic). "
            + "Default: train (calibrate-depth: the split the run's config.json names).";
    static final String BN_CALIBRATION = "Unaugmented training batches the batch-norm statistics are recomputed over "
            + "before a validation or a final checkpoint (0 = keep the running averages). Default: ${DEFAULT-VALUE}.";
    static final String SPLIT = "Split: train, val, test or a split folder name. Default: ${DEFAULT-VALUE}.";

    private SharedOptions() {}

    /** {@code adam} or {@code sgd}, any case. */
    static final class OptimizerConverter implements ITypeConverter<OptimizerKind> {
        @Override
        public OptimizerKind convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "adam" -> OptimizerKind.ADAM;
                case "sgd" -> OptimizerKind.SGD;
                default -> throw new TypeConversionException("'" + value + "' is not one of adam, sgd");
            };
        }
    }

    /** {@code inq}, {@code lsq} or {@code ste}, any case. */
    static final class QuantizerConverter implements ITypeConverter<QuantizerKind> {
        @Override
        public QuantizerKind convert(String value) {
            try {
                return QuantizerKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
