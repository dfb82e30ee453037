package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqat search} through the command line: usage errors, and a tiny search that eval and size accept. */
class SearchCommandTest {

    @Test
    void helpStatesTheRule() {
        Object[] r = MainTest.run("search", "--help");
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[2]).contains("--probe-margin", "--cube", "--all-flows", "beats FP");
    }

    @Test
    void usageErrorsNameTheOptionAtFault(@TempDir Path dir) {
        String out = dir.resolve("s").toString();
        Object[] noModel = MainTest.run("search", "--out", out);
        assertThat(noModel[0]).isEqualTo(2);
        assertThat(((String) noModel[1]).strip()).doesNotContain("\n").contains("--model");
        Object[] flows = MainTest.run("search", "--model", dir.toString(), "--out", out, "--all-flows");
        assertThat(flows[0]).isEqualTo(2);
        assertThat((String) flows[1]).contains("--plan");
        Object[] budget = MainTest.run("search", "--model", dir.toString(), "--out", out, "--budget", "slow");
        assertThat(budget[0]).isEqualTo(2);
        assertThat((String) budget[1]).contains("'slow'");
        Object[] resume = MainTest.run("search", "--out", out, "--resume");
        assertThat(resume[0]).isEqualTo(2);
        assertThat((String) resume[1]).contains("not a started search");
    }

    @Test
    void aTinySearchIsARunThatEvalAndSizeRead(@TempDir Path dir) throws Exception {
        Path run = dev.mqat.run.QuantizeFixture.floatRun(dir, 32);
        Path s = dir.resolve("s");
        Object[] r = MainTest.run("search", "--model", run.toString(), "--out", s.toString(), "--probe-steps", "1",
                "--stage-steps", "1", "--hessian-samples", "2", "--compression", "2", "--bits", "2,4,8", "--json");
        assertThat(r[0]).as((String) r[1]).isEqualTo(0);
        JsonNode result = new ObjectMapper().readTree((String) r[2]);
        assertThat(result).isEqualTo(new ObjectMapper().readTree(Files.readString(s.resolve("search.json"))));
        assertThat(result.get("hessian").get("batch_size").asInt()).isEqualTo(16); // 16 training images
        Object[] eval = MainTest.run("eval", "--model", s.toString(), "--json");
        assertThat(eval[0]).as((String) eval[1]).isEqualTo(0);
        assertThat(new ObjectMapper().readTree((String) eval[2])).isEqualTo(result.get("test"));
        Object[] size = MainTest.run("size", "--model", s.toString(), "--json");
        assertThat(size[0]).as((String) size[1]).isEqualTo(0);
        JsonNode sized = new ObjectMapper().readTree((String) size[2]);
        assertThat(sized.get("compression").asDouble()).isEqualTo(result.get("compression").asDouble());
        assertThat(sized.get("quantized_bytes").asLong()).isEqualTo(result.get("size_bytes").asLong());
    }
}
