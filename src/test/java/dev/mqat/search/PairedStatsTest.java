package dev.mqat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class PairedStatsTest {

    @Test
    void wilsonMatchesHandComputedIntervals() {
        PairedStats.WilsonInterval half = PairedStats.wilson95(50, 100);
        assertThat(half.lowPercent()).as("50/100 lower bound").isCloseTo(40.3832, within(1e-4));
        assertThat(half.highPercent()).as("50/100 upper bound").isCloseTo(59.6168, within(1e-4));
        assertThat(half.ratePercent()).isEqualTo(50.0);

        // 3/40: p = 0.075, z^2/n = 0.096038; centre 0.112235, half-width 0.086403
        PairedStats.WilsonInterval low = PairedStats.wilson95(3, 40);
        assertThat(low.lowPercent()).as("3/40 lower bound").isCloseTo(2.5836, within(1e-4));
        assertThat(low.highPercent()).as("3/40 upper bound").isCloseTo(19.8642, within(1e-4));
    }

    @Test
    void wilsonEdgesAreExactAtZeroAndAllSuccesses() {
        double z2 = PairedStats.Z_95 * PairedStats.Z_95;
        PairedStats.WilsonInterval none = PairedStats.wilson95(0, 10);
        assertThat(none.lowPercent()).as("0/10 lower bound").isEqualTo(0.0);
        assertThat(none.highPercent()).as("0/10 upper bound = z^2 / (n + z^2)")
                .isCloseTo(100 * z2 / (10 + z2), within(1e-12));
        PairedStats.WilsonInterval all = PairedStats.wilson95(10, 10);
        assertThat(all.highPercent()).as("10/10 upper bound").isEqualTo(100.0);
        assertThat(all.lowPercent()).as("10/10 lower bound = n / (n + z^2)")
                .isCloseTo(100 * 10 / (10 + z2), within(1e-12));
    }

    @Test
    void wilsonIsSymmetricBetweenSuccessesAndFailuresAndNarrowsWithN() {
        PairedStats.WilsonInterval a = PairedStats.wilson(7, 30, 1.5);
        PairedStats.WilsonInterval b = PairedStats.wilson(23, 30, 1.5);
        assertThat(a.lowPercent()).isCloseTo(100 - b.highPercent(), within(1e-10));
        assertThat(a.highPercent()).isCloseTo(100 - b.lowPercent(), within(1e-10));
        PairedStats.WilsonInterval small = PairedStats.wilson95(20, 100);
        PairedStats.WilsonInterval large = PairedStats.wilson95(200, 1000);
        assertThat(large.highPercent() - large.lowPercent()).as("width at n = 1000 vs n = 100")
                .isLessThan(small.highPercent() - small.lowPercent());
    }

    @Test
    void wilsonRejectsBadArguments() {
        assertThatThrownBy(() -> PairedStats.wilson95(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("n = 0");
        assertThatThrownBy(() -> PairedStats.wilson95(11, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 10]").hasMessageContaining("11");
        assertThatThrownBy(() -> PairedStats.wilson(1, 10, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("z");
    }

    @Test
    void mcnemarMatchesHandComputedBinomialTails() {
        // n = 5, k = 0: 2 * (1/2)^5
        assertThat(PairedStats.mcnemarExact(0, 5).pValue()).isEqualTo(0.0625);
        // n = 10, k = 1: 2 * (1 + 10) / 1024
        assertThat(PairedStats.mcnemarExact(1, 9).pValue()).isCloseTo(22.0 / 1024, within(1e-15));
        // n = 10, k = 3: 2 * (1 + 10 + 45 + 120) / 1024
        assertThat(PairedStats.mcnemarExact(3, 7).pValue()).isCloseTo(352.0 / 1024, within(1e-15));
        assertThat(PairedStats.mcnemarExact(5, 5).pValue()).as("balanced discordance").isEqualTo(1.0);
        assertThat(PairedStats.mcnemarExact(0, 0).pValue()).as("no discordant pair").isEqualTo(1.0);
        assertThat(PairedStats.mcnemarExact(0, 60).pValue()).as("2^-59, far below 2^-1074 * 2^n")
                .isCloseTo(Math.scalb(1.0, -59), within(1e-30));
    }

    @Test
    void mcnemarCountsDiscordantImagesOnlyAndIsSymmetric() {
        boolean[] a = {true, true, false, false, true, false, true, true};
        boolean[] b = {true, false, true, false, false, false, true, false};
        // discordant: i=1 (A right), i=2 (B right), i=4 (A right), i=7 (A right)
        PairedStats.McNemarTest t = PairedStats.mcnemarExact(a, b);
        assertThat(t.n01()).isEqualTo(1);
        assertThat(t.n10()).isEqualTo(3);
        assertThat(t.discordant()).isEqualTo(4);
        // n = 4, k = 1: 2 * (1 + 4) / 16
        assertThat(t.pValue()).isCloseTo(10.0 / 16, within(1e-15));
        PairedStats.McNemarTest swapped = PairedStats.mcnemarExact(b, a);
        assertThat(swapped.n01()).isEqualTo(3);
        assertThat(swapped.n10()).isEqualTo(1);
        assertThat(swapped.pValue()).isEqualTo(t.pValue());
    }

    @Test
    void mcnemarAgreesWithExactBigIntegerSumsAtThousandsOfImages() {
        int[][] cases = {{1400, 1550}, {2400, 2600}, {600, 900}, {1, 1}, {37, 63}};
        for (int[] c : cases) {
            double expected = exactTwoSidedP(c[0], c[1]);
            assertThat(PairedStats.mcnemarExact(c[0], c[1]).pValue()).as("p for n01=%d, n10=%d", c[0], c[1])
                    .isCloseTo(expected, within(expected * 1e-10));
            assertThat(PairedStats.mcnemarExact(c[1], c[0]).pValue()).as("p swapped").isCloseTo(expected,
                    within(expected * 1e-10));
        }
    }

    @Test
    void mcnemarRejectsArraysOfDifferentLength() {
        assertThatThrownBy(() -> PairedStats.mcnemarExact(new boolean[10], new boolean[9]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10").hasMessageContaining("9").hasMessageContaining("per image");
        assertThatThrownBy(() -> PairedStats.mcnemarExact(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Naive twin: {@code min(1, 2 sum_{i <= k} C(n, i) / 2^n)} in exact integers, then rounded once. */
    private static double exactTwoSidedP(int n01, int n10) {
        int n = n01 + n10;
        int k = Math.min(n01, n10);
        BigInteger sum = BigInteger.ZERO;
        BigInteger binomial = BigInteger.ONE;
        for (int i = 0; i <= k; i++) {
            sum = sum.add(binomial);
            binomial = binomial.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        BigDecimal p = new BigDecimal(sum.shiftLeft(1)).divide(new BigDecimal(BigInteger.ONE.shiftLeft(n)),
                MathContext.DECIMAL128);
        return Math.min(1.0, p.doubleValue());
    }
}
