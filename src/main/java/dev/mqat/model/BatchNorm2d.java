package dev.mqat.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Batch normalisation over the channel axis of {@code [N, C, H, W]} with a fixed channel count, so that its
 * parameter shapes are known at construction (parameter counts need no initialisation).
 *
 * <p>Parameters: {@code gamma}, {@code beta} (learned), {@code running_mean}, {@code running_var} (statistics,
 * no gradient, updated in training forwards). Epsilon 1e-5; the running statistics move 10% towards each
 * batch's statistics (PyTorch's default momentum 0.1), except while {@link BatchNormCalibration} averages them.
 */
final class BatchNorm2d extends AbstractBlock implements NamedBlock {

    private static final float EPSILON = Backbone.BATCH_NORM_EPSILON;
    /** Weight of the new batch in the running statistics, in libtorch's convention. */
    private static final float MOMENTUM = 0.1f;

    private final String name;
    private final int channels;
    private float momentum = MOMENTUM;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;

    BatchNorm2d(String name, int channels) {
        this.name = name;
        this.channels = channels;
        Shape s = new Shape(channels);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).optShape(s)
                .optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).optShape(s)
                .optInitializer(Initializer.ZEROS).build());
        runningMean = addParameter(Parameter.builder().setName("running_mean").setType(Parameter.Type.RUNNING_MEAN)
                .optShape(s).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("running_var").setType(Parameter.Type.RUNNING_VAR)
                .optShape(s).optInitializer(Initializer.ONES).optRequiresGrad(false).build());
    }

    @Override
    public String name() {
        return name;
    }

    int channels() {
        return channels;
    }

    /** Weight of the next training batch in the running statistics (0..1); {@link #resetMomentum()} restores 0.1. */
    void setMomentum(float m) {
        momentum = m;
    }

    void resetMomentum() {
        momentum = MOMENTUM;
    }

    Parameter runningMean() {
        return runningMean;
    }

    Parameter runningVar() {
        return runningVar;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device d = x.getDevice();
        // DJL hands the momentum to libtorch as (1 - momentum); see BatchNorm2dTest for the check
        return BatchNorm.batchNorm(x, ps.getValue(runningMean, d, training), ps.getValue(runningVar, d, training),
                ps.getValue(gamma, d, training), ps.getValue(beta, d, training), 1, 1f - momentum, EPSILON, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
