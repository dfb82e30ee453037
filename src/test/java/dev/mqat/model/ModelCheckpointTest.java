package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mqat.MqatFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCheckpointTest {

    @TempDir
    Path dir;

    private static float[][] eval(PoseNet net, NDManager m, NDArray x) {
        try (NDScope scope = new NDScope()) {
            NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
            return new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()};
        }
    }

    @Test
    void loadIntoAFreshNetworkGivesBitIdenticalOutputs() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64);
        Path file = dir.resolve("model.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            PoseNet a = PoseNet.create(config, m);
            NDArray x = m.randomNormal(new Shape(2, 3, 64, 64));
            // a training forward moves the batch-norm running statistics away from their initial values
            try (NDScope scope = new NDScope()) {
                a.forward(new ParameterStore(m, false), new NDList(x), true);
            }
            float[][] before = eval(a, m, x);
            ModelCheckpoint.save(a, file, Map.of("step", "3"));

            Engine.getInstance().setRandomSeed(99);
            PoseNet b = PoseNet.create(config, m);
            assertThat(eval(b, m, x)[1]).as("a differently seeded network differs").isNotEqualTo(before[1]);
            ModelCheckpoint.Header h = ModelCheckpoint.load(b, file);
            assertThat(h.metadata()).containsEntry("step", "3");
            assertThat(h.model()).isEqualTo(config);
            float[][] after = eval(b, m, x);
            assertThat(after[0]).containsExactly(before[0]);
            assertThat(after[1]).containsExactly(before[1]);

            PoseNet c = ModelCheckpoint.load(file, m);
            assertThat(eval(c, m, x)[1]).containsExactly(before[1]);
        }
    }

    @Test
    void reSavingALoadedCheckpointWithItsMetadataGivesTheSameBytes() throws Exception {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25);
        Path first = dir.resolve("first.ckpt");
        Path second = dir.resolve("second.ckpt");
        Map<String, String> metadata = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            metadata.put("key_" + (char) ('z' - i), Integer.toString(i));
        }
        try (NDManager m = NDManager.newBaseManager()) {
            ModelCheckpoint.save(PoseNet.create(config, m), first, metadata);
            PoseNet loaded = ModelCheckpoint.load(first, m);
            ModelCheckpoint.Header h = ModelCheckpoint.readHeader(first);
            assertThat(h.metadata().keySet()).as("metadata in file order").containsExactlyElementsOf(metadata.keySet());
            ModelCheckpoint.save(loaded, second, h.metadata());
        }
        assertThat(java.nio.file.Files.readAllBytes(second)).isEqualTo(java.nio.file.Files.readAllBytes(first));
    }

    @Test
    void copyParametersGivesTheSameOutputsWithoutTouchingTheSource() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1);
            PoseNet a = PoseNet.create(config, m);
            Engine.getInstance().setRandomSeed(2);
            PoseNet b = PoseNet.create(config, m);
            NDArray x = m.randomNormal(new Shape(1, 3, 64, 64));
            float[][] before = eval(a, m, x);
            b.copyParametersFrom(a);
            assertThat(eval(b, m, x)[1]).containsExactly(before[1]);
            b.layer("fpn.output.0").weight().getArray().muli(0);
            assertThat(eval(a, m, x)[1]).as("the copy owns its arrays").containsExactly(before[1]);
            PoseNet other = PoseNet.create(config.withNumClasses(2), m);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.copyParametersFrom(a))
                    .hasMessageContaining("head.cls_logits.weight");
        }
    }

    @Test
    void quantizerStateIsSavedAndMustBeAttachedToLoad() {
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64);
        Path file = dir.resolve("q.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            PoseNet a = PoseNet.create(config, m);
            a.layer("fpn.output.1").setWeightQuantizer(new PoseConv2dTest.StepQuantizer());
            assertThat(a.namedParameters()).containsKey("fpn.output.1.weight_quantizer.step");
            a.namedParameters().get("fpn.output.1.weight_quantizer.step").getArray().set(new float[] {0.0625f});
            NDArray x = m.randomNormal(new Shape(1, 3, 64, 64));
            float[][] before = eval(a, m, x);
            ModelCheckpoint.save(a, file);

            PoseNet plain = PoseNet.create(config, m);
            assertThatThrownBy(() -> ModelCheckpoint.load(plain, file)).isInstanceOf(MqatFormatException.class)
                    .hasMessageContaining("fpn.output.1.weight_quantizer.step").hasMessageContaining(file.toString());

            PoseNet b = PoseNet.create(config, m);
            b.layer("fpn.output.1").setWeightQuantizer(new PoseConv2dTest.StepQuantizer());
            ModelCheckpoint.load(b, file);
            assertThat(b.namedParameters().get("fpn.output.1.weight_quantizer.step").getArray().getFloat()).isEqualTo(0.0625f);
            assertThat(eval(b, m, x)[1]).containsExactly(before[1]);
        }
    }

    @Test
    void badFilesAreRejectedWithTheFileAndReason() throws Exception {
        Path notCkpt = dir.resolve("x.ckpt");
        Files.writeString(notCkpt, "hello world, not a checkpoint");
        assertThatThrownBy(() -> ModelCheckpoint.readHeader(notCkpt)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining("x.ckpt").hasMessageContaining("MQATCKPT");
        ModelConfig config = ModelConfig.defaults().withInputSizePx(64);
        Path good = dir.resolve("good.ckpt");
        try (NDManager m = NDManager.newBaseManager()) {
            PoseNet a = PoseNet.create(config, m);
            ModelCheckpoint.save(a, good);
            byte[] bytes = Files.readAllBytes(good);
            Path cut = dir.resolve("cut.ckpt");
            Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            PoseNet b = PoseNet.create(config, m);
            assertThatThrownBy(() -> ModelCheckpoint.load(b, cut)).hasMessageContaining("truncated");
            PoseNet other = PoseNet.create(config.withNumClasses(2), m);
            assertThatThrownBy(() -> ModelCheckpoint.load(other, good)).hasMessageContaining("good.ckpt")
                    .hasMessageContaining("2 classes");
            byte[] newer = bytes.clone();
            newer[11] = 9;
            Path future = dir.resolve("future.ckpt");
            Files.write(future, newer);
            assertThatThrownBy(() -> ModelCheckpoint.readHeader(future)).hasMessageContaining("version 9")
                    .hasMessageContaining("1..1");
        }
    }
}
