package dev.mqat.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Group normalisation of {@code [N, C, H, W]} (Wu and He, 2018): statistics per sample over each group of
 * {@code C / groups} channels and all positions, then a learned per-channel affine ({@code gamma}, {@code beta}).
 * Epsilon 1e-5. DJL has no group norm block; this one runs libtorch's fused batch-norm kernel on the
 * reshaped input (one op forward and backward instead of a chain of reductions).
 */
final class GroupNorm2d extends AbstractBlock implements NamedBlock {

    private static final float EPSILON = Head.GROUP_NORM_EPSILON;

    private final String name;
    private final int channels;
    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;

    GroupNorm2d(String name, int channels, int groups) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("group norm " + name + ": " + channels + " channels are not divisible into "
                    + groups + " groups");
        }
        this.name = name;
        this.channels = channels;
        this.groups = groups;
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(new Shape(channels)).optInitializer(Initializer.ZEROS).build());
    }

    @Override
    public String name() {
        return name;
    }

    int groups() {
        return groups;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device d = x.getDevice();
        Shape s = x.getShape();
        long rows = s.get(0) * groups;
        // one fused libtorch batch-norm over [1, N * groups, rest] normalises each (sample, group) by its own
        // statistics: group norm without the affine part (the running statistics are throw-away arrays)
        NDManager m = x.getManager();
        NDArray normed = BatchNorm.batchNorm(x.reshape(1, rows, -1), m.zeros(new Shape(rows)), m.ones(new Shape(rows)),
                m.ones(new Shape(rows)), m.zeros(new Shape(rows)), 1, 0.9f, EPSILON, true).singletonOrThrow().reshape(s);
        NDArray gm = ps.getValue(gamma, d, training).reshape(1, channels, 1, 1);
        NDArray bt = ps.getValue(beta, d, training).reshape(1, channels, 1, 1);
        return new NDList(normed.mul(gm).add(bt));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
