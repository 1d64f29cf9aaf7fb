package io.github.lmworkbook.evidence;

import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.experiments.SeedResults;
import io.github.lmworkbook.experiments.Summary;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The committed results of one experiment: one {@link Outcome} (named numbers and curves) per condition, scale and
 * seed, read from {@code <id>.csv} ({@link EvidenceStore}). Claims and notebooks ask it for the values of the seeds of
 * a condition at a budget, their spread, a curve's band, or the whole table for Tablesaw.
 *
 * <pre>{@code
 * Evidence ev = Evidence.load("lm-names");
 * double[] dev = ev.values(Condition.of("model", "GRU", "size", "10k", "lr", "3e-3"), 1, "dev loss"); // per seed
 * }</pre>
 */
public final class Evidence {
    private final String id;
    private final List<String> fields;
    private final List<Condition> conditions;               // in the order of the file
    private final Map<String, Outcome> runs;                // key(condition, scale, seed) → outcome

    Evidence(String id, List<String> fields, List<Condition> conditions, Map<String, Outcome> runs) {
        this.id = id;
        this.fields = List.copyOf(fields);
        this.conditions = List.copyOf(conditions);
        this.runs = runs;
    }

    /**
     * The committed results of an experiment, from the evidence directory ({@link EvidenceStore#dir()}).
     *
     * @param id the experiment's id
     * @return its results
     */
    public static Evidence load(String id) {
        return EvidenceStore.at(EvidenceStore.dir()).load(id);
    }

    /**
     * The results of an experiment from another directory (e.g. an outsider's re-run).
     *
     * @param dir the evidence directory
     * @param id the experiment's id
     * @return its results
     */
    public static Evidence load(Path dir, String id) {
        return EvidenceStore.at(dir).load(id);
    }

    static String key(Condition c, int scale, long seed) {
        return c.key() + "@" + scale + "#" + seed;
    }

    /**
     * The experiment's id.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The condition fields.
     *
     * @return the names
     */
    public List<String> fields() {
        return fields;
    }

    /**
     * Every condition with results.
     *
     * @return the conditions
     */
    public List<Condition> conditions() {
        return conditions;
    }

    /**
     * The conditions that match a partial condition, given as name, value pairs: {@code where("model", "GRU")}.
     *
     * @param nameValue name, value pairs
     * @return the matching conditions
     */
    public List<Condition> where(Object... nameValue) {
        Condition partial = Condition.of(nameValue);
        List<Condition> out = new ArrayList<>();
        for (Condition c : conditions) if (c.matches(partial)) out.add(c);
        return out;
    }

    /**
     * The one condition that matches (an error naming the matches otherwise).
     *
     * @param nameValue name, value pairs
     * @return the condition
     */
    public Condition the(Object... nameValue) {
        List<Condition> m = where(nameValue);
        if (m.size() != 1) {
            throw new IllegalArgumentException(id + ": " + m.size() + " conditions match " + Condition.of(nameValue)
                    + (m.isEmpty() ? "; there are " + conditions.size() + ", e.g. " + conditions.get(0) : ": " + m));
        }
        return m.get(0);
    }

    /**
     * The distinct values of a field, in the order of the conditions.
     *
     * @param field the field's name
     * @return the values
     */
    public List<String> values(String field) {
        List<String> out = new ArrayList<>();
        for (Condition c : conditions) if (!out.contains(c.get(field))) out.add(c.get(field));
        return out;
    }

