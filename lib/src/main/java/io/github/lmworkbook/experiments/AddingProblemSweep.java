package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The adding problem ({@link AddingProblem}) for several sequence lengths T and seeds, with the learning curve and
 * the gradient that reaches the marked steps over training. Every {@code every} steps a fixed probe set is
 * evaluated (its MSE) and back-propagated (without an update): for each probe sequence the norm of ∂L/∂h_t at its
 * first marked step t₁ is divided by the norm at the last step T, the size of the signal "remember this value"
 * after travelling T − t₁ steps back relative to where it entered. The median over the probe sequences is recorded as
 * its log₁₀ (shares below 10⁻³⁰, among them exact zeros from units saturated to ±1, as −30), so that the mean over
 * seeds is a geometric mean.
 */
public final class AddingProblemSweep {
    private AddingProblemSweep() {}

    /**
     * The model and the budget.
     *
     * @param hidden H, hidden units
     * @param batch  sequences per step
     * @param steps  training steps of every run
     * @param every  steps between two probes (the points of the curves)
     * @param lr     the peak learning rate of AdamW (warm-up over the first 5 %, cosine decay to lr/10)
     * @param clip   the global-norm clipping threshold
     * @param test   held-out sequences for the final MSE and the probes
     */
    public record Config(int hidden, int batch, int steps, int every, double lr, double clip, int test) {
        /**
         * Checks that steps is a positive multiple of every.
         *
         * @param hidden H, hidden units
         * @param batch sequences per step
         * @param steps training steps of every run
         * @param every steps between two probes (the points of the curves)
         * @param lr the peak learning rate of AdamW (warm-up over the first 5 %, cosine decay to lr/10)
         * @param clip the global-norm clipping threshold
         * @param test held-out sequences for the final MSE and the probes
         */
        public Config {
            if (steps < 1 || every < 1 || steps % every != 0) {
                throw new IllegalArgumentException("adding problem sweep: steps " + steps + " must be a positive multiple of every "
                        + every);
            }
        }
    }

    /** Metric and curve names. */
    public static final String MSE = "test MSE", RATIO = "MSE / baseline", LOG_SHARE = "log₁₀(‖∂L/∂h_t₁‖ / ‖∂L/∂h_T‖)";

    /** The smallest share recorded (its log₁₀ is −30): anything below, an exact 0 included, is recorded as this. */
    public static final double SHARE_FLOOR = 1e-30;

    /**
     * Trains one {@link SequenceRegressor} per T and seed. Metrics: test MSE, MSE / baseline, and the final
     * log₁₀ gradient share; curves: "test MSE" and the log₁₀ gradient share against the step (0, every, …, steps).
     *
     * @param cell the recurrent cell
     * @param lengths the sequence lengths T, one condition each
     * @param seeds the seeds
     * @param c the training settings
     * @return the outcomes by T and seed
     */
    public static SeedResults<Integer> run(CellType cell, int[] lengths, long[] seeds, Config c) {
        List<Integer> Ts = new ArrayList<>();
        for (int T : lengths) Ts.add(T);
        return Seeds.run(Ts, T -> "T = " + T, seeds, (T, seed) -> train(cell, T, c.steps(), seed, c));
    }

