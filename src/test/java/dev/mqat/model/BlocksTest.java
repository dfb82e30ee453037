package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

/** Hand-checked cases for the small blocks the network is made of. */
class BlocksTest {

    @Test
    void upsampleIsNearestNeighbour() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            NDArray up = Fpn.upsample2x(x, new Shape(1, 1, 4, 4));
            assertThat(up.toFloatArray()).containsExactly(1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4);
            NDArray cropped = Fpn.upsample2x(x, new Shape(1, 1, 3, 3));
            assertThat(cropped.toFloatArray()).containsExactly(1, 1, 2, 1, 1, 2, 3, 3, 4);
        }
    }

    @Test
    void upsampleGradientSumsEachTwoByTwoBlock() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
            x.setRequiresGradient(true);
            float[] w = new float[16];
            for (int i = 0; i < 16; i++) {
                w[i] = i;
            }
            try (ai.djl.training.GradientCollector gc = m.getEngine().newGradientCollector()) {
                NDArray up = Fpn.upsample2x(x, new Shape(1, 1, 4, 4));
                gc.backward(up.mul(m.create(w, new Shape(1, 1, 4, 4))).sum());
            }
            // block of x[0, 0]: w 0, 1, 4, 5; x[0, 1]: 2, 3, 6, 7; x[1, 0]: 8, 9, 12, 13; x[1, 1]: 10, 11, 14, 15
            assertThat(x.getGradient().toFloatArray()).containsExactly(10, 18, 42, 50);
        }
    }

    @Test
    void batchNormUpdatesRunningMeanByTenPercent() {
        try (NDManager m = NDManager.newBaseManager()) {
            BatchNorm2d bn = new BatchNorm2d("backbone.x.bn", 2);
            bn.initialize(m, DataType.FLOAT32, new Shape(2, 2, 1, 1));
            NDArray x = m.create(new float[] {1, 10, 3, 20}, new Shape(2, 2, 1, 1));
            NDArray y = bn.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
            float[] running = bn.getDirectParameters().get("running_mean").getArray().toFloatArray();
            assertThat(running[0]).as("0.9 * 0 + 0.1 * mean(1, 3)").isCloseTo(0.2f, within(1e-6f));
            assertThat(running[1]).as("0.9 * 0 + 0.1 * mean(10, 20)").isCloseTo(1.5f, within(1e-6f));
            assertThat(y.toFloatArray()[0]).as("normalised by batch stats").isCloseTo(-1f, within(1e-3f));
        }
    }

    @Test
    void groupNormMatchesHandComputation() {
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm2d gn = new GroupNorm2d("head.t.norm", 4, 2);
            gn.initialize(m, DataType.FLOAT32, new Shape(1, 4, 1, 2));
            gn.getDirectParameters().get("gamma").getArray().set(new float[] {1, 2, 1, 1});
            gn.getDirectParameters().get("beta").getArray().set(new float[] {0, 0, 5, 0});
            // group 0 = channels 0,1: values 1,3,5,7 (mean 4, var 5); group 1 = channels 2,3: 0,0,2,2 (mean 1, var 1)
            NDArray x = m.create(new float[] {1, 3, 5, 7, 0, 0, 2, 2}, new Shape(1, 4, 1, 2));
            float[] y = gn.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().toFloatArray();
            double s5 = Math.sqrt(5 + 1e-5);
            double s1 = Math.sqrt(1 + 1e-5);
            double[] expected = {-3 / s5, -1 / s5, 2 * 1 / s5, 2 * 3 / s5, 5 - 1 / s1, 5 - 1 / s1, 1 / s1, 1 / s1};
            for (int i = 0; i < 8; i++) {
                assertThat((double) y[i]).as("value %d", i).isCloseTo(expected[i], within(1e-5));
            }
        }
    }

    @Test
    void groupNormKeepsSamplesApartAndItsGradientsMatchTheFormulaInFloat64() {
        // the fused kernel against group norm written out with reductions, in float64, on two samples whose
        // statistics differ: forward values and the gradients of input, gamma and beta
        try (NDManager m = NDManager.newBaseManager()) {
            GroupNorm2d gn = new GroupNorm2d("head.t.norm", 6, 3);
            Shape shape = new Shape(2, 6, 3, 2);
            gn.initialize(m, DataType.FLOAT32, shape);
            NDArray gamma = gn.getDirectParameters().get("gamma").getArray();
            NDArray beta = gn.getDirectParameters().get("beta").getArray();
            gamma.set(new float[] {1, 2, -1, 0.5f, 3, 1});
            beta.set(new float[] {0, 1, -2, 0, 0.25f, 4});
            gamma.setRequiresGradient(true);
            beta.setRequiresGradient(true);
            NDArray x = m.randomNormal(shape).mul(m.arange(2f).add(1).reshape(2, 1, 1, 1).mul(3)); // sample 1 wider
            x.setRequiresGradient(true);
            NDArray weights = m.randomNormal(shape); // an uneven loss, so that no gradient is trivially zero
            float[] y;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = gn.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                y = out.toFloatArray();
                gc.backward(out.mul(weights).sum());
            }
            float[] dx = x.getGradient().toFloatArray();
            float[] dGamma = gamma.getGradient().toFloatArray();
            float[] dBeta = beta.getGradient().toFloatArray();

            NDArray x64 = x.toType(DataType.FLOAT64, true);
            NDArray g64 = gamma.toType(DataType.FLOAT64, true);
            NDArray b64 = beta.toType(DataType.FLOAT64, true);
            x64.setRequiresGradient(true);
            g64.setRequiresGradient(true);
            b64.setRequiresGradient(true);
            double[] ref;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray groups = x64.reshape(2, 3, -1);
                NDArray centred = groups.sub(groups.mean(new int[] {2}, true));
                NDArray variance = centred.square().mean(new int[] {2}, true);
                NDArray normed = centred.div(variance.add(1e-5).sqrt()).reshape(shape);
                NDArray out = normed.mul(g64.reshape(1, 6, 1, 1)).add(b64.reshape(1, 6, 1, 1));
                ref = out.toDoubleArray();
                gc.backward(out.mul(weights.toType(DataType.FLOAT64, false)).sum());
            }
            assertClose("output", y, ref, 1e-5);
            assertClose("input gradient", dx, x64.getGradient().toDoubleArray(), 1e-4);
            assertClose("gamma gradient", dGamma, g64.getGradient().toDoubleArray(), 1e-4);
            assertClose("beta gradient", dBeta, b64.getGradient().toDoubleArray(), 1e-4);
        }
    }

    private static void assertClose(String what, float[] got, double[] expected, double tolerance) {
        assertThat(got).as(what).hasSize(expected.length);
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).as("%s %d", what, i).isCloseTo(expected[i], within(tolerance));
        }
    }
}
