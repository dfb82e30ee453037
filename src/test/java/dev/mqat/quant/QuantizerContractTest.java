package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract every weight quantizer kind keeps (STYLE: QuantizerContract). */
class QuantizerContractTest extends QuantTestBase {
    private static final Shape SHAPE = new Shape(4, 3, 3, 3);
    private static final float S0 = 0.0625f;

    static Stream<Arguments> kindsAndBits() {
        List<Arguments> a = new ArrayList<>();
        for (QuantizerKind k : QuantizerKind.values()) {
            for (int bits : new int[] {1, 2, 3, 4, 8}) {
                for (Granularity g : Granularity.values()) {
                    a.add(Arguments.of(k, bits, g));
                }
            }
        }
        return a.stream();
    }

    /** Fully quantizing: INQ freezes everything, the others quantize on every read. */
    private UniformWeightQuantizer ready(QuantizerKind kind, QuantSpec spec, NDArray w) {
        UniformWeightQuantizer q = Quantizers.create(kind, spec, SHAPE);
        q.calibrate(w);
        if (q instanceof InqQuantizer inq) {
            inq.freeze(w, 1.0);
        }
        return q;
    }

    /** Weights k * S0 using the whole code range in every channel (so no finer grid fits them). */
    private float[] onGrid(int bits) {
        int qp = Levels.maxCode(bits);
        int n = (int) SHAPE.size();
        int per = n / (int) SHAPE.get(0);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            int k = bits == 1 ? (rng.nextBoolean() ? 1 : -1) : rng.nextInt(2 * qp + 1) - qp;
            w[i] = k * S0;
        }
        for (int c = 0; c < SHAPE.get(0); c++) {
            w[c * per] = qp * S0;
            w[c * per + 1] = -qp * S0;
        }
        return w;
    }

    @ParameterizedTest(name = "{0} {1} bits {2}")
    @MethodSource("kindsAndBits")
    void onGridWeightsAreUnchanged(QuantizerKind kind, int bits, Granularity g) {
        float[] w = onGrid(bits);
        NDArray weight = array(w, SHAPE);
        UniformWeightQuantizer q = ready(kind, new QuantSpec(bits, g), weight);
        if (kind == QuantizerKind.LSQ) {
            float[] s = new float[q.scales().length];
            java.util.Arrays.fill(s, S0);
            q.scaleParameter().getArray().set(s); // LSQ's initial step is not the grid's; set it
        }
        try (NDScope scope = new NDScope()) {
            assertThat(q.quantize(store(), weight, false).toFloatArray()).as("%s output of on-grid input", kind)
                    .containsExactly(w);
        }
    }

    @ParameterizedTest(name = "{0} {1} bits {2}")
    @MethodSource("kindsAndBits")
    void outputIsOnTheGridWithinRangeAndIdempotent(QuantizerKind kind, int bits, Granularity g) {
        NDArray weight = array(gaussian((int) SHAPE.size(), 0.2), SHAPE);
        UniformWeightQuantizer q = ready(kind, new QuantSpec(bits, g), weight);
        float[] scales = q.scales();
        int per = (int) SHAPE.size() / scales.length;
        try (NDScope scope = new NDScope()) {
            NDArray once = q.quantize(store(), weight, true);
            float[] v = once.toFloatArray();
            int qp = Levels.maxCode(bits);
            for (int i = 0; i < v.length; i++) {
                float s = scales[i / per];
                int k = Math.round(v[i] / s);
                assertThat(v[i]).as("%s weight %d is k*s", kind, i).isEqualTo(k * s);
                assertThat(Math.abs(k)).as("%s code of weight %d", kind, i).isLessThanOrEqualTo(qp);
                if (bits == 1) {
                    assertThat(Math.abs(k)).as("1-bit code").isEqualTo(1);
                }
            }
            if (g == Granularity.PER_TENSOR) {
                assertThat(distinct(v).size()).as("%s distinct values", kind)
                        .isLessThanOrEqualTo(Levels.levelCount(bits));
            }
            assertThat(q.quantize(store(), once, true).toFloatArray()).as("%s twice", kind).containsExactly(v);
        }
        assertThat(q.fractionQuantized()).isEqualTo(1.0);
    }

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void gradientRuleOfEachKind(QuantizerKind kind) {
        int bits = 3;
        float[] w = gaussian((int) SHAPE.size(), 0.2);
        NDArray weight = array(w, SHAPE);
        UniformWeightQuantizer q = Quantizers.create(kind, QuantSpec.perTensor(bits), SHAPE);
        q.calibrate(weight);
        if (kind == QuantizerKind.LSQ || kind == QuantizerKind.STE) {
            // a scale small enough that some weights fall outside the clip range
            q.scaleParameter().getArray().set(new float[] {0.05f});
        }
        boolean[] frozen = new boolean[w.length];
        if (q instanceof InqQuantizer inq) {
            inq.freeze(weight, 0.5);
            frozen = inq.frozenMask();
        }
        weight.setRequiresGradient(true);
        float[] grad;
        try (NDScope scope = new NDScope(); GradientCollector gc = collector()) {
            gc.backward(q.quantize(store(), weight, true).sum());
            grad = weight.getGradient().toFloatArray();
        }
        float clip = Levels.maxCode(bits) * q.scales()[0];
        int inside = 0;
        int outside = 0;
        for (int i = 0; i < w.length; i++) {
            float expected;
            if (kind == QuantizerKind.INQ) {
                expected = frozen[i] ? 0f : 1f;
            } else {
                expected = Math.abs(w[i]) <= clip ? 1f : 0f;
            }
            if (expected == 1f) {
                inside++;
            } else {
                outside++;
            }
            assertThat(grad[i]).as("%s gradient of weight %d = %f (clip %f)", kind, i, w[i], clip)
                    .isEqualTo(expected);
        }
        assertThat(inside).as("weights with gradient").isPositive();
        assertThat(outside).as("weights without gradient").isPositive();
    }

    @ParameterizedTest
    @EnumSource(QuantizerKind.class)
    void uncalibratedQuantizerRefusesToRun(QuantizerKind kind) {
        UniformWeightQuantizer q = Quantizers.create(kind, QuantSpec.perTensor(4), SHAPE);
        NDArray weight = array(gaussian((int) SHAPE.size(), 0.2), SHAPE);
        assertThatThrownBy(() -> q.quantize(store(), weight, false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("calibrate");
        assertThatThrownBy(() -> q.calibrate(array(new float[4], new Shape(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(4)");
    }
}
