package dev.mqat.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.run.RunEvaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The shipped model ({@code models/wdr-cpu-synth}) exported to ONNX and evaluated by ONNX Runtime on the test split
 * (880 images) scores the ADI-0.1d of its own {@code metrics-test.json} within 0.2 points. Opt-in (several minutes,
 * needs the dataset {@code ./mqat synth --out data/swisscube-synth} writes):
 * {@code mvn -o test -Dmqat.excludedGroups= -Dtest=ShippedModelOnnxCheck [-Dmqat.data=DIR]}.
 */
@Tag("slow")
class ShippedModelOnnxCheck {

    @Test
    void shippedModelScoresTheSameThroughOnnxRuntime() throws IOException {
        Path run = Path.of("models/wdr-cpu-synth");
        Path data = Path.of(System.getProperty("mqat.data", "data/swisscube-synth"));
        Path file = Path.of("target/onnx-check/wdr-cpu-synth.onnx");
        OnnxExporter.Result exported = OnnxExporter.export(run, file, OnnxOptions.defaults());
        RunEvaluation.Outcome onnx = OnnxEvaluation.evaluate(file, data, "test");
        JsonNode shipped = new ObjectMapper().readTree(Files.readString(run.resolve("metrics-test.json")));
        double expected = shipped.get("overall").get("adi_01d").asDouble();
        double found = onnx.result().overall().adi01d();
        System.out.printf("exported %s (%d bytes, %d nodes); ONNX Runtime ADI-0.1d %.2f %% (run's metrics-test.json %.2f %%), "
                + "%.1f ms per image%n%s%n", file, exported.bytes(), exported.nodes(), found, expected,
                onnx.secondsPerImage() * 1000, onnx.result().toJson());
        assertThat(onnx.result().count()).isEqualTo(shipped.get("count").asInt());
        assertThat(found).as("ADI-0.1d through ONNX Runtime vs the run's metrics-test.json").isCloseTo(expected, within(0.2));
    }
}
