package dev.mqat.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * DarkNet-style backbone (module {@code backbone}): a 3x3 stem ({@code backbone.stem}), then stages
 * {@code backbone.stage.<i>} that start with a 3x3 stride-2 conv ({@code .down}) followed by residual units
 * ({@code .res.<j>.reduce}, {@code .res.<j>.expand}); every conv is conv + BN + LeakyReLU(0.1).
 *
 * <p>Input {@code [N, 3, H, W]} (H, W multiples of 32); output the last three stage maps C3, C4, C5 at strides 8,
 * 16, 32: {@code [N, c3, H/8, W/8]}, {@code [N, c4, H/16, W/16]}, {@code [N, c5, H/32, W/32]}.
 */
public final class Backbone extends ContainerBlock {

    /** Negative slope of every LeakyReLU of the backbone (DarkNet's). Exporters rebuild the network from it. */
    public static final float LEAKY_RELU_SLOPE = 0.1f;
    /**
     * Epsilon of every batch norm of the backbone ({@code <conv name>.bn}: parameters {@code gamma}, {@code beta},
     * {@code running_mean}, {@code running_var}); inference computes
     * {@code (x - running_mean) / sqrt(running_var + epsilon) * gamma + beta} per channel.
     */
    public static final float BATCH_NORM_EPSILON = 1e-5f;

    private final List<Block> stages = new ArrayList<>();
    private final Block stem;
    private final int[] outChannels;

    Backbone(ModelConfig config) {
        Architecture a = config.arch();
        int c = config.channels(a.stemChannels);
        stem = addChildBlock("stem", new ConvBnLeaky("backbone.stem", 3, c, 3, a.stemStride));
        int[] base = a.stageChannels();
        int[] units = a.stageUnits();
        outChannels = new int[base.length];
        for (int i = 0; i < base.length; i++) {
            int out = config.channels(base[i]);
            Stage s = new Stage("backbone.stage." + i, c, out, config.units(units[i]));
            stages.add(addChildBlock("stage." + i, s));
            outChannels[i] = out;
            c = out;
        }
    }

    /** Channels of C3, C4, C5. */
    public int[] featureChannels() {
        int n = outChannels.length;
        return new int[] {outChannels[n - 3], outChannels[n - 2], outChannels[n - 1]};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = stem.forward(ps, inputs, training);
        NDList features = new NDList(3);
        int n = stages.size();
        for (int i = 0; i < n; i++) {
            x = stages.get(i).forward(ps, x, training);
            if (i >= n - 3) {
                features.add(x.singletonOrThrow());
            }
        }
        return features;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = stem.getOutputShapes(inputShapes);
        Shape[] out = new Shape[3];
        int n = stages.size();
        for (int i = 0; i < n; i++) {
            s = stages.get(i).getOutputShapes(s);
            if (i >= n - 3) {
                out[i - (n - 3)] = s[0];
            }
        }
        return out;
    }

    /** One stage: stride-2 down conv plus residual units. */
    static final class Stage extends ContainerBlock {
        private final List<Block> blocks = new ArrayList<>();

        Stage(String name, int in, int out, int units) {
            blocks.add(addChildBlock("down", new ConvBnLeaky(name + ".down", in, out, 3, 2)));
            for (int j = 0; j < units; j++) {
                blocks.add(addChildBlock("res." + j, new ResidualUnit(name + ".res." + j, out)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDList x = inputs;
            for (Block b : blocks) {
                x = b.forward(ps, x, training);
            }
            return x;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return blocks.get(0).getOutputShapes(inputShapes);
        }
    }
}
