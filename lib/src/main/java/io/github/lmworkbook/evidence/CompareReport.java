package io.github.lmworkbook.evidence;

import io.github.lmworkbook.charts.Charts;
import io.github.lmworkbook.charts.LineChart;
import io.github.lmworkbook.experiments.Comparison;
import io.github.lmworkbook.experiments.SeedResults;
import io.github.lmworkbook.experiments.Summary;
import io.github.lmworkbook.train.CrossEntropy;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Notebook 06's tables and charts, read from the committed evidence (and the same for {@code compare}): the language
 * models at their learning rate chosen on dev, the learning-rate sweeps, the learning curves, the decay of the
 * gradient trained and untrained, and the tasks.
 */
public final class CompareReport {
    private CompareReport() {}

    /**
     * The models in order.
     *
     * @return the model names
     */
    public static List<String> models() {
        return CompareEvidence.MODELS;
    }

    /**
     * The sizes ("10k", "50k").
     *
     * @return the size names
     */
    public static List<String> sizes() {
        return CompareEvidence.SIZES;
    }

    /** The metric names of the language-model runs. */
    public static final String DEV = CompareEvidence.DEV, TEST = CompareEvidence.TEST,
            UNTRAINED = CompareEvidence.UNTRAINED, FACTOR = CompareEvidence.FACTOR, FACTOR0 = CompareEvidence.FACTOR0,
            REACH = CompareEvidence.REACH, DECAY = CompareEvidence.DECAY, DECAY0 = CompareEvidence.DECAY0;

    /** "names" or "tinyshakespeare" of a language-model experiment. */
    private static CompareEvidence.Corpus corpus(Evidence lm) {
        return lm.id().equals("lm-names") ? CompareEvidence.names() : CompareEvidence.bard();
    }

    /**
     * How a model is built at a size on the experiment's corpus: "2 layers, 1 head of 18, C = 18 · 9,540".
     *
     * @param lm the results of the language-model experiment
     * @param model the model's name
     * @param size the size's name
     * @return the sizes and the parameter count
     */
    public static String sizes(Evidence lm, String model, String size) {
        CompareEvidence.Corpus k = corpus(lm);
        Comparison.Sized s = Comparison.match(CompareEvidence.contender(model, 16), k.V(), k.block(),
                CompareEvidence.params(size));
        return String.format(Locale.ROOT, "%s · %,d", s.sizes(), s.params());
    }

    /**
     * The condition of a model at a size with the lowest mean dev loss at a budget.
     *
     * @param lm the results of the language-model experiment
     * @param model the model's name
     * @param size the size's name
     * @param scale the budget, as a multiple of the base budget
     * @return the condition
     */
    public static Condition best(Evidence lm, String model, String size, int scale) {
        return lm.best(scale, DEV, "model", model, "size", size);
    }

    /**
     * One row per model: for each size and budget the test loss at the learning rate chosen on dev (mean ± std over
     * the seeds, and the lr), and the untrained model's dev loss (the control).
     *
     * @param lm the results of the language-model experiment
     * @return the table
     */
    public static Table lossTable(Evidence lm) {
        return lossTable(lm, false);
    }

    /**
     * {@link #lossTable(Evidence)} in nats per character (false), or the same numbers in bits per character (true:
     * every loss ÷ ln 2, which carries through a mean and a standard deviation).
     *
     * @param lm the results of the language-model experiment
     * @param bits whether the losses are in bits
     * @return the table
     */
    public static Table lossTable(Evidence lm, boolean bits) {
        double f = bits ? 1 / CrossEntropy.LN2 : 1;                         // nats → bits
        Table t = Table.create(lm.id() + ": test " + (bits ? "bits per character" : "loss") + " at the learning rate"
                + " chosen on dev (mean ± std over seeds)");
        t.addColumns(StringColumn.create("model", models()));
        for (String size : sizes()) {
            t.addColumns(StringColumn.create(size + ": sizes · parameters",
                    models().stream().map(m -> sizes(lm, m, size)).toList()));
            for (int s : lm.scales()) {
                List<String> cells = new ArrayList<>();
                for (String m : models()) {
                    Condition c = best(lm, m, size, s);
                    cells.add(lm.summary(c, s, TEST).times(f).meanPlusMinus() + " (lr " + c.get("lr") + ")");
                }
                t.addColumns(StringColumn.create(size + ", " + s + "×", cells));
            }
        }
        List<String> untrained = new ArrayList<>();
        for (String m : models()) {
            untrained.add(lm.summary(lm.the("model", m, "size", sizes().get(0), "lr", "1e-3"), 1, UNTRAINED)
                    .times(f).meanPlusMinus());
        }
        return t.addColumns(StringColumn.create("untrained (" + sizes().get(0) + ")", untrained));
    }

