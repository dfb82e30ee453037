package dev.mqat.quant;

/** How many scales a quantized weight tensor has. */
public enum Granularity {
    /**
     * One scale for the whole layer (the paper's and the reference code's choice; the default).
     *
     * @see QuantSpec#perTensor(int)
     */
    PER_TENSOR,
    /**
     * One scale per output channel (axis 0 of the weight: conv {@code (out, in/groups, kh, kw)}, linear
     * {@code (out, in)}).
     *
     * @see QuantSpec#perChannel(int)
     */
    PER_CHANNEL
}
