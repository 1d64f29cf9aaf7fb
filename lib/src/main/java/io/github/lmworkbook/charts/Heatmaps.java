package io.github.lmworkbook.charts;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Heatmaps of square matrices with labelled rows and columns — attention weights, where row i (a query position, top
 * to bottom) holds the weights a_ij it puts on column j (a key position, left to right) — drawn with XChart's
 * {@link HeatMapChart}, one panel per matrix, tiled into one image.
 */
public final class Heatmaps {
    private Heatmaps() {}

    /** The colours from 0 (white) to the maximum (dark blue). */
    private static final Color[] RANGE = {new Color(255, 255, 255), new Color(158, 202, 225), new Color(8, 48, 107)};

    /**
     * One heatmap as an image: m[i][j] at row i (labels[i], top to bottom) and column j (labels[j]), coloured from
     * min to max.
     *
     * @param title the chart's title
     * @param m the values, [row][column]
     * @param rowLabels the labels of the rows
     * @param colLabels the labels of the columns
     * @param min the value at the low end of the colour scale
     * @param max the value at the high end of the colour scale
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @return the image
     */
    public static BufferedImage heatmap(String title, double[][] m, String[] rowLabels, String[] colLabels, double min,
                                        double max, int width, int height) {
        int R = m.length, Cn = R == 0 ? 0 : m[0].length;
        if (R == 0 || rowLabels.length != R || colLabels.length != Cn) {
            throw new IllegalArgumentException("heatmap '" + title + "': " + R + "×" + Cn + " values for " + rowLabels.length
                    + " row and " + colLabels.length + " column labels");
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setRangeColors(RANGE);
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setDrawBorder(false);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.MONOSPACED, Font.PLAIN, 11));
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int j = 0; j < Cn; j++) xs.add(unique(colLabels[j], j));
        for (int i = R - 1; i >= 0; i--) ys.add(unique(rowLabels[i], i));     // XChart draws y upwards: row 0 on top
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < R; i++) for (int j = 0; j < Cn; j++) cells.add(new Number[] {j, R - 1 - i, m[i][j]});
        chart.addSeries("values", xs, ys, cells);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Several heatmaps with the same labels, tiled in rows of {@code columns} panels of size × size pixels under a
     * title: e.g. every head of every layer of a transformer over one name.
     *
     * @param title the title above the grid
     * @param titles the title of each panel
     * @param maps the values of each panel, [row][column]
     * @param labels the labels of the rows and columns (the same in every panel)
     * @param columns the number of panels in a row
     * @param size the width and height of a panel in pixels
     * @return the image
     */
    public static BufferedImage grid(String title, List<String> titles, List<double[][]> maps, String[] labels,
                                     int columns, int size) {
        if (titles.size() != maps.size() || maps.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("heatmap grid: " + titles.size() + " titles for " + maps.size()
                    + " maps in " + columns + " columns");
        }
        int rows = (maps.size() + columns - 1) / columns, top = 34;
        BufferedImage img = new BufferedImage(columns * size, top + rows * size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 10, 22);
        for (int k = 0; k < maps.size(); k++) {
            BufferedImage panel = heatmap(titles.get(k), maps.get(k), labels, labels, 0, 1, size, size);
            g.drawImage(panel, (k % columns) * size, top + (k / columns) * size, null);
        }
        g.dispose();
        return img;
    }

    /** XChart's categories must be distinct: a repeated label gets invisible zero-width spaces. */
    private static String unique(String label, int index) {
        return label + "\u200b".repeat(index);
    }
}
