package dev.mqat.export;

import java.nio.file.Path;

/** Entry point of the export package: writes a run's best checkpoint in one of the {@link ExportFormat}s. */
public final class Exports {
    private Exports() {}

    /**
     * Exports the best checkpoint of a run folder (float, quantized or searched) to {@code out}, written atomically.
     *
     * @throws IllegalArgumentException naming the run when it is not a run folder or has no checkpoint
     * @throws IllegalStateException naming the layer when the network cannot be stored exactly in the format
     * @throws dev.mqat.MqatFormatException naming the file when the run's config or checkpoint is malformed
     */
    public static ExportReport write(ExportFormat format, Path runDir, Path out) {
        return switch (format) {
            case MQAT -> PackedModelWriter.write(runDir, out);
        };
    }
}
