package dev.mqat.report;

import dev.mqat.compare.ComparisonResults;
import dev.mqat.compare.Method;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The comparison's charts, drawn by JFreeChart and rendered to PNG bytes (headless: no window is opened).
 *
 * <p>Accuracy is test ADI-0.1d overall in percent (mean over seeds); memory is the whole model's size in MiB.
 */
final class Charts {
    static final int WIDTH = 720;
    static final int HEIGHT = 420;
    private static final Map<String, Color> COLORS = Map.of(Method.FP.key(), new Color(90, 90, 90),
            Method.LSQ.key(), new Color(31, 119, 180), Method.INQ.key(), new Color(44, 160, 44),
            Method.MQAT.key(), new Color(214, 39, 40));

    private Charts() {}

    /**
     * Accuracy against whole-model compression, one line per method starting at the FP control at 1x (the paper's
     * Figure 6).
     */
    static byte[] accuracyAgainstCompression(ComparisonResults results) {
        ComparisonResults.Row control = results.rows().get(0);
        Map<String, XYSeries> byMethod = new LinkedHashMap<>();
        XYSeries fp = new XYSeries(control.label());
        fp.add(control.compression(), control.adi01d().percent());
        byMethod.put(control.method(), fp);
        for (ComparisonResults.Row r : results.rows()) {
            if (r.method().equals(Method.FP.key())) {
                continue;
            }
            XYSeries s = byMethod.computeIfAbsent(r.method(), m -> {
                XYSeries series = new XYSeries(labelOf(m), true, false);
                series.add(control.compression(), control.adi01d().percent());
                return series;
            });
            s.addOrUpdate(r.compression(), r.adi01d().percent());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        byMethod.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart("Test ADI-0.1d against compression",
                "compression, whole model (x)", "test ADI-0.1d (%)", data, PlotOrientation.VERTICAL, true, false,
                false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int i = 0;
        for (String method : byMethod.keySet()) {
            renderer.setSeriesPaint(i, COLORS.getOrDefault(method, Color.DARK_GRAY));
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            i++;
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeMinimumSize(2.0); // flat results stay readable
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        return png(chart, WIDTH, HEIGHT);
    }

    /** Test ADI-0.1d of every row, one bar each (the accuracy half of the paper's Figure 1). */
    static byte[] accuracyBars(ComparisonResults results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ComparisonResults.Row r : distinct(results.rows())) {
            data.addValue(r.adi01d().percent(), "test ADI-0.1d", r.label());
        }
        return bars("Accuracy", "test ADI-0.1d (%)", data, distinct(results.rows()));
    }

    /** Whole-model size of every row in MiB (the memory half of the paper's Figure 1). */
    static byte[] memoryBars(ComparisonResults results) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ComparisonResults.Row r : distinct(results.rows())) {
            data.addValue(r.sizeBytes() / (1024.0 * 1024.0), "size", r.label());
        }
        return bars("Memory", "whole model (MiB)", data, distinct(results.rows()));
    }

    /** Rows without repeats: a uniform run paired with two targets is one bar. */
    private static List<ComparisonResults.Row> distinct(List<ComparisonResults.Row> rows) {
        Map<String, ComparisonResults.Row> byFolder = new LinkedHashMap<>();
        rows.forEach(r -> byFolder.putIfAbsent(r.folder(), r));
        return List.copyOf(byFolder.values());
    }

    private static byte[] bars(String title, String axis, DefaultCategoryDataset data,
            List<ComparisonResults.Row> rows) {
        JFreeChart chart = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.VERTICAL, false,
                false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = new BarRenderer() {
            private static final long serialVersionUID = 1L;

            @Override
            public java.awt.Paint getItemPaint(int row, int column) {
                return COLORS.getOrDefault(rows.get(column).method(), Color.DARK_GRAY);
            }
        };
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        NumberAxis range = (NumberAxis) plot.getRangeAxis();
        range.setAutoRangeIncludesZero(true);
        range.setAutoRangeMinimumSize(1.0);
        style(chart);
        return png(chart, WIDTH / 2 + 60, HEIGHT);
    }

    private static String labelOf(String methodKey) {
        return Method.fromKey(methodKey).label();
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    }

    private static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("chart PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
