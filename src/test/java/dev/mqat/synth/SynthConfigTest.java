package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SynthConfigTest {

    @Test
    void defaultsAreTheDocumentedDataset() {
        SynthConfig c = SynthConfig.defaults();
        assertThat(c.imageCount()).isEqualTo(22000);
        assertThat(c.split().counts(c.imageCount())).containsExactly(20240, 880, 880);
        assertThat(c.sizePx()).isEqualTo(128);
        assertThat(c.depthSampling()).isEqualTo(DepthSampling.UNIFORM);
        assertThat(c.withSeed(5).withImageCount(10).withSizePx(64).withImagesPerScene(3).withDepthSampling(DepthSampling.LOG_UNIFORM))
                .isEqualTo(new SynthConfig(10, 64, 5, SplitFractions.defaults(), DepthSampling.LOG_UNIFORM, 3));
    }

    @Test
    void badFieldsAreRejectedWithTheirKey() {
        SynthConfig c = SynthConfig.defaults();
        assertThatThrownBy(() -> c.withImageCount(0)).hasMessageContaining("synth.imageCount").hasMessageContaining("0");
        assertThatThrownBy(() -> c.withSizePx(15)).hasMessageContaining("synth.sizePx").hasMessageContaining("15");
        assertThatThrownBy(() -> c.withImagesPerScene(0)).hasMessageContaining("synth.imagesPerScene");
        assertThatThrownBy(() -> c.withSplit(null)).hasMessageContaining("synth.split");
        assertThatThrownBy(() -> c.withDepthSampling(null)).hasMessageContaining("synth.depthSampling");
    }

    @Test
    void sceneDefaultsForTheSatellite() {
        SceneConfig s = SceneConfig.forObject(CubeSatModel.mesh().diameterMm(), 128, DepthSampling.UNIFORM);
        assertThat(s.focalPx()).isEqualTo(150);
        assertThat(s.nearestDepthMm()).isBetween(445.0, 448.0);
        assertThat(s.farthestDepthMm()).isBetween(3820.0, 3835.0);
        assertThat(s.marginPx()).isEqualTo(12);
        assertThat(s.camera().cx()).isEqualTo(63.5);
        assertThatThrownBy(() -> SceneConfig.forObject(0, 128, DepthSampling.UNIFORM)).hasMessageContaining("diameter");
    }
}
