package dev.mqat.search;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.mqat.data.Batch;
import dev.mqat.model.HostArrays;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.train.PoseTrainer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The curvature of a network's training loss along one direction per conv layer: for the joint direction
 * {@code v = (v_1, ..., v_L)} over the weights of {@link PoseNet#layers()}, the products {@code v_i . (H v)_i} of
 * each layer's part of {@code v} with its part of the Hessian-vector product, by double back-propagation on a batch.
 * This is the seam where {@link HessianTrace} meets the engine: directions in and curvatures out are Java arrays.
 *
 * <p>How: the forward reads each conv weight as {@code W_i + t_i v_i} with one scalar {@code t_i} per layer, all zero,
 * so it computes with the trained weights, and reads every other parameter detached from autograd. The first backward
 * records its graph and gives {@code dL/dt_i = v_i . g_i} ({@code g_i} the weight gradient); the backward of their
 * sum gives {@code d/dt_j sum_i v_i . g_i = v_j . (H v)_j}, which libtorch adds to the first gradients of {@code t}.
 * Differentiating along {@code t} keeps the gradients that carry a graph {@code L} values long instead of
 * weight-sized, and the network's own gradients are never touched.
 *
 * <p>Batch norm runs in inference mode (running statistics) and attached quantizers are applied (their
 * straight-through gradients included), as the forward is {@code net.forward(store, input, false)}.
 *
 * <p>Pitfalls: on AVX-512 CPUs libtorch 2.7.1 computes wrong second derivatives of convolutions unless the batch size
 * is a multiple of 16 (see {@link HessianTrace.Settings}); the recorded graph forms a reference cycle that
 * {@link SecondOrderAutograd#forgetHistory} breaks after every product.
 */
final class CurvatureProbe {

    private final PoseNet net;
    private final NDManager manager;
    private final PoseTrainer.Objective objective;
    private final List<PoseConv2d> layers;
    private final DirectionalStore store;

    /**
     * @param net an initialised network
     * @param manager the manager that owns the network's parameters; each product's arrays live in a scope of it
     * @param objective the loss whose Hessian is probed
     */
    CurvatureProbe(PoseNet net, NDManager manager, PoseTrainer.Objective objective) {
        this.net = net;
        this.manager = manager;
        this.objective = objective;
        this.layers = net.layers();
        this.store = new DirectionalStore(manager);
    }

    /**
     * The curvatures {@code v_i . (H v)_i} of the loss on {@code batch}, in layer order.
     *
     * @param directions one array per layer of {@link PoseNet#layers()}, holding {@code v_i} in the row-major order
     *     of the weight {@code [out, in, k, k]}
     * @throws IllegalArgumentException when a direction does not match its layer's weight count
     */
    double[] curvatures(Batch batch, float[][] directions) {
        if (directions.length != layers.size()) {
            throw new IllegalArgumentException("curvature probe: " + directions.length + " directions for "
                    + layers.size() + " conv layers");
        }
        for (int i = 0; i < directions.length; i++) {
            if (directions[i].length != layers.get(i).weightCount()) {
                throw new IllegalArgumentException("curvature probe: direction of layer " + layers.get(i).name()
                        + " has " + directions[i].length + " values, the weight " + layers.get(i).weightCount());
            }
        }
        DataType type = layers.get(0).weight().getArray().getDataType();
        try (NDScope scope = new NDScope(); GradientCollector recording = manager.getEngine().newGradientCollector()) {
            NDArray shifts = manager.zeros(new Shape(layers.size()), type);
            shifts.setRequiresGradient(true);
            try {
                for (int i = 0; i < layers.size(); i++) {
                    PoseConv2d layer = layers.get(i);
                    NDArray direction = HostArrays.copyOf(manager, directions[i], layer.weightShape()).toType(type, false);
                    store.shift(layer.weight(), layer.weight().getArray().stopGradient().add(direction.mul(shifts.get(i))));
                }
                NDArray input = HostArrays.copyOf(manager, batch.pixels(),
                        new Shape(batch.size(), 3, batch.sizePx(), batch.sizePx()));
                NDArray loss = objective.compute(net.forward(store, new NDList(input), false), batch).total();
                SecondOrderAutograd.backward(loss, true);
                NDArray slopes = shifts.getGradient();
                double[] slopeValues = doubles(slopes);
                SecondOrderAutograd.backward(slopes.sum(), false);
                double[] curvatures = doubles(shifts.getGradient());
                for (int i = 0; i < curvatures.length; i++) {
                    curvatures[i] -= slopeValues[i]; // libtorch added the second pass to the first
                }
                return curvatures;
            } finally {
                store.clear();
                SecondOrderAutograd.forgetHistory(shifts.getGradient());
            }
        }
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /**
     * Reads the shifted conv weights where the probe put them, and every other parameter detached from autograd, so
     * that the only leaf the backward passes reach is the probe's {@code t}.
     */
    private static final class DirectionalStore extends ParameterStore {
        private final Map<Parameter, NDArray> shifted = new IdentityHashMap<>();

        DirectionalStore(NDManager manager) {
            super(manager, false);
        }

        void shift(Parameter weight, NDArray value) {
            shifted.put(weight, value);
        }

        void clear() {
            shifted.clear();
        }

        /** The shifted weight or the detached parameter, owned by the current scope. */
        @Override
        public NDArray getValue(Parameter parameter, Device device, boolean training) {
            if (parameter == null) {
                return null;
            }
            NDArray value = shifted.get(parameter);
            if (value == null) {
                value = parameter.getArray().stopGradient();
            }
            return value.getDevice().equals(device) ? value : value.toDevice(device, false);
        }
    }
}