    /**
     * Dev loss against the learning rate (log axis) for every model at a size and budget; band: min–max of seeds.
     *
     * @param lm the results of the language-model experiment
     * @param size the size's name
     * @param scale the budget, as a multiple of the base budget
     * @return the chart
     */
    public static LineChart lrChart(Evidence lm, String size, int scale) {
        LineChart chart = Charts.lines(title(lm) + ", " + size + " parameters, " + scale
                + "× budget: dev loss against the learning rate (band: min–max of seeds)", "learning rate",
                "dev loss (nats per character)").logX();
        for (String m : models()) {
            List<Condition> cs = lm.where("model", m, "size", size);
            double[] x = new double[cs.size()], mean = new double[cs.size()], lo = new double[cs.size()],
                    hi = new double[cs.size()];
            for (int i = 0; i < cs.size(); i++) {
                Summary s = lm.summary(cs.get(i), scale, DEV);
                x[i] = cs.get(i).number("lr");
                mean[i] = s.mean();
                lo[i] = s.min();
                hi[i] = s.max();
            }
            chart.band(m, x, mean, lo, hi).markers();
        }
        return chart;
    }

    /**
     * Dev loss against the step at each model's learning rate chosen on dev, at a size and budget.
     *
     * @param lm the results of the language-model experiment
     * @param size the size's name
     * @param scale the budget, as a multiple of the base budget
     * @return the chart
     */
    public static LineChart curves(Evidence lm, String size, int scale) {
        LineChart chart = Charts.lines(title(lm) + ", " + size + " parameters, " + scale + "× budget: dev loss"
                + " during training at the lr chosen on dev (band: min–max of seeds)", "step",
                "dev loss (nats per character)");
        double top = Double.NEGATIVE_INFINITY, bottom = Double.POSITIVE_INFINITY;
        for (String m : models()) {
            Condition c = best(lm, m, size, scale);
            SeedResults.Band b = lm.band(c, scale, DEV);
            int from = 1;                                   // the untrained point is far above: leave it out
            double[] x = java.util.Arrays.copyOfRange(b.x(), from, b.x().length);
            chart.band(m + " (lr " + c.get("lr") + ")", x, java.util.Arrays.copyOfRange(b.mean(), from, b.x().length),
                    java.util.Arrays.copyOfRange(b.min(), from, b.x().length),
                    java.util.Arrays.copyOfRange(b.max(), from, b.x().length));
            for (int i = from; i < b.x().length; i++) {
                top = Math.max(top, b.max()[i]);
                bottom = Math.min(bottom, b.min()[i]);
            }
        }
        return chart.yRange(bottom - 0.02, top + 0.25 * (top - bottom));
    }

    /**
     * ‖∂L/∂x_t‖ against the distance for every model at a size and budget (at its lr chosen on dev): the trained
     * models as lines with the band of the seeds, the untrained ones dashed; log scale. Distances where the gradient
     * is exactly zero (beyond the MLP's window) are left out.
     *
     * @param lm the results of the language-model experiment
     * @param size the size's name
     * @param scale the budget, as a multiple of the base budget
     * @return the chart
     */
    public static LineChart decayChart(Evidence lm, String size, int scale) {
        LineChart chart = Charts.lines(title(lm) + ", " + size + ", " + scale + "×: ‖∂L/∂x_t‖ by distance, trained"
                + " (band: min–max of seeds) and untrained (dashed)", "distance T − 1 − t", "‖∂L/∂x_t‖").logY();
        int i = 0;
        for (String m : models()) {
            Condition c = best(lm, m, size, scale);
            java.awt.Color color = Charts.PALETTE[i++ % Charts.PALETTE.length];
            SeedResults.Band t = lm.band(c, scale, DECAY), u = lm.band(c, scale, DECAY0);
            int n = positive(t.min()), n0 = positive(u.min());
            chart.band(String.format(Locale.ROOT, "%s (factor %.3f; untrained %.3f)", m, lm.mean(c, scale, FACTOR),
                    lm.mean(c, scale, FACTOR0)), java.util.Arrays.copyOf(t.x(), n), java.util.Arrays.copyOf(t.mean(), n),
                    java.util.Arrays.copyOf(t.min(), n), java.util.Arrays.copyOf(t.max(), n)).color(color);
            chart.add(m + " untrained", java.util.Arrays.copyOf(u.x(), n0), java.util.Arrays.copyOf(u.mean(), n0))
                    .dashed().color(color).hideInLegend();
        }
        return chart;
    }

