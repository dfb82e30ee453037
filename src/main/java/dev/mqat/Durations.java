package dev.mqat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints short durations such as {@code 90s}, {@code 10m}, {@code 1h30m}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|m|s)");

    private Durations() {}

    /**
     * Parses {@code [Nh][Nm][Ns]} (at least one part, decimals allowed, e.g. {@code 1.5h}).
     *
     * @throws IllegalArgumentException naming the text when it does not parse or is not positive
     */
    public static Duration parse(String text) {
        String s = text.strip().toLowerCase();
        Matcher m = PART.matcher(s);
        int pos = 0;
        double seconds = 0;
        while (m.find()) {
            if (m.start() != pos) {
                break;
            }
            double v = Double.parseDouble(m.group(1));
            seconds += switch (m.group(2)) {
                case "h" -> v * 3600;
                case "m" -> v * 60;
                default -> v;
            };
            pos = m.end();
        }
        if (pos == 0 || pos != s.length() || !(seconds > 0)) {
            throw new IllegalArgumentException("duration '" + text + "' is not valid; expected e.g. 90s, 10m, 1h30m");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** Prints a duration compactly: {@code 45s}, {@code 4m12s}, {@code 1h03m}. */
    public static String format(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }
}
