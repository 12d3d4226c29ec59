package dev.beacon.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** PNG charts for BENCHMARKS.md, drawn with JFreeChart (headless). */
final class Plots {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private Plots() {
    }

    /**
     * Latency CDFs: one line per series, x = latency in milliseconds (log scale), y = fraction of samples at most
     * that latency. Series without samples are left out.
     */
    static void cdf(Path file, String title, Map<String, Samples> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, Samples> entry : series.entrySet()) {
            List<Long> sorted = entry.getValue().sorted();
            if (sorted.isEmpty()) {
                continue;
            }
            XYSeries line = new XYSeries(entry.getKey() + " (n=" + sorted.size() + ")", false, true);
            line.add(Math.max(0.001, sorted.get(0) / 1000.0), 0.0); // the step up from 0 at the first sample
            for (int i = 0; i < sorted.size(); i++) {
                line.add(Math.max(0.001, sorted.get(i) / 1000.0), (i + 1) / (double) sorted.size());
            }
            data.addSeries(line);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "latency (ms, log scale)", "fraction of runs",
                data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(logAxis("latency (ms, log scale)"));
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1.02);
        style(plot, new XYStepRenderer());
        write(file, chart);
    }

    /** Lines over instance counts (log scale x), e.g. ns per lookup against the number of instances. */
    static void lines(Path file, String title, String yLabel, boolean logY, Map<String, double[][]> series)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> entry : series.entrySet()) {
            XYSeries line = new XYSeries(entry.getKey(), true, true);
            for (double[] point : entry.getValue()) {
                if (point[1] > 0 && !Double.isNaN(point[1])) {
                    line.add(point[0], point[1]);
                }
            }
            data.addSeries(line);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "instances (log scale)", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setDomainAxis(logAxis("instances (log scale)"));
        if (logY) {
            plot.setRangeAxis(logAxis(yLabel + " (log scale)"));
        }
        style(plot, new XYLineAndShapeRenderer(true, true));
        write(file, chart);
    }

    /** A base-10 log axis with one labelled tick per decade, written as plain numbers (0.1, 1, 10, 100). */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(0.001);
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setMinorTickCount(9);
        axis.setMinorTickMarksVisible(true);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return axis;
    }

    private static void style(XYPlot plot, XYLineAndShapeRenderer renderer) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
                new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
    }

    private static void write(Path file, JFreeChart chart) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
