package io.github.lmworkbook.experiments;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * One training run per (arm, seed) — the arms are the variants compared (a cell, an initialisation, a task length),
 * the seeds their repetitions — on up to {@code threads} threads at once. Each run builds its own model and data
 * from (arm, seed), so the results do not depend on the threads or their order: they come back in the order of the
 * arms, then the seeds. One progress line per finished run, with the CPU time it took (wall time on a shared
 * machine says little).
 */
public final class Sweep {
    private Sweep() {}

    /** What one (arm, seed) run returns, and the CPU seconds it took. */
    public record Run<A, R>(A arm, long seed, R result, double cpuSeconds) {}

    /** The body of a run: train and measure one arm at one seed. */
    @FunctionalInterface
    public interface Body<A, R> {
        R run(A arm, long seed);
    }

    /**
     * Runs body for every arm and seed.
     *
     * @param describe one line about a result for the progress line (may be null)
     * @param progress where progress lines go (null: nowhere)
     */
    public static <A, R> List<Run<A, R>> run(List<A> arms, long[] seeds, Body<A, R> body, int threads,
                                             Function<R, String> describe, PrintStream progress) {
        if (threads < 1) throw new IllegalArgumentException("sweep: threads must be ≥ 1, got " + threads);
        if (arms.isEmpty() || seeds.length == 0) throw new IllegalArgumentException("sweep: no arms or no seeds");
        int total = arms.size() * seeds.length;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, total), r -> {
            Thread t = new Thread(r, "sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<Run<A, R>> done = new ExecutorCompletionService<>(pool);
            List<Future<Run<A, R>>> futures = new ArrayList<>();
            for (A arm : arms) {
                for (long seed : seeds) {
                    futures.add(done.submit(() -> {
                        long c0 = mx.getCurrentThreadCpuTime();
                        R r = body.run(arm, seed);
                        return new Run<>(arm, seed, r, (mx.getCurrentThreadCpuTime() - c0) / 1e9);
                    }));
                }
            }
            for (int k = 1; k <= total; k++) {                 // progress from the caller's thread (a notebook
                Run<A, R> r = done.take().get();               // shows only what its own thread prints)
                if (progress != null) {
                    progress.printf(Locale.ROOT, "[%d/%d] %s, seed %d: %s(%.1f s CPU)%n", k, total, r.arm(), r.seed(),
                            describe == null ? "" : describe.apply(r.result()) + " ", r.cpuSeconds());
                    progress.flush();
                }
            }
            List<Run<A, R>> runs = new ArrayList<>(total);
            for (Future<Run<A, R>> f : futures) runs.add(f.get());
            return runs;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The threads a sweep should use here: the cores, at most 2 (the notebooks' budget is 2 cores). */
    public static int defaultThreads() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    /** The runs of one arm, in seed order. */
    public static <A, R> List<Run<A, R>> of(List<Run<A, R>> runs, A arm) {
        return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    /** The total CPU seconds of the runs. */
    public static double cpuSeconds(List<? extends Run<?, ?>> runs) {
        return runs.stream().mapToDouble(Run::cpuSeconds).sum();
    }
}