    private static int positive(double[] v) {
        int n = 0;
        while (n < v.length && v[n] > 0) n++;
        return n;
    }

    /**
     * The fitted per-step factor, trained and untrained, per model, size and budget (mean ± std over seeds).
     *
     * @param lm the results of the language-model experiment
     * @return the table
     */
    public static Table factorTable(Evidence lm) {
        Table t = Table.create(lm.id() + ": per-step factor of ‖∂L/∂x_t‖, trained vs untrained");
        t.addColumns(StringColumn.create("model", models()));
        for (String size : sizes()) {
            for (int s : lm.scales()) {
                List<String> tr = new ArrayList<>(), un = new ArrayList<>();
                for (String m : models()) {
                    Condition c = best(lm, m, size, s);
                    tr.add(lm.summary(c, s, FACTOR).meanPlusMinus());
                    un.add(lm.summary(c, s, FACTOR0).meanPlusMinus());
                }
                t.addColumns(StringColumn.create(size + ", " + s + "×: trained", tr),
                        StringColumn.create(size + ", " + s + "×: untrained", un));
            }
        }
        return t;
    }

    /**
     * A task's metric against a numeric field (e.g. the lag) for each value of a group field (e.g. the model), at a
     * budget, each point the condition with the lowest mean of the metric among the learning rates (the best the
     * sweep found), band: min–max of its seeds.
     *
     * @param ev the task's results
     * @param title the chart's title
     * @param metric the metric's name
     * @param xField the numeric field on the x axis
     * @param group the field whose values make the lines
     * @param scale the budget, as a multiple of the base budget
     * @return the chart
     */
    public static LineChart taskChart(Evidence ev, String title, String metric, String xField, String group,
                                      int scale) {
        LineChart chart = Charts.lines(title, xField, metric);
        for (String g : ev.values(group)) {
            List<String> xs = new ArrayList<>();
            for (Condition c : ev.where(group, g)) if (!xs.contains(c.get(xField))) xs.add(c.get(xField));
            double[] x = new double[xs.size()], mean = new double[xs.size()], lo = new double[xs.size()],
                    hi = new double[xs.size()];
            for (int i = 0; i < xs.size(); i++) {
                Condition c = ev.best(scale, metric, group, g, xField, xs.get(i));
                Summary s = ev.summary(c, scale, metric);
                x[i] = Double.parseDouble(xs.get(i));
                mean[i] = s.mean();
                lo[i] = s.min();
                hi[i] = s.max();
            }
            chart.band(g, x, mean, lo, hi).markers();
        }
        return chart;
    }

    /**
     * A task's metric as a table: one row per value of {@code rowField} (e.g. the model), one column per value of
     * {@code colField} (e.g. the lag) and budget; each cell the best learning rate's mean (the lowest, or the
     * highest when {@code higherIsBetter}), its smallest and largest seed, and the lr.
     *
     * @param ev the task's results
     * @param title the table's title
     * @param metric the metric's name
     * @param rowField the field of the rows
     * @param colField the field of the columns
     * @param higherIsBetter whether the best learning rate has the highest mean
     * @return the table
     */
    public static Table taskTable(Evidence ev, String title, String metric, String rowField, String colField,
                                  boolean higherIsBetter) {
        Table t = Table.create(title);
        List<String> rows = ev.values(rowField), cols = ev.values(colField);
        t.addColumns(StringColumn.create(rowField, rows));
        for (String col : cols) {
            for (int s : ev.scales()) {
                List<String> cells = new ArrayList<>();
                for (String row : rows) {
                    Condition best = null;
                    double bm = 0;
                    for (Condition c : ev.where(rowField, row, colField, col)) {
                        double m = ev.mean(c, s, metric);
                        if (Double.isNaN(m)) continue;
                        if (best == null || (higherIsBetter ? m > bm : m < bm)) {
                            best = c;
                            bm = m;
                        }
                    }
                    if (best == null) {
                        cells.add("—");
                        continue;
                    }
                    Summary sm = ev.summary(best, s, metric);
                    cells.add(Checks.fmt(sm.mean()) + " (" + Checks.fmt(sm.min()) + " … " + Checks.fmt(sm.max())
                            + (best.has("lr") ? "; lr " + best.get("lr") : "") + ")");
                }
                t.addColumns(StringColumn.create(colField + " " + col + ", " + s + "×", cells));
            }
        }
        return t;
    }

