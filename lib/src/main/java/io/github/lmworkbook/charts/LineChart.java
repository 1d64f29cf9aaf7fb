package io.github.lmworkbook.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart collected series by series and drawn at the end, when all the data is known. Start one with
 * {@link Charts#lines}:
 *
 * <pre>{@code
 * LineChart c = Charts.lines("gradient flow", "distance T − t", "norm").logY().size(640, 420);
 * c.add("‖∂L/∂s_t‖", k, g);
 * c.add("bound 0.9^(T−t)", k, bound).dashed().color(Color.GRAY);
 * display(c.image());
 * }</pre>
 *
 * <p><b>What is dropped.</b> A point with a non-finite coordinate (NaN, ±∞) is left out, and so is, on a log axis,
 * a point whose value there is ≤ 0 (a log axis cannot show it: e.g. a gradient norm that underflowed to 0). The
 * line joins the points that are left. A series with no point left is not drawn and not in the legend.
 * (The strict {@link Charts#line} helpers reject such points instead.)
 *
 * <p><b>Wide log ranges.</b> XChart labels every decade of a log axis and draws a grid line at every 1..9 × 10^n; over
 * 30 decades the labels overlap and the grid turns grey. When the y values span more decades than the plot has room
 * for (about one per {@value #PIXELS_PER_DECADE_LABEL} pixels of plot height), the chart instead plots log10(y) on a
 * linear axis whose ticks XChart places at round steps (1, 2, 5, 10, … decades) and labels as powers of ten
 * ({@code 1E-20}, as every log axis: no 0.01 beside 1E-4). The picture is the same as on a log axis; only the ticks are fewer. {@link #xyChart()} then holds
 * log10(y) as the y data. (A tick formatter on a real log axis is no alternative: XChart 3.8 then switches to its
 * linear tick calculator, which does not finish over 30 decades.)
 *
 * <p><b>Equally spaced x.</b> When all x values are equally spaced (e.g. steps 0..299), XChart 3.8 puts the x ticks on
 * every k-th data point, for the smallest k whose labels fit: 0, 19, 38, … . To get round ticks (0, 50, 100, …) the
 * chart starts its x axis a hair (10⁻⁶ of the span) below the first x, which makes XChart use its usual calculator.
 * {@link Charts#lineChart} does the same.
 */
public final class LineChart {

    /** Plot height in pixels per decade below which a log y axis is replaced by labelled powers of ten. */
    public static final int PIXELS_PER_DECADE_LABEL = 22;

    /** Style of one series; the setters return this for chaining. */
    public static final class Series {
        final String name;
        final double[] x, y;
        final double[] lo, hi;     // the band around the line, or null
        Color color;
        float width = 2.5f;
        boolean dashed, inLegend = true, markers;

        private Series(String name, double[] x, double[] y, double[] lo, double[] hi) {
            this.name = name;
            this.x = x;
            this.y = y;
            this.lo = lo;
            this.hi = hi;
        }

        /**
         * The line colour (default: XChart's palette in order).
         *
         * @param c the colour
         * @return this series
         */
        public Series color(Color c) {
            this.color = Objects.requireNonNull(c, "color");
            return this;
        }

        /**
         * The line width in pixels (default 2.5).
         *
         * @param w the width
         * @return this series
         */
        public Series width(float w) {
            if (!(w > 0)) throw new IllegalArgumentException("series '" + name + "': line width must be > 0, got " + w);
            this.width = w;
            return this;
        }

        /**
         * A dashed line, e.g. for a bound or a reference the data is compared with.
         *
         * @return this series
         */
        public Series dashed() {
            this.dashed = true;
            return this;
        }

        /**
         * Leaves the series out of the legend (e.g. many thin grey lines of the same kind).
         *
         * @return this series
         */
        public Series hideInLegend() {
            this.inLegend = false;
            return this;
        }

        /**
         * A marker on every point (for a few points, e.g. one per condition of an experiment).
         *
         * @return this series
         */
        public Series markers() {
            this.markers = true;
            return this;
        }
    }

    private final String title, xLabel, yLabel;
    private boolean logX, logY, integerX;
    private int width = Charts.WIDTH, height = Charts.HEIGHT;
    private Styler.LegendPosition legendPosition = Styler.LegendPosition.InsideNE;
    private final List<Series> series = new ArrayList<>();
    private double yMin = Double.NaN, yMax = Double.NaN;

    LineChart(String title, String xLabel, String yLabel) {
        this.title = title == null ? "" : title;
        this.xLabel = xLabel == null ? "" : xLabel;
        this.yLabel = yLabel == null ? "" : yLabel;
    }

    /**
     * A log y axis; points with y ≤ 0 are dropped (see the class comment).
     *
     * @return this chart
     */
    public LineChart logY() {
        this.logY = true;
        return this;
    }

    /**
     * A log x axis; points with x ≤ 0 are dropped.
     *
     * @return this chart
     */
    public LineChart logX() {
        this.logX = true;
        return this;
    }

    /**
     * The image size in pixels (default {@link Charts#WIDTH} × {@link Charts#HEIGHT}).
     *
     * @param width the width
     * @param height the height
     * @return this chart
     */
    public LineChart size(int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("chart size must be at least 100 × 100 pixels, got " + width + " × " + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /**
     * Labels the x axis at whole numbers only (for a count on x, e.g. a context length: no "2.5").
     *
     * @return this chart
     */
    public LineChart integerX() {
        this.integerX = true;
        return this;
    }

    /**
     * The y axis from lo to hi instead of the data's range, e.g. to leave room above the lines for the legend, or
     * to keep a bound that grows without limit from setting the scale (on a log axis too, lo &gt; 0). The lines are
     * clipped to the range: a line that leaves it runs to the edge of the plot.
     *
     * @param lo the bottom of the y axis
     * @param hi the top of the y axis
     * @return this chart
     */
    public LineChart yRange(double lo, double hi) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("y range [" + lo + ", " + hi + "] must be finite with lo < hi");
        }
        if (logY && !(lo > 0)) throw new IllegalArgumentException("y range [" + lo + ", " + hi + "] on a log axis needs lo > 0");
        this.yMin = lo;
        this.yMax = hi;
        return this;
    }

    /**
     * Where the legend goes (default inside, top right: the plot keeps the whole width). An inside corner is a
     * preference: when the legend there would cover a line or a band, it goes to the first inside corner that covers
     * none (top right, top left, bottom right, bottom left), and below the plot when every corner would.
     *
     * @param position the preferred position
     * @return this chart
     */
    public LineChart legend(Styler.LegendPosition position) {
        this.legendPosition = Objects.requireNonNull(position, "position");
        return this;
    }

    /**
     * Adds a series (the arrays are copied when the chart is drawn); style it through the returned handle.
     *
     * @param name the series's name, in the legend
     * @param x the x values
     * @param y the y values
     * @return the series
     */
    public Series add(String name, double[] x, double[] y) {
        return add(name, x, y, null, null);
    }

    /**
     * Adds a line with a band drawn around it in the same colour, lighter: the spread of an experiment over seeds
     * (e.g. the mean over seeds as the line, the smallest and largest value as the band). lo ≤ y ≤ hi is not
     * required; the band is the area between lo and hi.
     *
     * @param name the series's name, in the legend
     * @param x the x values
     * @param y the line's y values
     * @param lo the band's lower edge at each x
     * @param hi the band's upper edge at each x
     * @return the series
     */
    public Series band(String name, double[] x, double[] y, double[] lo, double[] hi) {
        Charts.checkSeries(name + " (band low)", new double[][] {x, lo});
        Charts.checkSeries(name + " (band high)", new double[][] {x, hi});
        return add(name, x, y, lo, hi);
    }

    private Series add(String name, double[] x, double[] y, double[] lo, double[] hi) {
        Objects.requireNonNull(name, "name");
        Charts.checkSeries(name, new double[][] {x, y});
        for (Series s : series) {
            if (s.name.equals(name)) throw new IllegalArgumentException("series '" + name + "' was added twice");
        }
        Series s = new Series(name, x, y, lo, hi);
        series.add(s);
        return s;
    }

    /**
     * A horizontal line at y across the x range of the other series, dashed grey: a baseline or a threshold.
     *
     * @param name the line's name, in the legend
     * @param y the height of the line
     * @return the series
     */
    public Series hline(String name, double y) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.x) {
                if (Double.isFinite(v) && (!logX || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(lo <= hi)) throw new IllegalArgumentException("hline '" + name + "': add the data series first");
        return add(name, new double[] {lo, hi}, new double[] {y, y}).dashed().color(Color.GRAY).width(2f);
    }

    /**
     * Draws the chart.
     *
     * @return the image
     */
    public BufferedImage image() {
        return Charts.image(xyChart());
    }

    /**
     * The XChart chart behind {@link #image()}, for further styling. Over a wide log y range its y data is log10(y)
     * (see the class comment).
     *
     * @return the chart
     */
    public XYChart xyChart() {
        List<double[][]> kept = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[][] xy = keep(s);
            kept.add(xy);
            for (int r = 1; r < xy.length; r++) {
                for (double v : xy[r]) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            for (double v : xy[0]) {
                xlo = Math.min(xlo, v);
                xhi = Math.max(xhi, v);
            }
        }
        if (!Double.isNaN(yMin)) {
            lo = yMin;
            hi = yMax;
        }
        boolean decadeLabels = logY && lo < hi && wideLogRange(lo, hi, height);
        boolean xDecadeLabels = logX && xlo < xhi && wideLogXRange(xlo, xhi, width);

        XYChart chart = Charts.base(title, xLabel, yLabel, width, height);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(legendPosition);
        chart.getStyler().setXAxisLogarithmic(logX && !xDecadeLabels);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(logX && !xDecadeLabels);
        chart.getStyler().setYAxisLogarithmic(logY && !decadeLabels);
        // a narrow log range (under two decades) is labelled at 1…9 × 10^n too, or it would show one or two labels
        chart.getStyler().setYAxisLogarithmicDecadeOnly(logY && !decadeLabels && !(hi / lo < 100));
        if (logX || logY) Charts.solidGrid(chart);
        if (decadeLabels) {
            boolean given = !Double.isNaN(yMin);
            chart.getStyler().setYAxisMin(given ? Math.log10(lo) : Math.floor(Math.log10(lo)));
            chart.getStyler().setYAxisMax(given ? Math.log10(hi) : Math.ceil(Math.log10(hi)));
            chart.getStyler().setyAxisTickLabelsFormattingFunction(LineChart::powerOfTen);
        }
        if (xDecadeLabels) {
            chart.getStyler().setXAxisMin(Math.floor(Math.log10(xlo)));
            chart.getStyler().setXAxisMax(Math.ceil(Math.log10(xhi)));
            chart.getStyler().setxAxisTickLabelsFormattingFunction(LineChart::powerOfTen);
        }
        Color[] colors = new Color[series.size()];
        for (int i = 0, next = 0; i < series.size(); i++) {
            Series s = series.get(i);
            colors[i] = s.color != null ? s.color : Charts.PALETTE[next++ % Charts.PALETTE.length];
        }
        for (int i = 0; i < series.size(); i++) {            // the bands first, so that every line is drawn on top
            Series s = series.get(i);
            double[][] xy = kept.get(i);
            if (s.lo == null || xy[0].length == 0) continue;
            int n = xy[0].length;
            double[] px = new double[2 * n], py = new double[2 * n];
            for (int j = 0; j < n; j++) {
                px[j] = axisX(xy[0][j], xDecadeLabels);
                py[j] = axisY(xy[3][j], decadeLabels);
                px[2 * n - 1 - j] = px[j];
                py[2 * n - 1 - j] = axisY(xy[2][j], decadeLabels);
            }
            XYSeries fill = chart.addSeries(s.name + " (spread)", px, py);
            fill.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
            fill.setMarker(SeriesMarkers.NONE);
            Color c = colors[i];
            fill.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 55));
            fill.setLineColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 90));
            fill.setLineStyle(new BasicStroke(0.8f));
            fill.setShowInLegend(false);
        }
        int shown = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double[][] xy = kept.get(i);
            if (xy[0].length == 0) continue;
            double[] x = xy[0].clone(), y = xy[1].clone();
            for (int j = 0; j < x.length; j++) {
                x[j] = axisX(x[j], xDecadeLabels);
                y[j] = axisY(y[j], decadeLabels);
            }
            XYSeries xs = chart.addSeries(s.name, x, y);
            xs.setMarker(s.markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            if (s.markers) xs.setMarkerColor(colors[i]);
            xs.setLineColor(colors[i]);
            xs.setLineStyle(s.dashed
                    ? new BasicStroke(s.width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f)
                    : new BasicStroke(s.width));
            xs.setShowInLegend(s.inLegend);
            if (s.inLegend) shown++;
        }
        chart.getStyler().setLegendVisible(shown > 1);
        if (!logX) Charts.roundXTicks(chart);
        Charts.uniformLogTicks(chart);
        if (!logY && lo < hi && Math.max(Math.abs(lo), Math.abs(hi)) < 1) {
            // XChart writes ".075" for 0.075 on a linear axis whose values are all below 1: keep the leading zero
            int decimals = (int) Math.max(1, Math.min(8, Math.ceil(-Math.log10((hi - lo) / 10)) + 1));
            chart.getStyler().setYAxisDecimalPattern("0." + "#".repeat(decimals));
        }
        if (!decadeLabels && !Double.isNaN(yMin)) chart.getStyler().setYAxisMin(yMin).setYAxisMax(yMax);
        if (shown > 1) {
            double[] yAxis = decadeLabels
                    ? new double[] {chart.getStyler().getYAxisMin(), chart.getStyler().getYAxisMax()}
                    : Double.isNaN(yMin) ? new double[] {lo, hi} : new double[] {yMin, yMax};
            chart.getStyler().setLegendPosition(placeLegend(kept, xlo, xhi, yAxis[0], yAxis[1],
                    logY && !decadeLabels, xDecadeLabels, decadeLabels));
        }
        if (integerX && !logX) {
            chart.getStyler().setxAxisTickLabelsFormattingFunction(
                    v -> Math.abs(v - Math.rint(v)) < 1e-9 ? String.valueOf(Math.round(v)) : "");
        }
        return chart;
    }

    /** The inside corners in the order a legend tries them. */
    private static final Styler.LegendPosition[] CORNERS = {Styler.LegendPosition.InsideNE,
            Styler.LegendPosition.InsideNW, Styler.LegendPosition.InsideSE, Styler.LegendPosition.InsideSW};

    /**
     * The legend's position: the one asked for if it is outside the plot or covers no data, else the first inside
     * corner that covers none, else below the plot. The plot area and the legend box are estimated in pixels from
     * the image size, the fonts and XChart's margins; the box is taken a few pixels larger than drawn.
     */
    private Styler.LegendPosition placeLegend(List<double[][]> kept, double x0, double x1, double y0, double y1,
                                              boolean logAxisY, boolean xDecades, boolean yDecades) {
        boolean inside = false;
        for (Styler.LegendPosition c : CORNERS) inside |= c == legendPosition;
        if (!inside) return legendPosition;
        double pw = width - Charts.MARGIN_LEFT - Charts.MARGIN_RIGHT, ph = height - Charts.MARGIN_TOP
                - Charts.MARGIN_BOTTOM;
        // data → pixels from the plot's top left corner, in the axis' own units (log10 on a log axis)
        boolean lx = logX && !xDecades;
        double ax0 = lx ? Math.log10(x0) : axisX(x0, xDecades), ax1 = lx ? Math.log10(x1) : axisX(x1, xDecades);
        double ay0 = logAxisY ? Math.log10(y0) : y0, ay1 = logAxisY ? Math.log10(y1) : y1;
        if (!(ax1 > ax0) || !(ay1 > ay0)) return legendPosition;
        List<double[][]> lines = new ArrayList<>();              // polylines {px[], py[]}, bands' edges too
        List<double[][]> areas = new ArrayList<>();              // bands as polygons
        for (int i = 0; i < series.size(); i++) {
            double[][] xy = kept.get(i);
            int n = xy[0].length;
            double[] px = new double[n];
            for (int j = 0; j < n; j++) {
                double x = lx ? Math.log10(xy[0][j]) : axisX(xy[0][j], xDecades);
                px[j] = (x - ax0) / (ax1 - ax0) * pw;
            }
            for (int r = 1; r < xy.length; r++) {
                double[] py = new double[n];
                for (int j = 0; j < n; j++) {
                    double y = logAxisY ? Math.log10(xy[r][j]) : axisY(xy[r][j], yDecades);
                    py[j] = (ay1 - y) / (ay1 - ay0) * ph;
                }
                lines.add(new double[][] {px, py});
            }
            if (xy.length == 4) {
                double[][] lo = lines.get(lines.size() - 2), hi = lines.get(lines.size() - 1);
                double[] qx = new double[2 * n], qy = new double[2 * n];
                for (int j = 0; j < n; j++) {
                    qx[j] = px[j];
                    qy[j] = lo[1][j];
                    qx[2 * n - 1 - j] = px[j];
                    qy[2 * n - 1 - j] = hi[1][j];
                }
                areas.add(new double[][] {qx, qy});
            }
        }
        double[] box = legendBox();
        List<Styler.LegendPosition> order = new ArrayList<>();
        order.add(legendPosition);
        for (Styler.LegendPosition c : CORNERS) if (c != legendPosition) order.add(c);
        for (Styler.LegendPosition c : order) {
            boolean east = c == Styler.LegendPosition.InsideNE || c == Styler.LegendPosition.InsideSE;
            boolean north = c == Styler.LegendPosition.InsideNE || c == Styler.LegendPosition.InsideNW;
            double left = east ? pw - box[0] : 0, top = north ? 0 : ph - box[1];
            if (!covers(lines, areas, left, top, left + box[0], top + box[1])) return c;
        }
        return Styler.LegendPosition.OutsideS;
    }

    /** The legend's size in pixels {width, height}, with the room XChart leaves around it and a few pixels more. */
    private double[] legendBox() {
        java.awt.font.FontRenderContext frc = new java.awt.font.FontRenderContext(null, true, true);
        double text = 0, lineHeight = Charts.LEGEND_FONT.getLineMetrics("Xg", frc).getHeight();
        int n = 0;
        for (Series s : series) {
            if (!s.inLegend) continue;
            text = Math.max(text, Charts.LEGEND_FONT.getStringBounds(s.name, frc).getWidth());
            n++;
        }
        double pad = 10, sample = 24, slack = 8;
        return new double[] {pad + sample + pad + text + pad + pad + slack,
                pad + n * lineHeight + (n - 1) * 4 + pad + pad + slack};
    }

    /** Whether any polyline crosses the box [left, right] × [top, bottom] or any area holds a corner of it. */
    private static boolean covers(List<double[][]> lines, List<double[][]> areas, double left, double top,
                                  double right, double bottom) {
        for (double[][] l : lines) {
            double[] x = l[0], y = l[1];
            for (int j = 0; j < x.length; j++) {
                if (inBox(x[j], y[j], left, top, right, bottom)) return true;
                if (j > 0 && segmentCrossesBox(x[j - 1], y[j - 1], x[j], y[j], left, top, right, bottom)) return true;
            }
        }
        double[][] corners = {{left, top}, {right, top}, {left, bottom}, {right, bottom}};
        for (double[][] a : areas) for (double[] c : corners) if (inPolygon(c[0], c[1], a[0], a[1])) return true;
        return false;
    }

    private static boolean inBox(double x, double y, double left, double top, double right, double bottom) {
        return x >= left && x <= right && y >= top && y <= bottom;
    }

    /** Liang–Barsky: whether the segment (x0, y0)–(x1, y1) meets the box. */
    static boolean segmentCrossesBox(double x0, double y0, double x1, double y1, double left, double top,
                                     double right, double bottom) {
        double dx = x1 - x0, dy = y1 - y0, t0 = 0, t1 = 1;
        double[] p = {-dx, dx, -dy, dy}, q = {x0 - left, right - x0, y0 - top, bottom - y0};
        for (int i = 0; i < 4; i++) {
            if (p[i] == 0) {
                if (q[i] < 0) return false;
                continue;
            }
            double t = q[i] / p[i];
            if (p[i] < 0) t0 = Math.max(t0, t);
            else t1 = Math.min(t1, t);
            if (t0 > t1) return false;
        }
        return true;
    }

    private static boolean inPolygon(double x, double y, double[] px, double[] py) {
        boolean in = false;
        for (int i = 0, j = px.length - 1; i < px.length; j = i++) {
            if ((py[i] > y) != (py[j] > y) && x < (px[j] - px[i]) * (y - py[i]) / (py[j] - py[i]) + px[i]) in = !in;
        }
        return in;
    }

    private static double axisX(double x, boolean decades) {
        return decades ? Math.log10(x) : x;
    }

    private static double axisY(double y, boolean decades) {
        return decades ? Math.log10(y) : y;
    }

    /** The points of a series that the axes can show: finite, and &gt; 0 on a log axis (lo and hi too, for a band). */
    private double[][] keep(Series s) {
        int n = 0;
        for (int i = 0; i < s.x.length; i++) if (shows(s, i)) n++;
        boolean band = s.lo != null;
        double[][] out = new double[band ? 4 : 2][n];
        for (int i = 0, m = 0; i < s.x.length; i++) {
            if (!shows(s, i)) continue;
            out[0][m] = s.x[i];
            out[1][m] = s.y[i];
            if (band) {
                out[2][m] = s.lo[i];
                out[3][m] = s.hi[i];
            }
            m++;
        }
        return out;
    }

    private boolean shows(Series s, int i) {
        return shows(s.x[i], s.y[i]) && (s.lo == null || shows(s.x[i], s.lo[i]) && shows(s.x[i], s.hi[i]));
    }

    private boolean shows(double x, double y) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    }

    /** Whether y in [lo, hi] spans more decades than a log axis of this image height can label legibly. */
    static boolean wideLogRange(double lo, double hi, int imageHeight) {
        double plotHeight = imageHeight - 110;                 // title, x tick labels and x axis title take ~110 px
        double decades = Math.log10(hi) - Math.log10(lo);
        return decades * PIXELS_PER_DECADE_LABEL > plotHeight;
    }

    /** Plot width in pixels per decade below which a log x axis is replaced by labelled powers of ten. */
    public static final int PIXELS_PER_DECADE_LABEL_X = 75;

    /** Whether x in [lo, hi] spans more decades than a log axis of this image width can label legibly. */
    static boolean wideLogXRange(double lo, double hi, int imageWidth) {
        double plotWidth = imageWidth - 120;                   // y tick labels, y axis title and padding
        double decades = Math.log10(hi) - Math.log10(lo);
        return decades * PIXELS_PER_DECADE_LABEL_X > plotWidth;
    }

    /**
     * The label of the tick at log10(y) = v: "1E-20" at whole decades (the notation of every log axis of the
     * workbook, see {@link Charts#logTickPattern}), else 10^v to two digits.
     */
    static String powerOfTen(Double v) {
        long n = Math.round(v);
        if (Math.abs(v - n) < 1e-9) return "1E" + n;
        return String.format(Locale.ROOT, "%.2g", Math.pow(10, v));
    }

    /**
     * What the chart shows, as the alternative text of its image: the title, each axis (and whether it is
     * logarithmic), the lines in the legend (dashed ones said so, and which have a band: the spread of that line)
     * and how many lines are left out of the legend. For example: "Line chart: gradient flow. x: distance T − t; y:
     * norm, log scale. Lines: ‖∂L/∂s_t‖ (with a band); bound 0.9^(T−t) (dashed). A band around a line is its
     * spread."
     *
     * @return one or two sentences for screen readers and pages that cannot show the image
     */
    public String describe() {
        StringBuilder b = new StringBuilder("Line chart");
        if (!title.isBlank()) b.append(": ").append(title.strip());
        b.append(". x: ").append(xLabel.isBlank() ? "unlabelled" : xLabel.strip()).append(logX ? ", log scale" : "")
                .append("; y: ").append(yLabel.isBlank() ? "unlabelled" : yLabel.strip())
                .append(logY ? ", log scale" : "").append('.');
        List<Series> shown = new ArrayList<>();
        int hidden = 0, bands = 0;
        for (Series s : series) {
            if (!s.inLegend) {
                hidden++;
                continue;
            }
            shown.add(s);
            if (s.lo != null) bands++;
        }
        boolean everyBand = bands > 1 && bands == shown.size();      // then said once, after the names
        List<String> names = new ArrayList<>();
        for (Series s : shown) {
            names.add(s.name + (s.dashed ? " (dashed)" : "") + (s.lo != null && !everyBand ? " (with a band)" : ""));
        }
        if (!names.isEmpty()) b.append(names.size() == 1 ? " Line: " : " Lines: ").append(String.join("; ", names));
        if (hidden > 0) b.append(names.isEmpty() ? " " : "; and ").append(hidden).append(" more line")
                .append(hidden == 1 ? "" : "s").append(" not in the legend");
        if (!names.isEmpty() || hidden > 0) b.append('.');
        if (everyBand) b.append(" Each line has a band around it: its spread.");
        else if (bands > 0) b.append(" A band around a line is its spread.");
        return b.toString();
    }

    /**
     * The chart as an HTML {@code <img>} whose alternative text is {@link #describe()}: {@code display(chart.html(),
     * "text/html")} shows the same picture as {@code display(chart.image())}, with a text for screen readers.
     *
     * @return one line of HTML (see {@link Images#html})
     */
    public String html() {
        return Images.html(image(), describe());
    }
}
