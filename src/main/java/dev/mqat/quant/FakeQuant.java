package dev.mqat.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mqat.model.Scalars;

/**
 * Straight-through fake quantization on NDArrays, shared by LSQ, STE and the activation quantizers.
 *
 * <p>{@code q = s * (stopGradient(round(v)) + v - stopGradient(v))} with {@code v = clip(x / s, qn, qp)}: the value is the grid
 * level, the gradient to {@code x} is 1 inside the clip range and 0 outside, and the gradient to {@code s} is LSQ's
 * {@code round(v) - v} inside and {@code qn} or {@code qp} outside. The 1-bit grid {@code {-1, +1}} replaces round by
 * sign (zero maps to +1) with the same straight-through rule on {@code clip(x / s, -1, 1)}.
 */
final class FakeQuant {
    private FakeQuant() {}

    /**
     * Fake-quantizes {@code x} on the integer range [qn, qp] (or the binary grid when {@code binary}).
     *
     * @param s positive scale, broadcastable to {@code x}
     * @return a new array in the current scope
     */
    static NDArray apply(NDArray x, NDArray s, float qn, float qp, boolean binary) {
        NDArray v = x.div(s).clip(binary ? -1f : qn, binary ? 1f : qp);
        NDArray hard = binary ? v.gte(0f).toType(DataType.FLOAT32, false).mul(2f).sub(1f) : v.round();
        // value exactly hard (v - v = 0 exactly), gradient that of v; v + stopGradient(hard - v) would be off by an
        // ulp from the level in float32
        NDArray vBar = hard.stopGradient().add(v.sub(v.stopGradient()));
        return vBar.mul(s);
    }

    /** Symmetric weight grid of {@link Levels}: codes in [-Qp, Qp], binary at 1 bit. */
    static NDArray symmetric(NDArray x, NDArray s, int bits) {
        int qp = Levels.maxCode(bits);
        return apply(x, s, -qp, qp, bits == 1);
    }

    /**
     * {@code x} with its gradient multiplied by {@code g}, value exactly {@code x}. DJL's {@code scaleGradient}
     * computes {@code x g + stopGradient(x) (1 - g)}, which is off by an ulp in float32 and would move the levels.
     */
    static NDArray scaleGradient(NDArray x, double g) {
        NDArray scaled = Scalars.times(x, g);
        return x.stopGradient().add(scaled.sub(scaled.stopGradient()));
    }

    /** Reshapes a scale vector of length C (or 1) to broadcast against a tensor with the channel on axis 0. */
    static NDArray broadcastable(NDArray scale, Shape weightShape) {
        long n = scale.size();
        if (n == 1 || weightShape.dimension() <= 1) {
            return scale;
        }
        long[] dims = new long[weightShape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = n;
        return scale.reshape(new Shape(dims));
    }
}
