package dev.mqat.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Accuracy of a set of ground-truth instances: success rates at the paper's thresholds and mean errors.
 *
 * <p>An instance without an estimate counts in {@code count} and fails every threshold; the two mean errors are
 * over the instances that have an estimate. Degenerate cases, written once here: with {@code count == 0} every
 * percentage is NaN; with no estimate at all both means are NaN. NaN is written as JSON {@code null}.
 *
 * @param count ground-truth instances in the set
 * @param add01d percent (0-100) with ADD below 0.1 diameter
 * @param add05d percent with ADD below 0.5 diameter
 * @param adi01d percent with ADI (ADD-S) below 0.1 diameter
 * @param adi05d percent with ADI below 0.5 diameter
 * @param proj5px percent with 2D projection error below 5 px
 * @param meanRotErrDeg mean rotation error over instances with an estimate, degrees
 * @param meanTransErrMm mean translation error over instances with an estimate, mm
 */
public record MetricSummary(int count, double add01d, double add05d, double adi01d, double adi05d, double proj5px,
        double meanRotErrDeg, double meanTransErrMm) {

    /** Success thresholds as fractions of the object diameter. */
    public static final double TIGHT_FRACTION = 0.1;
    public static final double LOOSE_FRACTION = 0.5;
    /** Success threshold of the 2D projection error, px. */
    public static final double PROJECTION_THRESHOLD_PX = 5.0;

    static final List<String> JSON_KEYS = List.of("count", "add_01d", "add_05d", "adi_01d", "adi_05d", "proj_5px",
            "mean_rot_err_deg", "mean_trans_err_mm");

    /** Summarises a set of outcomes. */
    public static MetricSummary of(List<InstanceOutcome> outcomes) {
        int n = outcomes.size();
        int add01 = 0;
        int add05 = 0;
        int adi01 = 0;
        int adi05 = 0;
        int proj = 0;
        int withEstimate = 0;
        double rot = 0;
        double trans = 0;
        for (InstanceOutcome o : outcomes) {
            add01 += o.addBelow(TIGHT_FRACTION) ? 1 : 0;
            add05 += o.addBelow(LOOSE_FRACTION) ? 1 : 0;
            adi01 += o.adiBelow(TIGHT_FRACTION) ? 1 : 0;
            adi05 += o.adiBelow(LOOSE_FRACTION) ? 1 : 0;
            proj += o.projectionBelow(PROJECTION_THRESHOLD_PX) ? 1 : 0;
            if (o.hasEstimate()) {
                withEstimate++;
                rot += o.errors().rotationDeg();
                trans += o.errors().translationMm();
            }
        }
        return new MetricSummary(n, percent(add01, n), percent(add05, n), percent(adi01, n), percent(adi05, n),
                percent(proj, n), withEstimate == 0 ? Double.NaN : rot / withEstimate,
                withEstimate == 0 ? Double.NaN : trans / withEstimate);
    }

    private static double percent(int hits, int n) {
        return n == 0 ? Double.NaN : 100.0 * hits / n;
    }

    /** The JSON object {@code {"count": n, "add_01d": %, ..., "mean_trans_err_mm": x}}. */
    public ObjectNode toJsonNode() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("count", count);
        putNumber(node, "add_01d", add01d);
        putNumber(node, "add_05d", add05d);
        putNumber(node, "adi_01d", adi01d);
        putNumber(node, "adi_05d", adi05d);
        putNumber(node, "proj_5px", proj5px);
        putNumber(node, "mean_rot_err_deg", meanRotErrDeg);
        putNumber(node, "mean_trans_err_mm", meanTransErrMm);
        return node;
    }

    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    /** Reads what {@link #toJsonNode()} writes; {@code where} names the object in messages. */
    static MetricSummary fromJsonNode(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected an object");
        }
        Set<String> keys = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        for (String k : keys) {
            if (!JSON_KEYS.contains(k)) {
                throw new IllegalArgumentException(where + "." + k + ": unknown key (expected " + JSON_KEYS + ")");
            }
        }
        JsonNode count = node.get("count");
        if (count == null || !count.canConvertToInt() || !count.isIntegralNumber() || count.asInt() < 0) {
            throw new IllegalArgumentException(where + ".count: expected a non-negative integer, found " + count);
        }
        return new MetricSummary(count.asInt(), number(node, "add_01d", where), number(node, "add_05d", where),
                number(node, "adi_01d", where), number(node, "adi_05d", where), number(node, "proj_5px", where),
                number(node, "mean_rot_err_deg", where), number(node, "mean_trans_err_mm", where));
    }

    static double number(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where + "." + key + ": missing");
        }
        if (v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(where + "." + key + ": expected a number or null, found " + v);
        }
        return v.asDouble();
    }
}
