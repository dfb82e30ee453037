package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchNormCalibrationTest {

    private static final int C = 2;
    private static final int N = 3;
    private static final int HW = 4;

    @Test
    void runningStatisticsBecomeTheAverageOfTheBatchStatistics() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d("backbone.x.bn", C);
            bn.initialize(m, DataType.FLOAT32, new Shape(N, C, HW, 1));
            bn.runningMean().getArray().set(new float[] {7, -7}); // stale statistics must not leak into the result
            bn.runningVar().getArray().set(new float[] {50, 50});
            List<float[]> batches = batches(3);
            assertThat(BatchNormCalibration.recalibrate(bn, m, factories(batches))).isEqualTo(3);

            float[] mean = bn.runningMean().getArray().toFloatArray();
            float[] var = bn.runningVar().getArray().toFloatArray();
            for (int c = 0; c < C; c++) {
                double meanOfMeans = 0;
                double meanOfVars = 0;
                for (float[] b : batches) {
                    double[] mv = channelMeanAndUnbiasedVar(b, c);
                    meanOfMeans += mv[0] / batches.size();
                    meanOfVars += mv[1] / batches.size();
                }
                assertThat((double) mean[c]).as("running mean of channel %d", c).isCloseTo(meanOfMeans, within(1e-4));
                assertThat((double) var[c]).as("running var of channel %d", c).isCloseTo(meanOfVars, within(1e-3));
            }
        }
    }

    @Test
    void trainingAfterCalibrationMovesStatisticsByTenPercentAgain() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d("backbone.x.bn", C);
            bn.initialize(m, DataType.FLOAT32, new Shape(N, C, HW, 1));
            BatchNormCalibration.recalibrate(bn, m, factories(batches(2)));
            float before = bn.runningMean().getArray().toFloatArray()[0];
            float[] next = batches(1).get(0);
            bn.forward(new ParameterStore(m, false), new NDList(m.create(next, new Shape(N, C, HW, 1))), true);
            double batchMean = channelMeanAndUnbiasedVar(next, 0)[0];
            assertThat((double) bn.runningMean().getArray().toFloatArray()[0])
                    .isCloseTo(0.9 * before + 0.1 * batchMean, within(1e-4));
        }
    }

    @Test
    void otherStateThatTrainingForwardsUpdateIsRestored() {
        try (NDManager m = NDManager.newBaseManager()) {
            RangeTracker block = new RangeTracker();
            block.initialize(m, DataType.FLOAT32, new Shape(N, C, HW, 1));
            block.state.getArray().set(new float[] {0.5f});
            BatchNormCalibration.recalibrate(block, m, factories(batches(2)));
            assertThat(block.state.getArray().toFloatArray()).containsExactly(0.5f);
            assertThat(block.bn.runningMean().getArray().toFloatArray()[0]).as("the batch norm inside was calibrated")
                    .isNotEqualTo(0f);
        }
    }

    @Test
    void emptyCalibrationSetChangesNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d("backbone.x.bn", C);
            bn.initialize(m, DataType.FLOAT32, new Shape(N, C, HW, 1));
            bn.runningMean().getArray().set(new float[] {3, 4});
            assertThat(BatchNormCalibration.recalibrate(bn, m, List.of())).isZero();
            assertThat(bn.runningMean().getArray().toFloatArray()).containsExactly(3, 4);
        }
    }

    /** A batch norm followed by a block whose training forward overwrites a state parameter (like a range tracker). */
    private static final class RangeTracker extends AbstractBlock {
        final BatchNorm2d bn = addChildBlock("bn", new BatchNorm2d("x.bn", C));
        final Parameter state = addParameter(Parameter.builder().setName("state").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1)).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDList y = bn.forward(ps, inputs, training);
            if (training) {
                state.getArray().set(new float[] {y.head().abs().max().getFloat()});
            }
            return y;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            bn.initialize(manager, dataType, inputShapes);
        }
    }

    private static List<float[]> batches(int count) {
        Random r = new Random(count);
        List<float[]> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] x = new float[N * C * HW];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextGaussian() * (1 + b) + 2 * b - 1);
            }
            out.add(x);
        }
        return out;
    }

    private static List<BatchNormCalibration.NDArrayFactory> factories(List<float[]> batches) {
        List<BatchNormCalibration.NDArrayFactory> out = new ArrayList<>();
        for (float[] b : batches) {
            out.add(mgr -> mgr.create(b, new Shape(N, C, HW, 1)));
        }
        return out;
    }

    /** Mean and unbiased variance of channel {@code c} of a {@code [N, C, HW, 1]} batch. */
    private static double[] channelMeanAndUnbiasedVar(float[] x, int c) {
        int count = N * HW;
        double sum = 0;
        for (int n = 0; n < N; n++) {
            for (int i = 0; i < HW; i++) {
                sum += x[(n * C + c) * HW + i];
            }
        }
        double mean = sum / count;
        double sq = 0;
        for (int n = 0; n < N; n++) {
            for (int i = 0; i < HW; i++) {
                double d = x[(n * C + c) * HW + i] - mean;
                sq += d * d;
            }
        }
        return new double[] {mean, sq / (count - 1)};
    }
}
