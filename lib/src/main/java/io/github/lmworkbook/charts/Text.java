package io.github.lmworkbook.charts;

/**
 * Printed text for a notebook column. A notebook wraps a long output line wherever the column ends, mid-word; a
 * cell prints {@code Text.wrap(line, 100)} instead, which breaks it at spaces into lines of at most 100 characters
 * (the workbook's line limit), the continuation lines indented by two spaces.
 *
 * <pre>{@code
 * System.out.println(Text.wrap(String.format("dev loss %s; count-based: bigram %.4f ...", ...), 100));
 * }</pre>
 */
public final class Text {
    private Text() {
    }

    /**
     * The text with every line longer than width broken at spaces into lines of at most width characters, each
     * continuation indented by two spaces. A word longer than a line is left whole. Line breaks already in the text
     * are kept.
     *
     * @param text  any text (null is taken as "")
     * @param width the longest line, at least 10 characters
     * @return the wrapped text
     */
    public static String wrap(String text, int width) {
        if (width < 10) throw new IllegalArgumentException("wrap: width " + width + " is below 10 characters");
        if (text == null) return "";
        StringBuilder out = new StringBuilder(text.length() + 16);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) out.append('\n');
            wrapLine(lines[i], width, out);
        }
        return out.toString();
    }

    private static void wrapLine(String line, int width, StringBuilder out) {
        String rest = line;
        boolean first = true;
        while (true) {
            String prefix = first ? "" : "  ";
            int room = width - prefix.length();
            if (rest.length() <= room) {
                out.append(prefix).append(rest);
                return;
            }
            int cut = rest.lastIndexOf(' ', room);
            if (cut <= 0) cut = rest.indexOf(' ', room);            // a word longer than the line: left whole
            if (cut <= 0) {
                out.append(prefix).append(rest);
                return;
            }
            out.append(prefix).append(rest, 0, cut).append('\n');
            rest = rest.substring(cut).stripLeading();
            first = false;
        }
    }
}
