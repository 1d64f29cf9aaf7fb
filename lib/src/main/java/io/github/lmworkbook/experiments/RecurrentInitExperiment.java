package io.github.lmworkbook.experiments;

import io.github.lmworkbook.analysis.DecayFit;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentInit;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;

import java.util.List;
import java.util.Locale;

/**
 * The vanilla RNN's recurrent matrix W_hh started as the cell draws it (makemore's U(±1/√(D+H))), orthogonal, or at
 * the identity (IRNN) — {@link RecurrentInit} — and what that does to the decay of the gradient with the distance and
 * to the adding problem. Each run is a pure function of (condition, seed, steps); the outcomes hold no timings.
 *
 * <ul>
 *   <li>{@link #decay}: a language model on Tiny Shakespeare; ‖∂L/∂h_t‖ against the distance T − t for L = u·h_T on a
 *       fixed passage ({@link GradientFlowSweep#flow}), at initialisation and after {@code steps} steps of training,
 *       with the fitted per-step factor of each (1 = no decay) and the held-out loss;</li>
 *   <li>{@link #adding}: the adding problem at length T ({@link AddingProblem}), the test MSE against the step, its
 *       ratio to the baseline of always answering 1 (MSE 1/6), and the share of the gradient that reaches the first
 *       marked step ({@link AddingProblemSweep#markedShare}) at the start and at the end.</li>
 * </ul>
 */
public final class RecurrentInitExperiment {
    private RecurrentInitExperiment() {}

    /** Metric and curve names of {@link #decay}. */
    public static final String FACTOR_INIT = "decay factor at init", FACTOR_TRAINED = "decay factor trained",
            DEV = "dev loss", GRAD_INIT = "‖∂L/∂h_t‖ at init", GRAD_TRAINED = "‖∂L/∂h_t‖ trained",
            LOG_GRAD_AT_T = "log₁₀ ‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ at init, k = passage length";
    /** Metric and curve names of {@link #adding}. */
    public static final String MSE = "test MSE", RATIO = "MSE / baseline", LOG_SHARE_INIT = "log₁₀ marked share at init",
            LOG_SHARE = "log₁₀ marked share trained";

    /**
     * The cell's recurrent start, the sizes and the learning rate.
     *
     * @param init   how W_hh starts
     * @param cell   the cell (the RNN, usually)
     * @param hidden H
     * @param length T: the passage of {@link #decay}, the sequences of {@link #adding}
     * @param lr     the peak learning rate of AdamW
     */
    public record Condition(RecurrentInit init, CellType cell, int hidden, int length, double lr) {
        /**
         * Checks the condition.
         *
         * @param init how W_hh starts
         * @param cell the cell (the RNN, usually)
         * @param hidden H
         * @param length T: the passage of {@link #decay}, the sequences of {@link #adding}
         * @param lr the peak learning rate of AdamW
         */
        public Condition {
            if (init == null || cell == null || hidden < 1 || length < 2 || !(lr > 0)) {
                throw new IllegalArgumentException("recurrent init: bad condition " + init + ", " + cell + ", H = "
                        + hidden + ", T = " + length + ", lr " + lr);
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %s, H = %d, T = %d", cell, init, hidden, length);
        }
    }

    /**
     * The three initialisations of the RNN at one size and learning rate.
     *
     * @param hidden H
     * @param length T
     * @param lr the learning rate
     * @return the three conditions
     */
    public static List<Condition> rnn(int hidden, int length, double lr) {
        return List.of(new Condition(RecurrentInit.DEFAULT, CellType.RNN, hidden, length, lr),
                new Condition(RecurrentInit.ORTHOGONAL, CellType.RNN, hidden, length, lr),
                new Condition(RecurrentInit.IDENTITY, CellType.RNN, hidden, length, lr));
    }

    /**
     * The gradient's decay with the distance, at initialisation and after training a language model on Tiny
     * Shakespeare (m = 16, chunks of 64, 32 per step, AdamW at the condition's lr, clipping at 1; the passage is the
     * first {@code length} characters of the held-out text; dev loss on 8,192 held-out characters).
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome decay(Condition c, long seed, int steps) {
        String text = Datasets.text("tinyshakespeare");
        Vocabulary vocab = Vocabulary.ofText(text);
        TextDataset[] split = new TextDataset(text, vocab).splitAt(0.9);
        int[] passage = split[1].slice(0, c.length()).tokens();
        Iterable<Batch> dev = split[1].slice(0, 8193).inOrder(64, 64);
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(vocab.size(), c.cell(), 16, c.hidden(), false, seed,
                0.0, c.init()));
        double[] atInit = GradientFlowSweep.flow(m, passage)[0];
        if (steps > 0) {
            Trainer.of(m, new AdamW(m, c.lr(), 0.0)).data(split[0].randomChunks(32, 64, seed)).clipGradNorm(1.0)
                    .steps(steps).quiet().run();
        }
        double[] trained = GradientFlowSweep.flow(m, passage)[0];
        int T = passage.length;
        double[] k = new double[T + 1];
        for (int i = 0; i <= T; i++) k[i] = i;
        return new Outcome().metric(FACTOR_INIT, DecayFit.of(atInit, 1, T).factor())
                .metric(FACTOR_TRAINED, DecayFit.of(trained, 1, T).factor())
                .metric(DEV, Trainer.evaluate(m, dev))
                .metric(LOG_GRAD_AT_T, Math.log10(Math.max(1e-300, atInit[T]) / atInit[0]))
                .curve(GRAD_INIT, k, atInit).curve(GRAD_TRAINED, k, trained);
    }

    /**
     * The adding problem at length T: a {@link SequenceRegressor} (two inputs per step) trained on fresh sequences
     * (32 per step, AdamW at the condition's lr, warmed up over the first 5 % and decayed along a cosine to a tenth
     * of it, clipping at 1), the MSE on 256 held-out sequences at 11 evenly spaced steps.
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome adding(Condition c, long seed, int steps) {
        if (steps < 10 || steps % 10 != 0) {
            throw new IllegalArgumentException("adding: steps " + steps + " must be a positive multiple of 10");
        }
        int T = c.length();
        SequenceRegressor m = new SequenceRegressor(new SequenceRegressor.Config(c.cell(), 2, c.hidden(), seed,
                c.init()));
        AddingProblem train = new AddingProblem(T, seed);
        SequenceBatch probe = new AddingProblem(T, 1_000_000L + T).sample(256);
        double lr = c.lr();
        Trainer<SequenceBatch> trainer = Trainer.of(m, new AdamW(m, lr, 0.0)).data(() -> train.sample(32))
                .schedule(LrSchedule.warmupCosine(lr, Math.max(1, steps / 20), steps, lr / 10))
                .clipGradNorm(1.0).steps(steps / 10).quiet();
        double[] at = new double[11], mse = new double[11];
        double shareInit = Math.log10(Math.max(AddingProblemSweep.SHARE_FLOOR, AddingProblemSweep.markedShare(m, probe)));
        for (int k = 0; k <= 10; k++) {
            if (k > 0) trainer.run();
            at[k] = (double) k * steps / 10;
            mse[k] = m.loss(probe);
        }
        double share = Math.log10(Math.max(AddingProblemSweep.SHARE_FLOOR, AddingProblemSweep.markedShare(m, probe)));
        return new Outcome().metric(MSE, mse[10]).metric(RATIO, mse[10] / AddingProblem.BASELINE_MSE)
                .metric(LOG_SHARE_INIT, shareInit).metric(LOG_SHARE, share).curve(MSE, at, mse);
    }
}
