package io.github.lmworkbook.charts;

import org.junit.jupiter.api.Test;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.*;

/** Charts as HTML images with alternative text, and titles that fit the image. */
class ImagesTest {
    private static final Pattern IMG =
            Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"([^\"]*)\">");

    @Test
    void anImageBecomesAnImgWithItsPngAndTheAltTextEscaped() throws Exception {
        BufferedImage img = new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0xff0000);
        String html = Images.html(img, "  loss < 2 & \"dev\"\nfalls  ");
        Matcher m = IMG.matcher(html);
        assertTrue(m.matches(), html.substring(0, Math.min(200, html.length())));
        assertEquals("loss &lt; 2 &amp; &quot;dev&quot; falls", m.group(2));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertEquals(30, back.getWidth());
        assertEquals(20, back.getHeight());
        assertEquals(0xff0000, back.getRGB(3, 4) & 0xffffff);
    }

    @Test
    void anImageWithoutAltTextIsRefused() {
        BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        assertThrows(IllegalArgumentException.class, () -> Images.html(img, " "));
        assertThrows(IllegalArgumentException.class, () -> Images.html(img, null));
        assertThrows(NullPointerException.class, () -> Images.html(null, "a chart"));
    }

    @Test
    void aLineChartDescribesItsTitleAxesAndLines() {
        double[] x = {1, 2, 3}, y = {1, 0.1, 0.01};
        LineChart c = Charts.lines("gradient flow", "distance T − t", "norm").logY();
        c.band("trained", x, y, y, y);
        c.add("bound 0.9^(T−t)", x, y).dashed();
        c.add("seed 2", x, y).hideInLegend();
        c.add("seed 3", x, y).hideInLegend();
        assertEquals("Line chart: gradient flow. x: distance T − t; y: norm, log scale. Lines: trained (with a band);"
                + " bound 0.9^(T−t) (dashed); and 2 more lines not in the legend. A band around a line is its spread.",
                c.describe());
        LineChart seeds = Charts.lines("loss", "step", "loss");
        seeds.band("GRU", x, y, y, y);
        seeds.band("LSTM", x, y, y, y);
        assertEquals("Line chart: loss. x: step; y: loss. Lines: GRU; LSTM. Each line has a band around it: its spread.",
                seeds.describe());
        assertEquals("Line chart. x: step; y: unlabelled. Line: loss.",
                with(Charts.lines(null, "step", ""), "loss").describe());
        Matcher m = IMG.matcher(c.html());
        assertTrue(m.matches());
        assertEquals(Images.escape(c.describe()), m.group(2));
    }

    private static LineChart with(LineChart c, String name) {
        c.add(name, new double[] {0, 1}, new double[] {2, 1});
        return c;
    }

    @Test
    void aTitleTooWideForTheImageIsSetSmallerUntilItFits() {
        FontRenderContext frc = new FontRenderContext(null, true, true);
        String shortTitle = "Names: dev loss (seed 1, live)";
        assertSame(Charts.TITLE_FONT, Charts.titleFont(shortTitle, Charts.WIDTH));
        String longTitle = "Tiny Shakespeare, 50k, 4×: ‖∂L/∂x_t‖ by distance, trained (band: min–max of seeds) and"
                + " untrained (dashed)";
        assertTrue(Charts.TITLE_FONT.getStringBounds(longTitle, frc).getWidth() > Charts.WIDTH, "the case in point");
        Font f = Charts.titleFont(longTitle, Charts.WIDTH);
        assertTrue(f.getSize2D() < Charts.TITLE_FONT.getSize2D());
        assertTrue(f.getSize2D() >= Charts.MIN_TITLE_POINTS);
        assertTrue(f.getStringBounds(longTitle, frc).getWidth() <= Charts.WIDTH - Charts.TITLE_INSET, f.toString());
        assertEquals(Charts.TITLE_FONT.getStyle(), f.getStyle());
        // a title no size fits stops at the smallest size instead of becoming unreadable
        assertEquals(Charts.MIN_TITLE_POINTS, Charts.titleFont("x".repeat(400), Charts.WIDTH).getSize2D());
        // and the chart uses it
        var chart = Charts.lines(longTitle, "distance", "norm");
        chart.add("a", new double[] {0, 1}, new double[] {1, 2});
        assertEquals(f, chart.xyChart().getStyler().getChartTitleFont());
    }

    @Test
    void aLinearAxisOfValuesBelowOneKeepsTheLeadingZero() {
        LineChart c = Charts.lines("gain", "d", "gain");
        c.add("a", new double[] {4, 8, 16}, new double[] {0.0736, 0.0708, 0.015});
        assertEquals("0.####", c.xyChart().getStyler().getYAxisDecimalPattern());
        assertEquals("0.075", new java.text.DecimalFormat("0.####").format(0.075));
        LineChart loss = Charts.lines("loss", "step", "loss");
        loss.add("a", new double[] {0, 1}, new double[] {3.3, 2.1});
        assertNull(loss.xyChart().getStyler().getYAxisDecimalPattern(), "XChart's own labels above 1");
    }
}
