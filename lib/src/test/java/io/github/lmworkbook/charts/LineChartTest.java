package io.github.lmworkbook.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** Every rendering test has a timeout: some XChart settings make its tick calculation loop without end. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LineChartTest {

    /** y = 10^(−k) for k = 0..n−1: a decay over n − 1 decades. */
    private static double[] decay(int n) {
        double[] y = new double[n];
        for (int k = 0; k < n; k++) y[k] = Math.pow(10, -k);
        return y;
    }

    @Test
    void logYDropsPointsItCannotShowAndKeepsTheRest() {
        double[] x = {0, 1, 2, 3, 4, 5};
        double[] y = {1, 0.5, 0, Double.NaN, -1, 0.1};
        LineChart c = Charts.lines("t", "x", "y").logY();
        c.add("s", x, y);
        c.add("gone", new double[] {0, 1}, new double[] {0, Double.NaN});
        XYChart chart = c.xyChart();
        XYSeries s = chart.getSeriesMap().get("s");
        assertArrayEquals(new double[] {0, 1, 5}, s.getXData(), 0);
        assertArrayEquals(new double[] {1, 0.5, 0.1}, s.getYData(), 0);
        assertNull(chart.getSeriesMap().get("gone"), "a series with no point left is not drawn");
        assertTrue(chart.getStyler().isYAxisLogarithmic(), "one decade fits a log axis");
        assertFalse(chart.getStyler().isLegendVisible(), "one series drawn: no legend");
    }

    @Test
    void sizeDashedThinAndHiddenSeries() {
        double[] x = Charts.range(5);
        LineChart c = Charts.lines("t", "x", "y").size(500, 300);
        c.add("data", x, new double[] {1, 2, 3, 2, 1});
        c.add("bound", x, new double[] {3, 3, 3, 3, 3}).dashed().color(Color.GRAY).width(1.5f);
        c.add("other", x, new double[] {0, 1, 0, 1, 0}).hideInLegend();
        XYChart chart = c.xyChart();
        XYSeries bound = chart.getSeriesMap().get("bound");
        assertEquals(Color.GRAY, bound.getLineColor());
        assertEquals(1.5f, bound.getLineStyle().getLineWidth());
        assertTrue(bound.getLineStyle().getDashArray() != null, "dashed");
        assertNull(chart.getSeriesMap().get("data").getLineStyle().getDashArray());
        assertFalse(chart.getSeriesMap().get("other").isShowInLegend());
        assertTrue(chart.getStyler().isLegendVisible());
        BufferedImage img = c.image();
        assertEquals(500, img.getWidth());
        assertEquals(300, img.getHeight());

        assertThrows(IllegalArgumentException.class, () -> c.add("data", x, x), "a name twice");
        assertThrows(IllegalArgumentException.class, () -> Charts.lines("t", "x", "y").size(50, 300));
        assertThrows(IllegalArgumentException.class, () -> c.add("w", x, x).width(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.add("short", x, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("5 x values but 2 y values"), e.getMessage());
    }

    @Test
    void manyDecadesArePlottedAsPowersOfTenAtRoundSteps() {
        double[] k = Charts.range(41);
        LineChart c = Charts.lines("decay", "distance", "norm").logY().size(640, 420);
        c.add("10^-k", k, decay(41));                                  // 40 decades
        XYChart chart = c.xyChart();
        assertFalse(chart.getStyler().isYAxisLogarithmic(), "40 decades on 420 px: labelled powers of ten instead");
        assertEquals(-40, chart.getStyler().getYAxisMin(), 0);
        assertEquals(0, chart.getStyler().getYAxisMax(), 0);
        assertEquals(-40, chart.getSeriesMap().get("10^-k").getYData()[40], 1e-12, "log10(y) is plotted");
        BufferedImage img = c.image();                                 // finishes (the timeout guards it)
        assertEquals(420, img.getHeight());

        LineChart tall = Charts.lines("decay", "distance", "norm").logY().size(640, 1200);
        tall.add("10^-k", k, decay(41));
        assertTrue(tall.xyChart().getStyler().isYAxisLogarithmic(), "on 1200 px every decade has room");

        LineChart few = Charts.lines("decay", "distance", "norm").logY();
        few.add("10^-k", Charts.range(6), decay(6));
        assertTrue(few.xyChart().getStyler().isYAxisLogarithmic(), "5 decades stay on a log axis");
    }

    @Test
    void powerOfTenLabels() {
        assertEquals("1E0", LineChart.powerOfTen(0.0));
        assertEquals("1E1", LineChart.powerOfTen(1.0));
        assertEquals("1E-20", LineChart.powerOfTen(-20.0));
        assertEquals("1E5", LineChart.powerOfTen(5.0));
        assertEquals("3.2", LineChart.powerOfTen(0.5));
    }

    @Test
    void wideLogYLineThroughTheOneCallHelperRenders() {
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("a", new double[][] {Charts.range(41), decay(41)});
        s.put("b", new double[][] {Charts.range(41), Charts.linspace(1, 1e-3, 41)});
        BufferedImage img = Charts.line("decay", "k", "norm", true, s);
        assertEquals(Charts.HEIGHT, img.getHeight());
    }

    /** The tick labels XChart drew on an axis (read through its internals: only for checking a rendered chart). */
    static java.util.List<String> tickLabels(XYChart chart, boolean xAxis) throws Exception {
        Charts.image(chart);
        java.lang.reflect.Method pairOf = org.knowm.xchart.internal.chartpart.Chart.class.getDeclaredMethod("getAxisPair");
        pairOf.setAccessible(true);
        Object pair = pairOf.invoke(chart);
        java.lang.reflect.Method axisOf = pair.getClass().getDeclaredMethod(xAxis ? "getXAxis" : "getYAxis");
        axisOf.setAccessible(true);
        Object axis = axisOf.invoke(pair);
        java.lang.reflect.Method calc = axis.getClass().getDeclaredMethod("getAxisTickCalculator");
        calc.setAccessible(true);
        java.util.List<String> labels = new java.util.ArrayList<>(
                ((org.knowm.xchart.internal.chartpart.AxisTickCalculator) calc.invoke(axis)).getTickLabels());
        labels.removeIf(l -> l == null);
        return labels;
    }

    @Test
    void wideRangeTicksAreWholeDecades() throws Exception {
        LineChart c = Charts.lines("decay", "distance", "norm").logY().size(640, 420);
        c.add("10^-k", Charts.range(41), decay(41));
        java.util.List<String> labels = tickLabels(c.xyChart(), false);
        assertTrue(labels.contains("1E0") && labels.contains("1E-40") && labels.size() <= 12, "whole decades, steps of 5 (ticks beyond the axis are not drawn): " + labels);
        assertTrue(labels.stream().allMatch(l -> l.matches("1E-?\\d+")), labels.toString());
    }

    @Test
    void equallySpacedXGetsRoundTicks() throws Exception {
        // steps 0..299: XChart would put ticks on every 19th point (0, 19, 38, ...); the axis starts a hair below 0
        double[] x = Charts.range(300), y = new double[300];
        for (int i = 0; i < 300; i++) y[i] = Math.sin(i / 20.0);
        XYChart chart = Charts.lineChart("t", "step", "y", false, Map.of("s", new double[][] {x, y}));
        Double min = chart.getStyler().getXAxisMin();
        assertTrue(min != null && min < 0 && min > -1e-3, "x axis min " + min);
        LineChart c = Charts.lines("t", "step", "y");
        c.add("s", x, y);
        assertEquals(min, c.xyChart().getStyler().getXAxisMin());
        assertEquals(Charts.WIDTH, c.image().getWidth());
        java.util.List<String> labels = tickLabels(chart, true);
        assertTrue(labels.contains("0") && labels.contains("100") && labels.contains("200"), labels.toString());
        assertFalse(labels.contains("19"), labels.toString());

        double[] uneven = {0, 1, 3, 7};
        assertNull(Charts.lineChart("t", "x", "y", false, Map.of("s", new double[][] {uneven, uneven}))
                .getStyler().getXAxisMin(), "unequal spacing: XChart's round ticks already");
        assertNull(Charts.lineChart("t", "x", "y", true, false, Map.of("s", new double[][] {{1, 2, 3}, {1, 2, 3}}))
                .getStyler().getXAxisMin(), "log x axis: untouched");
    }

    @Test
    void aBandIsAFilledPolygonUnderItsLineInTheSameColour() {
        double[] x = {0, 1, 2}, y = {1, 2, 3}, lo = {0.5, 1.5, 2.5}, hi = {1.5, 2.5, 3.5};
        LineChart c = Charts.lines("t", "x", "y");
        c.band("mean", x, y, lo, hi);
        c.add("other", x, hi);
        c.hline("baseline", 2.0);
        XYChart chart = c.xyChart();
        java.util.List<String> names = new java.util.ArrayList<>(chart.getSeriesMap().keySet());
        assertEquals(java.util.List.of("mean (spread)", "mean", "other", "baseline"), names, "the band is drawn first");
        XYSeries band = chart.getSeriesMap().get("mean (spread)");
        assertEquals(XYSeries.XYSeriesRenderStyle.PolygonArea, band.getXYSeriesRenderStyle());
        assertFalse(band.isShowInLegend());
        assertArrayEquals(new double[] {0, 1, 2, 2, 1, 0}, band.getXData(), 0.0);
        assertArrayEquals(new double[] {1.5, 2.5, 3.5, 2.5, 1.5, 0.5}, band.getYData(), 0.0);
        Color line = chart.getSeriesMap().get("mean").getLineColor();
        assertEquals(line.getRGB() & 0xFFFFFF, band.getFillColor().getRGB() & 0xFFFFFF, "same colour, lighter");
        assertTrue(band.getFillColor().getAlpha() < 128);
        assertNotEquals(line, chart.getSeriesMap().get("other").getLineColor());
        assertArrayEquals(new double[] {0, 2}, chart.getSeriesMap().get("baseline").getXData(), 0.0);
        // the lines rise to the top right corner: the legend takes the top left one
        assertEquals(org.knowm.xchart.style.Styler.LegendPosition.InsideNW, chart.getStyler().getLegendPosition());
        assertThrows(IllegalArgumentException.class, () -> Charts.lines("t", "x", "y").hline("b", 1));
        assertThrows(IllegalArgumentException.class, () -> c.band("short", x, y, lo, new double[] {1}));
    }

    @Test
    void aLogXAxisOverManyDecadesIsLabelledAtRoundSteps() throws Exception {
        double[] h = new double[14], e = new double[14];
        for (int i = 0; i < 14; i++) {
            h[i] = Math.pow(10, -1 - i);
            e[i] = 1e-3 + h[i];
        }
        LineChart c = Charts.lines("V", "step h", "error").logX().logY();
        c.add("e", h, e);
        XYChart chart = c.xyChart();
        assertFalse(chart.getStyler().isXAxisLogarithmic(), "13 decades on the default width: powers of ten");
        assertEquals(-14, chart.getStyler().getXAxisMin(), 0);
        java.util.List<String> labels = tickLabels(chart, true);
        assertTrue(labels.size() <= 16 && labels.stream().allMatch(l -> l.matches("1E-?\\d+")),
                "whole decades, at most one label per 50 pixels: " + labels);
        LineChart few = Charts.lines("V", "h", "e").logX();
        few.add("e", new double[] {1e-3, 1e-2, 1e-1}, new double[] {1, 2, 3});
        assertTrue(few.xyChart().getStyler().isXAxisLogarithmic(), "two decades stay on a log axis");
    }

    @Test
    void integerXLabelsOnlyWholeNumbers() throws Exception {
        LineChart c = Charts.lines("t", "n", "y").integerX();
        c.add("s", new double[] {1, 2, 3, 5, 8}, new double[] {5, 4, 3, 2, 1});
        java.util.List<String> labels = tickLabels(c.xyChart(), true);
        assertTrue(labels.contains("1") && labels.contains("8"), labels.toString());
        assertTrue(labels.stream().allMatch(l -> l.isEmpty() || l.matches("\\d+")), labels.toString());
    }

    @Test
    void aYRangeLeavesRoomAboveTheLines() {
        LineChart c = Charts.lines("t", "step", "loss");
        c.add("a", new double[] {0, 1, 2}, new double[] {2.5, 2.3, 2.2});
        XYChart auto = c.xyChart();
        assertNull(auto.getStyler().getYAxisMax(), "the data's range by default");
        c.yRange(2.0, 2.8);
        XYChart set = c.xyChart();
        assertEquals(2.0, set.getStyler().getYAxisMin());
        assertEquals(2.8, set.getStyler().getYAxisMax());
        assertTrue(c.image().getHeight() > 0);
        assertThrows(IllegalArgumentException.class, () -> c.yRange(3, 2));
        assertThrows(IllegalArgumentException.class, () -> c.yRange(Double.NaN, 2));
    }

    /** A real log axis is labelled in one notation: no 0.001 beside 1E-4 (XChart's default mixes them). */
    @Test
    void aLogAxisIsLabelledInOneNotation() throws Exception {
        LineChart narrow = Charts.lines("narrow", "k", "y").logY();
        narrow.add("a", Charts.range(10), Charts.linspace(1, 1e-3, 10));
        java.util.List<String> plain = tickLabels(narrow.xyChart(), false);
        assertTrue(plain.contains("0.001") && plain.contains("1"), plain.toString());
        LineChart wider = Charts.lines("wider", "k", "y").logY();
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) y[i] = Math.pow(0.7, i);
        wider.add("a", Charts.range(30), y);
        java.util.List<String> powers = tickLabels(wider.xyChart(), false);
        assertTrue(powers.contains("1E-4") && powers.contains("1E0"), powers.toString());
        assertTrue(powers.stream().allMatch(l -> l.matches("1E-?\\d") || l.isBlank()), powers.toString());
    }

    /** The legend goes to a corner where it covers no line, and below the plot when every corner is covered. */
    @Test
    void theLegendAvoidsTheData() {
        double[] x = Charts.range(50), falling = new double[50], rising = new double[50], flat = new double[50];
        for (int i = 0; i < 50; i++) {
            falling[i] = 50 - i;
            rising[i] = i;
            flat[i] = 25;
        }
        LineChart one = Charts.lines("t", "x", "y");
        one.add("rising", x, rising);
        one.add("flat", x, flat);
        // the diagonal crosses the top right corner (the default): the next corner tried, top left, is free
        assertEquals(Styler.LegendPosition.InsideNW, one.xyChart().getStyler().getLegendPosition());
        LineChart both = Charts.lines("t", "x", "y").legend(Styler.LegendPosition.InsideSW);
        both.add("falling", x, falling);
        both.add("rising", x, rising);
        assertEquals(Styler.LegendPosition.OutsideS, both.xyChart().getStyler().getLegendPosition(),
                "an X through all four corners: below the plot");
        LineChart free = Charts.lines("t", "x", "y").legend(Styler.LegendPosition.InsideNW);
        free.add("low", x, new double[50]);
        free.add("also low", x, Charts.linspace(0, 1, 50)).hideInLegend();
        free.add("high point", new double[] {49}, new double[] {50});
        assertEquals(Styler.LegendPosition.InsideNW, free.xyChart().getStyler().getLegendPosition(),
                "the corner asked for, when it is free");
        assertTrue(LineChart.segmentCrossesBox(0, 0, 10, 10, 4, 4, 6, 6));
        assertTrue(!LineChart.segmentCrossesBox(0, 10, 3, 10, 4, 4, 6, 6));
    }
}
