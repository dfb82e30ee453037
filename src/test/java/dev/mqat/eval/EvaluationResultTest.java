package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationResultTest {

    private static EvaluationResult sample() {
        MetricSummary m = new MetricSummary(4, 25, 50, 50, 75, 25, 3.5, 12.25);
        MetricSummary empty = new MetricSummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN);
        return new EvaluationResult(4, m, m, empty, m, new double[] {100, 200, 300, 400});
    }

    @Test
    void jsonHasExactlyTheDocumentedShape() throws Exception {
        String json = sample().toJson();
        assertThat(json).doesNotContain("\n");
        JsonNode root = new ObjectMapper().readTree(json);
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("count", "overall", "bins", "bin_edges_mm");
        List<String> binKeys = new ArrayList<>();
        root.get("bins").fieldNames().forEachRemaining(binKeys::add);
        assertThat(binKeys).containsExactly("near", "medium", "far");
        List<String> metricKeys = new ArrayList<>();
        root.get("overall").fieldNames().forEachRemaining(metricKeys::add);
        assertThat(metricKeys).containsExactly("count", "add_01d", "add_05d", "adi_01d", "adi_05d", "proj_5px",
                "mean_rot_err_deg", "mean_trans_err_mm");
        assertThat(json).startsWith("{\"count\":4,\"overall\":{\"count\":4,\"add_01d\":25.0,\"add_05d\":50.0,");
        assertThat(json).contains("\"medium\":{\"count\":0,\"add_01d\":null,");
        assertThat(json).endsWith("\"bin_edges_mm\":[100.0,200.0,300.0,400.0]}");
    }

    private static InstanceOutcome missing(double depth) {
        return new InstanceOutcome(new PoseKey(0, (int) depth, 1), depth, 100, null);
    }

    @Test
    void binEdgesAndMembershipOfAHandExample() {
        EvaluationResult r = EvaluationResult.of(List.of(missing(400), missing(100), missing(1000), missing(700),
                missing(200)));
        assertThat(r.binEdgesMm()).containsExactly(100, 400, 700, 1000);
        assertThat(r.near().count()).as("100, 200").isEqualTo(2);
        assertThat(r.medium().count()).as("400: a lower edge belongs to the upper bin").isEqualTo(1);
        assertThat(r.far().count()).as("700, 1000: the deepest is far").isEqualTo(2);
        EvaluationResult same = EvaluationResult.of(List.of(missing(500), missing(500)));
        assertThat(same.near().count()).as("equal depths are all near").isEqualTo(2);
        EvaluationResult none = EvaluationResult.of(List.of());
        assertThat(none.binEdgesMm()).containsOnly(Double.NaN);
        assertThat(none.toJson()).contains("\"bin_edges_mm\":[null,null,null,null]");
    }

    @Test
    void jsonRoundTripsAndRejectsUnknownKeys() {
        EvaluationResult r = sample();
        assertThat(EvaluationResult.fromJson(r.toJson())).isEqualTo(r);
        String bad = r.toJson().replace("\"proj_5px\"", "\"proj_6px\"");
        assertThatThrownBy(() -> EvaluationResult.fromJson(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overall.proj_6px");
    }
}
