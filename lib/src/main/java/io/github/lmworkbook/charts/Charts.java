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
    /** Default image height in pixels (16:9 with {@link #WIDTH}). */
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

    /**
     * Renders any XChart chart to an image.
     *
     * @param chart the chart
     * @return the image, at the chart's size
     */
    public static BufferedImage image(Chart<?, ?> chart) {
        Objects.requireNonNull(chart, "chart");
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * A line chart built series by series, for more than the one-call helpers offer: image size, dashed or thin
     * series, and a log axis that drops points it cannot show. See {@link LineChart}.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @return the chart, to add series to
     */
    public static LineChart lines(String title, String xLabel, String yLabel) {
        return new LineChart(title, xLabel, yLabel);
    }

    /**
     * A line chart as an image; {@code logY} puts the y axis on a log scale (all y values must then be &gt; 0). A log
     * axis spanning many decades is labelled at round steps of decades (see {@link LineChart}).
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param logY whether the y axis is logarithmic
     * @param series the series by name, each {x values, y values}, drawn in the map's order
     * @return the image
     */
    public static BufferedImage line(String title, String xLabel, String yLabel, boolean logY,
                                     Map<String, double[][]> series) {
        return line(title, xLabel, yLabel, false, logY, series);
    }

    /**
     * A single-series line chart of {@code ys} against {@code xs}.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param xs the x values
     * @param ys the y values
     * @return the image
     */
    public static BufferedImage line(String title, String xLabel, String yLabel, double[] xs, double[] ys) {
        return line(title, xLabel, yLabel, false, Map.of(yLabel == null || yLabel.isBlank() ? "y" : yLabel,
                new double[][] {xs, ys}));
    }

    /**
     * A line chart as an image with either axis on a log scale, e.g. an error against a step size on log–log axes
     * ({@code logX = logY = true}). Every value on a log axis must be &gt; 0; a log axis is labelled at powers of ten.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param logX whether the x axis is logarithmic
     * @param logY whether the y axis is logarithmic
     * @param series the series by name, each {x values, y values}, drawn in the map's order
     * @return the image
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

    /**
     * The line chart behind {@link #line}, for further styling before {@link #image}.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param logY whether the y axis is logarithmic
     * @param series the series by name, each {x values, y values}, drawn in the map's order
     * @return the chart
     */
    public static XYChart lineChart(String title, String xLabel, String yLabel, boolean logY,
                                    Map<String, double[][]> series) {
        return lineChart(title, xLabel, yLabel, false, logY, series);
    }

    /**
     * The line chart of {@link #line(String, String, String, boolean, boolean, Map)} as an XChart chart, with real log
     * axes (labelled at every decade however many there are; {@link LineChart#xyChart()} is the alternative).
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param logX whether the x axis is logarithmic
     * @param logY whether the y axis is logarithmic
     * @param series the series by name, each {x values, y values}, drawn in the map's order
     * @return the chart
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
        uniformLogTicks(chart);
        return chart;
    }

    /**
     * The decimal pattern of a log axis's tick labels over [lo, hi]: XChart's default writes 0.001 and 1E-4 on the same
     * axis. Plain decimals (0.001 … 10,000) when every decade of the range has a short one, else powers of ten in one
     * notation for all (1E-6 … 1E0).
     */
    static String logTickPattern(double lo, double hi) {
        return lo >= 1e-3 && hi <= 1e4 ? "#,##0.###" : "0E0";
    }

    /** Sets a uniform tick label pattern on each log axis of the chart, from its series' range on that axis. */
    static void uniformLogTicks(XYChart chart) {
        double[] x = {Double.POSITIVE_INFINITY, 0}, y = {Double.POSITIVE_INFINITY, 0};
        for (XYSeries s : chart.getSeriesMap().values()) {
            positiveRange(s.getXData(), x);
            positiveRange(s.getYData(), y);
        }
        var st = chart.getStyler();
        if (st.isXAxisLogarithmic() && x[0] <= x[1]) st.setXAxisDecimalPattern(logTickPattern(x[0], x[1]));
        if (st.isYAxisLogarithmic() && y[0] <= y[1]) st.setYAxisDecimalPattern(logTickPattern(y[0], y[1]));
    }

    private static void positiveRange(double[] values, double[] range) {
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
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

    /**
     * A scatter chart as an image, one colour per series.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param series the series by name, each {x values, y values}
     * @return the image
     */
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
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param xs the points' x values
     * @param ys the points' y values
     * @param labels the points' labels
     * @return the image
     */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, double[] xs, double[] ys,
                                        String[] labels) {
        return scatter(title, xLabel, yLabel, xs, ys, labels, false);
    }

    /**
     * A labelled scatter chart; with {@code equalAxes} one unit is as long on the x axis as on the y axis (the
     * picture of a projection, where distances in any direction must compare), on a tall image as wide as the
     * notebook column. Each label goes beside its point, on the first side where it covers no other label and no
     * other point ({@link #placeLabels}); where the points crowd, farther out, joined to its point by a thin line.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param xs the points' x values
     * @param ys the points' y values
     * @param labels the points' labels
     * @param equalAxes whether a unit has the same length on both axes
     * @return the image
     */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, double[] xs, double[] ys,
                                        String[] labels, boolean equalAxes) {
        checkSeries("points", new double[][] {xs, ys});
        if (labels.length != xs.length) {
            throw new IllegalArgumentException("labels: " + labels.length + " labels for " + xs.length + " points");
        }
        int width = WIDTH, height = equalAxes ? 900 : HEIGHT;
        XYChart chart = base(title, xLabel, yLabel, width, height);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(2 * MARKER_RADIUS);
        chart.getStyler().setAnnotationTextFontColor(Color.BLACK);
        if (equalAxes) equalAxes(chart, xs, ys, width, height);
        else paddedAxes(chart, xs, ys);
        // pixels of the plot area per unit of data, from the axis ranges just set and the estimated margins
        double pw = width - MARGIN_LEFT - MARGIN_RIGHT, ph = height - MARGIN_TOP - MARGIN_BOTTOM;
        double x0 = chart.getStyler().getXAxisMin(), y0 = chart.getStyler().getYAxisMin();
        double sx = pw / (chart.getStyler().getXAxisMax() - x0), sy = ph / (chart.getStyler().getYAxisMax() - y0);
        int n = xs.length;
        double[] px = new double[n], py = new double[n], w = new double[n], h = new double[n];
        java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, true);
        for (int i = 0; i < n; i++) {
            px[i] = (xs[i] - x0) * sx;                     // pixels from the plot's left edge
            py[i] = ph - (ys[i] - y0) * sy;                // pixels from the plot's top edge
            java.awt.geom.Rectangle2D b = LABEL_FONT.getStringBounds(labels[i].isEmpty() ? " " : labels[i], frc);
            w[i] = b.getWidth();
            h[i] = LABEL_FONT.getLineMetrics("Xg", frc).getAscent() * 0.8;  // x-height-ish: what the eye sees
        }
        double[][] at = placeLabels(px, py, w, h, MARKER_RADIUS, pw, ph);
        Color leader = new Color(150, 150, 150);
        for (int i = 0; i < n; i++) {
            double lx = x0 + at[i][0] / sx, ly = y0 + (ph - at[i][1]) / sy;
            if (at[i][2] > 0) {                            // a leader line from the point to the label's edge
                double dx = at[i][0] - px[i], dy = at[i][1] - py[i], len = Math.hypot(dx, dy);
                double inset = Math.min(len, Math.max(w[i], h[i]) / 2 + 3);
                double ex = px[i] + dx * (len - inset) / len, ey = py[i] + dy * (len - inset) / len;
                double sx0 = px[i] + dx * MARKER_RADIUS / len, sy0 = py[i] + dy * MARKER_RADIUS / len;
                XYSeries line = chart.addSeries("leader " + i, new double[] {x0 + sx0 / sx, x0 + ex / sx},
                        new double[] {y0 + (ph - sy0) / sy, y0 + (ph - ey) / sy});
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE);
                line.setLineColor(leader);
                line.setLineStyle(new BasicStroke(1.2f));
            }
            chart.addAnnotation(new AnnotationText(labels[i], lx, ly, false));
        }
        XYSeries s = chart.addSeries("points", xs, ys);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(new Color(31, 119, 180, 200));
        return image(chart);
    }

    /** Radius in pixels of a labelled scatter's points. */
    static final int MARKER_RADIUS = 5;

    /**
     * Where the labels of a scatter go, in pixels of a plot area pw × ph (origin top left, y down): for each point
     * (px, py) with a label w × h pixels, the label's centre and whether it sits away from its point (1: draw a
     * leader line) or beside it (0). Greedy and deterministic: the labels of the most crowded points choose first;
     * each takes the first place, trying rings at growing distance and on each ring eight directions (right, left,
     * up, down, then the diagonals), where its box (2 px of room around) overlaps no label placed before, no point
     * (a disc of the given radius) and stays inside the plot. If there is no such place, the label goes to the right
     * of its point.
     */
    static double[][] placeLabels(double[] px, double[] py, double[] w, double[] h, double radius, double pw,
                                  double ph) {
        int n = px.length;
        Integer[] order = new Integer[n];
        int[] crowd = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            for (int j = 0; j < n; j++) {
                if (j != i && Math.hypot(px[i] - px[j], py[i] - py[j]) < 4 * (radius + Math.max(w[i], h[i]))) {
                    crowd[i]++;
                }
            }
        }
        Arrays.sort(order, (a, b) -> crowd[a] != crowd[b] ? Integer.compare(crowd[b], crowd[a]) : Integer.compare(a, b));
        double[][] at = new double[n][];
        double[][] boxes = new double[n][];              // placed labels: {left, top, right, bottom}
        double[][] dirs = {{1, 0}, {-1, 0}, {0, -1}, {0, 1}, {1, -1}, {-1, -1}, {1, 1}, {-1, 1}};
        double pad = 2;
        for (int i : order) {
            double hw = w[i] / 2 + pad, hh = h[i] / 2 + pad;
            double[] chosen = null;
            for (int ring = 0; ring < 8 && chosen == null; ring++) {
                for (double[] d : dirs) {
                    double norm = Math.hypot(d[0], d[1]), gap = (radius + 1) / norm, out = ring * (h[i] + 2 * pad);
                    // the box's nearest edge (or corner, on a diagonal) radius + 1 from the point, then the ring
                    double cx = px[i] + d[0] * (hw + gap + out / norm), cy = py[i] + d[1] * (hh + gap + out / norm);
                    double[] box = {cx - hw, cy - hh, cx + hw, cy + hh};
                    if (box[0] < 0 || box[1] < 0 || box[2] > pw || box[3] > ph) continue;
                    boolean free = true;
                    for (int j = 0; j < n && free; j++) {
                        if (boxes[j] != null && overlaps(box, boxes[j])) free = false;
                        if (discTouches(box, px[j], py[j], radius)) free = false;
                    }
                    if (free) {
                        chosen = new double[] {cx, cy, ring > 0 ? 1 : 0};
                        boxes[i] = box;
                        break;
                    }
                }
            }
            if (chosen == null) {
                double cx = px[i] + radius + 1 + hw;
                chosen = new double[] {cx, py[i], 0};
                boxes[i] = new double[] {cx - hw, py[i] - hh, cx + hw, py[i] + hh};
            }
            at[i] = chosen;
        }
        return at;
    }

    private static boolean overlaps(double[] a, double[] b) {
        return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    }

    private static boolean discTouches(double[] box, double cx, double cy, double r) {
        double nx = Math.max(box[0], Math.min(cx, box[2])), ny = Math.max(box[1], Math.min(cy, box[3]));
        return Math.hypot(cx - nx, cy - ny) < r;
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

    /** Sets each axis to the data's range with 8 % room on either side. */
    static void paddedAxes(XYChart chart, double[] xs, double[] ys) {
        double x0 = Arrays.stream(xs).min().getAsDouble(), x1 = Arrays.stream(xs).max().getAsDouble();
        double y0 = Arrays.stream(ys).min().getAsDouble(), y1 = Arrays.stream(ys).max().getAsDouble();
        double rx = Math.max(x1 - x0, 1e-12) * 0.08, ry = Math.max(y1 - y0, 1e-12) * 0.08;
        chart.getStyler().setXAxisMin(x0 - rx).setXAxisMax(x1 + rx);
        chart.getStyler().setYAxisMin(y0 - ry).setYAxisMax(y1 + ry);
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
        st.setChartTitleFont(titleFont(title == null ? "" : title, width));
        st.setLegendFont(LEGEND_FONT);
        st.setAnnotationTextFont(LABEL_FONT);
        st.setSeriesColors(PALETTE);
        chart.getStyler().setAxisTitleFont(AXIS_TITLE_FONT);
        chart.getStyler().setAxisTickLabelsFont(TICK_FONT);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setMarkerSize(8);
        return chart;
    }

    /** The smallest title font size, in points, before a title that is still too wide is cut by the image's edges. */
    static final int MIN_TITLE_POINTS = 12;
    /** The width of the image a title may not use (the y axis's shift of the title's centre, and a margin). */
    static final int TITLE_INSET = 150;

    /**
     * The title's font: {@link #TITLE_FONT}, or a smaller size of it when the title would be wider than the image (a
     * centred title that does not fit loses its first and last words to the edges), down to
     * {@value #MIN_TITLE_POINTS} points.
     */
    static Font titleFont(String title, int width) {
        java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, true);
        // XChart centres the title over the plot, which starts right of the y axis (~70 px of labels and title):
        // the title fits when it fits twice the room between that centre and the image's right edge
        double room = width - TITLE_INSET;
        Font f = TITLE_FONT;
        double w = f.getStringBounds(title, frc).getWidth();
        if (w <= room) return f;
        float size = (float) Math.max(MIN_TITLE_POINTS, Math.floor(f.getSize2D() * room / w));
        f = f.deriveFont(size);
        while (size > MIN_TITLE_POINTS && f.getStringBounds(title, frc).getWidth() > room) f = f.deriveFont(--size);
        return f;
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

    /**
     * {@code n} evenly spaced values from {@code from} to {@code to} inclusive (like numpy's linspace).
     *
     * @param from the first value
     * @param to the last value
     * @param n the number of values
     * @return the values
     */
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

    /**
     * {@code 0, 1, ..., n-1} as doubles: the x axis for a per-step series.
     *
     * @param n the number of values
     * @return 0 … n − 1
     */
    public static double[] range(int n) {
        double[] out = new double[n];
        Arrays.setAll(out, i -> i);
        return out;
    }
}
