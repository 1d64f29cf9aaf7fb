package io.github.lmworkbook.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Small, general chart helpers for notebooks. Every helper renders off-screen (headless) and returns a
 * {@link BufferedImage}, which a notebook cell shows with {@code display(image)} (an {@code image/png} output).
 *
 * <pre>{@code
 * display(Charts.line("loss", "step", "loss", true, Map.of("train", new double[][] {steps, losses})));
 * }</pre>
 *
 * <p>Series are given as {@code double[][] {xs, ys}}. Use {@link java.util.LinkedHashMap} to fix the legend order.
 * For anything more specific build an {@link XYChart} (e.g. with {@link #lineChart}) and call {@link #image}.
 */
public final class Charts {

    /** Default image size in pixels. */
    public static final int WIDTH = 640;
    public static final int HEIGHT = 400;

    static {
        // Charts are drawn off-screen: there is no display on a server, in CI or on Binder.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** Renders any XChart chart to an image. */
    public static BufferedImage image(Chart<?, ?> chart) {
        Objects.requireNonNull(chart, "chart");
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** A line chart as an image; {@code logY} puts the y axis on a log scale (all y values must then be &gt; 0). */
    public static BufferedImage line(String title, String xLabel, String yLabel, boolean logY,
                                     Map<String, double[][]> series) {
        return image(lineChart(title, xLabel, yLabel, logY, series));
    }

    /** A single-series line chart of {@code ys} against {@code xs}. */
    public static BufferedImage line(String title, String xLabel, String yLabel, double[] xs, double[] ys) {
        return line(title, xLabel, yLabel, false, Map.of(yLabel == null || yLabel.isBlank() ? "y" : yLabel,
                new double[][] {xs, ys}));
    }

    /**
     * A line chart as an image with either axis on a log scale, e.g. an error against a step size on log–log axes
     * ({@code logX = logY = true}). Every value on a log axis must be &gt; 0; a log axis is labelled at powers of ten.
     */
    public static BufferedImage line(String title, String xLabel, String yLabel, boolean logX, boolean logY,
                                     Map<String, double[][]> series) {
        return image(lineChart(title, xLabel, yLabel, logX, logY, series));
    }

    /** The line chart behind {@link #line}, for further styling before {@link #image}. */
    public static XYChart lineChart(String title, String xLabel, String yLabel, boolean logY,
                                    Map<String, double[][]> series) {
        return lineChart(title, xLabel, yLabel, false, logY, series);
    }

    /** The line chart behind {@link #line(String, String, String, boolean, boolean, Map)}. */
    public static XYChart lineChart(String title, String xLabel, String yLabel, boolean logX, boolean logY,
                                    Map<String, double[][]> series) {
        XYChart chart = base(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        // grid lines and labels on the powers of ten only (the lines in between clutter a wide range)
        chart.getStyler().setXAxisLogarithmicDecadeOnly(logX);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(logY);
        if (logX || logY) {
            // solid grid lines: the default dashes, drawn at every minor tick of a log axis, blur into a pattern
            chart.getStyler().setPlotGridLinesStroke(new BasicStroke(1f));
            chart.getStyler().setPlotGridLinesColor(new Color(238, 238, 238));
        }
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = checkSeries(e.getKey(), e.getValue());
            if (logX) requirePositive(e.getKey(), "x", xy[0]);
            if (logY) requirePositive(e.getKey(), "y", xy[1]);
            XYSeries s = chart.addSeries(e.getKey(), xy[0], xy[1]);
            s.setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setLegendVisible(series.size() > 1);
        return chart;
    }

    private static void requirePositive(String name, String axis, double[] v) {
        for (double a : v) {
            if (!(a > 0)) {
                throw new IllegalArgumentException("series '" + name + "': log " + axis + " axis needs " + axis
                        + " > 0, got " + a);
            }
        }
    }

    /** A scatter chart as an image, one colour per series. */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        XYChart chart = base(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(6);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = checkSeries(e.getKey(), e.getValue());
            chart.addSeries(e.getKey(), xy[0], xy[1]);
        }
        chart.getStyler().setLegendVisible(series.size() > 1);
        return image(chart);
    }

    /**
     * A scatter chart whose points carry text labels, e.g. a 2-D character embedding where each point is a
     * character.
     */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, double[] xs, double[] ys,
                                        String[] labels) {
        checkSeries("points", new double[][] {xs, ys});
        if (labels.length != xs.length) {
            throw new IllegalArgumentException("labels: " + labels.length + " labels for " + xs.length + " points");
        }
        XYChart chart = base(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(14);
        chart.getStyler().setAnnotationTextFontColor(Color.BLACK);
        XYSeries s = chart.addSeries("points", xs, ys);
        s.setMarkerColor(new Color(120, 170, 230, 140));
        for (int i = 0; i < xs.length; i++) {
            chart.addAnnotation(new AnnotationText(labels[i], xs[i], ys[i], false));
        }
        return image(chart);
    }

    private static XYChart base(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title == null ? "" : title)
                .xAxisTitle(xLabel == null ? "" : xLabel)
                .yAxisTitle(yLabel == null ? "" : yLabel)
                .build();
        Styler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        return chart;
    }

    private static double[][] checkSeries(String name, double[][] xy) {
        if (xy == null || xy.length != 2 || xy[0] == null || xy[1] == null) {
            throw new IllegalArgumentException("series '" + name + "' must be double[][] {xs, ys}");
        }
        if (xy[0].length != xy[1].length) {
            throw new IllegalArgumentException("series '" + name + "': " + xy[0].length + " x values but "
                    + xy[1].length + " y values");
        }
        if (xy[0].length == 0) {
            throw new IllegalArgumentException("series '" + name + "' is empty");
        }
        return xy;
    }

    /** {@code n} evenly spaced values from {@code from} to {@code to} inclusive (like numpy's linspace). */
    public static double[] linspace(double from, double to, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("linspace needs n >= 2, got " + n);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + (to - from) * i / (n - 1);
        }
        return out;
    }

    /** {@code 0, 1, ..., n-1} as doubles: the x axis for a per-step series. */
    public static double[] range(int n) {
        double[] out = new double[n];
        Arrays.setAll(out, i -> i);
        return out;
    }
}