    /**
     * One condition of {@link #run(CellType, List, long[], Config)}: a sequence length T and its own number of
     * training steps (a multiple of the config's {@code every}), e.g. the same T at two budgets.
     */
    public record Budget(int length, int steps) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "T = %d, %,d steps", length, steps);
        }
    }

    /**
     * As {@link #run(CellType, int[], long[], Config)}, each condition with its own number of steps (the
     * learning-rate schedule stretched to it); everything else from the config. A condition with the config's
     * steps gives exactly the outcome of the other method.
     *
     * @param cell the recurrent cell
     * @param budgets the conditions: a length T and its number of steps
     * @param seeds the seeds
     * @param c the training settings
     * @return the outcomes by budget and seed
     */
    public static SeedResults<Budget> run(CellType cell, List<Budget> budgets, long[] seeds, Config c) {
        for (Budget b : budgets) {
            if (b.steps() < 1 || b.steps() % c.every() != 0) {
                throw new IllegalArgumentException("adding problem sweep: " + b + ": steps must be a positive "
                        + "multiple of every " + c.every());
            }
        }
        return Seeds.run(budgets, Budget::toString, seeds, (b, seed) -> train(cell, b.length(), b.steps(), seed, c));
    }

    private static Outcome train(CellType cell, int T, int steps, long seed, Config c) {
        return one(new SequenceRegressor(new SequenceRegressor.Config(cell, 2, c.hidden(), seed)), T, steps, seed, c);
    }

    /**
     * One run: trains the given model (2 inputs; the config's hidden size is not used) on the adding problem of length
     * T for the given steps with the seed's data, probing every {@code every} steps; the metrics and curves of
     * {@link #run(CellType, int[], long[], Config)}.
     *
     * @param m the model to train, in place
     * @param T the sequence length
     * @param steps the number of training steps
     * @param seed the seed of the training and probe data
     * @param c the training settings
     * @return the run's metrics and curves
     */
    public static Outcome one(SequenceRegressor m, int T, int steps, long seed, Config c) {
        AddingProblem train = new AddingProblem(T, seed);
        SequenceBatch probe = new AddingProblem(T, 1_000_000L + T).sample(c.test());
        Trainer<SequenceBatch> trainer = Trainer.of(m, new AdamW(m, c.lr(), 0.0)).data(() -> train.sample(c.batch()))
                .schedule(LrSchedule.warmupCosine(c.lr(), Math.max(1, steps / 20), steps, c.lr() / 10))
                .clipGradNorm(c.clip()).steps(c.every()).quiet();
        int points = steps / c.every() + 1;
        double[] at = new double[points], mse = new double[points], share = new double[points];
        for (int k = 0; k < points; k++) {
            if (k > 0) trainer.run();
            at[k] = (double) k * c.every();
            mse[k] = m.loss(probe);
            share[k] = Math.log10(Math.max(SHARE_FLOOR, markedShare(m, probe)));
        }
        return new Outcome().metric(MSE, mse[points - 1]).metric(RATIO, mse[points - 1] / AddingProblem.BASELINE_MSE)
                .metric(LOG_SHARE, share[points - 1]).curve(MSE, at, mse).curve(LOG_SHARE, at, share);
    }

    /**
     * log₁₀ of {@link #markedShare} of an untrained model (the seed's initialisation) on the probe set of length T:
     * how far the signal "remember this value" is from the marked step before any training, at no training cost.
     *
     * @param cell the recurrent cell
     * @param T the sequence length
     * @param seed the seed of the initialisation
     * @param c the settings (its hidden size and probe set)
     * @return log₁₀ of the median share
     */
    public static double initialLogShare(CellType cell, int T, long seed, Config c) {
        SequenceRegressor m = new SequenceRegressor(new SequenceRegressor.Config(cell, 2, c.hidden(), seed));
        SequenceBatch probe = new AddingProblem(T, 1_000_000L + T).sample(c.test());
        return Math.log10(Math.max(SHARE_FLOOR, markedShare(m, probe)));
    }

    /**
     * The median over the batch's sequences of ‖∂L/∂h_t₁‖ / ‖∂L/∂h_T‖, t₁ the sequence's first marked step (the
     * marker is the input's second column); computed by a backward pass whose parameter gradients are discarded.
     *
     * @param m the model
     * @param batch the probe sequences
     * @return the median share
     */
    public static double markedShare(SequenceRegressor m, SequenceBatch batch) {
        int B = batch.size(), T = batch.length();
        m.zeroGrad();
        m.lossAndGrad(batch);
        double[] r = new double[B];
        for (int b = 0; b < B; b++) {
            int first = -1;
            for (int t = 0; t < T && first < 0; t++) if (batch.x().data[b * T + t][1] == 1.0) first = t;
            Matrix dFirst = m.recurrence.step(first + 1).dh, dLast = m.recurrence.step(T).dh;   // step t holds h_t
            r[b] = norm(dFirst.data[b]) / Math.max(1e-300, norm(dLast.data[b]));
        }
        m.zeroGrad();
        java.util.Arrays.sort(r);
        return B % 2 == 1 ? r[B / 2] : 0.5 * (r[B / 2 - 1] + r[B / 2]);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }
}
