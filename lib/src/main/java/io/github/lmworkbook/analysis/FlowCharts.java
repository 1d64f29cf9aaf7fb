package io.github.lmworkbook.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The few XChart calls the analysis needs: a line chart with a logarithmic y axis, rendered to a
 * BufferedImage. (Kept private to the package; to be unified with {@code charts.Charts} later.)
 */
final class FlowCharts {
    private FlowCharts() {}

    /** An empty line chart with a log y axis. */
    static XYChart logY(String title, String xTitle, String yTitle, int width, int height) {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(true);
        chart.getStyler().setPlotGridLinesColor(new Color(235, 235, 235));
        chart.getStyler().setPlotGridLinesStroke(new BasicStroke(1f));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /**
     * Adds the points (x[i], y[i]) whose y is finite and positive (a log axis cannot show the rest, e.g. an
     * underflow to 0). Returns the series, or null when no point is left.
     */
    static XYSeries line(XYChart chart, String name, double[] x, double[] y) {
        int n = 0;
        for (double v : y) if (v > 0 && Double.isFinite(v)) n++;
        if (n == 0) return null;
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0, m = 0; i < y.length; i++) {
            if (y[i] > 0 && Double.isFinite(y[i])) {
                xs[m] = x[i];
                ys[m++] = y[i];
            }
        }
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    /**
     * Renders the chart. (XChart labels every decade of a log axis; a custom tick formatter would switch it to the
     * linear tick calculator, which never finishes over 30 decades, so none is set; over a wide range the tick
     * labels get a smaller font instead.)
     */
    static BufferedImage image(XYChart chart) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (XYSeries s : chart.getSeriesMap().values()) {
            for (double y : s.getYData()) {
                lo = Math.min(lo, y);
                hi = Math.max(hi, y);
            }
        }
        double decadesPer100px = (Math.log10(hi) - Math.log10(lo)) / (chart.getHeight() / 100.0);
        if (decadesPer100px > 3) {
            float size = decadesPer100px > 6 ? 7f : 9f;
            chart.getStyler().setAxisTickLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(size));
        }
        return BitmapEncoder.getBufferedImage(chart);
    }
}
