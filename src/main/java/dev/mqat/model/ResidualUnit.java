package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** DarkNet residual unit: 1x1 conv to half the channels ({@code .reduce}), 3x3 conv back ({@code .expand}), add the input. */
final class ResidualUnit extends ContainerBlock {

    private final ConvBnLeaky reduce;
    private final ConvBnLeaky expand;

    ResidualUnit(String name, int channels) {
        int half = Math.max(1, channels / 2);
        reduce = addChildBlock("reduce", new ConvBnLeaky(name + ".reduce", channels, half, 1, 1));
        expand = addChildBlock("expand", new ConvBnLeaky(name + ".expand", half, channels, 3, 1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = expand.forward(ps, reduce.forward(ps, inputs, training), training).singletonOrThrow();
        return new NDList(y.add(x));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
