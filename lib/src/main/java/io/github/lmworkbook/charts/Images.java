package io.github.lmworkbook.charts;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A chart as an HTML {@code <img>} with alternative text, for {@code display(…, "text/html")}.
 *
 * <pre>{@code
 * display(chart.html(), "text/html");                                  // a LineChart describes itself
 * display(Images.html(Heatmaps.grid(...), "attention weights of ..."), "text/html");
 * }</pre>
 *
 * <p>{@code display(image)} shows an {@code image/png} output, and JupyterLab draws that as an {@code <img>} without
 * an {@code alt} attribute (nbconvert's HTML writes "No description has been provided for this image"): a screen
 * reader has nothing to read, and a page that cannot show the image shows nothing in its place. An HTML output is the
 * one way a kernel can give an image its text. The image is scaled to the notebook column as an {@code image/png}
 * output is (JupyterLab's {@code max-width: 100%} on both).
 */
public final class Images {
    private Images() {
    }

    /**
     * The image as {@code <img src="data:image/png;base64,…" alt="…">}.
     *
     * @param image the picture, e.g. {@code chart.image()} or {@link Heatmaps#grid}
     * @param alt   what the image shows, in a sentence or two (not blank); HTML special characters are escaped
     * @return one line of HTML for {@code display(…, "text/html")}
     */
    public static String html(BufferedImage image, String alt) {
        Objects.requireNonNull(image, "image");
        if (alt == null || alt.isBlank()) {
            throw new IllegalArgumentException("an image needs a text that says what it shows (alt), got none");
        }
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png(image)) + "\" alt=\""
                + escape(alt.strip()) + "\">";
    }

    /** The image encoded as PNG. */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) throw new IllegalStateException("no PNG writer for this image");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Text for an HTML attribute value in double quotes. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '\n', '\r', '\t' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
