package dev.mqat.quant;

/** How an activation quantizer finds its step. */
public enum ActivationQuantMethod {
    /**
     * Learned step (LSQ): a trained parameter, initialised from the first batch as {@code 2 mean|x| / sqrt(Qp)},
     * gradient scaled by {@code 1 / sqrt(N Qp)} with N the elements of one sample.
     *
     * @see UniformActivationQuantizer
     */
    LSQ,
    /**
     * Running min-max: the step is {@code m / Qp} with m an exponential moving average (momentum 0.1) of the
     * largest magnitude per training batch; fixed in inference.
     *
     * @see UniformActivationQuantizer
     */
    RUNNING_MIN_MAX
}
