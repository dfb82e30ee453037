package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DepthBinsTest {

    @Test
    void edgesAndBinsOfAHandExample() {
        DepthBins bins = DepthBins.of(new double[] {400, 100, 1000, 700, 200});
        assertThat(bins.edgesMm()).containsExactly(100, 400, 700, 1000);
        assertThat(bins.binOf(100)).isEqualTo(DepthBin.NEAR);
        assertThat(bins.binOf(200)).isEqualTo(DepthBin.NEAR);
        assertThat(bins.binOf(399.999)).isEqualTo(DepthBin.NEAR);
        assertThat(bins.binOf(400)).as("lower edge belongs to the upper bin").isEqualTo(DepthBin.MEDIUM);
        assertThat(bins.binOf(700)).isEqualTo(DepthBin.FAR);
        assertThat(bins.binOf(1000)).as("deepest instance is far").isEqualTo(DepthBin.FAR);
    }

    @Test
    void degenerateSets() {
        DepthBins same = DepthBins.of(new double[] {500, 500});
        assertThat(same.edgesMm()).containsExactly(500, 500, 500, 500);
        assertThat(same.binOf(500)).as("all-equal depths are near").isEqualTo(DepthBin.NEAR);
        assertThat(DepthBins.of(new double[0]).edgesMm()).containsOnly(Double.NaN);
    }
}
