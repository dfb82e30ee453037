package dev.mqat.quant;

/**
 * The weight quantizers mqat can plug into a layer; {@link Quantizers#create} builds one.
 *
 * <p>All three use the same symmetric uniform grid ({@link Levels}); they differ in how the scale is found and
 * in what the gradient does.
 */
public enum QuantizerKind {
    /**
     * Incremental network quantization: L2-fitted fixed scale, growing frozen fraction, the rest trains in float
     * (the paper's recommended base quantizer).
     *
     * @see InqQuantizer
     */
    INQ,
    /**
     * Learned step size quantization: the step is a trained parameter, straight-through rounding.
     *
     * @see LsqQuantizer
     */
    LSQ,
    /**
     * Uniform straight-through quantization with the min-max scale of the trained weights (simple baseline).
     *
     * @see SteQuantizer
     */
    STE;

    /**
     * Parses a kind from its name, ignoring case ({@code inq}, {@code lsq}, {@code ste}).
     *
     * @throws IllegalArgumentException naming the value and the valid choices
     */
    public static QuantizerKind parse(String name) {
        for (QuantizerKind k : values()) {
            if (k.name().equalsIgnoreCase(name.strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown quantizer '" + name + "'; expected one of inq, lsq, ste");
    }
}
