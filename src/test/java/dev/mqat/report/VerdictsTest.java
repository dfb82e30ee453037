package dev.mqat.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mqat.compare.ComparisonResults;
import dev.mqat.search.PairedStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The winner sentences on hand-made results: who wins, by more than the noise or not, and MQAT losing said so. */
class VerdictsTest {
    private static final int N = 200;

    /** Hits on the first {@code k} of {@code N} instances. */
    private static String hits(int k) {
        return "1".repeat(k) + "0".repeat(N - k);
    }

    private static ComparisonResults.Row row(String method, String label, Double target, String hits, long size) {
        int k = (int) hits.chars().filter(c -> c == '1').count();
        PairedStats.WilsonInterval w = PairedStats.wilson95(k, N);
        ComparisonResults.Accuracy a = new ComparisonResults.Accuracy(100.0 * k / N, null, w.lowPercent(),
                w.highPercent(), null, null, null);
        ComparisonResults.SeedRun run = new ComparisonResults.SeedRun(1, 1, method + "-" + target, "p", size,
                JsonNodeFactory.instance.objectNode(), a, a, hits, hits);
        return new ComparisonResults.Row(method, label, target, "p", size, 1000.0 / size, 1000.0 / size, 1,
                JsonNodeFactory.instance.objectNode(), null, a, a, List.of(run));
    }

    private static ComparisonResults results(List<Double> targets, ComparisonResults.Row... rows) {
        return new ComparisonResults(ComparisonResults.VERSION, "run", "data", "quick", "200 steps", 1, targets, 1000,
                N, List.of(rows));
    }

    @Test
    void mqatLosingClearlyIsSaidPlainly() {
        ComparisonResults r = results(List.of(4.0),
                row("fp", "FP control", null, hits(100), 1000),
                row("lsq", "uniform LSQ 8-bit", 4.0, hits(140), 260),
                row("inq", "uniform INQ 8-bit", 4.0, hits(120), 260),
                row("mqat", "MQAT 4x", 4.0, hits(90), 240));
        Verdicts.Verdict v = Verdicts.of(r).get(0);
        assertThat(v.winner().label()).isEqualTo("uniform LSQ 8-bit");
        assertThat(v.runnerUp().label()).isEqualTo("uniform INQ 8-bit");
        assertThat(v.mqatWins()).isFalse();
        assertThat(v.vsRunnerUp().beyondNoise()).isTrue(); // 20 discordant instances, all one way
        assertThat(v.sentences().get(0)).startsWith("At 4x uniform LSQ 8-bit wins").contains("larger than the noise");
        assertThat(v.sentences()).anyMatch(s -> s.startsWith("MQAT does not win at 4x: it scores 45.00 %, 25.00 "
                + "points under uniform LSQ 8-bit") && s.contains("larger than the noise"));
        assertThat(Verdicts.paperClaims(r)).contains(
                "MQAT at 4x >= FP control - 1 point (49.00 %): not met (45.00 %).",
                "MQAT at 4x >= every baseline of equal or larger size: not met (uniform LSQ 8-bit, uniform INQ 8-bit "
                        + "scores higher).");
    }

    @Test
    void aSmallLeadIsWithinTheNoise() {
        // MQAT right on 102 instances, LSQ on 100: two discordant instances, p = 0.5
        ComparisonResults r = results(List.of(8.0),
                row("fp", "FP control", null, hits(101), 1000),
                row("lsq", "uniform LSQ 4-bit", 8.0, hits(100), 130),
                row("mqat", "MQAT 8x", 8.0, hits(102), 120));
        Verdicts.Verdict v = Verdicts.of(r).get(0);
        assertThat(v.mqatWins()).isTrue();
        assertThat(v.vsRunnerUp().pValue()).isEqualTo(0.5);
        assertThat(v.vsRunnerUp().beyondNoise()).isFalse();
        assertThat(v.sentences().get(0)).isEqualTo("At 8x MQAT 8x wins with test ADI-0.1d 51.00 % against 50.00 % "
                + "for uniform LSQ 4-bit, the runner-up: the difference is within the noise (exact McNemar p = 0.500 "
                + ">= 0.05), so these runs do not separate them.");
        assertThat(v.sentences()).noneMatch(s -> s.startsWith("MQAT does not win"));
        assertThat(Verdicts.paperClaims(r)).containsExactly(
                "MQAT at 8x >= uniform LSQ 4-bit + 3 points (53.00 %): not met (51.00 %).");
    }

    @Test
    void aTieIsNoWinForAnyone() {
        ComparisonResults r = results(List.of(4.0),
                row("fp", "FP control", null, hits(100), 1000),
                row("lsq", "uniform LSQ 8-bit", 4.0, hits(110), 260),
                row("mqat", "MQAT 4x", 4.0, hits(110), 240));
        Verdicts.Verdict v = Verdicts.of(r).get(0);
        assertThat(v.mqatWins()).isFalse();
        assertThat(v.sentences().get(0)).contains("tie at test ADI-0.1d 55.00 %: no method wins");
        assertThat(v.sentences()).anyMatch(s -> s.equals("MQAT does not win at 4x: it ties with uniform LSQ 8-bit at "
                + "55.00 %."));
    }

    @Test
    void aLeadInOneSeedOnlyIsNotBeyondTheNoise() {
        String strong = hits(140);
        String weak = hits(100);
        ComparisonResults.Row a = twoSeeds("mqat", "MQAT 4x", strong, weak);
        ComparisonResults.Row b = twoSeeds("lsq", "uniform LSQ 8-bit", weak, hits(139));
        Verdicts.Paired p = Verdicts.paired(a, b);
        assertThat(p.pValue()).isLessThan(0.05); // both seeds differ clearly, but seed 2 the other way: 100 against 139
        assertThat(p.aheadInEverySeed()).isFalse();
        assertThat(p.beyondNoise()).isFalse();
    }

    private static ComparisonResults.Row twoSeeds(String method, String label, String seed1, String seed2) {
        ComparisonResults.Row one = row(method, label, 4.0, seed1, 240);
        List<ComparisonResults.SeedRun> runs = new ArrayList<>(one.runs());
        ComparisonResults.SeedRun r = one.runs().get(0);
        runs.add(new ComparisonResults.SeedRun(2, 2, r.folder() + "-seed2", "p", 240, r.test(), r.adi01d(),
                r.add01d(), seed2, seed2));
        return new ComparisonResults.Row(method, label, 4.0, "p", 240, 1, 1, 1, one.test(), null, one.adi01d(),
                one.add01d(), runs);
    }
}
