package io.github.lmworkbook.evidence;

import io.github.lmworkbook.experiments.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One experiment, declared once: its conditions, its seeds, its budget and the budget control (the same runs at a
 * multiple of the steps), and what one run does. The runner ({@link EvidenceRunner}) runs every (condition, scale,
 * seed) and commits the results as data ({@link EvidenceStore}); claims ({@link Claim}) are predicates over them.
 *
 * <p>A run must depend on its condition, seed and scale only — its own model, data source and optimizer, all
 * seeded — so that it gives the same bits every time, on any machine: a test re-runs a sample of the committed runs
 * and requires identical results. What a run measures that depends on the machine (seconds) does not belong in its
 * outcome; the runner records each run's CPU seconds apart, and no claim reads them.
 *
 * @param id         the file name of its results: lower-case letters, digits and '-' (e.g. {@code lm-names})
 * @param title      one line for people
 * @param notebook   the notebook that shows it (e.g. "06")
 * @param conditions the conditions, in the order of tables (the control first, usually); the same fields in each
 * @param seeds      the seeds (at least 5)
 * @param scales     the budgets as multiples of the base budget: {1, 4} (the budget and its 4× control)
 * @param budget     the base budget in words ("500 steps of 32 names"), for tables and the provenance file
 * @param config     every setting the results depend on that is not in a condition (model sizes, data, optimizer,
 *                   evaluation); recorded with the results: results made under another config are not resumed
 * @param run        one run
 */
public record Experiment(String id, String title, String notebook, List<Condition> conditions, long[] seeds,
                         int[] scales, String budget, String config, Run run) {

    /** One run: a condition, a seed and a scale (the multiple of the base budget) in, what it measured out. */
    @FunctionalInterface
    public interface Run {
        /**
         * One run.
         *
         * @param condition the condition
         * @param seed the seed
         * @param scale the budget, as a multiple of the base budget
         * @return what it measured
         */
        Outcome run(Condition condition, long seed, int scale);
    }

    /** Seeds 1 … 5: the default of the evidence. */
    public static final long[] FIVE = {1, 2, 3, 4, 5};

    /** The budget and its 4× control. */
    public static final int[] BUDGETS = {1, 4};

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /**
     * Checks the id and the conditions (at least one; no field named like a column of the results).
     *
     * @param id the file name of its results: lower-case letters, digits and '-' (e.g. {@code lm-names})
     * @param title one line for people
     * @param notebook the notebook that shows it (e.g. "06")
     * @param conditions the conditions, in the order of tables (the control first, usually); the same fields in each
     * @param seeds the seeds (at least 5)
     * @param scales the budgets as multiples of the base budget: {1, 4} (the budget and its 4× control)
     * @param budget the base budget in words ("500 steps of 32 names"), for tables and the provenance file
     * @param config every setting the results depend on that is not in a condition (model sizes, data, optimizer,
     *     evaluation); recorded with the results: results made under another config are not resumed
     * @param run one run
     */
    public Experiment {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("experiment id '" + id + "': lower-case letters, digits and '-'");
        }
        if (conditions.isEmpty()) throw new IllegalArgumentException("experiment " + id + ": no conditions");
        List<String> names = conditions.get(0).names();
        for (String n : names) {
            if (List.of("scale", "seed", "metric", "x", "value").contains(n)) {
                throw new IllegalArgumentException("experiment " + id + ": a condition field may not be called '" + n
                        + "' (a column of the results)");
            }
        }
        Set<String> keys = new HashSet<>();
        for (Condition c : conditions) {
            if (!c.names().equals(names)) {
                throw new IllegalArgumentException("experiment " + id + ": condition " + c + " has fields "
                        + c.names() + ", the first has " + names);
            }
            if (!keys.add(c.key())) throw new IllegalArgumentException("experiment " + id + ": " + c + " twice");
        }
        if (seeds.length == 0 || scales.length == 0) {
            throw new IllegalArgumentException("experiment " + id + ": no seeds or no scales");
        }
        for (int s : scales) if (s < 1) throw new IllegalArgumentException("experiment " + id + ": scale " + s);
        conditions = List.copyOf(conditions);
        seeds = seeds.clone();
        scales = scales.clone();
    }

    /**
     * The condition fields (the first columns of the results).
     *
     * @return the names
     */
    public List<String> fields() {
        return conditions.get(0).names();
    }

    /**
     * The conditions that match a partial condition.
     *
     * @param partial the partial condition
     * @return the matching conditions
     */
    public List<Condition> where(Condition partial) {
        List<Condition> out = new ArrayList<>();
        for (Condition c : conditions) if (c.matches(partial)) out.add(c);
        return out;
    }

    /**
     * The number of runs: conditions × scales × seeds.
     *
     * @return the number of runs
     */
    public int runs() {
        return conditions.size() * scales.length * seeds.length;
    }

    /**
     * The same experiment with other seeds (an outsider's re-run, e.g. 7, 8, 9).
     *
     * @param s the seeds
     * @return the new experiment
     */
    public Experiment withSeeds(long[] s) {
        return new Experiment(id, title, notebook, conditions, s, scales, budget, config, run);
    }

    /**
     * The same experiment with only the conditions that match a partial condition (a re-run of part of it).
     *
     * @param partial the partial condition
     * @return the new experiment
     */
    public Experiment only(Condition partial) {
        List<Condition> cs = where(partial);
        if (cs.isEmpty()) {
            throw new IllegalArgumentException("experiment " + id + ": no condition matches " + partial + "; fields "
                    + fields() + ", e.g. " + conditions.get(0));
        }
        return new Experiment(id, title, notebook, cs, seeds, scales, budget, config, run);
    }

    /**
     * The same experiment at other scales.
     *
     * @param s the scales
     * @return the new experiment
     */
    public Experiment withScales(int[] s) {
        return new Experiment(id, title, notebook, conditions, seeds, s, budget, config, run);
    }

    @Override
    public String toString() {
        return id + " (" + conditions.size() + " conditions × " + scales.length + " budgets × " + seeds.length
                + " seeds = " + runs() + " runs; seeds " + Arrays.toString(seeds) + ", budgets "
                + Arrays.toString(scales) + "× " + budget + ")";
    }

    /**
     * A grid of conditions: every combination of the fields' values, the first field varying slowest.
     *
     * @param nameValues each field's name followed by a list of its values (or one value)
     * @return the conditions
     */
    public static List<Condition> grid(Object... nameValues) {
        if (nameValues.length % 2 != 0) throw new IllegalArgumentException("grid: names and value lists in pairs");
        List<Condition> out = new ArrayList<>(List.of(Condition.of()));
        for (int i = 0; i < nameValues.length; i += 2) {
            String name = String.valueOf(nameValues[i]);
            List<?> values = nameValues[i + 1] instanceof List<?> l ? l : List.of(nameValues[i + 1]);
            List<Condition> next = new ArrayList<>();
            for (Condition c : out) for (Object v : values) next.add(c.with(name, v));
            out = next;
        }
        return out;
    }
}