    /**
     * The scales (budgets) with results, ascending.
     *
     * @return the scales
     */
    public int[] scales() {
        TreeSet<Integer> s = new TreeSet<>();
        for (String k : runs.keySet()) s.add(Integer.parseInt(k.substring(k.lastIndexOf('@') + 1, k.lastIndexOf('#'))));
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The seeds with results of a condition at a scale, ascending.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @return the seeds
     */
    public long[] seeds(Condition c, int scale) {
        TreeSet<Long> s = new TreeSet<>();
        String prefix = c.key() + "@" + scale + "#";
        for (String k : runs.keySet()) if (k.startsWith(prefix)) s.add(Long.parseLong(k.substring(prefix.length())));
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Every seed with results, ascending.
     *
     * @return the seeds
     */
    public long[] seeds() {
        TreeSet<Long> s = new TreeSet<>();
        for (String k : runs.keySet()) s.add(Long.parseLong(k.substring(k.lastIndexOf('#') + 1)));
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Whether a run has results.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @param seed the seed
     * @return true when the run has results
     */
    public boolean has(Condition c, int scale, long seed) {
        return runs.containsKey(key(c, scale, seed));
    }

    /**
     * The outcome of one run.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @param seed the seed
     * @return its metrics and curves
     */
    public Outcome run(Condition c, int scale, long seed) {
        Outcome o = runs.get(key(c, scale, seed));
        if (o == null) {
            throw new IllegalArgumentException(id + ": no run of " + c + " at " + scale + "× with seed " + seed);
        }
        return o;
    }

    /**
     * A metric of every seed of a condition at a scale, in the order of the seeds.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @param metric the metric's name
     * @return the values
     */
    public double[] values(Condition c, int scale, String metric) {
        long[] seeds = seeds(c, scale);
        if (seeds.length == 0) throw new IllegalArgumentException(id + ": no runs of " + c + " at " + scale + "×");
        double[] v = new double[seeds.length];
        for (int j = 0; j < seeds.length; j++) v[j] = run(c, scale, seeds[j]).metric(metric);
        return v;
    }

    /**
     * The spread of a metric over the seeds of a condition at a scale.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @param metric the metric's name
     * @return the spread
     */
    public Summary summary(Condition c, int scale, String metric) {
        return Summary.of(values(c, scale, metric));
    }

    /**
     * The mean of a metric over the seeds of a condition at a scale.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @param metric the metric's name
     * @return the mean
     */
    public double mean(Condition c, int scale, String metric) {
        return summary(c, scale, metric).mean();
    }

    /**
     * Among the conditions matching a partial condition, the one with the lowest mean of a metric at a scale (e.g.
     * the learning rate with the lowest dev loss: chosen on dev, never on test).
     *
     * @param scale the budget, as a multiple of the base budget
     * @param metric the metric's name
     * @param partial name, value pairs the candidates must match
     * @return the condition
     */
    public Condition best(int scale, String metric, Object... partial) {
        Condition best = null;
        double bestMean = Double.POSITIVE_INFINITY;
        for (Condition c : where(partial)) {
            if (seeds(c, scale).length == 0) continue;
            double m = mean(c, scale, metric);
            if (Double.isNaN(m)) continue;                  // a diverged seed: never the best
            if (best == null || m < bestMean) {
                best = c;
                bestMean = m;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(id + ": no runs at " + scale + "× match " + Condition.of(partial));
        }
        return best;
    }

    /**
     * A curve's spread over the seeds of a condition at a scale, point by point.
     *
     * @param c the condition
     * @param scale the budget, as a multiple of the base budget
     * @param curve the curve's name
     * @return the band
     */
    public SeedResults.Band band(Condition c, int scale, String curve) {
        long[] seeds = seeds(c, scale);
        if (seeds.length == 0) throw new IllegalArgumentException(id + ": no runs of " + c + " at " + scale + "×");
        double[] x = run(c, scale, seeds[0]).curve(curve)[0];
        int n = x.length;
        double[] mean = new double[n], std = new double[n], min = new double[n], max = new double[n], v =
                new double[seeds.length];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < seeds.length; j++) {
                double[][] cv = run(c, scale, seeds[j]).curve(curve);
                if (cv[0].length != n || cv[0][k] != x[k]) {
                    throw new IllegalArgumentException(id + ": curve '" + curve + "' of " + c + ": seed " + seeds[j]
                            + " has other x than seed " + seeds[0]);
                }
                v[j] = cv[1][k];
            }
            Summary s = Summary.of(v);
            mean[k] = s.mean();
            std[k] = s.std();
            min[k] = s.min();
            max[k] = s.max();
        }
        return new SeedResults.Band(x.clone(), mean, std, min, max);
    }

    /**
     * Every number as a tidy Tablesaw table: the condition fields, {@code scale}, {@code seed}, {@code metric},
     * {@code x} (missing for a single number, the curve's x otherwise) and {@code value}.
     *
     * @return the table
     */
    public Table table() {
        List<StringColumn> f = new ArrayList<>();
        for (String name : fields) f.add(StringColumn.create(name));
        IntColumn scale = IntColumn.create("scale");
        LongColumn seed = LongColumn.create("seed");
        StringColumn metric = StringColumn.create("metric");
        DoubleColumn x = DoubleColumn.create("x"), value = DoubleColumn.create("value");
        for (EvidenceStore.Row r : EvidenceStore.rows(this)) {
            for (int i = 0; i < fields.size(); i++) f.get(i).append(r.condition().get(fields.get(i)));
            scale.append(r.scale());
            seed.append(r.seed());
            metric.append(r.metric());
            if (Double.isNaN(r.x())) x.appendMissing(); else x.append(r.x());
            value.append(r.value());
        }
        Table t = Table.create(id);
        for (StringColumn c : f) t.addColumns(c);
        return t.addColumns(scale, seed, metric, x, value);
    }

    /**
     * One row per condition and a column per scale: "mean ± std" of a metric over the seeds, with the smallest and
     * largest value, and the number of seeds.
     *
     * @param metric the metric's name
     * @param partial name, value pairs the conditions must match
     * @return the table
     */
    public Table summary(String metric, Object... partial) {
        Table t = Table.create(id + ": " + metric);
        List<Condition> cs = where(partial);
        for (String name : fields) {
            t.addColumns(StringColumn.create(name, cs.stream().map(c -> c.get(name)).toList()));
        }
        for (int s : scales()) {
            List<String> cells = new ArrayList<>();
            for (Condition c : cs) {
                if (seeds(c, s).length == 0) {
                    cells.add("—");
                    continue;
                }
                Summary sm = summary(c, s, metric);
                int d = sm.decimals();
                cells.add(sm.meanPlusMinus() + String.format(java.util.Locale.ROOT, " (%." + d + "f … %." + d
                        + "f; %d)", sm.min(), sm.max(), sm.n()));
            }
            t.addColumns(StringColumn.create(s + "×: " + metric + " (min … max; seeds)", cells));
        }
        return t;
    }

    /** The runs, in the order of the file (for the store and the replay test). */
    Map<String, Outcome> runs() {
        return runs;
    }

    @Override
    public String toString() {
        return "Evidence(" + id + ": " + conditions.size() + " conditions, " + runs.size() + " runs, scales "
                + Arrays.toString(scales()) + ", seeds " + Arrays.toString(seeds()) + ")";
    }

    /** Builds an Evidence from outcomes (the runner and tests). */
    static Evidence of(String id, List<String> fields, Map<String, Outcome> runs, List<Condition> order) {
        return new Evidence(id, fields, order, new LinkedHashMap<>(runs));
    }
}
