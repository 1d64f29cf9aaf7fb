package io.github.lmworkbook.experiments;

import io.github.lmworkbook.analysis.LstmTrace;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.DelayedCopyTask;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A long-range task at an equal budget for several recurrent models: the delayed copy ({@link DelayedCopyTask}, the
 * token to predict is the one seen k steps earlier). One {@link RecurrentLM} per (arm, seed), AdamW (warm-up over
 * the first 5 % of the steps, cosine decay to lr/10) with global-norm clipping; every {@code every} steps the loss on a
 * fixed held-out set (the learning curve). A model that keeps nothing for k steps stays at the chance loss log A. For
 * an LSTM, the trained forget gates are measured on the first 32 held-out sequences ({@link LstmTrace}): the number
 * of units whose mean f is at least 0.9, and the longest memory time τ = −1/mean ln f of a unit.
 *
 * <p>An arm is a cell and, for the LSTM, the initial forget-gate bias b_f ({@link LstmCell#setForgetBias}; NaN keeps
 * the cell's own initialisation): at initialisation f ≈ σ(b_f), so the cell keeps σ(b_f)^k of what it held k steps
 * ago — and so does the gradient on the cell's own path (Gers et al. 2000; Jozefowicz, Zaremba &amp; Sutskever 2015).
 */
public final class DelayedCopySweep {
    private DelayedCopySweep() {}

    /** A model to train: a cell and, for an LSTM, its initial forget-gate bias (NaN: the cell's own). */
    public record Arm(CellType cell, double forgetBias) {
        /**
         * The cell with its own initialisation.
         *
         * @param cell the recurrent cell
         * @return the arm
         */
        public static Arm of(CellType cell) {
            return new Arm(cell, Double.NaN);
        }

        /**
         * An LSTM with b_f set to bias.
         *
         * @param forgetBias b_f
         * @return the arm
         */
        public static Arm lstm(double forgetBias) {
            return new Arm(CellType.LSTM, forgetBias);
        }

        @Override
        public String toString() {
            if (Double.isNaN(forgetBias)) return cell.toString().toUpperCase(Locale.ROOT);
            return String.format(Locale.ROOT, "%S, b_f = %s", cell, forgetBias == Math.rint(forgetBias)
                    ? String.valueOf((long) forgetBias) : String.valueOf(forgetBias));
        }
    }

    /**
     * The task and the budget.
     *
     * @param alphabet A, symbols (the vocabulary)
     * @param lag      k, how far back the answer is
     * @param length   T, the sequence length (&gt; k)
     * @param embed    m, the size of a token's vector
     * @param hidden   H, the hidden size
     * @param batch    sequences per step
     * @param steps    training steps of every run
     * @param every    steps between two evaluations (the points of the curves)
     * @param lr       the AdamW learning rate (weight decay 0)
     * @param clip     the global-norm clipping threshold
     * @param test     held-out sequences
     */
    public record Config(int alphabet, int lag, int length, int embed, int hidden, int batch, int steps, int every,
                         double lr, double clip, int test) {
        /**
         * Checks that the sizes are positive and steps a multiple of every.
         *
         * @param alphabet A, symbols (the vocabulary)
         * @param lag k, how far back the answer is
         * @param length T, the sequence length (&gt; k)
         * @param embed m, the size of a token's vector
         * @param hidden H, the hidden size
         * @param batch sequences per step
         * @param steps training steps of every run
         * @param every steps between two evaluations (the points of the curves)
         * @param lr the AdamW learning rate (weight decay 0)
         * @param clip the global-norm clipping threshold
         * @param test held-out sequences
         */
        public Config {
            if (steps < 1 || every < 1 || steps % every != 0 || test < 1 || embed < 1 || hidden < 1 || batch < 1) {
                throw new IllegalArgumentException("delayed-copy sweep: need positive sizes and steps a multiple of"
                        + " every, got m " + embed + ", H " + hidden + ", B " + batch + ", steps " + steps + ", every "
                        + every + ", test " + test);
            }
            new DelayedCopyTask(alphabet, length, lag);                // checks A, T and k
        }
    }

    /** Metric and curve names. */
    public static final String LOSS = "held-out loss", RATIO = "loss / chance", KEEPING = "units with mean f ≥ 0.9",
            TAU = "longest memory time";

    /**
     * Trains every arm at every seed; metrics: the final held-out loss and its ratio to log A; curve: the loss.
     *
     * @param arms the arms
     * @param seeds the seeds
     * @param c the settings
     * @return the outcomes by arm and seed
     */
    public static SeedResults<Arm> run(List<Arm> arms, long[] seeds, Config c) {
        return run(arms, Arm::toString, seeds, c, (arm, seed) -> {
            RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(c.alphabet(), arm.cell(), c.embed(), c.hidden(),
                    false, seed));
            if (!Double.isNaN(arm.forgetBias())) {
                if (!(m.cell instanceof LstmCell lstm)) {
                    throw new IllegalArgumentException("delayed-copy sweep: a forget-gate bias needs an LSTM, arm " + arm);
                }
                lstm.setForgetBias(arm.forgetBias());
            }
            return m;
        });
    }

    /** Makes the model of a condition for a seed: vocabulary A, sequences of T tokens (the config's). */
    @FunctionalInterface
    public interface Models<C> {
        /**
         * The model of a condition and seed.
         *
         * @param condition the condition
         * @param seed the seed of the initialisation
         * @return the model, untrained
         */
        LanguageModel make(C condition, long seed);
    }

    /**
     * The same task, training and measurements for any language models (the MLP, the transformer, a recurrent
     * model sized per condition): the models come from the factory, the config's m and H are not used. The
     * forget-gate metrics are NaN unless the model is an LSTM language model.
     *
     * @param <C> the type of a condition
     * @param conditions the conditions
     * @param label how a condition is named
     * @param seeds the seeds
     * @param c the settings
     * @param models the model of each condition and seed
     * @return the outcomes by condition and seed
     */
    public static <C> SeedResults<C> run(List<C> conditions, Function<C, String> label, long[] seeds, Config c,
                                         Models<C> models) {
        return Seeds.run(conditions, label, seeds, (cond, seed) -> one(models.make(cond, seed), seed, c));
    }

    /**
     * One run: trains the model on the delayed copy of the config (its m and H are not used) with the seed's batches;
     * the metrics and the curve of {@link #run(List, long[], Config)}.
     *
     * @param m the model, trained in place
     * @param seed the seed of the batches
     * @param c the settings
     * @return the run's metrics and curve
     */
    public static Outcome one(LanguageModel m, long seed, Config c) {
        DelayedCopyTask task = new DelayedCopyTask(c.alphabet(), c.length(), c.lag());
        {
            List<Batch> test = task.fixedSet(1, c.test(), 1_000_000L + c.lag());
            Trainer<Batch> trainer = Trainer.of(m, new AdamW(m, c.lr(), 0.0)).data(task.batches(c.batch(), seed))
                    .schedule(LrSchedule.warmupCosine(c.lr(), Math.max(1, c.steps() / 20), c.steps(), c.lr() / 10))
                    .clipGradNorm(c.clip()).steps(c.every()).quiet();
            int points = c.steps() / c.every() + 1;
            double[] at = new double[points], loss = new double[points];
            for (int i = 0; i < points; i++) {
                if (i > 0) trainer.run();
                at[i] = (double) i * c.every();
                loss[i] = Trainer.evaluate(m, test);
            }
            double[] gates = m instanceof RecurrentLM r && r.cell instanceof LstmCell
                    ? forgetGates(r, test.get(0), 32) : new double[] {NaN, NaN};
            return new Outcome().metric(LOSS, loss[points - 1]).metric(RATIO, loss[points - 1] / task.chanceLoss())
                    .metric(KEEPING, gates[0]).metric(TAU, gates[1]).curve(LOSS, at, loss);
        }
    }

    private static final double NaN = Double.NaN;

    /** {units with mean f ≥ 0.9, the longest memory time} of an LSTM model over the first n sequences of a batch. */
    static double[] forgetGates(RecurrentLM m, Batch batch, int n) {
        List<LstmTrace> traces = new ArrayList<>();
        for (int b = 0; b < Math.min(n, batch.size()); b++) {
            traces.add(LstmTrace.of((LstmCell) m.cell, new Matrix(1, 2 * m.H), m.embed(batch.x()[b])));
        }
        double keeping = Arrays.stream(LstmTrace.meanForget(traces)).filter(f -> f >= 0.9).count();
        return new double[] {keeping, Arrays.stream(LstmTrace.memoryTimes(traces)).max().orElse(NaN)};
    }
}
