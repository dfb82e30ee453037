package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.model.DecoderConfig;
import org.junit.jupiter.api.Test;

class LossConfigTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void defaultsRoundTripThroughJson() throws Exception {
        LossConfig d = LossConfig.defaults();
        assertThat(json.readValue(json.writeValueAsString(d), LossConfig.class)).isEqualTo(d);
        DecoderConfig dc = DecoderConfig.defaults();
        assertThat(json.readValue(json.writeValueAsString(dc), DecoderConfig.class)).isEqualTo(dc);
        assertThat(d.positivesPerObject()).isEqualTo(10);
        assertThat(dc.confidenceThreshold()).isEqualTo(0.3);
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> LossConfig.defaults().withPositivesPerObject(0)).hasMessageContaining("loss.positivesPerObject");
        assertThatThrownBy(() -> new LossConfig(10, 0, 2, 0.25, 1, 1, 0.02)).hasMessageContaining("loss.levelLambda");
        assertThatThrownBy(() -> new LossConfig(10, 1, -1, 0.25, 1, 1, 0.02)).hasMessageContaining("loss.focalGamma");
        assertThatThrownBy(() -> new LossConfig(10, 1, 2, 1.5, 1, 1, 0.02)).hasMessageContaining("loss.focalAlpha");
        assertThatThrownBy(() -> LossConfig.defaults().withWeights(0, 0)).hasMessageContaining("loss.classificationWeight");
        assertThatThrownBy(() -> new LossConfig(10, 1, 2, 0.25, 1, 1, 0)).hasMessageContaining("loss.smoothL1BetaDiameters");
        assertThatThrownBy(() -> DecoderConfig.defaults().withConfidenceThreshold(1.2))
                .hasMessageContaining("decoder.confidenceThreshold");
        assertThatThrownBy(() -> DecoderConfig.defaults().withCellsPerObject(0)).hasMessageContaining("decoder.cellsPerObject");
        assertThatThrownBy(() -> new DecoderConfig(0.3, 10, 1, 1, 64, java.util.List.of(1.5, 0.5)))
                .hasMessageContaining("decoder.zooms").hasMessageContaining("0.5");
        assertThatThrownBy(() -> new DecoderConfig(0.3, 10, 1, 1, -1, null)).hasMessageContaining("decoder.zoomBelowPx")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> new DecoderConfig(0.3, 10, 0, 1, 0, null)).hasMessageContaining("decoder.levelLambda");
        assertThatThrownBy(() -> DecoderConfig.defaults().withRotations(3)).hasMessageContaining("decoder.rotations");
        assertThat(DecoderConfig.defaults().withRotations(2).rotations()).isEqualTo(2);
    }
}