    /**
     * The ids of notebook 06's experiments, in order.
     *
     * @return the ids
     */
    public static List<String> experiments() {
        List<String> ids = new ArrayList<>();
        for (Experiment e : new CompareEvidence().experiments()) ids.add(e.id());
        return ids;
    }

    /**
     * Notebook 06's experiments (for a run of them, e.g. by {@code compare --run}).
     *
     * @return the experiments
     */
    public static List<Experiment> declared() {
        return new CompareEvidence().experiments();
    }

    /**
     * Every table of the report, by file name (without .csv), from the results in a directory.
     *
     * @param ev the results
     * @return the tables by name
     */
    public static java.util.Map<String, Table> tables(Claim.Sources ev) {
        java.util.Map<String, Table> out = new java.util.LinkedHashMap<>();
        for (String id : List.of("lm-names", "lm-shakespeare")) {
            if (ev.has(id)) out.put(id, lossTable(ev.get(id)));
        }
        for (String id : List.of("lm-names", "lm-shakespeare")) {
            if (ev.has(id)) out.put(id + "-bits", lossTable(ev.get(id), true));
        }
        if (ev.has("lm-shakespeare")) out.put("factors", factorTable(ev.get("lm-shakespeare")));
        if (ev.has("copy")) {
            out.put("copy", taskTable(ev.get("copy"), "delayed copy: held-out loss / chance at the best lr",
                    "loss / chance", "model", "lag", false));
        }
        if (ev.has("adding")) {
            out.put("adding", taskTable(ev.get("adding"), "adding problem: test MSE / baseline at the best lr",
                    "MSE / baseline", "cell", "T", false));
        }
        if (ev.has("counting")) {
            out.put("counting", taskTable(ev.get("counting"), "aⁿbⁿ: accepted beyond the training range at the best"
                    + " lr", "beyond the training range", "cell", "nTrain", true));
        }
        return out;
    }

    /**
     * Every chart of the report, by file name (without .png), from the results in a directory.
     *
     * @param ev the results
     * @return the charts by name
     */
    public static java.util.Map<String, LineChart> charts(Claim.Sources ev) {
        java.util.Map<String, LineChart> out = new java.util.LinkedHashMap<>();
        for (String id : List.of("lm-names", "lm-shakespeare")) {
            if (!ev.has(id)) continue;
            Evidence lm = ev.get(id);
            int top = lm.scales()[lm.scales().length - 1];
            for (String size : sizes()) {
                out.put(id + "-lr-" + size, lrChart(lm, size, top));
                out.put(id + "-curves-" + size, curves(lm, size, top));
            }
        }
        if (ev.has("lm-shakespeare")) {
            Evidence lm = ev.get("lm-shakespeare");
            out.put("decay", decayChart(lm, sizes().get(sizes().size() - 1), lm.scales()[lm.scales().length - 1]));
        }
        for (String[] t : new String[][] {{"copy", "loss / chance", "lag", "model"},
                {"adding", "MSE / baseline", "T", "cell"}}) {
            if (!ev.has(t[0])) continue;
            Evidence e = ev.get(t[0]);
            for (int s : e.scales()) {
                out.put(t[0] + "-" + s + "x", taskChart(e, t[0] + " at " + s + "×: " + t[1] + " at the best lr (band:"
                        + " min–max of seeds)", t[1], t[2], t[3], s));
            }
        }
        return out;
    }

    private static String title(Evidence lm) {
        return lm.id().equals("lm-names") ? "names" : "Tiny Shakespeare";
    }
}
