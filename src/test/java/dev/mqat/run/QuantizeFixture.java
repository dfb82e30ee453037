package dev.mqat.run;

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
        return floatRun(root, 16);
    }

    /** As {@link #floatRun(Path)} with {@code images} images, half of them for training. */
    public static Path floatRun(Path root, int images) {
        BopDataset dataset = dataset(root.resolve("data"), images);
        TrainConfig train = TrainConfig.defaults().withBatchSize(4).withOptimizer(OptimizerKind.ADAM).withLearningRate(1e-3)
                .withWarmupSteps(0).withBudget(0, 4, 0).withSeed(5).withAugmentation(AugmentationConfig.none())
                .withBnCalibrationBatches(0).withDepthCalibrationImages(0).withMaxGradNorm(0);
        Path run = root.resolve("float");
        TrainingJob.run(config(dataset, train), run, false);
        return run;
    }

    /** Synthesizes 16 images of 64 px into {@code data} (8 train, 4 val, 4 test) and opens them. */
    static BopDataset dataset(Path data) {
        return dataset(data, 16);
    }

    static BopDataset dataset(Path data, int images) {
        SynthConfig synth = SynthConfig.defaults().withImageCount(images).withSizePx(64).withSeed(3)
                .withSplit(new SplitFractions(0.5, 0.25, 0.25)).withImagesPerScene(4);
        Synthesizer.generate(CubeSatModel.mesh(), Synthesizer.EMBEDDED_OBJECT_NAME, synth, data, 2, null);
        return BopDataset.open(data);
    }

    /** A float run's config for {@code dataset}: a quarter-width network at 64 px, trained with {@code train}. */
    static RunConfig config(BopDataset dataset, TrainConfig train) {
        ModelConfig model = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25)
                .withNumClasses(dataset.objects().size());
        return new RunConfig(List.of("test"), dataset.root().toString(), RunObject.of(dataset.objects()), model, train,
                LossConfig.defaults(), DecoderConfig.defaults(), PnpConfig.defaults(), 0, DeviceChoice.CPU, Provenance.current());
    }
}
