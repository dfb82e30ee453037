package dev.mqat.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.AtomicFiles;
import dev.mqat.compare.ComparisonResults;
import dev.mqat.compare.Method;
import dev.mqat.data.BopDataset;
import dev.mqat.data.BopImage;
import dev.mqat.data.InputImage;
import dev.mqat.eval.Bop19Csv;
import dev.mqat.eval.PoseEstimate;
import dev.mqat.eval.PoseKey;
import dev.mqat.quant.BitPlan;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunData;
import dev.mqat.run.RunObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code CMP/report.html} and {@code CMP/report.md}: what {@code mqat compare} measured, for people.
 *
 * <p>Reads {@code CMP/results.json}, each search's {@code search.json}, each run's {@code predictions-test.csv} and the
 * test images of the dataset; runs nothing. The HTML file is self-contained: charts (JFreeChart) and prediction
 * overlays are PNG data URIs, the style is inline, nothing is fetched, so it opens offline and can be mailed. The
 * Markdown file has the same tables and sentences, without pictures.
 *
 * <p>Contents: the verdicts ({@link Verdicts}: who wins at each target and whether by more than the noise; the
 * paper's claims checked), the table in the paper's Table 2 form (ADD and ADI at 0.1 d per near / medium / far bin and
 * overall, with 95 % Wilson intervals, size and compression), accuracy against compression (Figure 6), accuracy and
 * memory bars (Figure 1), each search's decisions, and a strip of test images per run with the predicted (magenta) and
 * true (green) boxes.
 */
public final class ComparisonReport {
    /** The HTML report in a comparison folder. */
    public static final String HTML = "report.html";
    /** The Markdown report in a comparison folder. */
    public static final String MARKDOWN = "report.md";
    /** Side of an overlay thumbnail, px. */
    private static final int THUMB_PX = 256;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] BINS = {"near", "medium", "far"};

    private ComparisonReport() {}

    /** The two files written. */
    public record Written(Path html, Path markdown) {}

    /**
     * Writes both reports of the comparison in {@code cmp}.
     *
     * @param imagesPerRun test images in each run's strip (0: no strips, and no test images are read)
     */
    public static Written write(Path cmp, int imagesPerRun) {
        ComparisonResults results = ComparisonResults.read(cmp);
        List<Verdicts.Verdict> verdicts = Verdicts.of(results);
        List<String> claims = Verdicts.paperClaims(results);
        Map<String, JsonNode> searches = new LinkedHashMap<>();
        for (ComparisonResults.Row r : results.rows()) {
            Path file = cmp.resolve(r.folder()).resolve("search.json");
            if (r.method().equals(Method.MQAT.key()) && Files.isRegularFile(file)) {
                searches.put(r.label(), readTree(file));
            }
        }
        Map<String, List<byte[]>> strips = imagesPerRun > 0 ? strips(cmp, results, imagesPerRun) : Map.of();
        Path html = cmp.resolve(HTML);
        AtomicFiles.writeString(html, html(results, verdicts, claims, searches, strips));
        Path md = cmp.resolve(MARKDOWN);
        AtomicFiles.writeString(md, markdown(results, verdicts, claims, searches));
        return new Written(html, md);
    }

    // ---------------------------------------------------------------- HTML

    static String html(ComparisonResults r, List<Verdicts.Verdict> verdicts, List<String> claims,
            Map<String, JsonNode> searches, Map<String, List<byte[]>> strips) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>mqat compare: MQAT against its baselines</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em auto;max-width:1200px;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0;font-size:14px}")
                .append("th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th{background:#f0f0f0}td.l,th.l{text-align:left}")
                .append(".verdict{font-size:16px;background:#fafafa;border-left:4px solid #d62728;padding:8px 12px}")
                .append(".strip img{margin:2px;border:1px solid #ccc}.small{color:#666;font-size:13px}")
                .append("\n</style>\n</head>\n<body>\n");
        h.append("<h1>MQAT against its baselines</h1>\n<p class=\"small\">").append(esc(setup(r))).append("</p>\n");
        h.append("<h2>Verdict</h2>\n<div class=\"verdict\">\n");
        for (Verdicts.Verdict v : verdicts) {
            h.append("<p>");
            for (String s : v.sentences()) {
                h.append(esc(s)).append(' ');
            }
            h.append("</p>\n");
        }
        h.append("</div>\n<p class=\"small\">Rule: ").append(esc(Verdicts.RULE)).append("</p>\n");
        if (!claims.isEmpty()) {
            h.append("<h3>The paper's claims on these runs</h3>\n<ul>\n");
            claims.forEach(c -> h.append("<li>").append(esc(c)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<h2>Test accuracy, size and compression (the paper's Table 2 form)</h2>\n");
        table(h, tableRows(r), true);
        h.append("<p class=\"small\">").append(esc(tableNote(r))).append("</p>\n");
        h.append("<h2>Accuracy against compression (the paper's Figure 6)</h2>\n");
        img(h, Charts.accuracyAgainstCompression(r), "test ADI-0.1d against whole-model compression per method");
        h.append("<h2>Accuracy and memory (the paper's Figure 1)</h2>\n<div>");
        img(h, Charts.accuracyBars(r), "test ADI-0.1d per run");
        img(h, Charts.memoryBars(r), "whole-model size per run");
        h.append("</div>\n");
        for (Map.Entry<String, JsonNode> e : searches.entrySet()) {
            h.append("<h2>The search's decisions: ").append(esc(e.getKey())).append("</h2>\n");
            for (Section s : searchSections(e.getValue())) {
                h.append("<h3>").append(esc(s.title())).append("</h3>\n");
                if (s.text() != null) {
                    h.append("<p>").append(esc(s.text())).append("</p>\n");
                }
                if (s.rows() != null) {
                    table(h, s.rows(), false);
                }
            }
        }
        if (!strips.isEmpty()) {
            h.append("<h2>Test images: predicted (magenta) and true (green) boxes</h2>\n");
            h.append("<p class=\"small\">The same test images for every run, spread over the split.</p>\n");
            for (Map.Entry<String, List<byte[]>> e : strips.entrySet()) {
                h.append("<h3>").append(esc(e.getKey())).append("</h3>\n<div class=\"strip\">");
                for (byte[] png : e.getValue()) {
                    img(h, png, e.getKey() + " test image");
                }
                h.append("</div>\n");
            }
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void img(StringBuilder h, byte[] png, String alt) {
        h.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png)).append("\">");
    }

    /** An HTML table; the first row is the header. {@code firstLeft}: the first column is text. */
    private static void table(StringBuilder h, List<List<String>> rows, boolean firstLeft) {
        h.append("<table>\n");
        for (int i = 0; i < rows.size(); i++) {
            String cell = i == 0 ? "th" : "td";
            h.append("<tr>");
            List<String> row = rows.get(i);
            for (int j = 0; j < row.size(); j++) {
                boolean left = j == 0 || (firstLeft && j <= 2);
                h.append('<').append(cell).append(left ? " class=\"l\"" : "").append('>').append(esc(row.get(j)))
                        .append("</").append(cell).append('>');
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ---------------------------------------------------------------- Markdown

    static String markdown(ComparisonResults r, List<Verdicts.Verdict> verdicts, List<String> claims,
            Map<String, JsonNode> searches) {
        StringBuilder m = new StringBuilder("# MQAT against its baselines\n\n").append(setup(r)).append("\n\n");
        m.append("## Verdict\n\n");
        for (Verdicts.Verdict v : verdicts) {
            m.append(String.join(" ", v.sentences())).append("\n\n");
        }
        m.append("Rule: ").append(Verdicts.RULE).append("\n\n");
        if (!claims.isEmpty()) {
            m.append("The paper's claims on these runs:\n\n");
            claims.forEach(c -> m.append("- ").append(c).append('\n'));
            m.append('\n');
        }
        m.append("## Test accuracy, size and compression (the paper's Table 2 form)\n\n");
        mdTable(m, tableRows(r));
        m.append('\n').append(tableNote(r)).append("\n\n");
        for (Map.Entry<String, JsonNode> e : searches.entrySet()) {
            m.append("## The search's decisions: ").append(e.getKey()).append("\n\n");
            for (Section s : searchSections(e.getValue())) {
                m.append("### ").append(s.title()).append("\n\n");
                if (s.text() != null) {
                    m.append(s.text()).append("\n\n");
                }
                if (s.rows() != null) {
                    mdTable(m, s.rows());
                    m.append('\n');
                }
            }
        }
        m.append("Charts and test images with predicted boxes: ").append(HTML).append(" beside this file.\n");
        return m.toString();
    }

    private static void mdTable(StringBuilder m, List<List<String>> rows) {
        for (int i = 0; i < rows.size(); i++) {
            m.append("| ").append(String.join(" | ", rows.get(i).stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
            if (i == 0) {
                m.append("|").append("---|".repeat(rows.get(0).size())).append('\n');
            }
        }
    }

    // ---------------------------------------------------------------- content shared by both forms

    private static String setup(ComparisonResults r) {
        return String.format(Locale.ROOT, "Source run %s, dataset %s, test split (%d instances). Budget %s: %s per "
                + "fine-tune; %d fine-tuning seed%s. Float model %.3f MiB.", r.source(), r.data(), r.testInstances(),
                r.budget(), r.fineTune(), r.seeds(), r.seeds() == 1 ? "" : "s", mib(r.fp32Bytes()));
    }

    private static String tableNote(ComparisonResults r) {
        return "Percent of test instances with ADD (ADI) below 0.1 of the object diameter; near / medium / far are "
                + "three equal-width bins of ground-truth depth. [low-high] is the 95 % Wilson interval; p is the "
                + "two-sided exact McNemar test against the FP control on the same instances"
                + (r.seeds() > 1 ? " (the largest over the seeds; values are mean +- standard deviation over "
                        + r.seeds() + " seeds)" : "")
                + ". Every fine-tune has the same budget (" + r.fineTune() + "): the FP control and each uniform "
                + "baseline get one, MQAT one per module of its flow (the column 'fine-tunes') after probes of the "
                + "same budget. Uniform baselines use the fewest bits whose weights are compressed no more than the "
                + "target (8 bits at 4x, 4 bits at 8x), so they are never smaller than MQAT's budget.";
    }

    /**
     * A plan as the table shows it: module plans as written; a per-layer plan (tens of entries) as how many layers
     * get each width, plus its module entries. The whole plan is in results.json.
     */
    static String planCell(String plan) {
        BitPlan p = BitPlan.parse(plan);
        if (p.layerBits().isEmpty()) {
            return plan;
        }
        java.util.SortedMap<Integer, Integer> layersAt = new java.util.TreeMap<>();
        p.layerBits().values().forEach(b -> layersAt.merge(b, 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        layersAt.forEach((bits, n) -> parts.add(n + (n == 1 ? " layer" : " layers") + " at " + bits));
        p.moduleBits().forEach((module, bits) -> parts.add(module + " " + bits));
        return "per layer: " + String.join(", ", parts);
    }

    static List<List<String>> tableRows(ComparisonResults r) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("method", "target", "plan (B-F-H)", "size (MiB)", "compression (whole / weights)",
                "fine-tunes", "ADD near", "ADD medium", "ADD far", "ADD-0.1d all [95 %]", "p vs FP", "ADI near",
                "ADI medium", "ADI far", "ADI-0.1d all [95 %]", "p vs FP"));
        for (ComparisonResults.Row row : r.rows()) {
            List<String> cells = new ArrayList<>();
            cells.add(row.label());
            cells.add(row.compressionTarget() == null ? "-" : Verdicts.target(row.compressionTarget()));
            cells.add(planCell(row.plan()));
            cells.add(String.format(Locale.ROOT, "%.3f", mib(row.sizeBytes())));
            cells.add(String.format(Locale.ROOT, "%.2fx / %.2fx", row.compression(), row.weightsCompression()));
            cells.add(Integer.toString(row.fineTunes()));
            for (String metric : List.of("add_01d", "adi_01d")) {
                for (String bin : BINS) {
                    cells.add(value(row.test().path("bins").path(bin).path(metric),
                            row.testSd() == null ? null : row.testSd().path("bins").path(bin).path(metric)));
                }
                ComparisonResults.Accuracy a = metric.equals("add_01d") ? row.add01d() : row.adi01d();
                cells.add(String.format(Locale.ROOT, "%s [%.1f-%.1f]", value(a.percent(), a.sdPercent()),
                        a.wilsonLowPercent(), a.wilsonHighPercent()));
                cells.add(a.mcnemarP() == null ? "-" : Verdicts.p(a.mcnemarP()));
            }
            rows.add(cells);
        }
        return rows;
    }

    private static String value(JsonNode v, JsonNode sd) {
        if (v == null || !v.isNumber()) {
            return "-";
        }
        return value(v.asDouble(), sd == null || !sd.isNumber() ? null : sd.asDouble());
    }

    private static String value(double v, Double sd) {
        return sd == null ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.1f +- %.1f", v, sd);
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** A titled part of the search's decisions: a sentence, a table (first row the header), or both. */
    record Section(String title, String text, List<List<String>> rows) {}

    /** The decisions of a search, from its {@code search.json}. */
    static List<Section> searchSections(JsonNode s) {
        List<Section> out = new ArrayList<>();
        List<List<String>> probes = new ArrayList<>();
        probes.add(List.of("fine-tune", "val ADI-0.1d", "95 % interval", "gained", "lost", "McNemar p",
                "beats FP"));
        probes.add(arm("FP control", s.path("fp_control")));
        for (JsonNode p : s.path("probes")) {
            probes.add(arm(p.path("modules").path(0).asText() + " at 2 bits", p));
        }
        out.add(new Section("Phase A: probes against the FP control (validation split)", s.path("rule").asText(null),
                probes));
        String winner = s.path("winner").isNull() || s.path("winner").isMissingNode() ? "no probe beats the control"
                : s.path("winner").asText() + " at 2 bits beats the control";
        List<String> flow = new ArrayList<>();
        s.path("flow").forEach(f -> flow.add(f.asText()));
        out.add(new Section("Phase B: flow", winner + "; flow " + String.join(" -> ", flow) + ".", null));
        List<List<String>> omega = new ArrayList<>();
        List<String> bits = new ArrayList<>();
        s.path("bits").forEach(b -> bits.add(b.asText()));
        List<String> header = new ArrayList<>();
        header.add("module");
        bits.forEach(b -> header.add(b + " bits"));
        omega.add(header);
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("omega").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<String> row = new ArrayList<>();
            row.add(e.getKey());
            bits.forEach(b -> row.add(e.getValue().has(b)
                    ? String.format(Locale.ROOT, "%.4g", e.getValue().get(b).asDouble()) : "-"));
            omega.add(row);
        }
        JsonNode h = s.path("hessian");
        out.add(new Section("Phase C: Omega per module and bit-width", String.format(Locale.ROOT,
                "Hessian traces from %d Hutchinson samples of %d images (%s, %s). Chosen plan %s (backbone-fpn-head): "
                        + "%.2fx of the %.2fx asked, %d of %d bytes.", h.path("samples").asInt(),
                h.path("batch_size").asInt(), h.path("network").asText(), h.path("settled").asBoolean() ? "settled"
                        : "not settled", s.path("plan").asText(), s.path("compression").asDouble(),
                s.path("compression_target").asDouble(), s.path("size_bytes").asLong(), s.path("fp32_bytes").asLong()),
                omega));
        List<List<String>> stages = new ArrayList<>();
        stages.add(List.of("stage", "module", "bits", "val ADI-0.1d after the stage", "note"));
        int i = 1;
        for (JsonNode st : s.path("stages")) {
            stages.add(List.of(Integer.toString(i++), st.path("module").asText(), st.path("bits").asText(),
                    String.format(Locale.ROOT, "%.2f", st.path("val_adi01d").asDouble()),
                    st.path("adopted").asBoolean() ? "the winning probe, adopted" : ""));
        }
        out.add(new Section("Gradated quantization: accuracy after each stage", null, stages));
        return out;
    }

    private static List<String> arm(String name, JsonNode a) {
        JsonNode m = a.path("mcnemar");
        boolean paired = m.isObject();
        return List.of(name, String.format(Locale.ROOT, "%.2f", a.path("val_adi01d").asDouble()),
                String.format(Locale.ROOT, "%.1f-%.1f", a.path("interval").path(0).asDouble(),
                        a.path("interval").path(1).asDouble()),
                paired ? m.path("n01").asText() : "", paired ? m.path("n10").asText() : "",
                paired ? Verdicts.p(m.path("p_value").asDouble()) : "", paired ? (a.path("beats_fp").asBoolean()
                        ? "yes" : "no") : "");
    }

    // ---------------------------------------------------------------- overlays

    /**
     * Per distinct run (first seed), overlays of the same {@code count} test images that have objects, spread over
     * the split: every ground-truth box and the highest-scoring prediction of each object.
     */
    static Map<String, List<byte[]>> strips(Path cmp, ComparisonResults r, int count) {
        Path data = Path.of(r.data());
        BopDataset dataset = BopDataset.open(data);
        List<BopImage> records = dataset.images("test");
        RunConfig first = RunConfig.read(cmp.resolve(r.rows().get(0).folder()));
        List<InputImage> images = RunData.images(data, "test", first.model().inputSizePx());
        List<Integer> withObjects = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            if (!images.get(i).objects().isEmpty()) {
                withObjects.add(i);
            }
        }
        int n = Math.min(count, withObjects.size());
        List<Integer> picked = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            picked.add(withObjects.get((int) ((long) j * withObjects.size() / n)));
        }
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (ComparisonResults.Row row : r.rows()) {
            if (seen.putIfAbsent(row.folder(), row.label()) != null) {
                continue;
            }
            Path run = cmp.resolve(row.folder());
            Path csv = run.resolve("predictions-test.csv");
            if (!Files.isRegularFile(csv)) {
                continue;
            }
            Map<PoseKey, PoseEstimate> best = Bop19Csv.highestScorePerKey(Bop19Csv.read(csv));
            Map<Integer, double[][]> corners = new LinkedHashMap<>();
            for (RunObject o : RunConfig.read(run).objects()) {
                corners.put(o.objId(), o.cornersMm());
            }
            List<byte[]> strip = new ArrayList<>();
            for (int i : picked) {
                InputImage image = images.get(i);
                BopImage record = records.get(i);
                List<PredictionOverlay.Box> truths = new ArrayList<>();
                for (InputImage.InputObject o : image.objects()) {
                    truths.add(new PredictionOverlay.Box(o.cornersMm(), o.objectToCamera()));
                }
                List<PredictionOverlay.Box> predictions = new ArrayList<>();
                corners.forEach((objId, c) -> {
                    PoseEstimate e = best.get(new PoseKey(record.sceneId(), record.imageId(), objId));
                    if (e != null) {
                        predictions.add(new PredictionOverlay.Box(c, e.objectToCamera()));
                    }
                });
                strip.add(PredictionOverlay.png(image.rgb(), image.sizePx(), image.camera(), truths, predictions,
                        THUMB_PX));
            }
            out.put(row.label() + " (" + row.folder() + ")", strip);
        }
        return out;
    }

    private static JsonNode readTree(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
