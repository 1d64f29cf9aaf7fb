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
 * ({@code 1e-20}). The picture is the same as on a log axis; only the ticks are fewer. {@link #xyChart()} then holds
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
        Color color;
        float width = 2f;
        boolean dashed, inLegend = true;

        private Series(String name, double[] x, double[] y) {
            this.name = name;
            this.x = x;
            this.y = y;
        }

        /** The line colour (default: XChart's palette in order). */
        public Series color(Color c) {
            this.color = Objects.requireNonNull(c, "color");
            return this;
        }

        /** The line width in pixels (default 2). */
        public Series width(float w) {
            if (!(w > 0)) throw new IllegalArgumentException("series '" + name + "': line width must be > 0, got " + w);
            this.width = w;
            return this;
        }

        /** A dashed line, e.g. for a bound or a reference the data is compared with. */
        public Series dashed() {
            this.dashed = true;
            return this;
        }

        /** Leaves the series out of the legend (e.g. many thin grey lines of the same kind). */
        public Series hideInLegend() {
            this.inLegend = false;
            return this;
        }
    }

    private final String title, xLabel, yLabel;
    private boolean logX, logY;
    private int width = Charts.WIDTH, height = Charts.HEIGHT;
    private Styler.LegendPosition legendPosition = Styler.LegendPosition.OutsideE;
    private final List<Series> series = new ArrayList<>();

    LineChart(String title, String xLabel, String yLabel) {
        this.title = title == null ? "" : title;
        this.xLabel = xLabel == null ? "" : xLabel;
        this.yLabel = yLabel == null ? "" : yLabel;
    }

    /** A log y axis; points with y ≤ 0 are dropped (see the class comment). */
    public LineChart logY() {
        this.logY = true;
        return this;
    }

    /** A log x axis; points with x ≤ 0 are dropped. */
    public LineChart logX() {
        this.logX = true;
        return this;
    }

    /** The image size in pixels (default {@link Charts#WIDTH} × {@link Charts#HEIGHT}). */
    public LineChart size(int width, int height) {
        if (width < 100 || height < 100) {
            throw new IllegalArgumentException("chart size must be at least 100 × 100 pixels, got " + width + " × " + height);
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /** Where the legend goes (default outside, to the right). */
    public LineChart legend(Styler.LegendPosition position) {
        this.legendPosition = Objects.requireNonNull(position, "position");
        return this;
    }

    /** Adds a series (the arrays are copied when the chart is drawn); style it through the returned handle. */
    public Series add(String name, double[] x, double[] y) {
        Objects.requireNonNull(name, "name");
        Charts.checkSeries(name, new double[][] {x, y});
        for (Series s : series) {
            if (s.name.equals(name)) throw new IllegalArgumentException("series '" + name + "' was added twice");
        }
        Series s = new Series(name, x, y);
        series.add(s);
        return s;
    }

    /** Draws the chart. */
    public BufferedImage image() {
        return Charts.image(xyChart());
    }

    /**
     * The XChart chart behind {@link #image()}, for further styling. Over a wide log y range its y data is log10(y)
     * (see the class comment).
     */
    public XYChart xyChart() {
        List<double[][]> kept = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            double[][] xy = keep(s.x, s.y);
            kept.add(xy);
            for (double v : xy[1]) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        boolean decadeLabels = logY && lo < hi && wideLogRange(lo, hi, height);

        XYChart chart = Charts.base(title, xLabel, yLabel, width, height);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(legendPosition);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setXAxisLogarithmicDecadeOnly(logX);
        chart.getStyler().setYAxisLogarithmic(logY && !decadeLabels);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(logY && !decadeLabels);
        if (logX || logY) Charts.solidGrid(chart);
        if (decadeLabels) {
            chart.getStyler().setYAxisMin(Math.floor(Math.log10(lo)));
            chart.getStyler().setYAxisMax(Math.ceil(Math.log10(hi)));
            chart.getStyler().setyAxisTickLabelsFormattingFunction(LineChart::powerOfTen);
        }
        int shown = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double[][] xy = kept.get(i);
            if (xy[0].length == 0) continue;
            double[] y = xy[1];
            if (decadeLabels) {
                y = y.clone();
                for (int j = 0; j < y.length; j++) y[j] = Math.log10(y[j]);
            }
            XYSeries xs = chart.addSeries(s.name, xy[0], y);
            xs.setMarker(SeriesMarkers.NONE);
            if (s.color != null) xs.setLineColor(s.color);
            xs.setLineStyle(s.dashed
                    ? new BasicStroke(s.width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(s.width));
            xs.setShowInLegend(s.inLegend);
            if (s.inLegend) shown++;
        }
        chart.getStyler().setLegendVisible(shown > 1);
        if (!logX) Charts.roundXTicks(chart);
        return chart;
    }

    /** The points of (x, y) that the axes can show: finite, and &gt; 0 on a log axis. */
    private double[][] keep(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (shows(x[i], y[i])) n++;
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0, m = 0; i < x.length; i++) {
            if (shows(x[i], y[i])) {
                xs[m] = x[i];
                ys[m++] = y[i];
            }
        }
        return new double[][] {xs, ys};
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

    /** The label of the tick at log10(y) = v: "1e-20" at whole decades, else 10^v to two digits. */
    static String powerOfTen(Double v) {
        long n = Math.round(v);
        if (Math.abs(v - n) < 1e-9) {
            return n == 0 ? "1" : n == 1 ? "10" : "1e" + n;
        }
        return String.format(Locale.ROOT, "%.2g", Math.pow(10, v));
    }
}
