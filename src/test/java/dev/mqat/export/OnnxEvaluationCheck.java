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
 * A run exported to ONNX and evaluated by ONNX Runtime on the test split scores the ADI-0.1d of the run's own
 * {@code metrics-test.json} (what {@code mqat eval} wrote with DJL) within 0.2 points. By default the shipped model
 * {@code models/wdr-cpu-synth} on the 880 test images of the dataset {@code ./mqat synth --out data/swisscube-synth}
 * writes. Opt-in (minutes): {@code mvn -o test -Dmqat.excludedGroups= -Dtest=OnnxEvaluationCheck [-Dmqat.run=RUN]
 * [-Dmqat.data=DIR]}.
 */
@Tag("slow")
class OnnxEvaluationCheck {

    @Test
    void runScoresTheSameThroughOnnxRuntime() throws IOException {
        Path run = Path.of(System.getProperty("mqat.run", "models/wdr-cpu-synth"));
        Path data = Path.of(System.getProperty("mqat.data", "data/swisscube-synth"));
        Path file = Path.of("target/onnx-check").resolve(run.getFileName() + ".onnx");
        OnnxExporter.Result exported = OnnxExporter.export(run, file, OnnxOptions.defaults());
        RunEvaluation.Outcome onnx = OnnxEvaluation.evaluate(file, data, "test");
        JsonNode own = new ObjectMapper().readTree(Files.readString(run.resolve("metrics-test.json")));
        double expected = own.get("overall").get("adi_01d").asDouble();
        double found = onnx.result().overall().adi01d();
        System.out.printf("exported %s (%d bytes, %d nodes, weights %s); ONNX Runtime ADI-0.1d %.2f %% (run's "
                + "metrics-test.json %.2f %%), %.1f ms per image%n%s%n", file, exported.bytes(), exported.nodes(),
                exported.layers().stream().map(OnnxExporter.Layer::weightType).distinct().toList(), found, expected,
                onnx.secondsPerImage() * 1000, onnx.result().toJson());
        assertThat(onnx.result().count()).isEqualTo(own.get("count").asInt());
        assertThat(found).as("ADI-0.1d through ONNX Runtime vs the run's metrics-test.json").isCloseTo(expected, within(0.2));
    }
}
