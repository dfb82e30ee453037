package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.Initializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterOptimizerTest {

    private static final float[] START = {0.5f, -1.0f, 2.0f, 0.0f};
    /** Per step, the gradient of the loss sum(c * w) is c. */
    private static final float[][] GRADIENTS = {{1f, -2f, 0.5f, 0f}, {0.1f, 3f, -0.5f, 1e-4f}, {-1f, 0f, 4f, 2f}};
    private static final double[] LR = {1e-2, 5e-3, 2e-2};

    private static Parameter parameter(NDManager m) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(4))
                .optInitializer(Initializer.ZEROS).build();
        p.initialize(m, DataType.FLOAT32);
        p.getArray().set(START);
        return p;
    }

    private static void backward(NDArray w, float[] c) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(w.mul(w.getManager().create(c)).sum());
        }
    }

    @Test
    void adamFollowsPyTorchsFormulaStepByStep() {
        double[] w = {START[0], START[1], START[2], START[3]};
        double[] m1 = new double[4], v = new double[4];
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.ADAM, Map.of("w", p), m)) {
                for (int t = 1; t <= GRADIENTS.length; t++) {
                    backward(p.getArray(), GRADIENTS[t - 1]);
                    opt.step(LR[t - 1]);
                    for (int i = 0; i < 4; i++) {
                        double g = GRADIENTS[t - 1][i];
                        m1[i] = 0.9 * m1[i] + 0.1 * g;
                        v[i] = 0.999 * v[i] + 0.001 * g * g;
                        double mHat = m1[i] / (1 - Math.pow(0.9, t));
                        double vHat = v[i] / (1 - Math.pow(0.999, t));
                        w[i] -= LR[t - 1] * mHat / (Math.sqrt(vHat) + 1e-8);
                    }
                    float[] got = p.getArray().toFloatArray();
                    for (int i = 0; i < 4; i++) {
                        assertThat((double) got[i]).as("step %d weight %d", t, i).isCloseTo(w[i], within(1e-6));
                    }
                    assertThat(p.getArray().getGradient().toFloatArray()).as("gradient zeroed after step %d", t)
                            .containsOnly(0f);
                }
            }
        }
    }

    @Test
    void adamUpdatesEveryParameterOfSeveralShapesFromItsOwnGradient() {
        // the update runs on one flat vector: each parameter must get back its own slice, in its own shape
        float[] ca = {1f, -2f, 0.5f, 3f, -0.25f, 2f};
        float[] cb = {-4f, 0.125f, 1f, 8f};
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter a = Parameter.builder().setName("a").setType(Parameter.Type.WEIGHT).optShape(new Shape(2, 3))
                    .optInitializer(Initializer.ZEROS).build();
            Parameter b = Parameter.builder().setName("b").setType(Parameter.Type.BIAS).optShape(new Shape(4))
                    .optInitializer(Initializer.ONES).build();
            a.initialize(m, DataType.FLOAT32);
            b.initialize(m, DataType.FLOAT32);
            Map<String, Parameter> both = new java.util.LinkedHashMap<>();
            both.put("b", b); // not the alphabetical order: the map's order is the flat order
            both.put("a", a);
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.ADAM, both, m)) {
                for (int t = 0; t < 2; t++) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(a.getArray().mul(m.create(ca, new Shape(2, 3))).sum()
                                .add(b.getArray().mul(m.create(cb)).sum()));
                    }
                    opt.step(0.1);
                }
                // a constant gradient c gives m_hat = c and v_hat = c^2 at every step: each step moves by
                // lr * sign(c) (up to eps)
                assertThat(a.getArray().getShape()).isEqualTo(new Shape(2, 3));
                float[] gotA = a.getArray().toFloatArray();
                float[] gotB = b.getArray().toFloatArray();
                for (int i = 0; i < ca.length; i++) {
                    assertThat((double) gotA[i]).as("a[%d]", i).isCloseTo(-0.2 * Math.signum(ca[i]), within(1e-5));
                }
                for (int i = 0; i < cb.length; i++) {
                    assertThat((double) gotB[i]).as("b[%d]", i).isCloseTo(1 - 0.2 * Math.signum(cb[i]), within(1e-5));
                }
            }
        }
    }

    @Test
    void savedStateContinuesExactlyLikeAnUninterruptedRun() throws Exception {
        float[] uninterrupted;
        byte[] state;
        float[] afterTwo;
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.ADAM, Map.of("w", p), m)) {
                for (int t = 0; t < 2; t++) {
                    backward(p.getArray(), GRADIENTS[t]);
                    opt.step(LR[t]);
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                opt.save(new DataOutputStream(bytes));
                state = bytes.toByteArray();
                afterTwo = p.getArray().toFloatArray();
                backward(p.getArray(), GRADIENTS[2]);
                opt.step(LR[2]);
                uninterrupted = p.getArray().toFloatArray();
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            p.getArray().set(afterTwo);
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.ADAM, Map.of("w", p), m)) {
                opt.load(new DataInputStream(new ByteArrayInputStream(state)), "state");
                assertThat(opt.updates()).isEqualTo(2);
                backward(p.getArray(), GRADIENTS[2]);
                opt.step(LR[2]);
                assertThat(p.getArray().toFloatArray()).containsExactly(uninterrupted);
            }
        }
    }

    @Test
    void sgdUsesMomentumOnTheRawGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.SGD, Map.of("w", p), m)) {
                backward(p.getArray(), GRADIENTS[0]);
                opt.step(0.1);
                backward(p.getArray(), GRADIENTS[1]);
                opt.step(0.1);
                float[] got = p.getArray().toFloatArray();
                for (int i = 0; i < 4; i++) {
                    double buf = 0.9 * GRADIENTS[0][i] + GRADIENTS[1][i];
                    double expected = START[i] - 0.1 * GRADIENTS[0][i] - 0.1 * buf;
                    assertThat((double) got[i]).isCloseTo(expected, within(1e-6));
                }
            }
        }
    }

    @Test
    void clippingScalesAllGradientsByOneFactorToTheGlobalLimit() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = parameter(m);
            Parameter u = Parameter.builder().setName("u").setType(Parameter.Type.WEIGHT).optShape(new Shape(2))
                    .optInitializer(Initializer.ZEROS).build();
            u.initialize(m, DataType.FLOAT32);
            float[] gw = {3f, 0f, 0f, 4f};
            float[] gu = {0f, 12f}; // global norm sqrt(9 + 16 + 144) = 13
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.SGD, Map.of("w", w, "u", u), m)) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(w.getArray().mul(m.create(gw)).sum().add(u.getArray().mul(m.create(gu)).sum()));
                }
                assertThat(opt.clipGradients(20)).as("norm under the limit").isCloseTo(13, within(1e-5));
                assertThat(w.getArray().getGradient().toFloatArray()).as("untouched under the limit").containsExactly(gw);

                assertThat(opt.clipGradients(6.5)).as("norm before clipping").isCloseTo(13, within(1e-5));
                assertThat(w.getArray().getGradient().toFloatArray()).containsExactly(1.5f, 0f, 0f, 2f);
                assertThat(u.getArray().getGradient().toFloatArray()).containsExactly(0f, 6f);
                assertThat(opt.clipGradients(0)).as("0 only measures").isCloseTo(6.5, within(1e-5));
                assertThat(u.getArray().getGradient().toFloatArray()).containsExactly(0f, 6f);
            }
        }
    }

    @Test
    void aLargeFiniteGradientHasAFiniteNorm() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = parameter(m);
            backward(p.getArray(), new float[] {3e20f, 4e20f, 0f, 0f}); // squares overflow float32
            try (ParameterOptimizer opt = new ParameterOptimizer(OptimizerKind.ADAM, Map.of("w", p), m)) {
                assertThat(opt.clipGradients(0)).isCloseTo(5e20, within(1e14));
            }
        }
    }
}
