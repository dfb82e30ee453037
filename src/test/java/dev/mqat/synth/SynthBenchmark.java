package dev.mqat.synth;

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

    @Test
    void imagesPerSecond(@TempDir Path dir) {
        var mesh = CubeSatModel.mesh();
        // warm-up so the JIT has compiled the rasterizer before timing
        Synthesizer.generate(mesh, "warm-up", SynthConfig.defaults().withImageCount(500), dir.resolve("warm"), 2, null);
        int[][] runs = {{128, 4000}, {512, 400}};
        for (int[] run : runs) {
            SynthConfig config = SynthConfig.defaults().withSizePx(run[0]).withImageCount(run[1]);
            SynthSummary s = Synthesizer.generate(mesh, "benchmark", config, dir.resolve("s" + run[0]), 2, null);
            System.out.printf(Locale.ROOT, "synth benchmark: %d px, %d images, 2 threads: %.1f s, %.0f images/s%n", run[0],
                    run[1], s.seconds(), s.imagesPerSecond());
        }
    }
}
