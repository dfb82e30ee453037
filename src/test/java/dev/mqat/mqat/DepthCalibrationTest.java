package dev.mqat.mqat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.data.BopDataset;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.synth.CubeSatModel;
import dev.mqat.synth.SplitFractions;
import dev.mqat.synth.SynthConfig;
import dev.mqat.synth.Synthesizer;
import dev.mqat.train.LossConfig;
import dev.mqat.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthCalibrationTest {

    @TempDir
    Path tmp;

    @Test
    void fitsOnTheSplitTheRunNames() {
        Path data = tmp.resolve("data");
        SynthConfig synth = SynthConfig.defaults().withImageCount(16).withSizePx(64).withSeed(3)
                .withSplit(new SplitFractions(0.5, 0.25, 0.25)).withImagesPerScene(4);
        Synthesizer.generate(CubeSatModel.mesh(), Synthesizer.EMBEDDED_OBJECT_NAME, synth, data, 2, null);
        BopDataset dataset = BopDataset.open(data);
        RunData train = RunData.load(dataset, "train", 64, 0);
        RunData val = RunData.load(dataset, "val", 64, 0);
        RunConfig onTrain = config(dataset, data, TrainConfig.defaults());
        RunConfig onVal = config(dataset, data, TrainConfig.defaults().withDepthCalibrationSplit("val"));

        RunData fitOnTrain = new DepthCalibration(train, val, onTrain, 100).fitImages();
        assertThat(fitOnTrain.split).isEqualTo("train");
        assertThat(fitOnTrain.records).as("every training image, fewer than asked for").hasSize(train.records.size());

        RunData fitOnVal = new DepthCalibration(train, val, onVal, 3).fitImages();
        assertThat(fitOnVal.split).isEqualTo("val");
        assertThat(fitOnVal.records).hasSize(3).isSubsetOf(val.records);

        assertThat(new DepthCalibration(train, val, onVal, 0).fitImages()).as("calibration off").isNull();
        assertThatThrownBy(() -> new DepthCalibration(train, null, onVal, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no val split");
    }

    private static RunConfig config(BopDataset dataset, Path data, TrainConfig train) {
        ModelConfig model = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25)
                .withNumClasses(dataset.objects().size());
        return new RunConfig(List.of("test"), data.toString(), RunObject.of(dataset.objects()), model, train,
                LossConfig.defaults(), DecoderConfig.defaults(), PnpConfig.defaults(), 0, "cpu", Provenance.current());
    }
}
