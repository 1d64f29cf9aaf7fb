package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingDivergedException;
import io.github.lmworkbook.train.TrainingHistory;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Trains one model per (arm, seed) with the same budget ({@link Sweep}): the experiments of the notebooks that
 * compare architectures, initialisations or tasks, each with a control and several seeds. Every run is AdamW
 * (weight decay 0) at a fixed learning rate, optionally with global-norm clipping, and evaluates a held-out set
 * every {@code evalEvery} steps: the learning curve. A run that diverges keeps the history up to that point.
 */
public final class Training {
    private Training() {}

    /**
     * The budget of every run.
     *
     * @param steps     training steps
     * @param lr        the AdamW learning rate (weight decay 0)
     * @param clip      the global-norm clipping threshold; 0 for none
     * @param evalEvery evaluate the held-out set every this many steps (and at the last)
     */
    public record Budget(long steps, double lr, double clip, long evalEvery) {
        public Budget {
            if (steps < 1 || !(lr > 0) || clip < 0 || evalEvery < 1) {
                throw new IllegalArgumentException("training budget: need steps ≥ 1, lr > 0, clip ≥ 0, evalEvery ≥ 1, got "
                        + steps + ", " + lr + ", " + clip + ", " + evalEvery);
            }
        }
    }

    /** A trained model and its history (the learning curve: {@code history.evalSteps()}, {@code devLosses()}). */
    public record Result<M>(M model, TrainingHistory history, boolean diverged) {
        /** The held-out loss at the end. */
        public double devLoss() {
            return history.lastDevLoss();
        }
    }

    /**
     * Trains every arm at every seed.
     *
     * @param model    a fresh model for (arm, seed)
     * @param train    its training batches for (arm, seed)
     * @param dev      the held-out batches of an arm (the same for every seed)
     * @param threads  runs at once ({@link Sweep#defaultThreads()})
     * @param progress one line per finished run (null: none)
     */
    public static <A, D, M extends Objective<D>> List<Sweep.Run<A, Result<M>>> sweep(
            List<A> arms, long[] seeds, BiFunction<A, Long, M> model, BiFunction<A, Long, Supplier<D>> train,
            Function<A, Iterable<D>> dev, Budget budget, int threads, PrintStream progress) {
        return Sweep.run(arms, seeds, (arm, seed) -> train(model.apply(arm, seed), train.apply(arm, seed), dev.apply(arm),
                budget), threads, r -> String.format(Locale.ROOT, "held-out loss %.4f%s", r.devLoss(),
                r.diverged() ? " (diverged)" : ""), progress);
    }

    /** One run: trains m on the batches with the budget, quietly. */
    public static <D, M extends Objective<D>> Result<M> train(M m, Supplier<D> batches, Iterable<D> dev, Budget b) {
        Trainer<D> t = Trainer.of(m, new AdamW(m, b.lr(), 0.0)).data(batches).steps(b.steps()).eval(dev, b.evalEvery())
                .quiet();
        if (b.clip() > 0) t.clipGradNorm(b.clip());
        try {
            return new Result<>(m, t.run(), false);
        } catch (TrainingDivergedException e) {
            return new Result<>(m, t.history(), true);
        }
    }

    /** The learning curve of a run: {evaluation steps, held-out losses}, a chart series. */
    public static double[][] curve(Result<?> r) {
        int[] s = r.history().evalSteps();
        double[] x = new double[s.length];
        for (int i = 0; i < s.length; i++) x[i] = s[i];
        return new double[][] {x, r.history().devLosses()};
    }

    /** The final held-out losses of the runs of one arm, in seed order. */
    public static <A, M> double[] devLosses(List<Sweep.Run<A, Result<M>>> runs, A arm) {
        return Sweep.of(runs, arm).stream().mapToDouble(r -> r.result().devLoss()).toArray();
    }

    /** The models of one arm, in seed order. */
    public static <A, M> List<M> models(List<Sweep.Run<A, Result<M>>> runs, A arm) {
        return Sweep.of(runs, arm).stream().map(r -> r.result().model()).toList();
    }
}
