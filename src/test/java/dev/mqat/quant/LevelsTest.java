package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LevelsTest {

    @Test
    void levelCountsFollowTheDesign() {
        assertThat(Levels.maxCode(1)).isEqualTo(1);
        assertThat(Levels.levelCount(1)).isEqualTo(2);
        assertThat(Levels.maxCode(2)).isEqualTo(1);
        assertThat(Levels.levelCount(2)).as("2 bits = ternary").isEqualTo(3);
        assertThat(Levels.maxCode(4)).isEqualTo(7);
        assertThat(Levels.levelCount(4)).isEqualTo(15);
        assertThat(Levels.maxCode(8)).isEqualTo(127);
        assertThat(Levels.levelCount(8)).isEqualTo(255);
        assertThatThrownBy(() -> Levels.maxCode(0)).hasMessageContaining("found 0");
        assertThatThrownBy(() -> Levels.maxCode(9)).hasMessageContaining("found 9");
    }

    @Test
    void codesRoundHalfToEvenAndClamp() {
        assertThat(Levels.code(0.26f, 0.5f, 3)).isEqualTo(1);
        assertThat(Levels.code(0.25f, 0.5f, 3)).as("0.5 rounds to even 0").isEqualTo(0);
        assertThat(Levels.code(0.75f, 0.5f, 3)).as("1.5 rounds to even 2").isEqualTo(2);
        assertThat(Levels.code(9f, 0.5f, 3)).isEqualTo(3);
        assertThat(Levels.code(-9f, 0.5f, 3)).isEqualTo(-3);
        assertThat(Levels.code(0f, 0.5f, 1)).as("1 bit: zero maps to +1").isEqualTo(1);
        assertThat(Levels.code(-0.01f, 0.5f, 1)).isEqualTo(-1);
        assertThat(Levels.quantize(0.3f, 0.5f, 2)).isEqualTo(0.5f);
        assertThat(Levels.quantize(0.2f, 0.5f, 2)).isEqualTo(0f);
    }

    @Test
    void fitRecoversTheExactScaleOfOnGridWeights() {
        Random rng = new Random(7);
        for (int bits = 2; bits <= 8; bits++) {
            int qp = Levels.maxCode(bits);
            float s0 = 0.0371f;
            float[] w = new float[500];
            for (int i = 0; i < w.length; i++) {
                w[i] = (rng.nextInt(2 * qp + 1) - qp) * s0;
            }
            w[0] = qp * s0; // the grid's end is used, so no finer grid fits too
            float s = Levels.fitScaleL2(w, 0, w.length, bits);
            assertThat(s).as("fitted scale at %d bits", bits).isEqualTo(s0);
            assertThat(Levels.squaredError(w, new float[] {s}, bits)).isZero();
        }
    }

    @Test
    void oneBitScaleIsTheMeanMagnitude() {
        float[] w = {-3f, 1f, 2f, -2f};
        assertThat(Levels.fitScaleL2(w, 0, 4, 1)).isEqualTo(2f);
    }

    /** Naive twin: a dense brute-force scan of the float32 error never beats the fit by more than rounding. */
    @Test
    void fitIsAtLeastAsGoodAsABruteForceScan() {
        Random rng = new Random(11);
        for (int bits : new int[] {2, 3, 4, 8}) {
            float[] w = new float[400];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rng.nextGaussian() * 0.1 + (i % 7 == 0 ? 0.3 : 0));
            }
            float s = Levels.fitScaleL2(w, 0, w.length, bits);
            double fitErr = Levels.squaredError(w, new float[] {s}, bits);
            float max = 0;
            for (float v : w) {
                max = Math.max(max, Math.abs(v));
            }
            double bestScan = Double.MAX_VALUE;
            for (int j = 1; j <= 20000; j++) {
                float c = (float) (2.0 * max / Levels.maxCode(bits) * j / 20000);
                bestScan = Math.min(bestScan, Levels.squaredError(w, new float[] {c}, bits));
            }
            assertThat(fitErr).as("fit error at %d bits vs brute-force scan", bits)
                    .isLessThanOrEqualTo(bestScan * (1 + 1e-6));
        }
    }

    @Test
    void perChannelFitGivesEachChannelItsScale() {
        float[] w = {0.1f, -0.1f, 0f, 0.1f, 2f, -2f, 0f, 2f};
        float[] s = Levels.fitScalesL2(w, 2, 2);
        assertThat(s).containsExactly(0.1f, 2f);
        float[] q = Levels.quantize(w, s, 2);
        assertThat(q).containsExactly(w);
        assertThatThrownBy(() -> Levels.fitScalesL2(w, 3, 2)).hasMessageContaining("not a multiple");
    }

    @Test
    void allZeroWeightsGetScaleOne() {
        assertThat(Levels.fitScaleL2(new float[4], 0, 4, 4)).isEqualTo(1f);
    }
}
