package io.github.lmworkbook.gradcheck;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

import java.io.StringWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;

/**
 * The result of a gradient check: one {@link Entry} per parameter (or input) with the largest relative error
 * <pre>
 *     rel = |a − n| / max(1e-8, |a| + |n|)        a analytic, n numeric (central differences)
 * </pre>
 * over the entries checked, where it occurred, and whether it is within the threshold.
 *
 * <p>Print it ({@link #toString()}), show it in a notebook ({@code display(report.html(), "text/html")}),
 * get it as a Tablesaw {@link #table()}, or use {@link #assertPassed()} in a test.
 */
public final class GradCheckReport {

    /** PASSED: every entry within the threshold; FAILED: at least one is not; NOT_IMPLEMENTED: the gradient
     * code threw {@link UnsupportedOperationException} (an exercise still to be written). */
    public enum Status { PASSED, FAILED, NOT_IMPLEMENTED }

    /**
     * One parameter (or input) checked.
     *
     * @param name        the parameter's name ("x" for an input)
     * @param rows        its shape, rows
     * @param cols        its shape, cols
     * @param checked     how many entries were compared (all of them when small, a seeded sample otherwise)
     * @param maxRelError the largest relative error among them (NaN if a gradient was NaN)
     * @param worstRow    row index of that entry
     * @param worstCol    column index of that entry
     * @param analytic    the analytic gradient there
     * @param numeric     the central-difference gradient there
     * @param passed      maxRelError ≤ threshold
     */
    public record Entry(String name, int rows, int cols, int checked, double maxRelError, int worstRow,
                        int worstCol, double analytic, double numeric, boolean passed) {
        /** "(rows×cols)". */
        public String shape() {
            return "(" + rows + "×" + cols + ")";
        }
    }

    private final List<Entry> entries;
    private final double h;
    private final double threshold;
    private final String notImplemented; // the exception's message, or null

    GradCheckReport(List<Entry> entries, double h, double threshold, String notImplemented) {
        this.entries = List.copyOf(entries);
        this.h = h;
        this.threshold = threshold;
        this.notImplemented = notImplemented;
    }

    static GradCheckReport notImplemented(UnsupportedOperationException e, double h, double threshold) {
        String msg = e.getMessage() == null ? "not implemented yet" : e.getMessage();
        return new GradCheckReport(List.of(), h, threshold, msg);
    }

    public Status status() {
        if (notImplemented != null) return Status.NOT_IMPLEMENTED;
        for (Entry e : entries) if (!e.passed()) return Status.FAILED;
        return Status.PASSED;
    }

