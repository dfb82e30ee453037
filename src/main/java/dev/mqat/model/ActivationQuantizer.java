package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Fake quantizer of the input activation of one conv layer, plugged in with
 * {@link PoseConv2d#setInputQuantizer(ActivationQuantizer)}.
 *
 * <p>Same contract as {@link WeightQuantizer}: state is held in DJL parameters added in the constructor
 * (child name {@code input_quantizer}, saved under {@code <layer name>.input_quantizer.<parameter name>}),
 * read through the parameter store; the input is never modified in place. Calibration from data (e.g. an LSQ
 * step from the first batch) is the implementation's business, typically on its first forward outside a
 * gradient collector.
 */
public abstract class ActivationQuantizer extends AbstractBlock {

    /**
     * Returns the activation the convolution consumes.
     *
     * @param parameterStore store to read this quantizer's parameters through
     * @param input conv input {@code [N, C, H, W]}; never modified
     * @param training whether this is a training forward
     * @return fake-quantized input of the same shape
     */
    public abstract NDArray quantize(ParameterStore parameterStore, NDArray input, boolean training);

    @Override
    protected final NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(quantize(parameterStore, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
