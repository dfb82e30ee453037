package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunEvaluation;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors of {@code mqat quantize} and the output of {@code mqat model inspect}. */
class QuantizeCommandTest {

    @Test
    void helpExitsZero() {
        assertThat(MainTest.run("quantize", "--help")[0]).isEqualTo(0);
        assertThat((String) MainTest.run("quantize", "--help")[2]).contains("--flow", "--stage-epochs", "--resume");
        assertThat(MainTest.run("model", "inspect", "--help")[0]).isEqualTo(0);
    }

    @Test
    void badPlanIsAUsageErrorNamingTheValue(@TempDir Path dir) {
        Object[] r = MainTest.run("quantize", "--model", dir.toString(), "--out", dir.resolve("q").toString(), "--plan",
                "8-9-8");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("9");
    }

    @Test
    void badFlowIsAUsageErrorNamingTheValue(@TempDir Path dir) {
        Object[] r = MainTest.run("quantize", "--model", dir.toString(), "--out", dir.resolve("q").toString(), "--plan",
                "8-2-8", "--flow", "fpn,neck,head");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("'neck'");
        Object[] missing = MainTest.run("quantize", "--model", dir.toString(), "--out", dir.resolve("q").toString(),
                "--plan", "8-2-8", "--flow", "fpn,head");
        assertThat(missing[0]).isEqualTo(2);
        assertThat(((String) missing[1]).strip()).doesNotContain("\n").contains("backbone");
    }

    @Test
    void missingRunFolderIsAUsageError(@TempDir Path dir) {
        Object[] r = MainTest.run("quantize", "--model", dir.resolve("nope").toString(), "--out",
                dir.resolve("q").toString(), "--plan", "8-2-8");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("nope");
    }

    @Test
    void quantizeThenEvalAndInspectTheQuantizedRun(@TempDir Path dir) throws Exception {
        Path run = dev.mqat.run.QuantizeFixture.floatRun(dir);
        Path q = dir.resolve("q");
        Object[] r = MainTest.run("quantize", "--model", run.toString(), "--out", q.toString(), "--plan", "8-4-8",
                "--flow", "fpn,head,backbone", "--stage-steps", "2");
        assertThat(r[0]).as((String) r[1]).isEqualTo(0);
        assertThat((String) r[2]).contains("1-fpn", "2-head", "3-backbone", "backbone=8,fpn=4,head=8");
        assertThat((String) r[1]).contains("quantize", "ETA");
        Object[] eval = MainTest.run("eval", "--model", q.toString(), "--json");
        assertThat(eval[0]).as((String) eval[1]).isEqualTo(0);
        assertThat(new ObjectMapper().readTree((String) eval[2]))
                .isEqualTo(new ObjectMapper().readTree(java.nio.file.Files.readString(q.resolve("metrics-test.json"))));
        Object[] inspect = MainTest.run("model", "inspect", "--model", q.toString(), "--json");
        assertThat(inspect[0]).isEqualTo(0);
        JsonNode layers = new ObjectMapper().readTree((String) inspect[2]).get("layers");
        for (JsonNode l : layers) {
            int bits = l.get("bits").asInt();
            assertThat(bits).isIn(4, 8);
            assertThat(l.get("distinct_values").asInt()).isLessThanOrEqualTo((1 << bits) - 1);
            assertThat(l.get("fraction_quantized").asDouble()).isEqualTo(1.0);
        }
        Object[] again = MainTest.run("quantize", "--model", run.toString(), "--out", q.toString(), "--plan", "8-4-8");
        assertThat(again[0]).isEqualTo(1);
        assertThat(((String) again[1]).strip()).doesNotContain("\n").contains("not empty");
        Object[] resumed = MainTest.run("quantize", "--out", q.toString(), "--resume", "--json");
        assertThat(resumed[0]).as((String) resumed[1]).isEqualTo(0);
        JsonNode summary = new ObjectMapper().readTree((String) resumed[2]);
        assertThat(summary.get("stages")).hasSize(3);
        assertThat(summary.get("stages").get(2).get("plan").asText()).isEqualTo("backbone=8,fpn=4,head=8");
        assertThat(summary.get("test")).isEqualTo(new ObjectMapper().readTree(java.nio.file.Files.readString(
                q.resolve("metrics-test.json"))));
    }

    @Test
    void inspectPrintsBitsScalesDistinctValuesAndFractionPerLayer(@TempDir Path run) throws Exception {
        int fpnLayers;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = PoseNet.create(ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25), m);
            Quantization.attach(net, BitPlan.parse("fpn=2,head=8"), QuantizerKind.INQ, Granularity.PER_TENSOR);
            Quantization.freezeInq(net, NetModule.FPN, 1.0);
            Quantization.freezeInq(net, NetModule.HEAD, 0.4);
            QuantizedCheckpoints.save(net, RunEvaluation.bestCheckpoint(run), 0, Map.of());
            fpnLayers = net.layers(NetModule.FPN).size();
        }
        Object[] r = MainTest.run("model", "inspect", "--model", run.toString(), "--json");
        assertThat(r[0]).as((String) r[1]).isEqualTo(0);
        JsonNode root = new ObjectMapper().readTree((String) r[2]);
        assertThat(root.get("plan").asText()).isEqualTo("fpn=2,head=8");
        int fpnSeen = 0;
        for (JsonNode l : root.get("layers")) {
            assertThat(l.fieldNames()).toIterable().containsExactly("name", "module", "bits", "scales", "distinct_values",
                    "fraction_quantized");
            switch (l.get("module").asText()) {
                case "fpn" -> {
                    fpnSeen++;
                    assertThat(l.get("bits").asInt()).isEqualTo(2);
                    assertThat(l.get("scales")).hasSize(1);
                    assertThat(l.get("scales").get(0).asDouble()).isPositive();
                    assertThat(l.get("distinct_values").asInt()).isBetween(1, 3);
                    assertThat(l.get("fraction_quantized").asDouble()).isEqualTo(1.0);
                }
                case "head" -> {
                    assertThat(l.get("bits").asInt()).isEqualTo(8);
                    assertThat(l.get("fraction_quantized").asDouble()).isBetween(0.39, 0.4);
                }
                default -> {
                    assertThat(l.get("bits").asInt()).isEqualTo(32);
                    assertThat(l.get("scales")).isEmpty();
                    assertThat(l.get("fraction_quantized").asDouble()).isEqualTo(0.0);
                }
            }
        }
        assertThat(fpnSeen).isEqualTo(fpnLayers);
        Object[] table = MainTest.run("model", "inspect", "--model", run.toString());
        assertThat(table[0]).isEqualTo(0);
        assertThat((String) table[2]).contains("plan: fpn=2,head=8", "fpn", "float");
    }
}
