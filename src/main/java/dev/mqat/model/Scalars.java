package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic with a constant that is safe inside a graph a backward pass will run through.
 *
 * <p>Why: DJL's {@code x.mul(2f)}, {@code div}, {@code maximum}, {@code minimum} and {@code pow} with a number create
 * the constant as a tensor over a fresh Java direct buffer and close it as soon as the forward op returns. Autograd
 * keeps that tensor for the backward pass (the gradient of {@code x * c} is {@code c}), but its memory still belongs
 * to the buffer, which the garbage collector may free in between; the backward then reads whatever memory took its
 * place. In mqat this gave rare garbage gradients (norms of 1e15 on LSQ steps, infinite ones) that differed from run
 * to run. Here the constant is made by libtorch ({@code full}), so the autograd graph owns its memory.
 * Forward-only code (inference, statistics) may use DJL's number overloads.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code x * v}. */
    public static NDArray times(NDArray x, double v) {
        return withConstant(x, v, NDArray::mul);
    }

    /** {@code x / v}. */
    public static NDArray dividedBy(NDArray x, double v) {
        return withConstant(x, v, NDArray::div);
    }

    /** Elementwise {@code max(x, v)}. */
    public static NDArray atLeast(NDArray x, double v) {
        return withConstant(x, v, NDArray::maximum);
    }

    /** Elementwise {@code min(x, v)}. */
    public static NDArray atMost(NDArray x, double v) {
        return withConstant(x, v, NDArray::minimum);
    }

    /** Elementwise {@code x ^ v}. */
    public static NDArray power(NDArray x, double v) {
        return withConstant(x, v, NDArray::pow);
    }

    /**
     * {@code op(x, c)} with c a 0-d array of {@code v} in engine-owned memory, of x's type, on its device. Closing c
     * only drops this handle: autograd holds its own reference to the tensor and its memory.
     */
    private static NDArray withConstant(NDArray x, double v, BinaryOperator<NDArray> op) {
        try (NDArray c = x.getManager().full(new Shape(), (float) v, x.getDataType())) {
            return op.apply(x, c);
        }
    }
}
