package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.quant.QuantizerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the same small LSQ quantization (weights and activations, 3 steps, {@link QuantizeJobTest}'s fixture) many
 * times in one JVM and counts the runs whose step lines or weights differ from the first one's. Every run has the
 * same seed and data, so any difference is a defect (it found the garbage gradients that {@code model/Scalars}
 * fixed: in a temporary version of this check, 4 of 128 repeats differed before the fix). Options: {@code -Drepeat.runs=100}.
 */
@Tag("benchmark")
class RepeatabilityBenchmark {
    @TempDir
    Path root;

    @Test
    void repeatedQuantizationsAreIdentical() {
        QuantizeJobTest.floatRun = QuantizeFixture.floatRun(root);
        int runs = Integer.getInteger("repeat.runs", 100);
        Map<String, List<Float>> firstWeights = null;
        List<String> firstSteps = null;
        int differing = 0;
        for (int i = 0; i < runs; i++) {
            Path run = root.resolve("run-" + i);
            QuantizeJob.run(QuantizeJobTest.config("8-8-8", List.of(), QuantizerKind.LSQ, 3, 8), run, false);
            Map<String, List<Float>> weights = QuantizeJobTest.parameters(RunEvaluation.bestCheckpoint(run));
            List<String> steps = stepLines(run);
            if (firstWeights == null) {
                firstWeights = weights;
                firstSteps = steps;
            } else if (!weights.equals(firstWeights) || !steps.equals(firstSteps)) {
                differing++;
                System.out.println("run " + i + " differs from run 0; its steps: " + steps);
            }
        }
        System.out.printf("%d of %d repeats differ from the first run%n", differing, runs - 1);
        assertThat(differing).isZero();
    }

    private static List<String> stepLines(Path run) {
        try {
            return Files.readAllLines(run.resolve("log.jsonl")).stream().filter(l -> l.contains("\"event\":\"step\"")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
