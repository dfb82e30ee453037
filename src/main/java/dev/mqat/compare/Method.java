package dev.mqat.compare;

import dev.mqat.quant.QuantizerKind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A way of getting a model of a given size from the trained run, compared by {@link Comparison}.
 *
 * <p>A new method is one constant here and one arm in {@link Comparison}'s switch over methods.
 */
public enum Method {
    /**
     * The float network fine-tuned with the same budget, nothing quantized: the control every method is compared with
     * (fine-tuning alone moves accuracy). One run, whatever the compression.
     *
     * @see dev.mqat.search.Search#fineTuneConfig
     */
    FP("fp", "FP control"),
    /**
     * Every module at the same bits, all at once, LSQ (learned step size), one stage.
     *
     * @see dev.mqat.quant.LsqQuantizer
     */
    LSQ("lsq", "uniform LSQ"),
    /**
     * Every module at the same bits, all at once, INQ (incremental freezing), one stage.
     *
     * @see dev.mqat.quant.InqQuantizer
     */
    INQ("inq", "uniform INQ"),
    /**
     * {@code mqat search} at the compression: probes, flow, Hessian-weighted module bits, gradated quantization.
     *
     * @see dev.mqat.search.Search#run
     */
    MQAT("mqat", "MQAT");

    private final String key;
    private final String label;

    Method(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The name in folders, {@code results.json} and {@code --methods}: {@code fp}, {@code lsq}, ... */
    public String key() {
        return key;
    }

    /** The name in tables and charts. */
    public String label() {
        return label;
    }

    /** Whether the method quantizes every module at one bit-width chosen from the compression. */
    public boolean uniform() {
        return this == LSQ || this == INQ;
    }

    /** The quantizer of a uniform method. */
    QuantizerKind quantizer() {
        return switch (this) {
            case LSQ -> QuantizerKind.LSQ;
            case INQ -> QuantizerKind.INQ;
            case FP, MQAT -> throw new IllegalStateException(key + " is not a uniform method");
        };
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
