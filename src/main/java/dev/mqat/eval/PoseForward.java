package dev.mqat.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;

/**
 * A pose network as {@link PosePredictor} uses it: a batch of normalised images in, {@link PoseNet}'s raw outputs
 * out. mqat's own network (DJL) is one, {@link #of(PoseNet, NDManager)}; a model exported to another runtime is
 * another, so that one decoder, one PnP and one set of metrics score both.
 */
public interface PoseForward {

    /** The network's shape: input side, pyramid levels, strides, anchors, classes (the decoder's anchor grid). */
    ModelConfig config();

    /**
     * Runs the network in inference mode.
     *
     * @param images {@code [N, 3, S, S]} normalised pixels ({@link dev.mqat.data.BatchLoader#normalize}),
     *     {@code S = config().inputSizePx()}
     * @return {@code [classLogits [N, A, C], cornerOffsets [N, A, 16 C]]} as {@link PoseNet#forward} gives them,
     *     attached to the manager of {@code images} (freed with the caller's scope)
     */
    NDList forward(NDArray images);

    /**
     * mqat's own network, read through a parameter store of {@code manager} (the manager that owns its parameters).
     */
    static PoseForward of(PoseNet net, NDManager manager) {
        ParameterStore store = new ParameterStore(manager, false);
        return new PoseForward() {
            @Override
            public ModelConfig config() {
                return net.config();
            }

            @Override
            public NDList forward(NDArray images) {
                return net.forward(store, new NDList(images), false);
            }
        };
    }
}
