package io.github.lmworkbook.experiments;

import io.github.lmworkbook.charts.Charts;
import io.github.lmworkbook.charts.LineChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The outcomes of {@link Seeds#run}: one {@link Outcome} per condition and seed, and their spread — per
 * condition the mean, standard deviation, smallest and largest value of a metric ({@link #summary}), a Tablesaw
 * table of them ({@link #table}), and charts with the spread drawn as a band (the line is the mean over seeds,
 * the band runs from the smallest to the largest value).
 *
 * @param <C> the type of a condition
 */
public final class SeedResults<C> {
    /** The mean, standard deviation, smallest and largest value of a curve over seeds, point by point. */
    public record Band(double[] x, double[] mean, double[] std, double[] min, double[] max) {}

    private final List<C> conditions;
    private final List<String> labels;
    private final long[] seeds;
    private final Outcome[][] outcomes;   // [condition][seed]

    SeedResults(List<C> conditions, List<String> labels, long[] seeds, Outcome[][] outcomes) {
        this.conditions = List.copyOf(conditions);
        this.labels = List.copyOf(labels);
        this.seeds = seeds;
        this.outcomes = outcomes;
    }

    /**
     * The conditions, in order.
     *
     * @return the conditions
     */
    public List<C> conditions() {
        return conditions;
    }

    /**
     * The conditions' labels, in order.
     *
     * @return the labels
     */
    public List<String> labels() {
        return labels;
    }

    /**
     * The seeds, in order.
     *
     * @return a copy of the seeds
     */
    public long[] seeds() {
        return seeds.clone();
    }

    /**
     * The outcome of one run.
     *
     * @param condition the condition
     * @param seed the seed
     * @return the outcome
     */
    public Outcome outcome(C condition, long seed) {
        int j = -1;
        for (int k = 0; k < seeds.length; k++) if (seeds[k] == seed) j = k;
        if (j < 0) throw new IllegalArgumentException("no seed " + seed + " in " + Arrays.toString(seeds));
        return outcomes[index(condition)][j];
    }

    /**
     * The metric of every seed of a condition, in the order of the seeds.
     *
     * @param condition the condition
     * @param metric the metric's name
     * @return the values
     */
    public double[] values(C condition, String metric) {
        Outcome[] runs = outcomes[index(condition)];
        double[] v = new double[runs.length];
        for (int j = 0; j < runs.length; j++) v[j] = runs[j].metric(metric);
        return v;
    }

    /**
     * The spread of a metric over the seeds of a condition.
     *
     * @param condition the condition
     * @param metric the metric's name
     * @return the spread
     */
    public Summary summary(C condition, String metric) {
        return Summary.of(values(condition, metric));
    }

    /**
     * The mean of a metric for every condition, in order.
     *
     * @param metric the metric's name
     * @return the means
     */
    public double[] means(String metric) {
        double[] m = new double[conditions.size()];
        for (int i = 0; i < m.length; i++) m[i] = summary(conditions.get(i), metric).mean();
        return m;
    }

    /**
     * One row per condition: its label, then for one metric its mean, standard deviation, smallest and largest
     * value and the value of each seed; for several metrics, the mean and standard deviation of each.
     *
     * @param title the table's title
     * @param conditionColumn the title of the conditions' column
     * @param metrics the metrics' names
     * @return the table
     */
    public Table table(String title, String conditionColumn, String... metrics) {
        if (metrics.length == 0) throw new IllegalArgumentException("table: name at least one metric");
        Table t = Table.create(title, StringColumn.create(conditionColumn, labels));
        if (metrics.length == 1) {
            String m = metrics[0];
            List<Summary> s = new ArrayList<>();
            for (C c : conditions) s.add(summary(c, m));
            int d = s.stream().mapToInt(Summary::decimals).max().orElse(4);
            t.addColumns(column(m + " (mean)", s, x -> x.mean(), d), column("± std", s, Summary::std, d),
                    column("min", s, Summary::min, d), column("max", s, Summary::max, d));
            for (int j = 0; j < seeds.length; j++) {
                double[] v = new double[conditions.size()];
                for (int i = 0; i < v.length; i++) v[i] = Summary.round(outcomes[i][j].metric(m), d);
                t.addColumns(DoubleColumn.create("seed " + seeds[j], v));
            }
        } else {
            for (String m : metrics) {
                List<Summary> s = new ArrayList<>();
                for (C c : conditions) s.add(summary(c, m));
                int d = s.stream().mapToInt(Summary::decimals).max().orElse(4);
                t.addColumns(column(m, s, x -> x.mean(), d), column(m + " ± std", s, Summary::std, d));
            }
        }
        t.addColumns(IntColumn.create("seeds", conditions.stream().mapToInt(c -> seeds.length).toArray()));
        return t;
    }

    private static DoubleColumn column(String name, List<Summary> s, ToDoubleFunction<Summary> f, int d) {
        return DoubleColumn.create(name, s.stream().mapToDouble(x -> Summary.round(f.applyAsDouble(x), d)).toArray());
    }

    /**
     * A curve's spread over the seeds of a condition, point by point. Every seed must have recorded the curve at
     * the same x (e.g. the same evaluation steps).
     *
     * @param condition the condition
     * @param curve the curve's name
     * @return the band
     */
    public Band band(C condition, String curve) {
        Outcome[] runs = outcomes[index(condition)];
        double[] x = runs[0].curve(curve)[0];
        int n = x.length;
        double[] mean = new double[n], std = new double[n], min = new double[n], max = new double[n];
        double[] v = new double[runs.length];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < runs.length; j++) {
                double[][] c = runs[j].curve(curve);
                if (c[0].length != n || c[0][k] != x[k]) {
                    throw new IllegalArgumentException("curve '" + curve + "' of " + labels.get(index(condition))
                            + ": seed " + seeds[j] + " recorded it at other x than seed " + seeds[0]);
                }
                v[j] = c[1][k];
            }
            Summary s = Summary.of(v);
            mean[k] = s.mean();
            std[k] = s.std();
            min[k] = s.min();
            max[k] = s.max();
        }
        return new Band(x.clone(), mean, std, min, max);
    }

    /**
     * A curve of every condition on one chart: the mean over seeds as a line, the smallest to the largest value as
     * a band around it. Add a baseline ({@link LineChart#hline}), a log axis, then {@code image()}.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param curve the curve's name
     * @return the chart
     */
    public LineChart curveChart(String title, String xLabel, String yLabel, String curve) {
        LineChart chart = Charts.lines(title, xLabel, yLabel);
        for (C c : conditions) {
            Band b = band(c, curve);
            chart.band(labels.get(index(c)), b.x(), b.mean(), b.min(), b.max());
        }
        return chart;
    }

    /**
     * A metric against a number read off each condition (e.g. the sequence length), one line per group of
     * conditions (e.g. per hidden size), with markers at the conditions and the band of the spread over seeds.
     *
     * @param title the chart's title
     * @param xLabel the x axis's title
     * @param yLabel the y axis's title
     * @param metric the metric's name
     * @param x the number of each condition on the x axis
     * @param group the group of each condition
     * @return the chart
     */
    public LineChart metricChart(String title, String xLabel, String yLabel, String metric, ToDoubleFunction<C> x,
                                 Function<C, String> group) {
        Map<String, List<C>> groups = new LinkedHashMap<>();
        for (C c : conditions) groups.computeIfAbsent(group.apply(c), k -> new ArrayList<>()).add(c);
        LineChart chart = Charts.lines(title, xLabel, yLabel);
        for (Map.Entry<String, List<C>> g : groups.entrySet()) {
            List<C> cs = g.getValue();
            double[] xs = new double[cs.size()], mean = new double[cs.size()], lo = new double[cs.size()],
                    hi = new double[cs.size()];
            for (int i = 0; i < cs.size(); i++) {
                Summary s = summary(cs.get(i), metric);
                xs[i] = x.applyAsDouble(cs.get(i));
                mean[i] = s.mean();
                lo[i] = s.min();
                hi[i] = s.max();
            }
            chart.band(g.getKey(), xs, mean, lo, hi).markers();
        }
        return chart;
    }

    /**
     * These results and more conditions run later with the same seeds (e.g. two more variants against the
     * control run before), as one: the conditions of this, then those of the other.
     *
     * @param more the other results, run with the same seeds
     * @return the results together
     */
    public SeedResults<C> and(SeedResults<C> more) {
        if (!Arrays.equals(seeds, more.seeds)) {
            throw new IllegalArgumentException("and: seeds " + Arrays.toString(more.seeds) + " differ from "
                    + Arrays.toString(seeds));
        }
        List<C> cs = new ArrayList<>(conditions);
        List<String> ls = new ArrayList<>(labels);
        for (C c : more.conditions) {
            if (cs.contains(c)) throw new IllegalArgumentException("and: condition " + c + " is in both");
            cs.add(c);
        }
        ls.addAll(more.labels);
        Outcome[][] o = new Outcome[cs.size()][];
        for (int i = 0; i < cs.size(); i++) {
            o[i] = i < outcomes.length ? outcomes[i] : more.outcomes[i - outcomes.length];
        }
        return new SeedResults<>(cs, ls, seeds.clone(), o);
    }

    private int index(C condition) {
        int i = conditions.indexOf(condition);
        if (i < 0) throw new IllegalArgumentException("no condition " + condition + " in " + labels);
        return i;
    }

    @Override
    public String toString() {
        return "SeedResults(" + labels + " × seeds " + Arrays.toString(seeds) + ")";
    }
}
