package io.github.lmworkbook.charts;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

/**
 * Tablesaw tables for notebooks: {@code display(Tables.html(t), "text/html")} shows a table as HTML,
 * {@code Tables.text(t)} gives the plain-text rendering.
 */
public final class Tables {

    /** Rows shown by default; larger tables are cut (the caption says how many rows there are). */
    public static final int MAX_ROWS = 50;

    private Tables() {
    }

    /**
     * The table as an HTML {@code <table>}, at most {@value #MAX_ROWS} rows.
     *
     * @param table the table
     * @return the HTML
     */
    public static String html(Table table) {
        return html(table, MAX_ROWS);
    }

    /**
     * The table as an HTML {@code <table>}, showing at most {@code maxRows} rows. Cell text is escaped.
     *
     * @param table the table
     * @param maxRows the most rows shown
     * @return the HTML
     */
    public static String html(Table table, int maxRows) {
        Table shown = table.rowCount() > maxRows ? table.first(maxRows) : table;
        StringWriter out = new StringWriter();
        try {
            new HtmlWriter().write(shown, HtmlWriteOptions.builder(out).escapeText(true).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String html = out.toString();
        if (shown != table) {
            html += "\n<p><em>" + maxRows + " of " + table.rowCount() + " rows shown</em></p>";
        }
        return html;
    }

    /**
     * The table as aligned plain text (Tablesaw's {@code print}).
     *
     * @param table the table
     * @return the text
     */
    public static String text(Table table) {
        return table.print();
    }
}
