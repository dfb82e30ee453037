package dev.mqat.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.search.PairedStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statistics of a row, hand-computed: one seed, several seeds, and the mean and spread of eval objects. */
class ComparisonStatsTest {

    private static boolean[] hits(String s) {
        boolean[] out = new boolean[s.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.charAt(i) == '1';
        }
        return out;
    }

    @Test
    void oneSeedAgainstItsControl() {
        // control right on 0-3, method right on 2-7: gained 4 (4-7), lost 2 (0, 1)
        ComparisonResults.Accuracy a = Comparison.accuracy(List.of(hits("0011111100")),
                List.of(hits("1111000000")));
        assertThat(a.percent()).isEqualTo(60.0);
        assertThat(a.sdPercent()).isNull();
        assertThat(a.gained()).isEqualTo(4);
        assertThat(a.lost()).isEqualTo(2);
        assertThat(a.mcnemarP()).isEqualTo(PairedStats.mcnemarExact(4, 2).pValue());
        PairedStats.WilsonInterval w = PairedStats.wilson95(6, 10);
        assertThat(a.wilsonLowPercent()).isEqualTo(w.lowPercent());
        assertThat(a.wilsonHighPercent()).isEqualTo(w.highPercent());
        ComparisonResults.Accuracy control = Comparison.accuracy(List.of(hits("1111000000")), null);
        assertThat(control.mcnemarP()).isNull();
        assertThat(control.gained()).isNull();
    }

    @Test
    void severalSeedsGiveMeanSpreadPooledIntervalAndTheLargestP() {
        List<boolean[]> seeds = List.of(hits("1111110000"), hits("1111000000"));
        List<boolean[]> controls = List.of(hits("0000000000"), hits("1111000000"));
        ComparisonResults.Accuracy a = Comparison.accuracy(seeds, controls);
        assertThat(a.percent()).isEqualTo(50.0);
        assertThat(a.sdPercent()).isCloseTo(Math.sqrt(((60 - 50) * (60 - 50) + (40 - 50) * (40 - 50)) / 1.0),
                within(1e-12));
        PairedStats.WilsonInterval pooled = PairedStats.wilson95(10, 20);
        assertThat(a.wilsonLowPercent()).isEqualTo(pooled.lowPercent());
        assertThat(a.mcnemarP()).isEqualTo(1.0); // seed 2 equals its control
        assertThat(a.gained()).isNull();
    }

    @Test
    void evalObjectsAveragePerNumberAndKeepTheirCounts() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree("{\"count\":8,\"overall\":{\"count\":8,\"adi_01d\":50.0,\"mean_rot_err_deg\":null},"
                + "\"bin_edges_mm\":[1.0,2.0]}");
        JsonNode b = json.readTree("{\"count\":8,\"overall\":{\"count\":8,\"adi_01d\":25.0,\"mean_rot_err_deg\":3.0},"
                + "\"bin_edges_mm\":[1.0,2.0]}");
        JsonNode mean = Comparison.mean(List.of(a, b));
        assertThat(mean.get("count").isIntegralNumber()).isTrue();
        assertThat(mean.get("count").asInt()).isEqualTo(8);
        assertThat(mean.get("overall").get("adi_01d").asDouble()).isEqualTo(37.5);
        assertThat(mean.get("overall").get("mean_rot_err_deg").isNull()).as("a null in one seed").isTrue();
        assertThat(mean.get("bin_edges_mm").get(1).asDouble()).isEqualTo(2.0);
        JsonNode sd = Comparison.sd(List.of(a, b));
        assertThat(sd.get("overall").get("adi_01d").asDouble()).isCloseTo(Math.sqrt(2 * 12.5 * 12.5), within(1e-12));
        assertThat(sd.get("count").asDouble()).isEqualTo(0.0);
        assertThat(Comparison.mean(List.of(a))).isEqualTo(a);
    }

    @Test
    void uniformBitsNeverCompressMoreThanTheTarget() {
        assertThat(ComparisonSettings.uniformBits(4)).isEqualTo(8);
        assertThat(ComparisonSettings.uniformBits(8)).isEqualTo(4);
        assertThat(ComparisonSettings.uniformBits(16)).isEqualTo(2);
        assertThat(ComparisonSettings.uniformBits(5)).isEqualTo(7);
        assertThat(ComparisonSettings.uniformBits(2)).isEqualTo(8);
        assertThat(ComparisonSettings.uniformBits(64)).isEqualTo(2);
        assertThat(Comparison.target(4)).isEqualTo("4x");
        assertThat(Comparison.target(4.5)).isEqualTo("4.5x");
    }
}
