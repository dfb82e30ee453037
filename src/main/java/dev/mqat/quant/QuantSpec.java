package dev.mqat.quant;

/**
 * How one weight tensor is quantized: bit-width and scale granularity.
 *
 * @param bits bit-width, 1..8; b bits give the integer levels {@code -(2^(b-1)-1) .. 2^(b-1)-1} (2 bits = ternary)
 *     and 1 bit gives {@code {-1, +1}}; see {@link Levels}
 * @param granularity one scale per layer (default) or per output channel
 */
public record QuantSpec(int bits, Granularity granularity) {

    public QuantSpec {
        Levels.checkBits(bits);
        if (granularity == null) {
            throw new IllegalArgumentException("quant.granularity must be per_tensor or per_channel, found null");
        }
    }

    /** {@code bits} with one scale per layer. */
    public static QuantSpec perTensor(int bits) {
        return new QuantSpec(bits, Granularity.PER_TENSOR);
    }

    /** {@code bits} with one scale per output channel. */
    public static QuantSpec perChannel(int bits) {
        return new QuantSpec(bits, Granularity.PER_CHANNEL);
    }

    /** 8-bit weights, one scale per output channel. */
    public static QuantSpec int8WeightPerChannel() {
        return perChannel(8);
    }

    /** 8-bit weights, one scale per layer. */
    public static QuantSpec int8WeightPerTensor() {
        return perTensor(8);
    }

    /** This spec at another bit-width. */
    public QuantSpec withBits(int newBits) {
        return new QuantSpec(newBits, granularity);
    }

    /** Number of scales a weight with {@code outChannels} output channels carries under this spec. */
    public int scaleCount(int outChannels) {
        return granularity == Granularity.PER_CHANNEL ? outChannels : 1;
    }
}
