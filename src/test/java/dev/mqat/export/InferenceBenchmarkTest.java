package dev.mqat.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.run.QuantizeFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InferenceBenchmark}: statistics by hand, and one short run of all three backends on a tiny float run. */
class InferenceBenchmarkTest {
    @TempDir
    Path root;

    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(InferenceBenchmark.percentile(sorted, 0.5)).isEqualTo(5.5);
        assertThat(InferenceBenchmark.percentile(sorted, 0.9)).isCloseTo(9.1, within(1e-12));
        assertThat(InferenceBenchmark.percentile(new double[] {4}, 0.9)).isEqualTo(4);
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> new InferenceBenchmark.Settings(0, 0, 100, 20)).hasMessageContaining("batch");
        assertThatThrownBy(() -> new InferenceBenchmark.Settings(1, -1, 100, 20)).hasMessageContaining("threads");
        assertThat(new InferenceBenchmark.Settings(1, 0, 100, 20).effectiveThreads())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aPresetWithRandomWeightsIsTimedWithoutARun() {
        InferenceBenchmark.Report r = InferenceBenchmark.runPreset("wdr-cpu", new InferenceBenchmark.Settings(1, 1, 3, 0),
                root.resolve("preset"));
        assertThat(r.source()).isEqualTo("wdr-cpu (random weights)");
        assertThat(r.inputSizePx()).isEqualTo(128);
        assertThat(r.measurements()).hasSize(3).allSatisfy(m -> assertThat(m.medianMsPerImage()).isPositive());
        assertThat(r.measurements().get(0).model()).isEqualTo("preset:wdr-cpu");
        assertThatThrownBy(() -> InferenceBenchmark.runPreset("wdr-nope", InferenceBenchmark.Settings.defaults(), root))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wdr-darknet53");
    }

    @Test
    void aFloatRunIsTimedThreeWaysInChildProcesses() {
        Path run = QuantizeFixture.floatRun(root);
        Path work = root.resolve("bench");
        InferenceBenchmark.Report r = InferenceBenchmark.run(run, new InferenceBenchmark.Settings(2, 1, 5, 1), work);
        assertThat(r.measurements()).extracting(InferenceBenchmark.Measurement::backend)
                .containsExactly(InferenceBenchmark.Backend.DJL, InferenceBenchmark.Backend.ORT_FP32,
                        InferenceBenchmark.Backend.ORT_QDQ);
        assertThat(r.qdqQuantizedForTiming()).isTrue();
        assertThat(r.plan()).isEqualTo("backbone=8,fpn=8,head=8");
        assertThat(r.activationBits()).isEqualTo(8);
        for (InferenceBenchmark.Measurement m : r.measurements()) {
            assertThat(m.runs()).isEqualTo(5);
            assertThat(m.medianMsPerImage()).as("%s median", m.backend()).isPositive().isLessThanOrEqualTo(m.p90MsPerImage());
            if (m.peakRssBytes() >= 0) {
                assertThat(m.peakRssBytes()).as("%s peak memory", m.backend()).isGreaterThanOrEqualTo(m.startRssBytes());
            }
        }
        assertThat(r.measurements().get(0).optimizedOps()).isEmpty();
        assertThat(r.measurements().get(1).optimizedOps()).as("fp32 graph").doesNotContainKeys("QuantizeLinear");
        assertThat(Files.isRegularFile(work.resolve("qdq.optimized.onnx"))).isTrue();
        // the .onnx file alone: ONNX Runtime only, recognised as QDQ from its nodes
        InferenceBenchmark.Report file = InferenceBenchmark.run(work.resolve("qdq.onnx"),
                new InferenceBenchmark.Settings(1, 1, 3, 0), root.resolve("bench-file"));
        assertThat(file.measurements()).extracting(InferenceBenchmark.Measurement::backend)
                .isEqualTo(List.of(InferenceBenchmark.Backend.ORT_QDQ));
        assertThat(file.plan()).isEqualTo("backbone=8,fpn=8,head=8");
    }
}
