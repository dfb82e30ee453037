package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void presetsAreValidAndRoundTripThroughJson() throws Exception {
        for (Architecture a : Architecture.values()) {
            ModelConfig c = ModelConfig.preset(a.key()).withWidthMultiplier(0.5).withNumClasses(3);
            String text = json.writeValueAsString(c);
            assertThat(text).contains("\"arch\":\"" + a.key() + "\"");
            assertThat(json.readValue(text, ModelConfig.class)).isEqualTo(c);
        }
        assertThat(ModelConfig.defaults().arch()).isEqualTo(Architecture.WDR_CPU);
        assertThat(ModelConfig.preset("wdr-darknet53").levels()).isEqualTo(5);
    }

    @Test
    void unknownKeysAndBadValuesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> json.readValue("{\"arch\":\"wdr-cpu\",\"inputSizePx\":128,\"widthMultiplier\":1,"
                + "\"depthMultiplier\":1,\"numClasses\":1,\"stridesPx\":[8,16,32],\"anchorSizesPx\":[16,32,64],\"extra\":1}",
                ModelConfig.class)).hasMessageContaining("extra");
        ModelConfig d = ModelConfig.defaults();
        assertThatThrownBy(() -> d.withInputSizePx(100)).hasMessageContaining("model.inputSizePx").hasMessageContaining("100");
        assertThatThrownBy(() -> d.withNumClasses(0)).hasMessageContaining("model.numClasses");
        assertThatThrownBy(() -> d.withWidthMultiplier(0)).hasMessageContaining("model.widthMultiplier");
        assertThatThrownBy(() -> d.withDepthMultiplier(-1)).hasMessageContaining("model.depthMultiplier");
        assertThatThrownBy(() -> new ModelConfig(Architecture.WDR_CPU, 128, 1, 1, 1, new int[] {8, 16, 48},
                new double[] {16, 32, 64})).hasMessageContaining("model.stridesPx");
        assertThatThrownBy(() -> new ModelConfig(Architecture.WDR_CPU, 128, 1, 1, 1, new int[] {8, 16, 32},
                new double[] {16, 32})).hasMessageContaining("model.anchorSizesPx");
        assertThatThrownBy(() -> new ModelConfig(null, 128, 1, 1, 1, new int[] {8, 16, 32}, new double[] {16, 32, 64}))
                .hasMessageContaining("model.arch");
        assertThatThrownBy(() -> ModelConfig.preset("yolo")).hasMessageContaining("yolo").hasMessageContaining("wdr-cpu");
    }

    @Test
    void multipliersScaleChannelsAndUnits() {
        ModelConfig c = ModelConfig.defaults().withWidthMultiplier(0.5).withDepthMultiplier(2);
        assertThat(c.channels(64)).isEqualTo(32);
        assertThat(c.channels(16)).isEqualTo(8);
        assertThat(c.units(2)).isEqualTo(4);
        assertThat(ModelConfig.defaults().withDepthMultiplier(0.1).units(2)).isEqualTo(1);
        PoseNet half = PoseNet.build(c);
        PoseNet full = PoseNet.build(ModelConfig.defaults());
        assertThat(half.layers(NetModule.BACKBONE).size()).isGreaterThan(full.layers(NetModule.BACKBONE).size());
        assertThat(half.layer("fpn.output.0").outChannels()).isEqualTo(32);
    }
}
