package dev.mqat.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.data.DepthBin;
import dev.mqat.data.DepthBins;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pose accuracy of an evaluated set, overall and per ground-truth depth bin.
 *
 * <p>JSON form ({@link #toJson()}), keys in this order:
 * {@code {"count": N, "overall": M, "bins": {"near": M, "medium": M, "far": M}, "bin_edges_mm": [d0, d1, d2, d3]}}
 * with each M a {@link MetricSummary}. NaN values (empty sets, see {@link MetricSummary} and {@link #of}) are
 * written as {@code null}.
 *
 * @param count ground-truth instances evaluated
 * @param overall all instances
 * @param near instances in the near bin
 * @param medium instances in the medium bin
 * @param far instances in the far bin
 * @param binEdgesMm the four depth-bin edges d0..d3, mm
 */
public record EvaluationResult(int count, MetricSummary overall, MetricSummary near, MetricSummary medium,
        MetricSummary far, double[] binEdgesMm) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public EvaluationResult {
        if (binEdgesMm.length != 4) {
            throw new IllegalArgumentException("evaluation result: " + binEdgesMm.length + " bin edges, expected 4");
        }
        binEdgesMm = binEdgesMm.clone();
    }

    /**
     * Summarises per-instance outcomes: overall, and per bin of {@link DepthBins#over(double[])} over their
     * ground-truth depths (near below d1, medium below d2, far up to and including d3; all near when every depth
     * is the same). No outcomes give NaN edges and empty bins.
     */
    public static EvaluationResult of(List<InstanceOutcome> outcomes) {
        double[] depths = new double[outcomes.size()];
        for (int i = 0; i < depths.length; i++) {
            depths[i] = outcomes.get(i).depthMm();
        }
        Map<DepthBin, List<InstanceOutcome>> byBin = new EnumMap<>(DepthBin.class);
        for (DepthBin b : DepthBin.values()) {
            byBin.put(b, new ArrayList<>());
        }
        double[] edges = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        if (!outcomes.isEmpty()) {
            DepthBins bins = DepthBins.over(depths);
            edges = bins.edgesMm();
            for (InstanceOutcome o : outcomes) {
                byBin.get(bins.binOf(o.depthMm())).add(o);
            }
        }
        return new EvaluationResult(outcomes.size(), MetricSummary.of(outcomes),
                MetricSummary.of(byBin.get(DepthBin.NEAR)), MetricSummary.of(byBin.get(DepthBin.MEDIUM)),
                MetricSummary.of(byBin.get(DepthBin.FAR)), edges);
    }

    @Override
    public double[] binEdgesMm() {
        return binEdgesMm.clone();
    }

    /** The summary of one depth bin. */
    public MetricSummary bin(DepthBin bin) {
        return switch (bin) {
            case NEAR -> near;
            case MEDIUM -> medium;
            case FAR -> far;
        };
    }

    /**
     * A plain-text table: one row overall and one per depth bin with count, the five success rates (percent)
     * and the two mean errors, then the bin edges. Undefined values print as {@code -}.
     */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s %6s %9s %9s %9s %9s %8s %10s %11s%n", "set", "count", "ADD-0.1d",
                "ADD-0.5d", "ADI-0.1d", "ADI-0.5d", "2D-5px", "rot(deg)", "trans(mm)"));
        appendRow(sb, "overall", overall);
        for (DepthBin b : DepthBin.values()) {
            appendRow(sb, b.key(), bin(b));
        }
        sb.append(String.format(Locale.ROOT, "depth bin edges (mm): %s %s %s %s%n", cell(binEdgesMm[0], 1),
                cell(binEdgesMm[1], 1), cell(binEdgesMm[2], 1), cell(binEdgesMm[3], 1)));
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String name, MetricSummary m) {
        sb.append(String.format(Locale.ROOT, "%-8s %6d %9s %9s %9s %9s %8s %10s %11s%n", name, m.count(),
                cell(m.add01d(), 1), cell(m.add05d(), 1), cell(m.adi01d(), 1), cell(m.adi05d(), 1),
                cell(m.proj5px(), 1), cell(m.meanRotErrDeg(), 2), cell(m.meanTransErrMm(), 1)));
    }

    private static String cell(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    public ObjectNode toJsonNode() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("count", count);
        root.set("overall", overall.toJsonNode());
        ObjectNode bins = root.putObject("bins");
        for (DepthBin b : DepthBin.values()) {
            bins.set(b.key(), bin(b).toJsonNode());
        }
        ArrayNode edges = root.putArray("bin_edges_mm");
        for (double e : binEdgesMm) {
            if (Double.isFinite(e)) {
                edges.add(e);
            } else {
                edges.addNull();
            }
        }
        return root;
    }

    /** One-line JSON object, the form {@code mqat eval-poses --json} prints. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise evaluation result: " + e.getMessage(), e);
        }
    }

    /**
     * Reads what {@link #toJson()} writes; unknown or missing keys are rejected.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static EvaluationResult fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("evaluation result: not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("evaluation result: expected a JSON object");
        }
        List<String> allowed = List.of("count", "overall", "bins", "bin_edges_mm");
        root.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException("evaluation result: unknown key '" + k + "' (expected " + allowed + ")");
            }
        });
        JsonNode count = root.get("count");
        if (count == null || !count.isIntegralNumber() || count.asInt() < 0) {
            throw new IllegalArgumentException("evaluation result: count: expected a non-negative integer, found " + count);
        }
        JsonNode bins = root.get("bins");
        if (bins == null || !bins.isObject()) {
            throw new IllegalArgumentException("evaluation result: bins: expected an object with near, medium, far");
        }
        bins.fieldNames().forEachRemaining(k -> {
            if (!List.of("near", "medium", "far").contains(k)) {
                throw new IllegalArgumentException("evaluation result: bins." + k
                        + ": unknown bin (expected near, medium, far)");
            }
        });
        JsonNode edges = root.get("bin_edges_mm");
        if (edges == null || !edges.isArray() || edges.size() != 4) {
            throw new IllegalArgumentException("evaluation result: bin_edges_mm: expected 4 numbers, found " + edges);
        }
        double[] e = new double[4];
        for (int i = 0; i < 4; i++) {
            JsonNode v = edges.get(i);
            if (!v.isNull() && !v.isNumber()) {
                throw new IllegalArgumentException("evaluation result: bin_edges_mm[" + i + "]: expected a number, found " + v);
            }
            e[i] = v.isNull() ? Double.NaN : v.asDouble();
        }
        return new EvaluationResult(count.asInt(), MetricSummary.fromJsonNode(root.get("overall"), "overall"),
                MetricSummary.fromJsonNode(bins.get("near"), "bins.near"),
                MetricSummary.fromJsonNode(bins.get("medium"), "bins.medium"),
                MetricSummary.fromJsonNode(bins.get("far"), "bins.far"), e);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationResult r && count == r.count && overall.equals(r.overall) && near.equals(r.near)
                && medium.equals(r.medium) && far.equals(r.far) && Arrays.equals(binEdgesMm, r.binEdgesMm);
    }

    @Override
    public int hashCode() {
        return 31 * overall.hashCode() + Arrays.hashCode(binEdgesMm);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
