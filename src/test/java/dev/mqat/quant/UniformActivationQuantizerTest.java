package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import org.junit.jupiter.api.Test;

class UniformActivationQuantizerTest extends QuantTestBase {
    private static final float[] X = {-3f, -0.26f, 0.1f, 0.74f, 5f};

    private UniformActivationQuantizer initialized(ActivationQuantSpec spec, Shape shape) {
        UniformActivationQuantizer q = new UniformActivationQuantizer(spec);
        q.initialize(manager, DataType.FLOAT32, shape);
        return q;
    }

    /**
     * The worked case of the Java stack notes on the signed 3-bit range (codes -4..3): s = 0.5, L = sum q gives q =
     * [-2, -0.5, 0, 0.5, 1.5], dL/dx = [0, 1, 1, 1, 0], dL/ds = (-4 - 0.48 - 0.2 - 0.48 + 3) / sqrt(5 * 3) =
     * -2.16 / sqrt(15).
     */
    @Test
    void lsqReproducesTheWorkedGradientCheck() {
        UniformActivationQuantizer q = initialized(new ActivationQuantSpec(3, ActivationQuantMethod.LSQ),
                new Shape(5));
        Parameter step = q.getDirectParameters().get("step");
        step.getArray().set(new float[] {0.5f});
        NDArray x = array(X, new Shape(5));
        x.setRequiresGradient(true);
        try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
            NDArray out = q.quantize(store(), x, true);
            assertThat(out.toFloatArray()).containsExactly(-2f, -0.5f, 0f, 0.5f, 1.5f);
            gc.backward(out.sum());
            assertThat(x.getGradient().toFloatArray()).containsExactly(0f, 1f, 1f, 1f, 0f);
            assertThat(step.getArray().getGradient().getFloat()).isCloseTo((float) (-2.16 / Math.sqrt(15)),
                    within(1e-6f));
        }
    }

    @Test
    void lsqStepStartsFromTheFirstBatch() {
        UniformActivationQuantizer q = initialized(ActivationQuantSpec.defaults(), new Shape(5));
        assertThat(q.step()).isZero();
        try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
            q.quantize(store(), array(X, new Shape(5)), true);
        }
        double mean = (3 + 0.26 + 0.1 + 0.74 + 5) / 5;
        assertThat(q.step()).isCloseTo((float) (2 * mean / Math.sqrt(127)), within(1e-6f));
    }

    @Test
    void runningMinMaxTracksTheLargestMagnitude() {
        UniformActivationQuantizer q = initialized(new ActivationQuantSpec(8, ActivationQuantMethod.RUNNING_MIN_MAX),
                new Shape(5));
        NDArray x = array(X, new Shape(5));
        assertThatThrownBy(() -> q.quantize(store(), x, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("training forward");
        try (NDScope scope = new NDScope()) {
            q.quantize(store(), x, true);
            assertThat(q.step()).isCloseTo(5f / 127, within(1e-7f));
            q.quantize(store(), x.mul(2), true);
            assertThat(q.step()).isCloseTo((0.9f * 5 + 0.1f * 10) / 127, within(1e-6f));
            float before = q.step();
            float[] out = q.quantize(store(), x.mul(3), false).toFloatArray();
            assertThat(q.step()).as("inference leaves the range alone").isEqualTo(before);
            assertThat(out[4]).as("clipped at Qp * s").isCloseTo(127 * before, within(1e-5f));
            assertThat(distinct(out).size()).isLessThanOrEqualTo(256);
        }
    }

    @Test
    void attachesToAConvInput() {
        PoseConv2d conv = PoseConv2d.builder().setName("head.c").setModule(NetModule.HEAD).setChannels(2, 3)
                .setKernelSize(1).build();
        conv.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 4, 4));
        conv.setInputQuantizer(new UniformActivationQuantizer(new ActivationQuantSpec(2,
                ActivationQuantMethod.RUNNING_MIN_MAX)));
        try (NDScope scope = new NDScope()) {
            NDArray x = manager.randomNormal(new Shape(1, 2, 4, 4));
            NDArray y = conv.forward(store(), new NDList(x), true).singletonOrThrow();
            assertThat(y.getShape()).isEqualTo(new Shape(1, 3, 4, 4));
        }
        assertThat(conv.inputQuantizer()).isPresent();
    }
}
