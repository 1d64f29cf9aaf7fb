package io.github.lmworkbook.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class ChartsTest {

    /** Number of distinct colours in the image: a blank or failed rendering has one or two. */
    private static long colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    @Test
    void lineChartRendersHeadless() {
        double[] x = Charts.linspace(-3, 3, 61);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("tanh", new double[][] {x, y});
        series.put("x/3", new double[][] {x, java.util.Arrays.stream(x).map(v -> v / 3).toArray()});

        BufferedImage img = Charts.line("tanh", "x", "y", false, series);

        assertEquals("true", System.getProperty("java.awt.headless"));
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT, img.getHeight());
        assertTrue(colours(img) > 10, "the chart has text, axes and coloured lines");
    }

    @Test
    void logYAxisNeedsPositiveValues() {
        double[][] ok = {{1, 2, 3}, {10, 1, 0.1}};
        assertEquals(Charts.HEIGHT, Charts.line("loss", "step", "loss", true, Map.of("loss", ok)).getHeight());

        double[][] bad = {{1, 2, 3}, {1, 0, 0.1}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.line("loss", "step", "loss", true, Map.of("loss", bad)));
        assertTrue(e.getMessage().contains("y > 0"), e.getMessage());
    }

    @Test
    void logLogLineChart() {
        double[] h = {1e-1, 1e-4, 1e-8, 1e-12};
        double[][] v = {h, {1e-3, 1e-9, 1e-8, 1e-4}};
        XYChart chart = Charts.lineChart("error", "h", "rel. error", true, true, Map.of("central", v));
        assertTrue(chart.getStyler().isXAxisLogarithmic());
        assertTrue(chart.getStyler().isYAxisLogarithmic());
        assertFalse(Charts.lineChart("loss", "step", "loss", true, Map.of("s", v)).getStyler().isXAxisLogarithmic());
        BufferedImage img = Charts.line("error", "h", "rel. error", true, true, Map.of("central", v));
        assertEquals(Charts.WIDTH, img.getWidth());
        assertTrue(colours(img) > 10);

        double[][] zeroX = {{0, 1e-2}, {1, 2}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.line("e", "h", "err", true, false, Map.of("s", zeroX)));
        assertTrue(e.getMessage().contains("log x axis needs x > 0"), e.getMessage());
    }

    @Test
    void mismatchedSeriesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.line("t", "x", "y", false, Map.of("s", new double[][] {{1, 2}, {1}})));
        assertTrue(e.getMessage().contains("2 x values but 1 y values"), e.getMessage());
    }

    @Test
    void scatterWithLabelsRenders() {
        BufferedImage img = Charts.scatter("embedding", "dim 0", "dim 1",
                new double[] {0, 1, 2}, new double[] {0, 1, 0.5}, new String[] {"a", "b", "c"});
        assertEquals(Charts.WIDTH, img.getWidth());
        assertTrue(colours(img) > 10);
        assertThrows(IllegalArgumentException.class, () -> Charts.scatter("e", "x", "y",
                new double[] {0, 1}, new double[] {0, 1}, new String[] {"a"}));
        BufferedImage multi = Charts.scatter("s", "x", "y", Map.of("a", new double[][] {{0, 1}, {1, 0}}));
        assertEquals(Charts.HEIGHT, multi.getHeight());
    }

    @Test
    void equalAxesGiveAUnitTheSameLengthInPixelsOnBothAxes() {
        double[] xs = {-3, 3, 0, 0}, ys = {0, 0, -1, 1};
        XYChart chart = Charts.base("e", "x", "y", 800, 760);
        Charts.equalAxes(chart, xs, ys, 800, 760);
        double xSpan = chart.getStyler().getXAxisMax() - chart.getStyler().getXAxisMin();
        double ySpan = chart.getStyler().getYAxisMax() - chart.getStyler().getYAxisMin();
        double pw = 800 - Charts.MARGIN_LEFT - Charts.MARGIN_RIGHT, ph = 760 - Charts.MARGIN_TOP - Charts.MARGIN_BOTTOM;
        assertEquals(xSpan / pw, ySpan / ph, 1e-12, "units per pixel");
        assertTrue(xSpan > 6 && chart.getStyler().getXAxisMin() < -3, "every point inside");
        BufferedImage img = Charts.scatter("e", "x", "y", xs, ys, new String[] {"a", "b", "c", "d"}, true);
        assertTrue(colours(img) > 10);
    }

    @Test
    void labelsOfCrowdedPointsNeitherOverlapNorCoverAPoint() {
        // three points 6 px apart (k, h, x in the embedding) and two more close by, one far away
        double[] px = {300, 306, 303, 310, 296, 600}, py = {200, 200, 205, 194, 208, 100};
        int n = px.length;
        double[] w = new double[n], h = new double[n];
        Arrays.fill(w, 11);
        Arrays.fill(h, 12);
        double r = 5;
        double[][] at = Charts.placeLabels(px, py, w, h, r, 800, 600);
        for (int i = 0; i < n; i++) {
            double[] a = box(at[i], w[i], h[i]);
            assertTrue(a[0] >= 0 && a[1] >= 0 && a[2] <= 800 && a[3] <= 600, "inside the plot: " + i);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double[] b = box(at[j], w[j], h[j]);
                    assertFalse(a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3], "labels " + i + ", " + j);
                }
                double nx = Math.max(a[0], Math.min(px[j], a[2])), ny = Math.max(a[1], Math.min(py[j], a[3]));
                assertTrue(Math.hypot(px[j] - nx, py[j] - ny) >= r, "label " + i + " covers point " + j);
            }
        }
        // the lone point keeps its label right beside it, on the right, without a leader line
        assertEquals(0, at[5][2]);
        assertTrue(at[5][0] > px[5] && at[5][0] - px[5] < r + w[5], "beside: " + Arrays.toString(at[5]));
        assertEquals(py[5], at[5][1], 1e-9);
        // and the same input gives the same places
        assertArrayEquals(at[2], Charts.placeLabels(px, py, w, h, r, 800, 600)[2], 0.0);
    }

    private static double[] box(double[] centre, double w, double h) {
        return new double[] {centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2};
    }

    @Test
    void linspaceAndRange() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, Charts.linspace(0, 1, 5), 1e-15);
        assertArrayEquals(new double[] {0, 1, 2}, Charts.range(3), 0);
    }

    @Test
    void tableAsEscapedHtml() {
        Table t = Table.create("t", IntColumn.create("n", 1, 2), StringColumn.create("s", "<b>x</b>", "y & z"));

        String html = Tables.html(t);

        assertTrue(html.startsWith("<table>"), html);
        assertTrue(html.contains("<th>n</th>") && html.contains("<th>s</th>"), html);
        assertTrue(html.contains("&lt;b&gt;x&lt;/b&gt;"), "cell text is escaped: " + html);
        assertFalse(html.contains("rows shown"));
        assertTrue(Tables.text(t).contains("y & z"));
    }

    @Test
    void largeTablesAreCut() {
        double[] v = new double[120];
        Table t = Table.create("big", DoubleColumn.create("v", v));

        String html = Tables.html(t, 10);

        assertEquals(10, html.split("<tr>", -1).length - 2, "header row + 10 body rows");
        assertTrue(html.contains("10 of 120 rows shown"), html);
    }
}
