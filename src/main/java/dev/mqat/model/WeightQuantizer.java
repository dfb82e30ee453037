package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Fake quantizer of one conv layer's weight, plugged into a {@link PoseConv2d} with
 * {@link PoseConv2d#setWeightQuantizer(WeightQuantizer)}.
 *
 * <p><b>Contract</b> (implemented by the quant package):
 * <ul>
 *   <li>{@link #quantize(ParameterStore, NDArray, boolean)} receives the float master weight as read through the
 *       parameter store (shape {@code [out, in, kh, kw]}) and returns the weight the convolution uses, same shape.
 *       It must not write into its input: the float master weight is never overwritten by a forward pass.
 *       Gradients flow from the returned array to the master weight and to this quantizer's parameters
 *       (straight-through estimators are built with {@code stopGradient}).</li>
 *   <li>Learnable or persistent state (LSQ step size, INQ scale, INQ frozen mask and values) is held as DJL
 *       {@link ai.djl.nn.Parameter}s added with {@code addParameter} in the constructor, with their shapes known
 *       there (the constructor receives whatever it needs, e.g. the weight shape from
 *       {@link PoseConv2d#weightShape()}). State that must not be trained is a parameter built with
 *       {@code optRequiresGrad(false)}. Parameters are read inside {@code quantize} through
 *       {@code parameterStore.getValue(parameter, device, training)} so that the DJL trainer's optimizer updates
 *       the ones that require gradients.</li>
 *   <li>Because the quantizer becomes a child block of the conv (name {@code weight_quantizer}), its parameters
 *       are part of {@link PoseNet#getParameters()}, are saved and loaded by {@link ModelCheckpoint} under
 *       {@code <layer name>.weight_quantizer.<parameter name>}, and are initialised by
 *       {@code setWeightQuantizer} with the model's manager. After that,
 *       {@link #initializeFromWeight(NDArray)} is called once with the float master weight for data-dependent
 *       initialisation (outside any gradient collector).</li>
 *   <li>Loading a checkpoint that holds quantizer state requires attaching quantizers of the same kind first,
 *       then loading: the checkpoint reader matches parameters by name.</li>
 * </ul>
 *
 * <p>{@code quantize} runs once per layer per forward pass, also for the head layers that are shared by all pyramid
 * levels (the head resolves their weights once and applies them to every level).
 *
 * <p>Arrays returned by {@code quantize} belong to the manager of the arrays they are computed from; inside an
 * {@link ai.djl.ndarray.NDScope} they are freed when the scope closes.
 */
public abstract class WeightQuantizer extends AbstractBlock {

    /**
     * Returns the weight the convolution uses.
     *
     * @param parameterStore store to read this quantizer's parameters through
     * @param floatWeight float master weight {@code [out, in, kh, kw]}; never modified
     * @param training whether this is a training forward (gradients are being recorded)
     * @return fake-quantized weight of the same shape
     */
    public abstract NDArray quantize(ParameterStore parameterStore, NDArray floatWeight, boolean training);

    /**
     * Data-dependent initialisation, called once by {@link PoseConv2d#setWeightQuantizer(WeightQuantizer)} after
     * this block's parameters exist; does nothing unless overridden.
     *
     * @param floatWeight the conv's current float master weight (read-only)
     */
    protected void initializeFromWeight(NDArray floatWeight) {
        // no data-dependent state by default
    }

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
