package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link Scalars}: the constant of each op survives a garbage collection between the forward and the backward pass
 * (DJL's number overloads lose it then, see the class comment).
 */
class ScalarsTest {

    @Test
    void gradientsAreExactWhenTheCollectorRunsBetweenForwardAndBackward() {
        // x = 4: d(x * 3)/dx = 3, d(x / 8)/dx = 1/8, d(max(x, 1))/dx = 1, d(min(x, 1))/dx = 0, d(x^3)/dx = 48
        assertThat(gradientAfterCollection(Scalars::times, 3)).isEqualTo(3f);
        assertThat(gradientAfterCollection(Scalars::dividedBy, 8)).isEqualTo(0.125f);
        assertThat(gradientAfterCollection(Scalars::atLeast, 1)).isEqualTo(1f);
        assertThat(gradientAfterCollection(Scalars::atMost, 1)).isEqualTo(0f);
        assertThat(gradientAfterCollection(Scalars::power, 3)).isEqualTo(48f);
    }

    @Test
    void valuesMatchPlainArithmetic() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.create(new float[] {-2f, 0.5f, 3f});
            assertThat(Scalars.times(x, 1.5).toFloatArray()).containsExactly(-3f, 0.75f, 4.5f);
            assertThat(Scalars.dividedBy(x, 2).toFloatArray()).containsExactly(-1f, 0.25f, 1.5f);
            assertThat(Scalars.atLeast(x, 0).toFloatArray()).containsExactly(0f, 0.5f, 3f);
            assertThat(Scalars.atMost(x, 1).toFloatArray()).containsExactly(-2f, 0.5f, 1f);
            assertThat(Scalars.power(x, 2).toFloatArray()).containsExactly(4f, 0.25f, 9f);
        }
    }

    /** d op(x, v)/dx at x = 4 (summed over 64 equal elements, divided back), with freed memory refilled before backward. */
    private static float gradientAfterCollection(BiFunction<NDArray, Double, NDArray> op, double v) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = m.full(new ai.djl.ndarray.types.Shape(64), 4f);
            x.setRequiresGradient(true);
            List<ByteBuffer> filler = new ArrayList<>();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = op.apply(x, v).sum();
                for (int round = 0; round < 3; round++) {
                    System.gc();
                    sleep();
                    // small direct buffers reuse the memory of freed ones; fill them with a value no gradient here has
                    for (int i = 0; i < 4000; i++) {
                        ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
                        b.putFloat(0, 1e30f);
                        filler.add(b);
                    }
                }
                gc.backward(y);
            }
            float[] g = x.getGradient().toFloatArray();
            assertThat(filler).hasSize(12000);
            for (float gi : g) {
                assertThat(gi).isEqualTo(g[0]);
            }
            return g[0];
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
