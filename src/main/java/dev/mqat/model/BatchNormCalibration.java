package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes the batch-norm running statistics of a network as the plain average over a set of batches
 * ("precise BN"), instead of the exponential average that training leaves behind.
 *
 * <p>Why: with momentum 0.1 the running statistics describe the last few dozen training batches, taken while
 * the weights were still moving and the images augmented; inference with them scores several points below
 * inference with statistics of the same weights. Averaging over many unaugmented batches of fixed weights
 * removes that gap and makes validation scores comparable between checkpoints.
 *
 * <p>Each batch is a training-mode forward without gradients: batch {@code k} (1-based) enters the running
 * statistics with weight {@code 1/k}, so after {@code K} batches {@code running_mean} is the mean of the batch
 * means and {@code running_var} the mean of the (unbiased) batch variances. Nothing else changes: other state
 * that a training forward updates (activation-quantizer ranges) is restored afterwards.
 */
public final class BatchNormCalibration {

    private BatchNormCalibration() {}

    /**
     * Recalibrates every batch norm of {@code net} on {@code images} in consecutive batches of {@code batchSize}
     * (a last partial batch is dropped when there is a full one).
     *
     * @param manager the manager owning the network's parameters
     * @return the number of batches averaged (0 when {@code images} is empty: nothing changes)
     */
    public static int recalibrate(PoseNet net, NDManager manager, List<InputImage> images, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch-norm calibration: batch size must be at least 1, found " + batchSize);
        }
        List<List<InputImage>> batches = new ArrayList<>();
        for (int from = 0; from + batchSize <= images.size(); from += batchSize) {
            batches.add(images.subList(from, from + batchSize));
        }
        if (batches.isEmpty() && !images.isEmpty()) {
            batches.add(images);
        }
        List<NDArrayFactory> inputs = new ArrayList<>();
        for (List<InputImage> b : batches) {
            int s = b.get(0).sizePx();
            inputs.add(m -> HostArrays.copyOf(m, BatchLoader.normalize(b), new Shape(b.size(), 3, s, s)));
        }
        return recalibrate(net, manager, inputs);
    }

    /** Makes one input batch in a manager (so that its memory belongs to the calibration step's scope). */
    @FunctionalInterface
    interface NDArrayFactory {
        NDArray create(NDManager manager);
    }

    /** Recalibrates the batch norms under {@code root} on the given input batches; returns their number. */
    static int recalibrate(Block root, NDManager manager, List<NDArrayFactory> inputs) {
        if (inputs.isEmpty()) {
            return 0;
        }
        List<BatchNorm2d> norms = PoseNet.blocksOf(root, BatchNorm2d.class);
        Map<Parameter, NDArray> kept = keepOtherState(root, manager);
        ParameterStore store = new ParameterStore(manager, false);
        try {
            for (BatchNorm2d bn : norms) {
                NDArray mean = bn.runningMean().getArray();
                NDArray var = bn.runningVar().getArray();
                mean.set(new float[(int) mean.size()]);
                var.set(ones((int) var.size()));
            }
            for (int k = 1; k <= inputs.size(); k++) {
                for (BatchNorm2d bn : norms) {
                    bn.setMomentum(1f / k);
                }
                try (NDScope scope = new NDScope()) {
                    root.forward(store, new NDList(inputs.get(k - 1).create(manager)), true);
                }
            }
        } finally {
            for (BatchNorm2d bn : norms) {
                bn.resetMomentum();
            }
            for (Map.Entry<Parameter, NDArray> e : kept.entrySet()) {
                e.getValue().copyTo(e.getKey().getArray());
                e.getValue().close();
            }
        }
        return inputs.size();
    }

    /** Copies of the state parameters (no gradient) other than batch-norm statistics. */
    private static Map<Parameter, NDArray> keepOtherState(Block block, NDManager manager) {
        Map<Parameter, NDArray> out = new LinkedHashMap<>();
        keepOtherState(block, manager, out);
        return out;
    }

    private static void keepOtherState(Block block, NDManager manager, Map<Parameter, NDArray> out) {
        if (!(block instanceof BatchNorm2d)) {
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                Parameter param = p.getValue();
                if (!param.requiresGradient() && param.isInitialized()) {
                    NDArray copy = param.getArray().duplicate();
                    copy.attach(manager);
                    out.put(param, copy);
                }
            }
        }
        for (Pair<String, Block> child : block.getChildren()) {
            keepOtherState(child.getValue(), manager, out);
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
