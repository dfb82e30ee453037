package dev.mqat.report;

import dev.mqat.compare.ComparisonResults;
import dev.mqat.compare.Method;
import dev.mqat.search.PairedStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Who wins at each compression of a comparison, and whether the margin is larger than the noise, in plain sentences.
 *
 * <p>Rule ({@link #RULE}): at a target, the method with the highest test ADI-0.1d wins; a difference between two
 * methods is larger than the noise when the two-sided exact McNemar test on the same test instances gives
 * {@code p < 0.05} ({@link #ALPHA}) and the better one is ahead in every seed (with several seeds each seed's runs are
 * paired and the largest p counts). The winner is tested against the runner-up and against the FP control; when MQAT
 * is not the winner, a sentence says so and tests MQAT against the winner.
 */
public final class Verdicts {
    /** Significance level of every paired test. */
    public static final double ALPHA = 0.05;
    /** The rule in words, as the report prints it. */
    public static final String RULE = "At each target the method with the highest test ADI-0.1d wins. A difference is "
            + "larger than the noise when the two-sided exact McNemar test on the same test instances gives p < 0.05 "
            + "and the better method is ahead in every seed (with several seeds, each seed's runs are paired and the "
            + "largest p counts); otherwise the runs do not separate the two methods.";

    private Verdicts() {}

    /**
     * A paired comparison of two rows on ADI-0.1d.
     *
     * @param pValue largest exact McNemar p over the seeds
     * @param aheadInEverySeed whether the first row scores higher than the second in every seed
     */
    public record Paired(double pValue, boolean aheadInEverySeed) {
        /** Whether the difference is larger than the noise by the rule. */
        public boolean beyondNoise() {
            return pValue < ALPHA && aheadInEverySeed;
        }
    }

    /**
     * What happened at one target.
     *
     * @param compressionTarget the target
     * @param winner the winning row
     * @param runnerUp the second best row, null when only one method ran at the target
     * @param vsRunnerUp the winner against the runner-up, null without one
     * @param control the FP control row
     * @param vsControl the winner against the control
     * @param sentences the verdict in words, first the winner's
     */
    public record Verdict(double compressionTarget, ComparisonResults.Row winner, ComparisonResults.Row runnerUp,
            Paired vsRunnerUp, ComparisonResults.Row control, Paired vsControl, List<String> sentences) {
        /** Whether MQAT is the winner. */
        public boolean mqatWins() {
            return winner.method().equals(Method.MQAT.key())
                    && (runnerUp == null || runnerUp.adi01d().percent() < winner.adi01d().percent());
        }
    }

    /** One verdict per target of the results, in their order. */
    public static List<Verdict> of(ComparisonResults results) {
        ComparisonResults.Row control = results.rows().stream().filter(r -> r.method().equals(Method.FP.key()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("results have no FP control row"));
        List<Verdict> out = new ArrayList<>();
        for (double c : results.compressions()) {
            List<ComparisonResults.Row> rows = new ArrayList<>(results.rows().stream()
                    .filter(r -> r.compressionTarget() != null && r.compressionTarget() == c).toList());
            if (rows.isEmpty()) {
                continue;
            }
            rows.sort(Comparator.comparingDouble((ComparisonResults.Row r) -> r.adi01d().percent()).reversed());
            out.add(verdict(c, rows, control));
        }
        return out;
    }

    private static Verdict verdict(double c, List<ComparisonResults.Row> ranked, ComparisonResults.Row control) {
        ComparisonResults.Row winner = ranked.get(0);
        ComparisonResults.Row second = ranked.size() > 1 ? ranked.get(1) : null;
        String at = "At " + target(c);
        List<String> sentences = new ArrayList<>();
        Paired vsSecond = second == null ? null : paired(winner, second);
        List<ComparisonResults.Row> tied = ranked.stream()
                .filter(r -> r.adi01d().percent() == winner.adi01d().percent()).toList();
        if (second == null) {
            sentences.add(String.format(Locale.ROOT, "%s only %s ran: test ADI-0.1d %s.", at, winner.label(),
                    pct(winner)));
        } else if (tied.size() > 1) {
            sentences.add(String.format(Locale.ROOT, "%s %s tie at test ADI-0.1d %s: no method wins.", at,
                    names(tied), pct(winner)));
        } else {
            sentences.add(String.format(Locale.ROOT, "%s %s wins with test ADI-0.1d %s against %s for %s, the "
                    + "runner-up: %s", at, winner.label(), pct(winner), pct(second), second.label(),
                    noise(vsSecond)));
        }
        Paired vsControl = paired(winner, control);
        double gap = winner.adi01d().percent() - control.adi01d().percent();
        sentences.add(String.format(Locale.ROOT, "Against the FP control (%s) %s is %s: %s", pct(control),
                winner.label(), points(gap), noise(gap >= 0 ? vsControl : paired(control, winner))));
        ComparisonResults.Row mqat = ranked.stream().filter(r -> r.method().equals(Method.MQAT.key())).findFirst()
                .orElse(null);
        if (mqat != null && (mqat != winner || tied.size() > 1)) {
            double behind = winner.adi01d().percent() - mqat.adi01d().percent();
            boolean tie = behind == 0;
            sentences.add(tie
                    ? String.format(Locale.ROOT, "MQAT does not win at %s: it ties with %s at %s.", target(c),
                            names(tied.stream().filter(r -> r != mqat).toList()), pct(mqat))
                    : String.format(Locale.ROOT, "MQAT does not win at %s: it scores %s, %.2f points under %s: %s",
                            target(c), pct(mqat), behind, winner.label(), noise(paired(winner, mqat))));
        }
        return new Verdict(c, winner, second, vsSecond, control, vsControl, List.copyOf(sentences));
    }

    /**
     * The paper's claims checked on the results (issue targets): at about 4x MQAT at least the FP control minus 1
     * point of ADI-0.1d and at least every baseline of equal or larger size; at about 8x MQAT at least uniform LSQ
     * 4-bit plus 3 points. A claim whose rows are missing is left out.
     */
    public static List<String> paperClaims(ComparisonResults results) {
        List<String> out = new ArrayList<>();
        ComparisonResults.Row control = results.rows().get(0);
        for (double c : results.compressions()) {
            ComparisonResults.Row mqat = row(results, Method.MQAT, c);
            if (mqat == null) {
                continue;
            }
            if (c == 4) {
                double floor = control.adi01d().percent() - 1;
                out.add(String.format(Locale.ROOT, "MQAT at 4x >= FP control - 1 point (%.2f %%): %s (%.2f %%).",
                        floor, mqat.adi01d().percent() >= floor ? "met" : "not met", mqat.adi01d().percent()));
                List<String> beaten = new ArrayList<>();
                List<String> notBeaten = new ArrayList<>();
                for (ComparisonResults.Row r : results.rows()) {
                    if (!r.method().equals(Method.MQAT.key()) && !r.method().equals(Method.FP.key())
                            && r.sizeBytes() >= mqat.sizeBytes() && !beaten.contains(r.label())
                            && !notBeaten.contains(r.label())) {
                        (mqat.adi01d().percent() >= r.adi01d().percent() ? beaten : notBeaten).add(r.label());
                    }
                }
                if (!beaten.isEmpty() || !notBeaten.isEmpty()) {
                    out.add("MQAT at 4x >= every baseline of equal or larger size: "
                            + (notBeaten.isEmpty() ? "met (" + String.join(", ", beaten) + ")."
                                    : "not met (" + String.join(", ", notBeaten) + " scores higher)."));
                }
            }
            ComparisonResults.Row lsq = row(results, Method.LSQ, c);
            if (c == 8 && lsq != null) {
                double floor = lsq.adi01d().percent() + 3;
                out.add(String.format(Locale.ROOT, "MQAT at 8x >= %s + 3 points (%.2f %%): %s (%.2f %%).",
                        lsq.label(), floor, mqat.adi01d().percent() >= floor ? "met" : "not met",
                        mqat.adi01d().percent()));
            }
        }
        return out;
    }

    private static ComparisonResults.Row row(ComparisonResults results, Method m, double c) {
        return results.rows().stream().filter(r -> r.method().equals(m.key()) && r.compressionTarget() != null
                && r.compressionTarget() == c).findFirst().orElse(null);
    }

    /** {@code A}, {@code A and B}, {@code A, B and C}. */
    private static String names(List<ComparisonResults.Row> rows) {
        List<String> labels = rows.stream().map(ComparisonResults.Row::label).toList();
        return labels.size() == 1 ? labels.get(0) : String.join(", ", labels.subList(0, labels.size() - 1)) + " and "
                + labels.get(labels.size() - 1);
    }

    /** {@code better} against {@code worse} on ADI-0.1d, seed by seed. */
    static Paired paired(ComparisonResults.Row better, ComparisonResults.Row worse) {
        int seeds = Math.min(better.runs().size(), worse.runs().size());
        double p = 0;
        boolean ahead = seeds > 0;
        for (int i = 0; i < seeds; i++) {
            boolean[] a = hits(worse.runs().get(i).adi01dHits());
            boolean[] b = hits(better.runs().get(i).adi01dHits());
            PairedStats.McNemarTest t = PairedStats.mcnemarExact(a, b);
            p = Math.max(p, t.pValue());
            ahead &= t.n01() > t.n10();
        }
        return new Paired(p, ahead);
    }

    private static boolean[] hits(String bits) {
        boolean[] out = new boolean[bits.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits.charAt(i) == '1';
        }
        return out;
    }

    private static String noise(Paired p) {
        return String.format(Locale.ROOT, p.beyondNoise()
                ? "the difference is larger than the noise (exact McNemar p = %s < 0.05)."
                : "the difference is within the noise (exact McNemar p = %s%s), so these runs do not separate them.",
                p(p.pValue()), p.pValue() < ALPHA ? ", but not ahead in every seed" : " >= 0.05");
    }

    static String p(double p) {
        return p >= 0.001 ? String.format(Locale.ROOT, "%.3f", p) : String.format(Locale.ROOT, "%.1e", p);
    }

    private static String pct(ComparisonResults.Row r) {
        return r.adi01d().sdPercent() == null ? String.format(Locale.ROOT, "%.2f %%", r.adi01d().percent())
                : String.format(Locale.ROOT, "%.2f +- %.2f %%", r.adi01d().percent(), r.adi01d().sdPercent());
    }

    private static String points(double gap) {
        return String.format(Locale.ROOT, "%.2f points %s", Math.abs(gap), gap >= 0 ? "above" : "below");
    }

    static String target(double c) {
        return (c == Math.rint(c) ? String.valueOf((long) c) : String.valueOf(c)) + "x";
    }
}
