package dev.mqat.quant;

/**
 * How a layer's input activation is fake-quantized (off unless requested; the paper quantizes weights only).
 *
 * @param bits bit-width, 2..8 (default 8); the signed integer range {@code [-2^(b-1), 2^(b-1) - 1]}, the int8
 *     range at 8 bits
 * @param method how the step is found (default LSQ)
 */
public record ActivationQuantSpec(int bits, ActivationQuantMethod method) {
    public ActivationQuantSpec {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("activation bits must be in 2..8, found " + bits);
        }
        if (method == null) {
            throw new IllegalArgumentException("activation method must be lsq or running_min_max, found null");
        }
    }

    /** 8 bits, LSQ. */
    public static ActivationQuantSpec defaults() {
        return new ActivationQuantSpec(8, ActivationQuantMethod.LSQ);
    }

    /** These defaults at another bit-width. */
    public ActivationQuantSpec withBits(int newBits) {
        return new ActivationQuantSpec(newBits, method);
    }

    /** Lowest code, {@code -2^(b-1)}. */
    public int minCode() {
        return -(1 << (bits - 1));
    }

    /** Highest code, {@code 2^(b-1) - 1}. */
    public int maxCode() {
        return (1 << (bits - 1)) - 1;
    }
}
