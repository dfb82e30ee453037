package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.export.InferenceBenchmark;
import dev.mqat.export.InferenceBenchmark.Backend;
import dev.mqat.export.InferenceBenchmark.Measurement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bench-infer --json}: one line, one object, the text's numbers in snake_case, through {@link JsonOutput}. */
class BenchInferCommandTest {

    @Test
    void jsonIsOneObjectWithTheTextsNumbers() throws Exception {
        InferenceBenchmark.Report report = new InferenceBenchmark.Report("runs/q", "wdr-cpu", 128, "8-4-8", 0, false,
                new InferenceBenchmark.Settings(2, 0, 100, 20), List.of(
                        new Measurement(Backend.DJL, "runs/q", 12.5, 14.0, 300_000_000L, 100_000_000L, 100, Map.of()),
                        new Measurement(Backend.ORT_QDQ, "runs/q/bench-infer/qdq.onnx", 4.25, 5.0, -1, -1, 100,
                                Map.of("com.microsoft:QLinearConv", 3, "Conv", 90))));
        String printed = printed(BenchInferCommand.Benchmarked.of(report));
        assertThat(printed.strip()).as("stdout").doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(printed);
        assertThat(json.path("source").asText()).isEqualTo("runs/q");
        assertThat(json.path("input_size_px").asInt()).isEqualTo(128);
        assertThat(json.path("plan").asText()).isEqualTo("8-4-8");
        assertThat(json.path("qdq_quantized_for_timing").asBoolean(true)).isFalse();
        assertThat(json.path("batch").asInt()).isEqualTo(2);
        assertThat(json.path("threads").asInt()).as("threads 0 printed as the count used")
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(json.path("warmup_runs").asInt()).isEqualTo(20);
        JsonNode djl = json.path("backends").get(0);
        assertThat(djl.path("backend").asText()).isEqualTo("djl");
        assertThat(djl.path("median_ms_per_image").asDouble()).isEqualTo(12.5);
        assertThat(djl.path("peak_rss_bytes").asLong()).isEqualTo(300_000_000L);
        assertThat(djl.path("optimized_ops").isEmpty()).isTrue();
        JsonNode qdq = json.path("backends").get(1);
        assertThat(qdq.path("backend").asText()).isEqualTo("ort_qdq");
        assertThat(qdq.path("p90_ms_per_image").asDouble()).isEqualTo(5.0);
        assertThat(qdq.path("peak_rss_bytes").isNull()).as("memory that could not be read").isTrue();
        assertThat(qdq.path("optimized_ops").path("com.microsoft:QLinearConv").asInt())
                .as("operator names kept as ONNX Runtime spells them").isEqualTo(3);
    }

    private static String printed(Object value) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            JsonOutput.print(value);
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
