package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCommandTest {

    @Test
    void summaryJsonHasTheDocumentedShapeAndMatchesTheNetwork() throws Exception {
        for (String arch : List.of("wdr-cpu", "wdr-darknet53")) {
            Object[] r = MainTest.run("model", "summary", "--arch", arch, "--json");
            assertThat(r[0]).as("exit code; stderr %s", r[1]).isEqualTo(0);
            JsonNode j = new ObjectMapper().readTree((String) r[2]);
            List<String> keys = new ArrayList<>();
            j.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("arch", "total_params", "modules", "layers");
            assertThat(j.get("arch").asText()).isEqualTo(arch);
            PoseNet net = PoseNet.build(ModelConfig.preset(arch));
            long total = 0;
            for (NetModule m : NetModule.values()) {
                JsonNode mod = j.get("modules").get(m.key());
                assertThat(mod.get("params").asLong()).as("%s %s params", arch, m).isEqualTo(net.parameterCount(m));
                assertThat(mod.get("fp32_bytes").asLong()).isEqualTo(4 * net.parameterCount(m));
                total += mod.get("params").asLong();
            }
            assertThat(j.get("total_params").asLong()).isEqualTo(total);
            assertThat(j.get("layers")).hasSize(net.layers().size());
            JsonNode first = j.get("layers").get(0);
            assertThat(first.get("name").asText()).isEqualTo("backbone.stem");
            assertThat(first.get("module").asText()).isEqualTo("backbone");
            assertThat(first.get("shape").size()).isEqualTo(4);
            long layerSum = 0;
            for (JsonNode l : j.get("layers")) {
                layerSum += l.get("params").asLong();
            }
            assertThat(layerSum).as("conv params are part of the total").isLessThan(total).isGreaterThan(total * 9 / 10);
        }
    }

    @Test
    void tableAndBadArch() {
        Object[] r = MainTest.run("model", "summary");
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[2]).contains("wdr-cpu").contains("fpn.lateral.0").contains("head.pose_pred");
        Object[] bad = MainTest.run("model", "summary", "--arch", "resnet");
        assertThat(bad[0]).isEqualTo(2);
        assertThat(((String) bad[1]).strip()).doesNotContain("\n").contains("resnet").contains("wdr-darknet53");
    }
}
