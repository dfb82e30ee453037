package dev.mqat.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** DarkNet's unit: conv without bias, batch norm, LeakyReLU(0.1). The BN is named {@code <conv name>.bn}. */
final class ConvBnLeaky extends ContainerBlock {

    private static final float SLOPE = Backbone.LEAKY_RELU_SLOPE;

    private final PoseConv2d conv;
    private final BatchNorm2d bn;

    ConvBnLeaky(String name, int in, int out, int kernel, int stride) {
        conv = addChildBlock("conv", PoseConv2d.builder().setName(name).setModule(NetModule.BACKBONE).setChannels(in, out)
                .setKernelSize(kernel).optStride(stride)
                .optWeightInitializer(Initializers.kaimingNormal(in * kernel * kernel, Math.sqrt(2.0 / (1 + SLOPE * SLOPE))))
                .build());
        bn = addChildBlock("bn", new BatchNorm2d(name + ".bn", out));
    }

    PoseConv2d conv() {
        return conv;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList y = bn.forward(ps, conv.forward(ps, inputs, training), training);
        return new NDList(Activation.leakyRelu(y.singletonOrThrow(), SLOPE));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }
}
