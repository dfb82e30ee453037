package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.data.BopDataset;
import dev.mqat.train.DepthCalibrationSplit;
import dev.mqat.train.TrainConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DepthCalibrationTest {

    @TempDir
    Path tmp;

    @Test
    void fitsOnTheSplitTheRunNames() {
        BopDataset dataset = QuantizeFixture.dataset(tmp.resolve("data"));
        RunData train = RunData.load(dataset, "train", 64, 0);
        RunData val = RunData.load(dataset, "val", 64, 0);
        RunConfig onTrain = QuantizeFixture.config(dataset, TrainConfig.defaults());
        RunConfig onVal = QuantizeFixture.config(dataset, TrainConfig.defaults().withDepthCalibrationSplit(DepthCalibrationSplit.VAL));

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
}
