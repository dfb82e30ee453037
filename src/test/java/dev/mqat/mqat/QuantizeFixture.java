package dev.mqat.mqat;

import dev.mqat.data.AugmentationConfig;
import dev.mqat.data.BopDataset;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.synth.CubeSatModel;
import dev.mqat.synth.SplitFractions;
import dev.mqat.synth.SynthConfig;
import dev.mqat.synth.Synthesizer;
import dev.mqat.train.LossConfig;
import dev.mqat.train.OptimizerKind;
import dev.mqat.train.TrainConfig;
import java.nio.file.Path;
import java.util.List;

/** A tiny synthetic dataset (64 px) and a tiny float run trained on it for a few steps. */
public final class QuantizeFixture {
    private QuantizeFixture() {}

    /** Synthesizes the dataset into {@code root/data} and trains {@code root/float}; returns the run folder. */
    public static Path floatRun(Path root) {
        Path data = root.resolve("data");
        SynthConfig synth = SynthConfig.defaults().withImageCount(16).withSizePx(64).withSeed(3)
                .withSplit(new SplitFractions(0.5, 0.25, 0.25)).withImagesPerScene(4);
        Synthesizer.generate(CubeSatModel.mesh(), Synthesizer.EMBEDDED_OBJECT_NAME, synth, data, 2, null);
        BopDataset dataset = BopDataset.open(data);
        ModelConfig model = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25)
                .withNumClasses(dataset.objects().size());
        TrainConfig train = new TrainConfig(4, OptimizerKind.ADAM, 1e-3, 0, 0, 4, 0, 5, AugmentationConfig.none(), 1, 0);
        RunConfig cfg = new RunConfig(List.of("test"), data.toString(), RunObject.of(dataset.objects()), model, train,
                LossConfig.defaults(), DecoderConfig.defaults(), PnpConfig.defaults(), 0, "cpu", Provenance.current());
        Path run = root.resolve("float");
        TrainingJob.run(cfg, run, false);
        return run;
    }
}
