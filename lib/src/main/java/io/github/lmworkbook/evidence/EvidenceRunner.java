package io.github.lmworkbook.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lmworkbook.experiments.Outcome;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs an experiment's runs — every (condition, scale, seed) — and writes the results into an evidence directory
 * after each run, so that an interrupted run resumes where it stopped: a run whose results are in the directory is
 * not run again. Runs go {@code jobs} at a time (each run single-threaded and deterministic, so the results do not
 * depend on how many go at once). Progress: one line per run with its first metric, its CPU seconds and an estimate
 * of the time left.
 *
 * <p>Results made under another configuration (the experiment's {@code config} changed: its SHA-256 differs from the
 * one in the provenance file) are not mixed with new ones: the runner stops with one line, unless told to start
 * afresh.
 */
public final class EvidenceRunner {
    private final EvidenceStore store;
    private final int jobs;
    private final PrintStream progress;

    /**
     * @param dir      the evidence directory
     * @param jobs     runs at once (≥ 1)
     * @param progress where the progress lines go (null: none)
     */
    public EvidenceRunner(Path dir, int jobs, PrintStream progress) {
        if (jobs < 1) throw new IllegalArgumentException("jobs " + jobs + " must be ≥ 1");
        this.store = EvidenceStore.at(dir);
        this.jobs = jobs;
        this.progress = progress;
    }

    /** What a call of {@link #run} did. */
    public record Report(String id, int done, int ran, List<String> failed) {}

