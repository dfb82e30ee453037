package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class LsqQuantizerTest extends QuantTestBase {

    /**
     * Symmetric 3-bit grid (codes -3..3), s = 0.5, L = sum q, x = [-3, -0.26, 0.1, 0.74, 5]. By hand: x/s = [-6,
     * -0.52, 0.2, 1.48, 10] clips to [-3, -0.52, 0.2, 1.48, 3], rounds to [-3, -1, 0, 1, 3], so q = [-1.5, -0.5, 0,
     * 0.5, 1.5]; dL/dx = [0, 1, 1, 1, 0]; dq/ds = [-3, -0.48, -0.2, -0.48, 3] sums to -1.16, times g = 1/sqrt(5*3).
     */
    @Test
    void gradientsMatchTheHandComputedSymmetricCase() {
        LsqQuantizer q = (LsqQuantizer) Quantizers.create(QuantizerKind.LSQ, QuantSpec.perTensor(3), new Shape(5));
        NDArray x = array(new float[] {-3f, -0.26f, 0.1f, 0.74f, 5f}, new Shape(5));
        q.calibrate(x);
        Parameter step = q.scaleParameter();
        step.getArray().set(new float[] {0.5f});
        assertThat(q.gradientScale()).isCloseTo(1 / Math.sqrt(15), within(1e-12));
        x.setRequiresGradient(true);
        try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
            NDArray out = q.quantize(store(), x, true);
            assertThat(out.toFloatArray()).containsExactly(-1.5f, -0.5f, 0f, 0.5f, 1.5f);
            gc.backward(out.sum());
            assertThat(x.getGradient().toFloatArray()).containsExactly(0f, 1f, 1f, 1f, 0f);
            assertThat(step.getArray().getGradient().getFloat())
                    .isCloseTo((float) (-1.16 / Math.sqrt(15)), within(1e-6f));
        }
    }

    @Test
    void initialStepIsTwiceMeanMagnitudeOverRootQp() {
        float[] w = {-1f, 2f, -3f, 2f};
        UniformWeightQuantizer q = Quantizers.create(QuantizerKind.LSQ, QuantSpec.perTensor(4), new Shape(4));
        q.calibrate(array(w, new Shape(4)));
        assertThat(q.scales()[0]).isCloseTo((float) (2 * 2.0 / Math.sqrt(7)), within(1e-6f));
        UniformWeightQuantizer perChannel = Quantizers.create(QuantizerKind.LSQ, QuantSpec.perChannel(4), new Shape(2, 2));
        perChannel.calibrate(array(w, new Shape(2, 2)));
        assertThat(perChannel.scales()).containsExactly((float) (2 * 1.5 / Math.sqrt(7)),
                (float) (2 * 2.5 / Math.sqrt(7)));
        assertThat(((LsqQuantizer) perChannel).gradientScale()).isCloseTo(1 / Math.sqrt(2 * 7), within(1e-12));
    }

    @Test
    void negativeStepIsUsedByMagnitudeAndStaysPositive() {
        UniformWeightQuantizer q = Quantizers.create(QuantizerKind.LSQ, QuantSpec.perTensor(3), new Shape(3));
        NDArray x = array(new float[] {0.5f, -1f, 0.2f}, new Shape(3));
        q.calibrate(x);
        q.scaleParameter().getArray().set(new float[] {-0.5f});
        assertThat(q.scales()).containsExactly(0.5f);
        try (NDScope scope = new NDScope()) {
            assertThat(q.quantize(store(), x, false).toFloatArray()).containsExactly(0.5f, -1f, 0f);
        }
        q.scaleParameter().getArray().set(new float[] {0f});
        assertThat(q.scales()[0]).isPositive();
    }
}
