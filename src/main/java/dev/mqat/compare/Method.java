package dev.mqat.compare;

import dev.mqat.quant.QuantizerKind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A way of getting a model of a given size from the trained run, compared by {@link Comparison}.
 *
 * <p>A new method is one constant here (its {@link Family} says how its runs are named and paired with targets) and
 * one arm in the switch expression of {@code Comparison.run} that makes its run folder.
 */
public enum Method {
    /**
     * The float network fine-tuned with the same budget, nothing quantized: the control every method is compared with
     * (fine-tuning alone moves accuracy). One run, whatever the compression.
     *
     * @see dev.mqat.search.Search#fineTuneConfig
     */
    FP("fp", "FP control", Family.CONTROL, null),
    /**
     * Every module at the same bits, all at once, LSQ (learned step size), one stage.
     *
     * @see dev.mqat.quant.LsqQuantizer
     */
    LSQ("lsq", "uniform LSQ", Family.UNIFORM, QuantizerKind.LSQ),
    /**
     * Every module at the same bits, all at once, INQ (incremental freezing), one stage.
     *
     * @see dev.mqat.quant.InqQuantizer
     */
    INQ("inq", "uniform INQ", Family.UNIFORM, QuantizerKind.INQ),
    /**
     * {@code mqat search} at the compression: probes, flow, Hessian-weighted module bits, gradated quantization.
     *
     * @see dev.mqat.search.Search#run
     */
    MQAT("mqat", "MQAT", Family.TARGETED, null),
    /**
     * Bits per layer from per-layer Hessian-trace sensitivity and an integer program under the target's size (in the
     * manner of HAWQ-V3), then LSQ of every layer at once, one stage.
     *
     * @see LayerwiseMixedPrecision#run
     */
    LAYERWISE("hawq", "layer-wise HAWQ-V3", Family.TARGETED, null);

    /** How a method's runs relate to the compression targets. */
    public enum Family {
        /** One run whatever the targets: {@code fp}. */
        CONTROL,
        /** One run per bit-width, {@link ComparisonSettings#uniformBits} of the target: {@code lsq-8bit}. */
        UNIFORM,
        /** One run per target, made to fit it: {@code mqat-4x}. */
        TARGETED
    }

    private final String key;
    private final String label;
    private final Family family;
    private final QuantizerKind uniformQuantizer;

    Method(String key, String label, Family family, QuantizerKind uniformQuantizer) {
        this.key = key;
        this.label = label;
        this.family = family;
        this.uniformQuantizer = uniformQuantizer;
    }

    /** How the method's runs relate to the targets. */
    public Family family() {
        return family;
    }

    /** The name in folders, {@code results.json} and {@code --methods}: {@code fp}, {@code lsq}, ... */
    public String key() {
        return key;
    }

    /** The name in tables and charts. */
    public String label() {
        return label;
    }

    /** The quantizer of a uniform method. */
    QuantizerKind quantizer() {
        if (uniformQuantizer == null) {
            throw new IllegalStateException(key + " is not a uniform method");
        }
        return uniformQuantizer;
    }

    /**
     * The method named {@code key}.
     *
     * @throws IllegalArgumentException naming the key and the valid ones
     */
    public static Method fromKey(String key) {
        for (Method m : values()) {
            if (m.key.equals(key.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("method '" + key + "' is not one of "
                + Arrays.stream(values()).map(Method::key).collect(Collectors.joining(", ")));
    }
}
