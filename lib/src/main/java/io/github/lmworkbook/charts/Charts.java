package io.github.lmworkbook.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
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

    /**
     * Default image size in pixels: as wide as a notebook column (JupyterLab scales a wider image down to the column,
     * never a narrower one up), with fonts sized for that width.
     */
    public static final int WIDTH = 960;
    public static final int HEIGHT = 540;

    /** Fonts of every chart: title, axis titles, tick labels, legend, point labels. */
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 18);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 17);

    /** The colours given to series in order (Tableau 10): distinct, and readable on white. */
    public static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

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

    /**
     * A line chart built series by series, for more than the one-call helpers offer: image size, dashed or thin
     * series, and a log axis that drops points it cannot show. See {@link LineChart}.
     */
    public static LineChart lines(String title, String xLabel, String yLabel) {
        return new LineChart(title, xLabel, yLabel);
    }

    /**
     * A line chart as an image; {@code logY} puts the y axis on a log scale (all y values must then be &gt; 0). A log
     * axis spanning many decades is labelled at round steps of decades (see {@link LineChart}).
     */
    public static BufferedImage line(String title, String xLabel, String yLabel, boolean logY,
                                     Map<String, double[][]> series) {
        return line(title, xLabel, yLabel, false, logY, series);
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
        LineChart chart = lines(title, xLabel, yLabel);
        if (logX) chart.logX();
        if (logY) chart.logY();
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = checkSeries(e.getKey(), e.getValue());
            if (logX) requirePositive(e.getKey(), "x", xy[0]);
            if (logY) requirePositive(e.getKey(), "y", xy[1]);
            chart.add(e.getKey(), xy[0], xy[1]);
        }
        return chart.image();
    }

    /** The line chart behind {@link #line}, for further styling before {@link #image}. */
    public static XYChart lineChart(String title, String xLabel, String yLabel, boolean logY,
                                    Map<String, double[][]> series) {
        return lineChart(title, xLabel, yLabel, false, logY, series);
    }

    /**
     * The line chart of {@link #line(String, String, String, boolean, boolean, Map)} as an XChart chart, with real log
     * axes (labelled at every decade however many there are; {@link LineChart#xyChart()} is the alternative).
     */
    public static XYChart lineChart(String title, String xLabel, String yLabel, boolean logX, boolean logY,
                                    Map<String, double[][]> series) {
        XYChart chart = base(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        // grid lines and labels on the powers of ten only (the lines in between clutter a wide range)
        chart.getStyler().setXAxisLogarithmicDecadeOnly(logX);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(logY);
        if (logX || logY) solidGrid(chart);
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[][] xy = checkSeries(e.getKey(), e.getValue());
            if (logX) requirePositive(e.getKey(), "x", xy[0]);
            if (logY) requirePositive(e.getKey(), "y", xy[1]);
            XYSeries s = chart.addSeries(e.getKey(), xy[0], xy[1]);
            s.setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setLegendVisible(series.size() > 1);
        if (!logX) roundXTicks(chart);
        return chart;
    }

    /** Solid light grid lines: the default dashes, drawn at every minor tick of a log axis, blur into a pattern. */
    static void solidGrid(XYChart chart) {
        chart.getStyler().setPlotGridLinesStroke(new BasicStroke(1f));
        chart.getStyler().setPlotGridLinesColor(new Color(238, 238, 238));
    }

    /**
     * Makes the ticks of a linear x axis land on round numbers. XChart 3.8 treats x values that are all equally spaced
     * (within 1e-4, e.g. steps 0..299, over all series) specially: it puts a tick on every k-th data point, for the
     * smallest k whose labels fit (0, 19, 38, …). Starting the axis a hair below the first x (10⁻⁶ of the span, less
     * than a pixel) makes the spacing unequal, and XChart falls back to its usual calculator: steps of 1, 2 or 5 × 10^n.
     * Does nothing when the x axis minimum is already set or the spacing is too fine (≤ 2e-4) for the trick.
     */
    static void roundXTicks(XYChart chart) {
        if (chart.getStyler().getXAxisMin() != null || chart.getSeriesMap().isEmpty()) return;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double x : s.getXData()) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        // the axis values as XChart collects them: min, every series' x in order, max, without repeats
        java.util.LinkedHashSet<Double> values = new java.util.LinkedHashSet<>();
        values.add(min);
        for (XYSeries s : chart.getSeriesMap().values()) for (double x : s.getXData()) values.add(x);
        values.add(max);
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        if (v.length < 3 || !(max - min > 1e-4)) return;
        double space = v[1] - v[0];
        for (int i = 2; i < v.length; i++) if (Math.abs(v[i] - v[i - 1] - space) >= 1e-4) return;   // not equally spaced
        if (Math.abs(space) <= 2e-4) return;
        chart.getStyler().setXAxisMin(min - 1e-6 * (max - min));
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
        return scatter(title, xLabel, yLabel, xs, ys, labels, false);
    }

    /**
     * A labelled scatter chart; with {@code equalAxes} one unit is as long on the x axis as on the y axis (the
     * picture of a projection, where distances in any direction must compare), on a square-ish image.
     */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, double[] xs, double[] ys,
                                        String[] labels, boolean equalAxes) {
        checkSeries("points", new double[][] {xs, ys});
        if (labels.length != xs.length) {
            throw new IllegalArgumentException("labels: " + labels.length + " labels for " + xs.length + " points");
        }
        int width = equalAxes ? 800 : WIDTH, height = equalAxes ? 760 : HEIGHT;
        XYChart chart = base(title, xLabel, yLabel, width, height);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(12);
        chart.getStyler().setAnnotationTextFontColor(Color.BLACK);
        XYSeries s = chart.addSeries("points", xs, ys);
        s.setMarkerColor(new Color(120, 170, 230, 150));
        for (int i = 0; i < xs.length; i++) {
            chart.addAnnotation(new AnnotationText(labels[i], xs[i], ys[i], false));
        }
        if (equalAxes) equalAxes(chart, xs, ys, width, height);
        return image(chart);
    }

    /** Plot area of an image of this size, estimated from the margins XChart leaves at these fonts (pixels). */
    static final int MARGIN_LEFT = 95, MARGIN_RIGHT = 20, MARGIN_TOP = 50, MARGIN_BOTTOM = 75;

    /** Sets the axis ranges so that a unit has the same length in pixels on both axes, with 8 % room around. */
    static void equalAxes(XYChart chart, double[] xs, double[] ys, int width, int height) {
        double x0 = Arrays.stream(xs).min().getAsDouble(), x1 = Arrays.stream(xs).max().getAsDouble();
        double y0 = Arrays.stream(ys).min().getAsDouble(), y1 = Arrays.stream(ys).max().getAsDouble();
        double pw = width - MARGIN_LEFT - MARGIN_RIGHT, ph = height - MARGIN_TOP - MARGIN_BOTTOM;
        double perPixel = 1.16 * Math.max(Math.max(x1 - x0, 1e-12) / pw, Math.max(y1 - y0, 1e-12) / ph);
        double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
        chart.getStyler().setXAxisMin(cx - perPixel * pw / 2).setXAxisMax(cx + perPixel * pw / 2);
        chart.getStyler().setYAxisMin(cy - perPixel * ph / 2).setYAxisMax(cy + perPixel * ph / 2);
    }

    private static XYChart base(String title, String xLabel, String yLabel) {
        return base(title, xLabel, yLabel, WIDTH, HEIGHT);
    }

    static XYChart base(String title, String xLabel, String yLabel, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height)
                .title(title == null ? "" : title)
                .xAxisTitle(xLabel == null ? "" : xLabel)
                .yAxisTitle(yLabel == null ? "" : yLabel)
                .build();
        Styler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);      // inside: the plot gets the whole width
        st.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        st.setLegendBorderColor(new Color(200, 200, 200));
        st.setAntiAlias(true);
        st.setChartTitleFont(TITLE_FONT);
        st.setLegendFont(LEGEND_FONT);
        st.setAnnotationTextFont(LABEL_FONT);
        st.setSeriesColors(PALETTE);
        chart.getStyler().setAxisTitleFont(AXIS_TITLE_FONT);
        chart.getStyler().setAxisTickLabelsFont(TICK_FONT);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setMarkerSize(8);
        return chart;
    }

    static double[][] checkSeries(String name, double[][] xy) {
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
