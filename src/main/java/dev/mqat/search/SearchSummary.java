package dev.mqat.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable and JSON forms of what {@code mqat search} printed at its end. */
public final class SearchSummary {
    private SearchSummary() {}

    /** The search's decisions as a few aligned lines. */
    public static String text(Search.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "rule: %s%n", r.rule()));
        sb.append(String.format(Locale.ROOT, "%-14s %9s %15s %7s %7s %10s%n", "phase A", "val ADI", "95% interval",
                "gained", "lost", "McNemar p"));
        appendArm(sb, "FP control", r.fpControl());
        for (Search.Arm p : r.probes()) {
            appendArm(sb, p.modules().get(0) + " @2" + (p.beatsFp() ? " *" : ""), p);
        }
        sb.append(String.format(Locale.ROOT, "winner: %s; flow: %s%n", r.winner() == null ? "none" : r.winner(),
                String.join(",", r.flow())));
        sb.append(String.format(Locale.ROOT, "Hessian traces: %d samples of %d images%s (%s)%n", r.hessian().samples(),
                r.hessian().batchSize(), r.hessian().settled() ? ", settled" : ", not settled", r.hessian().network()));
        for (Map.Entry<String, Map<Integer, Double>> e : r.omega().entrySet()) {
            StringBuilder row = new StringBuilder();
            e.getValue().forEach((bits, omega) -> row.append(String.format(Locale.ROOT, "  %d bits %.4g", bits, omega)));
            sb.append(String.format(Locale.ROOT, "Omega %-8s%s%n", e.getKey(), row));
        }
        sb.append(String.format(Locale.ROOT, "plan %s: %.2fx of %.2fx asked (%d of %d bytes)%n", r.plan(),
                r.compression(), r.compressionTarget(), r.sizeBytes(), r.fp32Bytes()));
        for (int i = 0; i < r.stages().size(); i++) {
            Search.Stage s = r.stages().get(i);
            sb.append(String.format(Locale.ROOT, "stage %d: %-8s at %d bits: val ADI-0.1d %6.2f%%%s%n", i + 1,
                    s.module(), s.bits(), s.valAdi01d(), s.adopted() ? " (the winning probe)" : ""));
        }
        if (r.test() != null) {
            sb.append(String.format(Locale.ROOT, "test ADI-0.1d %.2f%% (near %.2f, medium %.2f, far %.2f)%n",
                    r.test().path("overall").path("adi_01d").asDouble(),
                    r.test().path("bins").path("near").path("adi_01d").asDouble(),
                    r.test().path("bins").path("medium").path("adi_01d").asDouble(),
                    r.test().path("bins").path("far").path("adi_01d").asDouble()));
        }
        return sb.toString();
    }

    private static void appendArm(StringBuilder sb, String name, Search.Arm a) {
        String paired = a.mcnemar() == null ? String.format(Locale.ROOT, "%7s %7s %10s", "", "", "")
                : String.format(Locale.ROOT, "%7d %7d %10.3g", a.mcnemar().n01(), a.mcnemar().n10(),
                        a.mcnemar().pValue());
        sb.append(String.format(Locale.ROOT, "%-14s %8.2f%% %6.1f - %5.1f%% %s%n", name, a.valAdi01d(),
                a.interval()[0], a.interval()[1], paired));
    }

    /** The cube as a table: H, F, B bits and the scores (paper Figure 4). */
    public static String cube(List<Search.CubeRow> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-9s %-9s %-9s %9s %15s %9s%n", "backbone",
                "fpn", "head", "val ADI", "95% interval", "test ADI"));
        for (Search.CubeRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-9s %-9s %-9s %8.2f%% %6.1f - %5.1f%% %8.2f%%%n",
                    bits(r.modules(), "backbone"), bits(r.modules(), "fpn"), bits(r.modules(), "head"), r.valAdi01d(),
                    r.valInterval()[0], r.valInterval()[1], r.testAdi01d()));
        }
        return sb.toString();
    }

    /** The flows as a table, the recommended one marked (paper Table 1). */
    public static String flows(List<Search.FlowRow> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-24s %9s %9s%n", "flow", "val ADI",
                "test ADI"));
        for (Search.FlowRow r : rows) {
            sb.append(String.format(Locale.ROOT, "%-24s %8.2f%% %8.2f%%%s%n", String.join(",", r.flow()),
                    r.valAdi01d(), r.testAdi01d(), r.recommended() ? "  <- recommended" : ""));
        }
        return sb.toString();
    }

    /** One JSON object (the form of {@code search.json}, {@code cube.json}, {@code flows.json}). */
    public static String json(Object value) {
        try {
            return Search.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bits(List<String> modules, String module) {
        return modules.contains(module) ? "2" : "32";
    }
}