    /** True when the gradient code exists and every checked entry is within the threshold. */
    public boolean passed() {
        return status() == Status.PASSED;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The entry of the named parameter. */
    public Entry entry(String name) {
        for (Entry e : entries) if (e.name().equals(name)) return e;
        throw new IllegalArgumentException("no entry named '" + name + "' in the report; names: "
                + entries.stream().map(Entry::name).toList());
    }

    /** The failing entries (empty when passed or not implemented). */
    public List<Entry> failures() {
        return entries.stream().filter(e -> !e.passed()).toList();
    }

    /** The largest relative error over all entries (NaN if any is NaN, 0 if nothing was checked). */
    public double maxRelError() {
        double m = 0;
        for (Entry e : entries) {
            if (Double.isNaN(e.maxRelError())) return Double.NaN;
            m = Math.max(m, e.maxRelError());
        }
        return m;
    }

    public double h() {
        return h;
    }

    public double threshold() {
        return threshold;
    }

    /** The message of the {@link UnsupportedOperationException}, or null when the code was implemented. */
    public String notImplementedMessage() {
        return notImplemented;
    }

    /** Throws an AssertionError naming every failing parameter and where it fails, unless {@link #passed()}. */
    public GradCheckReport assertPassed() {
        if (passed()) return this;
        throw new AssertionError(summary() + "\n" + this);
    }

    /** One line: the verdict, and for a failure the parameters and positions that fail. */
    public String summary() {
        return switch (status()) {
            case NOT_IMPLEMENTED -> notImplemented.equalsIgnoreCase("not implemented yet")
                    ? "gradient check: not implemented yet"
                    : "gradient check: not implemented yet (" + notImplemented + ")";
            case PASSED -> String.format(Locale.ROOT, "gradient check PASSED: max relative error %.3e ≤ %.0e",
                    maxRelError(), threshold);
            case FAILED -> {
                StringBuilder sb = new StringBuilder("gradient check FAILED:");
                for (Entry e : failures()) {
                    sb.append(String.format(Locale.ROOT,
                            " %s%s at (%d, %d): analytic %.6e, numeric %.6e, relative error %.3e > %.0e;",
                            e.name(), e.shape(), e.worstRow(), e.worstCol(), e.analytic(), e.numeric(),
                            e.maxRelError(), threshold));
                }
                sb.setLength(sb.length() - 1);
                yield sb.toString();
            }
        };
    }

    /** A text table for terminals, preceded by the {@link #summary()}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        if (status() == Status.NOT_IMPLEMENTED) return sb.toString();
        int w = 9;
        for (Entry e : entries) w = Math.max(w, e.name().length());
        String head = "%-" + w + "s  %-12s %7s  %10s  %-12s %13s %13s  %s%n";
        sb.append(String.format(Locale.ROOT, head, "parameter", "shape", "checked", "max rel.", "worst (i, j)",
                "analytic", "numeric", "result"));
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-12s %7d  %10.3e  %-12s %13.6e %13.6e  %s%n",
                    e.name(), e.shape(), e.checked(), e.maxRelError(),
                    "(" + e.worstRow() + ", " + e.worstCol() + ")", e.analytic(), e.numeric(),
                    e.passed() ? "ok" : "FAIL"));
        }
        return sb.toString();
    }

    /** The entries as a Tablesaw table (columns parameter, shape, checked, max rel. error, i, j, analytic, numeric, result). */
    public Table table() {
        NumberColumnFormatter sci = new NumberColumnFormatter(
                new DecimalFormat("0.000E0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        DoubleColumn rel = DoubleColumn.create("max rel. error");
        DoubleColumn an = DoubleColumn.create("analytic");
        DoubleColumn nu = DoubleColumn.create("numeric");
        rel.setPrintFormatter(sci);
        an.setPrintFormatter(sci);
        nu.setPrintFormatter(sci);
        Table t = Table.create("gradient check",
                StringColumn.create("parameter"), StringColumn.create("shape"), IntColumn.create("checked"),
                rel, IntColumn.create("i"), IntColumn.create("j"), an, nu, StringColumn.create("result"));
        for (Entry e : entries) {
            t.stringColumn("parameter").append(e.name());
            t.stringColumn("shape").append(e.shape());
            t.intColumn("checked").append(e.checked());
            rel.append(e.maxRelError());
            t.intColumn("i").append(e.worstRow());
            t.intColumn("j").append(e.worstCol());
            an.append(e.analytic());
            nu.append(e.numeric());
            t.stringColumn("result").append(e.passed() ? "ok" : "FAIL");
        }
        return t;
    }

    /** HTML for a notebook: the verdict in bold, then the table. {@code display(report.html(), "text/html")}. */
    public String html() {
        String color = switch (status()) {
            case PASSED -> "#1a7f37";
            case FAILED -> "#cf222e";
            case NOT_IMPLEMENTED -> "#9a6700";
        };
        StringBuilder sb = new StringBuilder("<div><p style=\"color:").append(color).append("\"><b>")
                .append(escape(summary())).append("</b></p>");
        if (status() != Status.NOT_IMPLEMENTED) {
            StringWriter out = new StringWriter();
            new HtmlWriter().write(table(), HtmlWriteOptions.builder(out).build());
            sb.append(out);
            sb.append(String.format(Locale.ROOT,
                    "<p><small>central differences, h = %.0e; relative error |a − n| / max(1e-8, |a| + |n|)</small></p>", h));
        }
        return sb.append("</div>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
