package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorProfileTest {

    @Test
    void nestedEventsKeepOnlyTheirOwnTimePerThread(@TempDir Path tmp) throws Exception {
        // thread 1: conv2d [0, 100) holds mkldnn_convolution [10, 70) and add [70, 80); a second add later
        // thread 2: add [5, 25) overlaps conv2d in time only, so it is nobody's child
        Path trace = tmp.resolve("t.json");
        Files.writeString(trace, """
                {"traceEvents": [
                 {"name": "conv2d", "ph": "X", "ts": 0, "dur": 100, "pid": 1, "tid": 1},
                 {"name": "mkldnn_convolution", "ph": "X", "ts": 10, "dur": 60, "pid": 1, "tid": 1},
                 {"name": "add", "ph": "X", "ts": 70, "dur": 10, "pid": 1, "tid": 1},
                 {"name": "add", "ph": "X", "ts": 200, "dur": 30, "pid": 1, "tid": 1},
                 {"name": "add", "ph": "X", "ts": 5, "dur": 20, "pid": 1, "tid": 2},
                 {"name": "python frame", "ph": "X", "cat": "python_function", "ts": 0, "dur": 500, "pid": 1, "tid": 1},
                 {"name": "marker", "ph": "i", "ts": 3, "pid": 1, "tid": 1}
                ]}""");
        OperatorProfile p = OperatorProfile.read(trace);

        assertThat(p.calls()).containsEntry("conv2d", 1L).containsEntry("mkldnn_convolution", 1L)
                .containsEntry("add", 3L).doesNotContainKeys("python frame", "marker");
        assertThat(p.selfMs().get("conv2d")).isCloseTo(0.030, within(1e-9));
        assertThat(p.selfMs().get("mkldnn_convolution")).isCloseTo(0.060, within(1e-9));
        assertThat(p.selfMs().get("add")).isCloseTo(0.060, within(1e-9));
    }

    @Test
    void gapsAreListedLargestFirstPerStep(@TempDir Path tmp) throws Exception {
        Path java = tmp.resolve("j.json");
        Path python = tmp.resolve("p.json");
        Files.writeString(java, """
                [{"name": "mul", "ph": "X", "ts": 0, "dur": 4000, "tid": 1},
                 {"name": "conv", "ph": "X", "ts": 5000, "dur": 1000, "tid": 1}]""");
        Files.writeString(python, """
                [{"name": "mul_", "ph": "X", "ts": 0, "dur": 1000, "tid": 1},
                 {"name": "conv", "ph": "X", "ts": 5000, "dur": 1000, "tid": 1}]""");
        List<String> lines = OperatorProfile.largestGaps(OperatorProfile.read(java), OperatorProfile.read(python), 2, 2);

        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith("  mul ").contains("0.5", "2.00");
        assertThat(lines.get(2)).startsWith("  mul_ ");
        assertThat(lines.get(3)).contains("all operators").contains("2.50", "1.00");
    }
}
