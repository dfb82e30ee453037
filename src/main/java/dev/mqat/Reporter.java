package dev.mqat;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where mqat's library code reports while it works: progress lines ({@link Progress}), stages started and finished,
 * validation scores. Nothing is printed until the caller attaches a listener; the command line attaches one that
 * prints to stderr, a program using mqat as a library attaches its own or keeps it silent.
 *
 * <p>The listener is process-wide, like a logger's configuration: the jobs that report run deep inside calls whose
 * signatures should not carry a printer.
 */
public final class Reporter {
    private static volatile Consumer<String> listener = line -> { };

    private Reporter() {}

    /** Sends every later report line to {@code newListener} (replacing the one attached before). */
    public static void attach(Consumer<String> newListener) {
        listener = Objects.requireNonNull(newListener, "listener");
    }

    /** Reports one line (no trailing newline). */
    public static void line(String text) {
        listener.accept(text);
    }

    /** Reports one formatted line ({@link String#format}). */
    public static void line(String format, Object... args) {
        listener.accept(String.format(format, args));
    }
}
