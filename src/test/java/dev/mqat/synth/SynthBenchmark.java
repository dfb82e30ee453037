package dev.mqat.synth;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of the whole generator (sampling, rendering, PNG encoding, atomic file writes, JSON) at 128 and
 * 512 px on 2 threads. Run with
 * {@code mvn -o -q -B test -Dtest=SynthBenchmark -Dmqat.excludedGroups= -Dsurefire.failIfNoSpecifiedTests=false};
 * it prints one line per size.
 */
@Tag("benchmark")
class SynthBenchmark {

    /** CPU time of the whole process (all threads, GC and JIT included), ns. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    @Test
    void imagesPerSecond(@TempDir Path dir) {
        var mesh = CubeSatModel.mesh();
        // warm-up so the JIT has compiled the rasterizer before timing
        Synthesizer.generate(mesh, "warm-up", SynthConfig.defaults().withImageCount(500), dir.resolve("warm"), 2, null);
        int[][] runs = {{128, 4000}, {512, 400}};
        for (int[] run : runs) {
            SynthConfig config = SynthConfig.defaults().withSizePx(run[0]).withImageCount(run[1]);
            long cpu0 = processCpuNanos();
            SynthSummary s = Synthesizer.generate(mesh, "benchmark", config, dir.resolve("s" + run[0]), 2, null);
            double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
            // wall-clock throughput depends on what else runs on the machine; CPU time per image does much less
            System.out.printf(Locale.ROOT, "synth benchmark: %d px, %d images, 2 threads: %.1f s wall, %.0f images/s; "
                    + "%.2f ms CPU per image, i.e. %.0f images/s on 2 otherwise idle cores (load average %.1f)%n", run[0], run[1],
                    s.seconds(), s.imagesPerSecond(), 1000 * cpuSeconds / run[1], 2 * run[1] / cpuSeconds,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
