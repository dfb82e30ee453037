package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SizeCommandTest {

    @Test
    void jsonHasTheDocumentedKeysAndThePaperCompression() throws Exception {
        Object[] r = MainTest.run("size", "--arch", "wdr-darknet53", "--plan", "8-2-8", "--json");
        assertThat(r[0]).as("exit code; stderr %s", r[1]).isEqualTo(0);
        String out = ((String) r[2]).strip();
        assertThat(out).doesNotContain("\n");
        JsonNode j = new ObjectMapper().readTree(out);
        assertThat(j.get("compression").asDouble()).isBetween(4.2, 4.35);
        assertThat(j.get("weights_compression").asDouble()).isBetween(4.2, 4.35);
        assertThat(j.get("fp32_bytes").asLong()).isGreaterThan(j.get("quantized_bytes").asLong());
        JsonNode fpn = j.get("modules").get("fpn");
        assertThat(fpn.get("bits").asInt()).isEqualTo(2);
        assertThat(fpn.get("fp32_bytes").asLong()).isEqualTo(4 * fpn.get("params").asLong());
        assertThat(j.get("modules").get("backbone").get("quantized_bytes").asLong()).isPositive();
        long sum = 0;
        for (String m : new String[] {"backbone", "fpn", "head"}) {
            sum += j.get("modules").get(m).get("quantized_bytes").asLong();
        }
        assertThat(sum).isEqualTo(j.get("quantized_bytes").asLong());
    }

    @Test
    void textOutputListsModules() {
        Object[] r = MainTest.run("size", "--arch", "wdr-cpu", "--plan", "backbone=8,fpn=2,head=8");
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[2]).contains("backbone").contains("fpn").contains("head").contains("weights only");
    }

    @Test
    void badPlanOrArchIsAUsageErrorNamingTheValue() {
        Object[] r = MainTest.run("size", "--arch", "wdr-cpu", "--plan", "neck=2");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("neck");
        r = MainTest.run("size", "--arch", "wdr-cpu", "--plan", "8-9-8");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("9");
        r = MainTest.run("size", "--arch", "resnet", "--plan", "8-2-8");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("resnet");
    }
}