    /**
     * Runs every run of the experiment that has no results in the directory yet.
     *
     * @param e the experiment
     * @param fresh discard the results in the directory first (needed after a change of the configuration)
     * @return what was run and what was already there
     * @throws IOException if the results cannot be written
     */
    public Report run(Experiment e, boolean fresh) throws IOException {
        Map<String, Outcome> runs = new LinkedHashMap<>();
        Map<String, String> commits = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Condition> extra = new LinkedHashMap<>();
        if (store.has(e.id()) && !fresh) {
            ObjectNode prov = store.provenance(e.id());
            JsonNode sha = prov.get("config sha-256");
            String want = EvidenceStore.sha256(e.config());
            if (sha == null || !sha.asText().equals(want)) {
                throw new IllegalStateException(e.id() + ": the results in " + store.path() + " were made with another"
                        + " configuration (config SHA-256 " + (sha == null ? "missing" : sha.asText().substring(0, 12))
                        + ", now " + want.substring(0, 12) + "); run again with --fresh to discard them");
            }
            Evidence old = store.load(e.id());
            if (!old.fields().equals(e.fields())) {
                throw new IllegalStateException(e.id() + ": the results have the fields " + old.fields() + ", the"
                        + " experiment " + e.fields() + "; run again with --fresh to discard them");
            }
            runs.putAll(old.runs());
            JsonNode at = prov.get("commit of each run");
            if (at != null) at.properties().forEach(f -> commits.put(f.getKey(), f.getValue().asText()));
            cpu.putAll(store.cpuSeconds(e.id()));
            for (Condition c : old.conditions()) {
                if (!e.conditions().contains(c)) extra.put(c.key(), c);
            }
            if (!extra.isEmpty() && progress != null) {
                progress.println(e.id() + ": dropping the results of " + extra.size() + " condition(s) no longer"
                        + " declared, e.g. " + extra.values().iterator().next());
            }
            runs.keySet().removeIf(k -> extra.containsKey(k.substring(0, k.lastIndexOf('@'))));
        }
        List<Object[]> todo = new ArrayList<>();
        for (int s : e.scales()) {
            for (Condition c : e.conditions()) {
                for (long seed : e.seeds()) {
                    if (!runs.containsKey(Evidence.key(c, s, seed))) todo.add(new Object[] {c, s, seed});
                }
            }
        }
        int total = e.runs(), already = total - todo.size();
        if (progress != null) {
            progress.printf(Locale.ROOT, "%s: %s%n%s: %d of %d runs to go (%d done), %d at a time%n", e.id(), e.title(),
                    e.id(), todo.size(), total, already, Math.min(jobs, Math.max(1, todo.size())));
        }
        if (todo.isEmpty()) {
            if (!extra.isEmpty() || fresh) write(e, runs, commits, cpu);
            return new Report(e.id(), already, 0, List.of());
        }
        String commit = EvidenceStore.commit();
        List<String> failed = new ArrayList<>();
        long t0 = System.nanoTime();
        int[] finished = {0};
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, todo.size()), r -> {
            Thread t = new Thread(r, "evidence");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Object[] job : todo) {
                Condition c = (Condition) job[0];
                int scale = (Integer) job[1];
                long seed = (Long) job[2];
                futures.add(pool.submit(() -> {
                    String key = Evidence.key(c, scale, seed);
                    long c0 = cpuNanos();
                    Outcome o;
                    try {
                        o = e.run().run(c, seed, scale);
                        if (o == null) throw new IllegalStateException("the run returned no outcome");
                    } catch (RuntimeException | Error ex) {
                        synchronized (runs) {
                            failed.add(c + " at " + scale + "× seed " + seed + ": " + ex);
                            if (progress != null) {
                                progress.println(e.id() + ": FAILED " + c + " at " + scale + "×, seed " + seed + ": " + ex);
                            }
                        }
                        return null;
                    }
                    double seconds = (cpuNanos() - c0) / 1e9;
                    synchronized (runs) {
                        runs.put(key, o);
                        commits.put(key, commit);
                        cpu.put(key, seconds);
                        write(e, runs, commits, cpu);
                        finished[0]++;
                        if (progress != null) {
                            progress.println(line(e, c, scale, seed, o, seconds, already + finished[0], total,
                                    remaining(e, cpu, todo, runs), (System.nanoTime() - t0) / 1e9));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    if (cause instanceof IOException io) throw io;
                    throw new IllegalStateException(e.id() + ": " + cause, cause);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e.id() + ": interrupted", ex);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Report(e.id(), already, finished[0], List.copyOf(failed));
    }

    private void write(Experiment e, Map<String, Outcome> runs, Map<String, String> commits, Map<String, Double> cpu)
            throws java.io.UncheckedIOException {
        // the runs in the order of the declaration: scales, conditions, seeds (the file sorts by condition first)
        Map<String, Outcome> ordered = new LinkedHashMap<>();
        List<Condition> conditions = new ArrayList<>();
        for (Condition c : e.conditions()) {
            boolean any = false;
            for (int s : scalesOf(e, runs)) {
                for (long seed : seedsOf(runs, c, s)) {
                    ordered.put(Evidence.key(c, s, seed), runs.get(Evidence.key(c, s, seed)));
                    any = true;
                }
            }
            if (any) conditions.add(c);
        }
        Map<String, Double> cpuOrdered = new LinkedHashMap<>();
        for (String k : ordered.keySet()) if (cpu.containsKey(k)) cpuOrdered.put(k, cpu.get(k));
        try {
            store.write(e, new Evidence(e.id(), e.fields(), conditions, ordered), commits, cpuOrdered);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(store.path() + ": " + ex.getMessage(), ex);
        }
    }

    private static List<Integer> scalesOf(Experiment e, Map<String, Outcome> runs) {
        java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
        for (String k : runs.keySet()) s.add(Integer.parseInt(k.substring(k.lastIndexOf('@') + 1, k.lastIndexOf('#'))));
        return List.copyOf(s);
    }

    private static List<Long> seedsOf(Map<String, Outcome> runs, Condition c, int scale) {
        java.util.TreeSet<Long> s = new java.util.TreeSet<>();
        String prefix = c.key() + "@" + scale + "#";
        for (String k : runs.keySet()) if (k.startsWith(prefix)) s.add(Long.parseLong(k.substring(prefix.length())));
        return List.copyOf(s);
    }

    /** CPU seconds left, estimated from the runs done: mean CPU seconds per unit of scale × the scales left. */
    private double remaining(Experiment e, Map<String, Double> cpu, List<Object[]> todo, Map<String, Outcome> runs) {
        double perUnit = 0;
        int n = 0;
        for (Map.Entry<String, Double> c : cpu.entrySet()) {
            String k = c.getKey();
            int s = Integer.parseInt(k.substring(k.lastIndexOf('@') + 1, k.lastIndexOf('#')));
            perUnit += c.getValue() / s;
            n++;
        }
        if (n == 0) return Double.NaN;
        perUnit /= n;
        double left = 0;
        for (Iterator<Object[]> it = todo.iterator(); it.hasNext(); ) {
            Object[] j = it.next();
            if (!runs.containsKey(Evidence.key((Condition) j[0], (Integer) j[1], (Long) j[2]))) {
                left += perUnit * (Integer) j[1];
            }
        }
        return left / jobs;
    }

    private static String line(Experiment e, Condition c, int scale, long seed, Outcome o, double seconds, int done,
                               int total, double left, double elapsed) {
        String metric = "";
        if (!o.metrics().isEmpty()) {
            Map.Entry<String, Double> m = o.metrics().entrySet().iterator().next();
            metric = " · " + m.getKey() + " " + Checks.fmt(m.getValue());
        }
        return String.format(Locale.ROOT, "[%s %d/%d] %s · %d× · seed %d%s · %.1f s CPU · %s elapsed, ~%s left",
                e.id(), done, total, c.label(), scale, seed, metric, seconds, clock(elapsed), clock(left));
    }

    static String clock(double s) {
        if (!Double.isFinite(s)) return "?";
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t % 3600 / 60)
                : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
    }

    private static long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : System.nanoTime();
    }
}
