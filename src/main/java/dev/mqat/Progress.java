package dev.mqat;

import java.util.function.Consumer;
import java.time.Duration;

/**
 * A progress line for long work: done/total, rate, ETA and a caller-supplied detail (loss parts), sent to the
 * {@link Reporter} unless another destination is given.
 *
 * <p>Prints at most once per {@code intervalMillis} and always for the last unit, so that logs stay short.
 */
public final class Progress {
    private final String label;
    private final long total;
    private final String unit;
    private final Consumer<String> out;
    private final long intervalMillis;
    private long startNanos;
    private long startDone;
    private long lastPrintMillis;

    /**
     * @param label what is being done, e.g. {@code train}
     * @param total units to do (steps, images)
     * @param startDone units already done before this process (resumed runs), excluded from the rate
     * @param unit name of a unit for the rate, e.g. {@code img}
     */
    public Progress(String label, long total, long startDone, String unit, Consumer<String> out, long intervalMillis) {
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.intervalMillis = intervalMillis;
        this.startNanos = System.nanoTime();
        this.startDone = startDone;
    }

    public Progress(String label, long total, String unit) {
        this(label, total, 0, unit, Reporter::line, 1000);
    }

    /** Reports that {@code done} units are finished. */
    public void update(long done, String detail) {
        long now = System.currentTimeMillis();
        boolean last = total > 0 && done >= total;
        if (!last && now - lastPrintMillis < intervalMillis) {
            return;
        }
        lastPrintMillis = now;
        out.accept(line(done, detail));
    }

    /**
     * Measures the rate from here on: {@code done} units were finished before the work (re)started in this process,
     * e.g. by a stage that resumed from its checkpoint after this line was created.
     */
    public void restartRateAt(long done) {
        startNanos = System.nanoTime();
        startDone = done;
    }

    /** Elapsed time since this object was created or its rate last restarted. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    String line(long done, String detail) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = (done - startDone) / seconds;
        if (total <= 0) {
            // open-ended work (a time budget): the caller's detail says how much is left
            return String.format("%s %d %s%s", label, done, rate(rate),
                    detail == null || detail.isEmpty() ? "" : " " + detail);
        }
        String eta = rate > 0 ? Durations.format(Duration.ofMillis((long) ((total - done) / rate * 1000))) : "?";
        return String.format("%s %d/%d (%.0f%%) %s ETA %s%s", label, done, total, 100.0 * done / Math.max(1, total),
                rate(rate), eta, detail == null || detail.isEmpty() ? "" : " " + detail);
    }

    /** Units per second, or per minute for slow work (a fine-tune takes minutes), so the rate never reads 0.0. */
    private String rate(double perSecond) {
        return perSecond > 0 && perSecond < 0.1 ? String.format("%.2f %s/min", perSecond * 60, unit)
                : String.format("%.1f %s/s", perSecond, unit);
    }
}
