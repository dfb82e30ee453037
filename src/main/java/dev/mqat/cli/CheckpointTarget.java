package dev.mqat.cli;

import dev.mqat.run.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The checkpoint a calibration command reads and writes: {@code --model RUN [--checkpoint best|last] [--out FILE]}.
 * Mix in with {@code @Mixin CheckpointTarget target;}.
 */
final class CheckpointTarget {
    @Option(names = "--model", required = true, paramLabel = "RUN", description = SharedOptions.MODEL)
    Path run;

    @Option(names = "--checkpoint", defaultValue = "best", paramLabel = "NAME", description = "Checkpoint in RUN/checkpoints: best or last. Default: ${DEFAULT-VALUE}.")
    String checkpoint;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the calibrated checkpoint here (default: replace the checkpoint).")
    Path out;

    /** {@code RUN/checkpoints/NAME.ckpt}, or a usage error naming what is wrong. */
    Path file() {
        if (!Files.isRegularFile(RunConfig.file(run))) {
            throw new UsageException("--model: " + run + " is not a run folder (no config.json)");
        }
        if (!checkpoint.equals("best") && !checkpoint.equals("last")) {
            throw new UsageException("--checkpoint '" + checkpoint + "' is not one of best, last");
        }
        Path file = run.resolve("checkpoints").resolve(checkpoint + ".ckpt");
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--checkpoint: " + file + " not found");
        }
        return file;
    }

    /** Where to write: {@code --out}, else {@code checkpoint} (the file {@link #file()} returned) itself. */
    Path outFile(Path checkpoint) {
        return out == null ? checkpoint : out;
    }
}
