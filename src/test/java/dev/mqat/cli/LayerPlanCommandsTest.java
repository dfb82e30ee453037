package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.SizeReport;
import dev.mqat.run.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A per-layer bit plan (module defaults with layer overrides, as the layer-wise baseline writes them) through
 * {@code quantize --plan}, {@code model inspect}, {@code size}, {@code eval} and {@code predict}.
 */
class LayerPlanCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path run;
    static Path quantized;
    static BitPlan plan;
    static PoseNet shapes;
    static Object[] quantize;

    @BeforeAll
    static void quantizeWithALayerPlan() {
        run = dev.mqat.run.QuantizeFixture.floatRun(dir);
        shapes = PoseNet.build(RunConfig.read(run).model());
        List<PoseConv2d> fpn = shapes.layers(NetModule.FPN);
        List<PoseConv2d> head = shapes.layers(NetModule.HEAD);
        // backbone at 8 bits, the fpn at 4 but its first conv at 2, the head at 8 but its last conv at 4
        plan = BitPlan.parse("backbone=8,fpn=4,head=8," + fpn.get(0).name() + "=2," + head.get(head.size() - 1).name()
                + "=4");
        quantized = dir.resolve("q");
        quantize = MainTest.run("quantize", "--model", run.toString(), "--out", quantized.toString(), "--plan",
                plan.toString(), "--quantizer", "lsq", "--stage-steps", "2");
    }

    @Test
    void quantizeAttachesEachLayersBitsAndInspectShowsThem() throws Exception {
        assertThat(quantize[0]).as((String) quantize[1]).isEqualTo(0);
        Object[] inspect = MainTest.run("model", "inspect", "--model", quantized.toString(), "--json");
        assertThat(inspect[0]).as((String) inspect[1]).isEqualTo(0);
        JsonNode root = JSON.readTree((String) inspect[2]);
        BitPlan carried = BitPlan.parse(root.get("plan").asText());
        JsonNode layers = root.get("layers");
        assertThat(layers).hasSize(shapes.layers().size());
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            PoseConv2d layer = shapes.layers().get(i);
            int expected = plan.bitsFor(layer.name(), layer.module().key());
            assertThat(l.get("name").asText()).isEqualTo(layer.name());
            assertThat(l.get("bits").asInt()).as("bits of %s", layer.name()).isEqualTo(expected);
            assertThat(l.get("distinct_values").asInt()).as("values of %s", layer.name())
                    .isLessThanOrEqualTo((1 << expected) - 1);
            assertThat(carried.bitsFor(layer.name(), layer.module().key())).as("inspect's plan for %s", layer.name())
                    .isEqualTo(expected);
        }
        assertThat(carried.layerBits()).as("the mixed modules are listed layer by layer").isNotEmpty();
        assertThat(carried.bitsOf("backbone")).contains(8);
    }

    @Test
    void sizeCountsTheLayerPlanOfARunAndOfAPreset() throws Exception {
        SizeReport expected = Quantization.size(RunConfig.read(run).model(), plan, Granularity.PER_TENSOR);
        Object[] size = MainTest.run("size", "--model", quantized.toString(), "--json");
        assertThat(size[0]).as((String) size[1]).isEqualTo(0);
        JsonNode j = JSON.readTree((String) size[2]);
        assertThat(j.get("quantized_bytes").asLong()).isEqualTo(expected.quantizedBytes());
        assertThat(j.get("compression").asDouble()).isEqualTo(expected.compression());
        // differs from the module plan 8-4-8 by the two overridden layers only
        SizeReport modules = Quantization.size(RunConfig.read(run).model(), BitPlan.of(8, 4, 8),
                Granularity.PER_TENSOR);
        assertThat(expected.quantizedBytes()).isNotEqualTo(modules.quantizedBytes());

        PoseNet cpu = PoseNet.build(ModelConfig.preset("wdr-cpu"));
        String layer = cpu.layers(NetModule.FPN).get(0).name();
        Object[] preset = MainTest.run("size", "--arch", "wdr-cpu", "--plan", "backbone=8,fpn=8,head=8," + layer + "=2",
                "--json");
        assertThat(preset[0]).as((String) preset[1]).isEqualTo(0);
        assertThat(JSON.readTree((String) preset[2]).get("quantized_bytes").asLong()).isEqualTo(
                Quantization.size(ModelConfig.preset("wdr-cpu"), BitPlan.parse("backbone=8,fpn=8,head=8," + layer
                        + "=2"), Granularity.PER_TENSOR).quantizedBytes());
        Object[] unknown = MainTest.run("size", "--arch", "wdr-cpu", "--plan", "backbone=8,fpn.nope=2");
        assertThat(unknown[0]).isEqualTo(2);
        assertThat(((String) unknown[1]).strip()).doesNotContain("\n").contains("fpn.nope");
    }

    @Test
    void evalAndPredictRunTheLayerPlanRun() throws Exception {
        Object[] eval = MainTest.run("eval", "--model", quantized.toString(), "--json");
        assertThat(eval[0]).as((String) eval[1]).isEqualTo(0);
        assertThat(JSON.readTree((String) eval[2]))
                .isEqualTo(JSON.readTree(Files.readString(quantized.resolve("metrics-test.json"))));
        Path image;
        try (Stream<Path> images = Files.walk(dir.resolve("data/test"))) {
            image = images.filter(p -> p.toString().endsWith(".png") && p.getParent().getFileName().toString()
                    .equals("rgb")).sorted().findFirst().orElseThrow();
        }
        Object[] predict = MainTest.run("predict", "--model", quantized.toString(), "--camera", "75,75,31.5,31.5",
                "--json", image.toString());
        assertThat(predict[0]).as((String) predict[1]).isEqualTo(0);
        assertThat(JSON.readTree(((String) predict[2]).strip()).path("images").size()).isEqualTo(1);
    }

    @Test
    void aLayerTheNetworkLacksIsAUsageErrorBeforeAnythingIsWritten() {
        Path out = dir.resolve("typo");
        Object[] r = MainTest.run("quantize", "--model", run.toString(), "--out", out.toString(), "--plan",
                "backbone=8,fpn.lateral.9=2", "--stage-steps", "1");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("fpn.lateral.9");
        assertThat(Files.exists(out)).isFalse();
    }
}
