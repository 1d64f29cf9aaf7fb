package io.github.lmworkbook.experiments;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs an experiment once per condition and seed: the shape of every claim about training in the notebooks — a
 * control and the conditions it is compared with, several seeds, one budget — and hands back the spread
 * ({@link SeedResults}: mean, standard deviation, smallest and largest value per condition, a Tablesaw table, a
 * chart with the spread drawn).
 *
 * <pre>{@code
 * SeedResults<Integer> r = Seeds.run(List.of(25, 50, 100), n -> "T = " + n, Seeds.THREE, (T, seed) -> {
 *     ... train with this seed ...
 *     return new Outcome().metric("test MSE", mse).curve("loss", steps, losses);
 * });
 * display(Tables.html(r.table("adding problem", "T", "test MSE")), "text/html");
 * }</pre>
 *
 * <p>Every run must depend on its condition and seed only (its own model, data source and optimizer, all seeded):
 * the runs then go in parallel on {@link #threads()} threads and the results are the same as one after the
 * other. Progress: one line per condition when its last seed is done, in the order of the conditions, with the
 * first metric's mean ± standard deviation and the CPU seconds its runs took (the time they would take alone, on a
 * machine shared with other work as well); then a total with the wall-clock time. {@link #runVerbose} adds a line
 * per run, for conditions whose runs are long.
 */
public final class Seeds {
    private Seeds() {}

    /** Seeds 1, 2, 3: the default of the notebooks. */
    public static final long[] THREE = {1, 2, 3};

    /** One run of an experiment: a condition, a seed, and what it measured. */
    @FunctionalInterface
    public interface Experiment<C> {
        /**
         * One run.
         *
         * @param condition the condition
         * @param seed the seed
         * @return the run's outcome
         */
        Outcome run(C condition, long seed);
    }

    private static volatile int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    /**
     * The number of runs that go at once (default: 2, or 1 on a single core).
     *
     * @return the number of runs at once
     */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of runs that go at once (≥ 1).
     *
     * @param n the number of runs at once
     */
    public static void threads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads " + n + " must be ≥ 1");
        threads = n;
    }

    /**
     * {@link #run(List, Function, long[], Experiment, PrintStream)} with labels String.valueOf(c), progress to
     * System.out.
     *
     * @param <C> the type of a condition
     * @param conditions the conditions
     * @param seeds the seeds
     * @param experiment one run
     * @return the outcomes
     */
    public static <C> SeedResults<C> run(List<C> conditions, long[] seeds, Experiment<C> experiment) {
        return run(conditions, String::valueOf, seeds, experiment, System.out);
    }

    /**
     * {@link #run(List, Function, long[], Experiment, PrintStream)} with progress to System.out.
     *
     * @param <C> the type of a condition
     * @param conditions the conditions
     * @param label how a condition is named
     * @param seeds the seeds
     * @param experiment one run
     * @return the outcomes
     */
    public static <C> SeedResults<C> run(List<C> conditions, Function<C, String> label, long[] seeds,
                                         Experiment<C> experiment) {
        return run(conditions, label, seeds, experiment, System.out);
    }

    /**
     * Runs experiment(c, seed) for every condition c and seed.
     *
     * @param <C>        the type of a condition
     * @param conditions the conditions, in the order of the table (the control first, usually)
     * @param label      how a condition is named in the progress lines and the tables
     * @param seeds      the seeds (at least one; three or more for a claim)
     * @param experiment one run; it must not share mutable state with another run
     * @param progress   where the progress lines go (null: none)
     * @return the outcomes, by condition and seed
     */
    public static <C> SeedResults<C> run(List<C> conditions, Function<C, String> label, long[] seeds,
                                         Experiment<C> experiment, PrintStream progress) {
        return run(conditions, label, seeds, experiment, progress, false);
    }

    /**
     * {@link #run(List, Function, long[], Experiment)} with a progress line for every run as well, for conditions
     * whose runs are long (one condition of three seeds would otherwise print nothing until all three are done):
     * each line names the condition and the seed, gives the first metric and the run's CPU seconds, and comes when
     * the run is done, in the order of the runs (condition by condition, seed by seed), so the output is the same
     * every time.
     *
     * @param <C> the type of a condition
     * @param conditions the conditions
     * @param label how a condition is named
     * @param seeds the seeds
     * @param experiment one run
     * @return the outcomes
     */
    public static <C> SeedResults<C> runVerbose(List<C> conditions, Function<C, String> label, long[] seeds,
                                                Experiment<C> experiment) {
        return run(conditions, label, seeds, experiment, System.out, true);
    }

    /**
     * {@link #runVerbose(List, Function, long[], Experiment)} with labels String.valueOf(c).
     *
     * @param <C> the type of a condition
     * @param conditions the conditions
     * @param seeds the seeds
     * @param experiment one run
     * @return the outcomes
     */
    public static <C> SeedResults<C> runVerbose(List<C> conditions, long[] seeds, Experiment<C> experiment) {
        return runVerbose(conditions, String::valueOf, seeds, experiment);
    }

    /** {@link #run(List, Function, long[], Experiment, PrintStream)}; eachRun adds a progress line per run. */
    static <C> SeedResults<C> run(List<C> conditions, Function<C, String> label, long[] seeds,
                                  Experiment<C> experiment, PrintStream progress, boolean eachRun) {
        if (conditions.isEmpty()) throw new IllegalArgumentException("seeds: no conditions");
        if (seeds.length == 0) throw new IllegalArgumentException("seeds: no seeds");
        int nc = conditions.size(), ns = seeds.length;
        Outcome[][] outcomes = new Outcome[nc][ns];
        double[][] seconds = new double[nc][ns];         // CPU seconds of each run's thread
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, nc * ns), r -> {
            Thread t = new Thread(r, "seeds");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < nc; i++) {
                for (int j = 0; j < ns; j++) {
                    C c = conditions.get(i);
                    long seed = seeds[j];
                    int ci = i, sj = j;
                    futures.add(pool.submit(() -> {
                        long s0 = cpuNanos();
                        Outcome o = experiment.run(c, seed);
                        seconds[ci][sj] = (cpuNanos() - s0) / 1e9;
                        if (o == null) throw new IllegalStateException("the run returned no outcome");
                        return o;
                    }));
                }
            }
            for (int i = 0; i < nc; i++) {
                for (int j = 0; j < ns; j++) {
                    try {
                        outcomes[i][j] = futures.get(i * ns + j).get();
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        throw new IllegalStateException(label.apply(conditions.get(i)) + ", seed " + seeds[j] + ": "
                                + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("seeds: interrupted", e);
                    }
                    if (progress != null && eachRun) {
                        progress.println(runLine(label.apply(conditions.get(i)), seeds[j], outcomes[i][j],
                                seconds[i][j], i * ns + j + 1, nc * ns));
                    }
                }
                if (progress != null) progress.println(progressLine(label.apply(conditions.get(i)), outcomes[i], seconds[i]));
            }
        } finally {
            pool.shutdownNow();
        }
        double total = (System.nanoTime() - t0) / 1e9, cpu = 0;
        for (double[] row : seconds) for (double v : row) cpu += v;
        if (progress != null) {
            int used = Math.min(threads, nc * ns);
            progress.println(String.format(Locale.ROOT, "%d runs (%d condition%s × %d seeds): %.1f s CPU, %.1f s on "
                    + "the clock on %d thread%s", nc * ns, nc, nc == 1 ? "" : "s", ns, cpu, total, used,
                    used == 1 ? "" : "s"));
        }
        List<String> labels = new ArrayList<>();
        for (C c : conditions) labels.add(label.apply(c));
        return new SeedResults<>(conditions, labels, seeds.clone(), outcomes);
    }

    /** The CPU time of the calling thread (wall-clock time where the JVM cannot measure it). */
    private static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }

    private static String runLine(String label, long seed, Outcome run, double seconds, int done, int runs) {
        String metric = run.metrics().isEmpty() ? null : run.metrics().keySet().iterator().next();
        String value = "";
        if (metric != null) {
            double v = run.metric(metric);
            value = String.format(Locale.ROOT, " · %s %." + Summary.of(new double[] {v}).decimals() + "f", metric, v);
        }
        return String.format(Locale.ROOT, "  %s, seed %d%s · %.1f s CPU (run %d of %d)", label, seed, value,
                seconds, done, runs);
    }

    private static String progressLine(String label, Outcome[] runs, double[] seconds) {
        double s = 0;
        for (double v : seconds) s += v;
        String metric = runs[0].metrics().isEmpty() ? null : runs[0].metrics().keySet().iterator().next();
        String summary = "";
        if (metric != null) {
            double[] v = new double[runs.length];
            for (int j = 0; j < runs.length; j++) v[j] = runs[j].metric(metric);
            summary = " · " + metric + " " + Summary.of(v).meanPlusMinus();
        }
        return String.format(Locale.ROOT, "%s%s · %d seed%s, %.1f s CPU", label, summary, runs.length,
                runs.length == 1 ? "" : "s", s);
    }
}
