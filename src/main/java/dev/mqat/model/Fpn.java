package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Feature pyramid (module {@code fpn}): lateral 1x1 convs {@code fpn.lateral.0..2} on C3, C4, C5, top-down
 * nearest-neighbour x2 upsampling and addition, 3x3 output convs {@code fpn.output.0..2} giving P3, P4, P5, and
 * extra stride-2 3x3 convs {@code fpn.extra.<k>} (the first on C5, the next on ReLU of the previous) giving P6,
 * P7, ... No normalisation; every conv has a bias. Init: Kaiming uniform with a = 1, zero bias (as WDR).
 *
 * <p>Input C3, C4, C5 from {@link Backbone}; output one {@code [N, F, H/s, W/s]} map per level, finest first.
 */
public final class Fpn extends ContainerBlock {

    private final List<PoseConv2d> lateral = new ArrayList<>();
    private final List<PoseConv2d> output = new ArrayList<>();
    private final List<PoseConv2d> extra = new ArrayList<>();

    Fpn(ModelConfig config, int[] featureChannels) {
        int f = config.channels(config.arch().fpnChannels);
        for (int i = 0; i < 3; i++) {
            lateral.add(addChildBlock("lateral." + i, conv("fpn.lateral." + i, featureChannels[i], f, 1, 1)));
        }
        for (int i = 0; i < 3; i++) {
            output.add(addChildBlock("output." + i, conv("fpn.output." + i, f, f, 3, 1)));
        }
        for (int k = 0; k < config.levels() - 3; k++) {
            int in = k == 0 ? featureChannels[2] : f;
            extra.add(addChildBlock("extra." + k, conv("fpn.extra." + k, in, f, 3, 2)));
        }
    }

    private static PoseConv2d conv(String name, int in, int out, int kernel, int stride) {
        return PoseConv2d.builder().setName(name).setModule(NetModule.FPN).setChannels(in, out).setKernelSize(kernel)
                .optStride(stride).optBias(true).optWeightInitializer(Initializers.kaimingUniformA1(in * kernel * kernel))
                .build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray[] lat = new NDArray[3];
        for (int i = 0; i < 3; i++) {
            lat[i] = lateral.get(i).forward(ps, new NDList(inputs.get(i)), training).singletonOrThrow();
        }
        NDArray[] merged = new NDArray[3];
        merged[2] = lat[2];
        for (int i = 1; i >= 0; i--) {
            merged[i] = lat[i].add(upsample2x(merged[i + 1], lat[i].getShape()));
        }
        NDList levels = new NDList(3 + extra.size());
        for (int i = 0; i < 3; i++) {
            levels.add(output.get(i).forward(ps, new NDList(merged[i]), training).singletonOrThrow());
        }
        NDArray prev = inputs.get(2);
        for (int k = 0; k < extra.size(); k++) {
            NDArray in = k == 0 ? prev : Activation.relu(prev);
            prev = extra.get(k).forward(ps, new NDList(in), training).singletonOrThrow();
            levels.add(prev);
        }
        return levels;
    }

    /**
     * Nearest-neighbour x2 upsampling, cropped to the target's spatial size when it is odd. libtorch's
     * upsample_nearest2d (interpolation mode 0) does it in one kernel; two repeats cost about 5 ms more per
     * training step of the CPU preset, mostly in their backward.
     */
    static NDArray upsample2x(NDArray x, Shape target) {
        Shape s = x.getShape();
        NDArray up = x.getNDArrayInternal().interpolation(new long[] {2 * s.get(2), 2 * s.get(3)}, 0, false);
        long h = target.get(2);
        long w = target.get(3);
        if (up.getShape().get(2) != h || up.getShape().get(3) != w) {
            up = up.get(":, :, :" + h + ", :" + w);
        }
        return up;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[3 + extra.size()];
        for (int i = 0; i < 3; i++) {
            out[i] = output.get(i).getOutputShapes(lateral.get(i).getOutputShapes(new Shape[] {inputShapes[i]}))[0];
        }
        Shape prev = inputShapes[2];
        for (int k = 0; k < extra.size(); k++) {
            prev = extra.get(k).getOutputShapes(new Shape[] {prev})[0];
            out[3 + k] = prev;
        }
        return out;
    }
}
