package dev.mqat.cli;

/** A usage error found after parsing (missing input folder, bad combination of options): exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
