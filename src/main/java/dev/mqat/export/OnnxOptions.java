package dev.mqat.export;

/**
 * How {@link OnnxExporter} writes a network.
 *
 * @param integerWeights quantized layers store integer codes (INT4 at 4 bits or fewer, INT8 above) with a
 *     {@code DequantizeLinear} node; false stores their fake-quantized weights as float32 (the same values). Default
 *     true.
 * @param activationQdq where mqat fake-quantizes a conv's input (runs quantized with {@code --act-bits}), a
 *     {@code QuantizeLinear}/{@code DequantizeLinear} pair; false leaves activations float (the outputs then differ
 *     from mqat's by the activation rounding). Default true.
 * @param foldBatchNorm float layers carry their batch norm folded into the convolution's weight and bias; false
 *     keeps a {@code BatchNormalization} node. Quantized layers always keep the node, so that their dequantized
 *     weights are exactly mqat's fake-quantized ones. Default true.
 */
public record OnnxOptions(boolean integerWeights, boolean activationQdq, boolean foldBatchNorm) {

    /** Integer weights, activation QDQ where the run has it, batch norm folded into float layers. */
    public static OnnxOptions defaults() {
        return new OnnxOptions(true, true, true);
    }

    /**
     * A float32 model of the same network: fake-quantized weights as float, no activation quantization, batch norm
     * folded. What runtimes without integer kernels run, and the baseline of {@link InferenceBenchmark}.
     */
    public static OnnxOptions float32() {
        return new OnnxOptions(false, false, true);
    }
}
