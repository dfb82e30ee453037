package dev.mqat;

import java.nio.file.Path;

/**
 * A file that mqat reads is malformed; the message names the file and the line, key or image at fault.
 *
 * <p>Thrown by every reader (PLY, BOP JSON, lists, CSV, checkpoints) so that the CLI can print one line
 * and exit 1 without a stack trace.
 */
public class MqatFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MqatFormatException(String message) {
        super(message);
    }

    public MqatFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Builds {@code "<file name>: <detail>"}. */
    public static MqatFormatException at(Path file, String detail) {
        return new MqatFormatException(file + ": " + detail);
    }
}
