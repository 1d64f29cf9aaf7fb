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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a gradient check ({@link GradientChecker} says what is computed): one {@link Entry} per parameter
 * (or input) with every {@link Comparison} made, the worst one by score |a − n| / allowed (the one that decides),
 * the worst one by the plain relative error |a − n| / max(1e-8, |a| + |n|), and a verdict in words.
 *
 * <p>Print it ({@link #toString()}: the verdict, a table, one line per parameter), show it in a notebook
 * ({@code display(report.html(), "text/html")}), get it as a Tablesaw {@link #table()}, or use
 * {@link #assertPassed()} in a test.
 */
public final class GradCheckReport {

    /** PASSED: every entry within its allowed error; FAILED: at least one is not; NOT_IMPLEMENTED: the gradient
     * code threw {@link UnsupportedOperationException} (an exercise still to be written). */
    public enum Status {
        /** Every entry within its allowed error. */
        PASSED,
        /** At least one entry outside its allowed error. */
        FAILED,
        /** The gradient code threw {@link UnsupportedOperationException}: an exercise still to be written. */
        NOT_IMPLEMENTED
    }

    /**
     * One entry compared.
     *
     * @param row        its row
     * @param col        its column
     * @param analytic   a, from the backward pass
     * @param numeric    n, the five-point stencil (Richardson's extrapolation of the central differences)
     * @param step       the step of the differences: h, or a smaller one where truncation outweighed round-off
     * @param noise      σ_n, the standard deviation of n's round-off (measured from the loss's rounding)
     * @param truncation t = |n₁ − n₂| / 3, Richardson's estimate of the central difference's truncation error
     * @param absolute   the absolute part of the allowance, z·(σ_n + ρ) + t
     * @param allowed    the whole allowance, absolute + rtol·(|a| + |n|)
     */
    public record Comparison(int row, int col, double analytic, double numeric, double step, double noise,
                             double truncation, double absolute, double allowed) {
        /**
         * |a − n|.
         *
         * @return |a − n|
         */
        public double error() {
            return Math.abs(analytic - numeric);
        }

        /**
         * The plain relative error |a − n| / max(1e-8, |a| + |n|).
         *
         * @return the relative error
         */
        public double relError() {
            return GradientChecker.relError(analytic, numeric);
        }

        /**
         * |a − n| / allowed: at most 1 passes; NaN when a or n is not finite.
         *
         * @return the score
         */
        public double score() {
            double e = error();
            if (!Double.isFinite(analytic) || !Double.isFinite(numeric) || Double.isNaN(allowed)) return Double.NaN;
            return e == 0 ? 0 : e / allowed;
        }

        /**
         * Whether the entry is within its allowance.
         *
         * @return true when the score is at most 1
         */
        public boolean passed() {
            return score() <= 1;
        }

        /** Passes only thanks to the relative part rtol·(|a| + |n|): the error exceeds what the numeric
         * estimate's own error explains. Correct code does not do that; a small bug can.
         *
         * @return true when the entry passes only by the relative part
         */
        public boolean flagged() {
            return passed() && error() > absolute;
        }

        /**
         * a / n.
         *
         * @return a / n
         */
        public double ratio() {
            return analytic / numeric;
        }

        String where() {
            return "(" + row + ", " + col + ")";
        }
    }

    /**
     * One parameter (or input) checked.
     *
     * @param name          the parameter's name ("x" for an input)
     * @param rows          its shape, rows
     * @param cols          its shape, cols
     * @param checked       how many entries were compared (all of them when small, a seeded sample otherwise)
     * @param failed        how many of them failed
     * @param worst         the comparison with the largest score (null when nothing was compared)
     * @param worstRelative the comparison with the largest plain relative error (null when nothing was compared)
     * @param hint          why it fails, in words (null when it passes or no pattern was found)
     * @param verdict       one sentence: ok, ok but look closer, or FAIL with the reason
     * @param comparisons   every comparison, in index order
     */
    public record Entry(String name, int rows, int cols, int checked, int failed, Comparison worst,
                        Comparison worstRelative, String hint, String verdict, List<Comparison> comparisons) {
        /**
         * Copies the comparisons into an unmodifiable list.
         *
         * @param name the parameter's name ("x" for an input)
         * @param rows its shape, rows
         * @param cols its shape, cols
         * @param checked how many entries were compared (all of them when small, a seeded sample otherwise)
         * @param failed how many of them failed
         * @param worst the comparison with the largest score (null when nothing was compared)
         * @param worstRelative the comparison with the largest plain relative error (null when nothing was compared)
         * @param hint why it fails, in words (null when it passes or no pattern was found)
         * @param verdict one sentence: ok, ok but look closer, or FAIL with the reason
         * @param comparisons every comparison, in index order
         */
        public Entry {
            comparisons = List.copyOf(comparisons);
        }

        /**
         * "(rows×cols)".
         *
         * @return the shape, e.g. "(27×10)"
         */
        public String shape() {
            return "(" + rows + "×" + cols + ")";
        }

        /** {@return whether every compared entry is within its allowed error} */
        public boolean passed() {
            return failed == 0 && (worst == null || worst.passed());
        }

        /**
         * The largest plain relative error |a − n| / max(1e-8, |a| + |n|) (NaN if a gradient was NaN).
         *
         * @return the relative error
         */
        public double maxRelError() {
            return worstRelative == null ? 0 : worstRelative.relError();
        }

        /**
         * The largest score |a − n| / allowed (NaN if a gradient was NaN).
         *
         * @return the score
         */
        public double maxScore() {
            return worst == null ? 0 : worst.score();
        }

        /**
         * Row of the worst entry (by score).
         *
         * @return the row
         */
        public int worstRow() {
            return worst == null ? -1 : worst.row();
        }

        /**
         * Column of the worst entry (by score).
         *
         * @return the column
         */
        public int worstCol() {
            return worst == null ? -1 : worst.col();
        }

        /**
         * The analytic gradient at the worst entry (by score).
         *
         * @return a at the worst entry
         */
        public double analytic() {
            return worst == null ? 0 : worst.analytic();
        }

        /**
         * The numeric gradient at the worst entry (by score).
         *
         * @return n at the worst entry
         */
        public double numeric() {
            return worst == null ? 0 : worst.numeric();
        }

        /**
         * The entries that pass only thanks to rtol (see {@link Comparison#flagged()}).
         *
         * @return the flagged comparisons
         */
        public List<Comparison> flagged() {
            return comparisons.stream().filter(Comparison::flagged).toList();
        }

        @Override
        public String toString() {
            return name + shape() + ": " + verdict;
        }
    }

    private final List<Entry> entries;
    private final double h;
    private final double rtol;
    private final double noiseFactor;
    private final double loss;
    private final String notImplemented; // the exception's message, or null

    GradCheckReport(List<Entry> entries, double h, double rtol, double noiseFactor, double loss,
                    String notImplemented) {
        this.entries = List.copyOf(entries);
        this.h = h;
        this.rtol = rtol;
        this.noiseFactor = noiseFactor;
        this.loss = loss;
        this.notImplemented = notImplemented;
    }

    static GradCheckReport notImplemented(UnsupportedOperationException e, double h, double rtol, double z) {
        String msg = e.getMessage() == null ? "not implemented yet" : e.getMessage();
        return new GradCheckReport(List.of(), h, rtol, z, Double.NaN, msg);
    }

    /**
     * The verdict: passed, failed, or not implemented.
     *
     * @return the status
     */
    public Status status() {
        if (notImplemented != null) return Status.NOT_IMPLEMENTED;
        for (Entry e : entries) if (!e.passed()) return Status.FAILED;
        return Status.PASSED;
    }

    /** {@return true when the gradient code exists and every checked entry is within its allowed error} */
    public boolean passed() {
        return status() == Status.PASSED;
    }

    /**
     * The parameters checked, in order.
     *
     * @return one entry per parameter
     */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The entry of the named parameter.
     *
     * @param name the parameter's name
     * @return its entry
     */
    public Entry entry(String name) {
        for (Entry e : entries) if (e.name().equals(name)) return e;
        throw new IllegalArgumentException("no entry named '" + name + "' in the report; names: "
                + entries.stream().map(Entry::name).toList());
    }

    /**
     * The failing entries (empty when passed or not implemented).
     *
     * @return the failing entries
     */
    public List<Entry> failures() {
        return entries.stream().filter(e -> !e.passed()).toList();
    }

    /**
     * The largest plain relative error over all entries (NaN if any is NaN, 0 if nothing was checked).
     *
     * @return the relative error
     */
    public double maxRelError() {
        double m = 0;
        for (Entry e : entries) {
            if (Double.isNaN(e.maxRelError())) return Double.NaN;
            m = Math.max(m, e.maxRelError());
        }
        return m;
    }

    /**
     * The largest score |a − n| / allowed over all entries (NaN if any is NaN); ≤ 1 passes.
     *
     * @return the score
     */
    public double maxScore() {
        double m = 0;
        for (Entry e : entries) {
            if (Double.isNaN(e.maxScore())) return Double.NaN;
            m = Math.max(m, e.maxScore());
        }
        return m;
    }

    /** {@return the number of entries compared, over all parameters} */
    public int checked() {
        return entries.stream().mapToInt(Entry::checked).sum();
    }

    /**
     * h, the step of the differences.
     *
     * @return h
     */
    public double h() {
        return h;
    }

    /**
     * rtol, the relative part of the allowance.
     *
     * @return rtol
     */
    public double rtol() {
        return rtol;
    }

    /**
     * The same as {@link #rtol()} (its older name).
     *
     * @return rtol
     */
    public double threshold() {
        return rtol;
    }

    /**
     * z, the allowed number of standard deviations of the numeric estimate's round-off.
     *
     * @return z
     */
    public double noiseFactor() {
        return noiseFactor;
    }

    /**
     * L(θ), the loss at the unperturbed parameters (NaN when not implemented).
     *
     * @return L(θ)
     */
    public double loss() {
        return loss;
    }

    /**
     * The message of the {@link UnsupportedOperationException}, or null when the code was implemented.
     *
     * @return the message, or null
     */
    public String notImplementedMessage() {
        return notImplemented;
    }

    /**
     * Throws an AssertionError naming every failing parameter, where and why it fails, unless {@link #passed()}.
     *
     * @return this report
     */
    public GradCheckReport assertPassed() {
        if (passed()) return this;
        throw new AssertionError(summary() + "\n" + this);
    }

    /**
     * The verdict: for a pass, how many entries agree, and on a second line how closely (short lines: a notebook's
     * output does not wrap, also after an exercise's name); for a failure, one line with the parameters and
     * positions that fail, with the reason.
     *
     * @return the verdict
     */
    public String summary() {
        return switch (status()) {
            case NOT_IMPLEMENTED -> notImplemented.equalsIgnoreCase("not implemented yet")
                    ? "gradient check: not implemented yet"
                    : "gradient check: not implemented yet (" + notImplemented + ")";
            case PASSED -> String.format(Locale.ROOT,
                    "gradient check PASSED: %d entries of %d parameter%s agree\n"
                            + "  (worst at %.2f of its allowed error); max relative error %.3e", checked(),
                    entries.size(), entries.size() == 1 ? "" : "s",
                    maxScore(), maxRelError());
            case FAILED -> {
                StringBuilder sb = new StringBuilder("gradient check FAILED:");
                for (Entry e : failures()) {
                    Comparison c = e.worst();
                    sb.append(String.format(Locale.ROOT,
                            " %s%s at (%d, %d): analytic %.6e, numeric %.6e, |a − n| %.2e > allowed %.2e",
                            e.name(), e.shape(), c.row(), c.col(), c.analytic(), c.numeric(), c.error(),
                            c.allowed()));
                    if (e.failed() > 1) sb.append(String.format(Locale.ROOT, " (%d of %d entries fail)", e.failed(),
                            e.checked()));
                    sb.append(';');
                }
                sb.setLength(sb.length() - 1);
                yield sb.toString();
            }
        };
    }

    /**
     * The verdict of each parameter, one line each: "name(shape): ok …" or "name(shape): FAIL …".
     *
     * @return the verdicts
     */
    public List<String> verdicts() {
        return entries.stream().map(Entry::toString).toList();
    }

    /**
     * How the allowance was computed, in one line (for the foot of the table).
     *
     * @return the criterion
     */
    public String criterion() {
        return String.format(Locale.ROOT, "n: five-point stencil, h = %.0e%s; pass when "
                        + "|a − n| ≤ %s·(σ_n + ρ) + t + "
                        + "%.0e·(|a| + |n|), σ_n the measured round-off of n, ρ = 64ε·max|a|, t Richardson's "
                        + "truncation estimate; rel. = |a − n| / max(1e-8, |a| + |n|)", h, refinedNote(),
                fmtZ(noiseFactor), rtol);
    }

    /** {@return the number of entries measured with a step smaller than h (a strongly curved loss)} */
    public int refined() {
        int n = 0;
        for (Entry e : entries) for (Comparison c : e.comparisons()) if (c.step() != h) n++;
        return n;
    }

    private String refinedNote() {
        int n = refined();
        return n == 0 ? "" : " (" + n + " entr" + (n == 1 ? "y" : "ies") + " of a strongly curved loss with a smaller "
                + "step, where truncation outweighed round-off)";
    }

    /** A text table for terminals, preceded by the {@link #summary()} and followed by one verdict per parameter. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        if (status() == Status.NOT_IMPLEMENTED) return sb.toString();
        int w = 9;
        for (Entry e : entries) w = Math.max(w, e.name().length());
        String head = "%-" + w + "s  %-11s %7s %6s  %-12s %13s %13s %9s %9s %8s %9s %-12s  %s%n";
        sb.append(String.format(Locale.ROOT, head, "parameter", "shape", "checked", "failed", "worst (i, j)",
                "analytic", "numeric", "|a − n|", "allowed", "score", "max rel.", "at (i, j)", "result"));
        for (Entry e : entries) {
            Comparison c = e.worst(), r = e.worstRelative();
            sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-11s %7d %6d  %-12s %13.6e %13.6e %9.2e %9.2e %8.2f "
                            + "%9.2e %-12s  %s%n",
                    e.name(), e.shape(), e.checked(), e.failed(), c == null ? "-" : c.where(), e.analytic(),
                    e.numeric(), c == null ? 0 : c.error(), c == null ? 0 : c.allowed(), e.maxScore(),
                    e.maxRelError(), r == null ? "-" : r.where(), e.passed() ? "ok" : "FAIL"));
        }
        for (String v : verdicts()) sb.append(v).append('\n');
        sb.append(criterion()).append('\n');
        return sb.toString();
    }

    /**
     * The entries as a Tablesaw table: parameter, shape, checked, failed, i, j (the worst entry by score), analytic,
     * numeric, |a − n|, allowed, score, max rel. error, at (where that relative error is), result.
     *
     * @return the table
     */
    public Table table() {
        NumberColumnFormatter sci = new NumberColumnFormatter(
                new DecimalFormat("0.000E0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        NumberColumnFormatter fixed = new NumberColumnFormatter(
                new DecimalFormat("0.00", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        DoubleColumn an = DoubleColumn.create("analytic");
        DoubleColumn nu = DoubleColumn.create("numeric");
        DoubleColumn err = DoubleColumn.create("|a − n|");
        DoubleColumn allowed = DoubleColumn.create("allowed");
        DoubleColumn score = DoubleColumn.create("score");
        DoubleColumn rel = DoubleColumn.create("max rel. error");
        for (DoubleColumn c : List.of(an, nu, err, allowed, rel)) c.setPrintFormatter(sci);
        score.setPrintFormatter(fixed);
        Table t = Table.create("gradient check",
                StringColumn.create("parameter"), StringColumn.create("shape"), IntColumn.create("checked"),
                IntColumn.create("failed"), IntColumn.create("i"), IntColumn.create("j"), an, nu, err, allowed,
                score, rel, StringColumn.create("at"), StringColumn.create("result"));
        for (Entry e : entries) {
            Comparison c = e.worst();
            t.stringColumn("parameter").append(e.name());
            t.stringColumn("shape").append(e.shape());
            t.intColumn("checked").append(e.checked());
            t.intColumn("failed").append(e.failed());
            t.intColumn("i").append(e.worstRow());
            t.intColumn("j").append(e.worstCol());
            an.append(e.analytic());
            nu.append(e.numeric());
            err.append(c == null ? 0 : c.error());
            allowed.append(c == null ? 0 : c.allowed());
            score.append(e.maxScore());
            rel.append(e.maxRelError());
            t.stringColumn("at").append(e.worstRelative() == null ? "-" : e.worstRelative().where());
            t.stringColumn("result").append(e.passed() ? "ok" : "FAIL");
        }
        return t;
    }

    /**
     * HTML for a notebook: the verdict in bold, the table, the verdict of each parameter, and the criterion.
     *
     * @return the HTML
     */
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
            sb.append("<ul>");
            for (Entry e : entries) {
                sb.append("<li").append(e.passed() ? ">" : " style=\"color:#cf222e\">").append("<code>")
                        .append(escape(e.name())).append("</code>: ").append(escape(e.verdict())).append("</li>");
            }
            sb.append("</ul><p><small>").append(escape(criterion())).append("</small></p>");
        }
        return sb.append("</div>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ---- the verdict of one parameter, in words ------------------------------------------------------------

    /** Builds the entry of one parameter from its comparisons: worst entries, verdict and hint. */
    static Entry entry(String name, int rows, int cols, List<Comparison> cs, double rtol, double z) {
        if (cs.isEmpty()) {
            return new Entry(name, rows, cols, 0, 0, null, null, null, "nothing to compare (no entries)", cs);
        }
        Comparator<Comparison> byScore = Comparator.comparingDouble(c -> nanLast(c.score()));
        Comparator<Comparison> byRel = Comparator.comparingDouble(c -> nanLast(c.relError()));
        Comparison worst = cs.stream().max(byScore).orElseThrow();
        Comparison worstRel = cs.stream().max(byRel).orElseThrow();
        List<Comparison> bad = cs.stream().filter(c -> !c.passed()).sorted(byScore.reversed()).toList();
        if (bad.isEmpty()) {
            return new Entry(name, rows, cols, cs.size(), 0, worst, worstRel, null,
                    okVerdict(cs, worst, worstRel, rtol, z), cs);
        }
        String hint = hint(rows, cols, cs, bad);
        StringBuilder v = new StringBuilder(String.format(Locale.ROOT, "FAIL: %d of %d entries disagree.",
                bad.size(), cs.size()));
        if (hint != null) v.append(' ').append(hint);
        v.append(bad.size() == 1 ? " The failing entry: " : " The worst: ");
        for (int k = 0; k < Math.min(3, bad.size()); k++) {
            Comparison c = bad.get(k);
            if (k > 0) v.append("; ");
            v.append(String.format(Locale.ROOT, "%s analytic %.4e, numeric %.4e, |a − n| %.2e > allowed %.2e",
                    c.where(), c.analytic(), c.numeric(), c.error(), c.allowed()));
        }
        v.append('.');
        return new Entry(name, rows, cols, cs.size(), bad.size(), worst, worstRel, hint, v.toString(), cs);
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static String okVerdict(List<Comparison> cs, Comparison worst, Comparison worstRel, double rtol, double z) {
        List<Comparison> flagged = cs.stream().filter(Comparison::flagged).toList();
        if (!flagged.isEmpty()) {
            Comparison f = flagged.stream().max(Comparator.comparingDouble(c -> c.error() / c.absolute()))
                    .orElseThrow();
            return String.format(Locale.ROOT, "ok, but look closer: %d of %d entries pass only thanks to the relative "
                            + "tolerance; at %s |a − n| = %.2e is %.0f× the error the numeric estimate can have "
                            + "(%.2e). Correct code stays well within that; a small missing term would look like this.",
                    flagged.size(), cs.size(), f.where(), f.error(), f.error() / f.absolute(), f.absolute());
        }
        String s = String.format(Locale.ROOT, "ok: %s agree within their allowed error (closest: %s at %.2f of it).",
                cs.size() == 1 ? "the entry and its gradient" : "all " + cs.size() + " entries", worst.where(),
                worst.score());
        if (worstRel.relError() > rtol) {
            s += String.format(Locale.ROOT, " Its largest relative error, %.1e at %s, is the round-off of the "
                            + "numeric estimate (σ_n = %.1e: the rounding of the loss, magnified by 1/h) "
                            + "seen on an entry of size %.1e: not a bug.",
                    worstRel.relError(), worstRel.where(), worstRel.noise(),
                    Math.max(Math.abs(worstRel.analytic()), Math.abs(worstRel.numeric())));
        }
        return s;
    }

    /** Why the failing entries fail, when a pattern explains it; null otherwise. */
    static String hint(int rows, int cols, List<Comparison> all, List<Comparison> bad) {
        for (Comparison c : bad) {
            if (!Double.isFinite(c.analytic())) {
                return "The analytic gradient is " + c.analytic() + " at " + c.where() + ".";
            }
        }
        for (Comparison c : bad) {
            if (!Double.isFinite(c.numeric())) {
                return "The loss is not finite near θ (NaN or ∞ at θ ± h or θ ± 2h, entry " + c.where()
                        + "): check the forward pass.";
            }
        }
        if (bad.stream().allMatch(c -> c.analytic() == 0)) {
            return "The analytic gradient is 0 on " + every(bad) + " while the loss does change: this gradient is "
                    + "never accumulated (a missing term, e.g. a bias gradient Σ dz, or a loop that stops early).";
        }
        if (bad.stream().allMatch(c -> Math.abs(c.numeric()) <= c.absolute())) {
            return "The loss does not change when these entries move (numeric ≈ 0), but the analytic gradient is "
                    + "not 0: gradient added to the wrong place, or to an entry the loss does not use.";
        }
        List<Comparison> reliable = bad.stream().filter(c -> Math.abs(c.numeric()) > c.absolute()).toList();
        if (!reliable.isEmpty()) {
            double[] r = reliable.stream().mapToDouble(Comparison::ratio).sorted().toArray();
            double k = r[r.length / 2];
            boolean constant = true;
            for (double x : r) constant &= Math.abs(x - k) <= 0.01 * Math.abs(k);
            if (constant && Math.abs(k + 1) <= 0.01) {
                return "analytic = −numeric on " + every(reliable) + ": the sign is flipped.";
            }
            if (constant && Math.abs(k - 1) <= 0.02) {
                double worst = 0;
                for (double x : r) worst = Math.max(worst, Math.abs(x - 1));
                return String.format(Locale.ROOT, "analytic/numeric is within %.1g of 1 on %s: no factor or sign is "
                        + "wrong, a small term is missing or extra (a regularization or smoothing term, the last step "
                        + "of a loop, a truncated sum).", Math.max(worst, 1e-12), every(reliable));
            }
            if (constant && r.length >= 2) { // one entry alone cannot tell a factor from any other error
                return "analytic/numeric ≈ " + factor(k) + " on " + every(reliable) + ": a missing or extra factor"
                        + factorGuess(k) + ".";
            }
        }
        if (rows == cols && rows > 1) {
            Map<Long, Comparison> at = new HashMap<>();
            for (Comparison c : all) at.put((long) c.row() * cols + c.col(), c);
            int pairs = 0, matches = 0;
            for (Comparison c : bad) {
                if (c.row() == c.col()) continue;
                Comparison t = at.get((long) c.col() * cols + c.row());
                if (t == null) continue;
                pairs++;
                if (Math.abs(c.analytic() - t.numeric()) <= t.allowed()) matches++;
            }
            if (pairs >= 2 && matches >= 0.75 * pairs) {
                return "The analytic gradient at (i, j) matches the numeric one at (j, i) on " + matches + " of "
                        + pairs + " failing entries: a missing or extra transpose.";
            }
        }
        if (reliable.size() >= 2) {
            long flipped = reliable.stream().filter(c -> Math.signum(c.analytic()) == -Math.signum(c.numeric()))
                    .count();
            if (flipped * 4 >= 3 * reliable.size()) {
                return "The sign is flipped on " + flipped + " of " + reliable.size() + " failing entries (but "
                        + "analytic/numeric is not constant): a term with the wrong sign.";
            }
        }
        return null;
    }

    private static String every(List<Comparison> cs) {
        return cs.size() == 1 ? "the failing entry" : "every failing entry (" + cs.size() + ")";
    }

    /** k as "4", "1/4" or "0.873". */
    static String factor(double k) {
        double m = Math.rint(k);
        if (m != 0 && Math.abs(k - m) <= 1e-3 * Math.abs(k)) return String.format(Locale.ROOT, "%.0f", m);
        double inv = Math.rint(1 / k);
        if (inv != 0 && Math.abs(1 / k - inv) <= 1e-3 * Math.abs(1 / k)) {
            return String.format(Locale.ROOT, "%s1/%.0f", inv < 0 ? "−" : "", Math.abs(inv));
        }
        return String.format(Locale.ROOT, "%.4g", k);
    }

    private static String factorGuess(double k) {
        double m = Math.rint(k), inv = Math.rint(1 / k);
        if (m == 2 && Math.abs(k - 2) <= 2e-3) return " (×2: the gradient added twice?)";
        if (m >= 3 && Math.abs(k - m) <= 1e-3 * k) return " (×" + (long) m + ": a mean's 1/N missing?)";
        if (inv == 2 && Math.abs(1 / k - 2) <= 2e-3) return " (×1/2: a factor 2 missing, e.g. d(x²)/dx = 2x?)";
        if (inv >= 3 && Math.abs(1 / k - inv) <= 1e-3 / k) return " (×1/" + (long) inv + ": divided by N twice?)";
        return "";
    }

    private static String fmtZ(double z) {
        return z == Math.rint(z) ? String.format(Locale.ROOT, "%.0f", z) : String.format(Locale.ROOT, "%.3g", z);
    }
}
