package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.model.DecoderConfig;
import dev.mqat.train.CropPhase;
import dev.mqat.train.DepthCalibrationSplit;
import dev.mqat.train.TrainConfig;
import org.junit.jupiter.api.Test;

class RunConfigTest {

    @Test
    void aDecoderWrittenBeforeRotationsExistedReadsAsOneView() throws Exception {
        DecoderConfig old = RunConfig.JSON.readValue("{\"confidenceThreshold\": 0.3, \"cellsPerObject\": 10, \"levelLambda\": 1.0}",
                DecoderConfig.class);
        assertThat(old.rotations()).isEqualTo(1);
        assertThat(old.zoomBelowPx()).as("no second look in a config written before it existed").isZero();
        assertThat(old.zooms()).isEmpty();
        String now = RunConfig.JSON.writeValueAsString(DecoderConfig.defaults());
        assertThat(now).contains("\"rotations\" : 4").contains("\"zoomBelowPx\" : 64.0")
                .containsPattern("\"zooms\" : \\[ 1.3, 1.7 \\]");
        assertThat(RunConfig.JSON.readValue(now, DecoderConfig.class)).isEqualTo(DecoderConfig.defaults());
    }

    @Test
    void trainingWrittenBeforeWindowsExistedReadsAsWholeImages() throws Exception {
        String old = RunConfig.JSON.writeValueAsString(TrainConfig.defaults()).replaceAll(",\\s*\"crops\" : \\[ \\]", "");
        assertThat(old).doesNotContain("crops");
        TrainConfig read = RunConfig.JSON.readValue(old, TrainConfig.class);
        assertThat(read.crops()).isEmpty();
        assertThat(read).isEqualTo(TrainConfig.defaults());
        TrainConfig phased = TrainConfig.defaults().withCrops(CropPhase.parse("64:0.6,96"));
        assertThat(RunConfig.JSON.readValue(RunConfig.JSON.writeValueAsString(phased), TrainConfig.class)).isEqualTo(phased);
    }

    @Test
    void trainingWrittenBeforeClippingExistedReadsAsNoClipping() throws Exception {
        String now = RunConfig.JSON.writeValueAsString(TrainConfig.defaults());
        assertThat(now).contains("\"maxGradNorm\" : 10.0");
        String old = now.replaceAll(",\\s*\"maxGradNorm\" : 10.0", "");
        assertThat(old).doesNotContain("maxGradNorm");
        assertThat(RunConfig.JSON.readValue(old, TrainConfig.class)).isEqualTo(TrainConfig.defaults().withMaxGradNorm(0));
    }

    @Test
    void trainingWrittenBeforeTheCalibrationSplitExistedFitsOnTrainingImages() throws Exception {
        String now = RunConfig.JSON.writeValueAsString(TrainConfig.defaults().withDepthCalibrationSplit(DepthCalibrationSplit.VAL));
        assertThat(now).contains("\"depthCalibrationSplit\" : \"val\"");
        String old = now.replaceAll(",\\s*\"depthCalibrationSplit\" : \"val\"", "");
        assertThat(old).doesNotContain("depthCalibrationSplit");
        TrainConfig read = RunConfig.JSON.readValue(old, TrainConfig.class);
        assertThat(read.depthCalibrationSplit()).isEqualTo(DepthCalibrationSplit.TRAIN);
        assertThat(read).isEqualTo(TrainConfig.defaults());
    }

    @Test
    void anUnknownCalibrationSplitIsOneLineNamingTheKeyAndTheChoices() throws Exception {
        assertThatThrownBy(() -> DepthCalibrationSplit.fromKey("test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("train.depthCalibrationSplit: expected train or val, found 'test'");
        String json = RunConfig.JSON.writeValueAsString(TrainConfig.defaults()).replace("\"train\"", "\"test\"");
        assertThat(json).as("the written split replaced").contains("\"depthCalibrationSplit\" : \"test\"");
        assertThatThrownBy(() -> RunConfig.JSON.readValue(json, TrainConfig.class))
                .hasMessageContaining("train.depthCalibrationSplit: expected train or val, found 'test'");
    }
}
