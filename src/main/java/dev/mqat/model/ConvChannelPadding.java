package dev.mqat.model;

/**
 * The channel counts a 3x3 convolution is computed with so that libtorch's oneDNN kernels give correct results:
 * the real counts, or the next multiple of a block size, the extra channels being zeros.
 *
 * <p>Why: on the AVX-512 CPUs mqat runs on, libtorch 2.7.1 (oneDNN 3.7.1, and 2.5.1 alike) computes wrong values
 * for convolutions with a kernel larger than 1x1 whose channel counts do not fill the kernels' channel blocks:
 * the padding of the blocked layouts is read uninitialised, so the result holds stale memory (finite garbage, Inf or
 * NaN). Measured with {@link ConvGradientCheck} against float64:
 * <ul>
 *   <li>the input gradient of a stride-1 convolution is wrong when the output-channel count is not a multiple of
 *       16 (the head's class logits: 64 -> 1);</li>
 *   <li>the output is wrong when the input-channel count is above 16 and not a multiple of 16 (widths such as
 *       0.75 give 24, 48, 96 channels);</li>
 *   <li>the input gradient of a stride-2 convolution is wrong when the input-channel count is above 32 and not a
 *       multiple of 32 (48, 80, 112).</li>
 * </ul>
 * 1x1 convolutions, weight and bias gradients, and counts that fill the blocks were right in every case checked.
 * Capping oneDNN at AVX2 or AVX did not remove every case; zero channels up to the block size did, at a cost only
 * for the layers concerned (in {@code wdr-cpu} at width 1 that is the class-logit layer during training).
 *
 * <p>Zero channels change nothing mathematically: zero filters add zero output channels that are sliced off, and
 * zero input channels meet zero weights. The master weights keep their real shapes.
 */
final class ConvChannelPadding {

    private static final int BLOCK = 16;

    private ConvChannelPadding() {}

    /**
     * The input-channel count to compute with.
     *
     * @param inputGradient whether autograd records the operation (the input gradient may be computed)
     */
    static int inputChannels(int inChannels, int kernel, int stride, boolean inputGradient) {
        if (kernel == 1) {
            return inChannels;
        }
        if (inputGradient && stride > 1 && inChannels > 2 * BLOCK) {
            return roundUp(inChannels, 2 * BLOCK);
        }
        return inChannels > BLOCK ? roundUp(inChannels, BLOCK) : inChannels;
    }

    /**
     * The output-channel count to compute with.
     *
     * @param inputGradient whether autograd records the operation (the input gradient may be computed)
     */
    static int outputChannels(int outChannels, int kernel, boolean inputGradient) {
        return kernel == 1 || !inputGradient ? outChannels : roundUp(outChannels, BLOCK);
    }

    private static int roundUp(int n, int block) {
        return (n + block - 1) / block * block;
    }
}
