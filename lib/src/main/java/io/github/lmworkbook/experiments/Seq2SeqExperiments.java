package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.TransductionBatch;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.models.Seq2Seq;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The encoder–decoder's experiments (the notebook between the LSTM and self-attention), each a pure function of a
 * condition, a seed and a step budget that returns an {@link Outcome} of metrics and curves (no timings), so that
 * {@link Seeds} can run it over seeds and budgets and the results can be stored and compared:
 * <ol>
 *   <li>{@link #bottleneck}: an encoder–decoder without attention on a transduction of L symbols
 *       ({@link TransductionTask}, reversal by default): accuracy at the end and learning curves — against L and H,
 *       the fixed-size state's limit;</li>
 *   <li>{@link #fix}: the same with attention, its H chosen so that its parameter count matches the model without
 *       attention of the condition's H ({@link #matchedHidden});</li>
 *   <li>{@link #alignment}: the attention model of {@link #fix} (the same run), and its alignment α averaged over the
 *       held-out strings, row by row, with the share of α on the task's own source position π(t);</li>
 *   <li>{@link #gradientReach}: ‖∂L/∂h_s‖ against the source position s, at initialisation and after training, with
 *       the share that arrived through α — where the gradient to an early source position comes from.</li>
 * </ol>
 * Every model trains with AdamW (no weight decay), warm-up over the first 5 % of the steps and cosine decay to lr/10,
 * global-norm clipping, on fresh random strings of the condition's length (seeded by the run's seed); it is measured on
 * one fixed held-out set per length (the same for every seed and budget).
 */
public final class Seq2SeqExperiments {
    private Seq2SeqExperiments() {}

    /**
     * The task and the training settings.
     *
     * @param task          the map (reversal, copy, sort)
     * @param alphabet      A, symbols of a string
     * @param embed         m, the size of a symbol's vector
     * @param attentionSize A of the additive score (0: = H)
     * @param batch         pairs per step
     * @param lr            the peak learning rate
     * @param clip          the global-norm clipping threshold
     * @param test          held-out pairs the accuracies are measured on
     * @param points        evaluations along the training (the points of the learning curves, besides step 0)
     */
    public record Setup(TransductionTask.Kind task, int alphabet, int embed, int attentionSize, int batch, double lr,
                        double clip, int test, int points) {
        /**
         * Checks the setup.
         *
         * @param task the map (reversal, copy, sort)
         * @param alphabet A, symbols of a string
         * @param embed m, the size of a symbol's vector
         * @param attentionSize A of the additive score (0: = H)
         * @param batch pairs per step
         * @param lr the peak learning rate
         * @param clip the global-norm clipping threshold
         * @param test held-out pairs the accuracies are measured on
         * @param points evaluations along the training (the points of the learning curves, besides step 0)
         */
        public Setup {
            if (task == null || alphabet < 2 || embed < 1 || attentionSize < 0 || batch < 1 || !(lr > 0)
                    || !(clip > 0) || test < 1 || points < 1) {
                throw new IllegalArgumentException("seq2seq setup: need a task, A ≥ 2 and positive sizes, got " + task
                        + ", A " + alphabet + ", m " + embed + ", attention size " + attentionSize + ", B " + batch
                        + ", lr " + lr + ", clip " + clip + ", test " + test + ", points " + points);
            }
        }

        /**
         * Reversal of strings of A = 8 symbols, m = 16, A = H, 32 pairs a step, lr 1e-2, clip 1, 256 held out, 8
         * points.
         *
         * @return the setup
         */
        public static Setup standard() {
            return new Setup(TransductionTask.Kind.REVERSE, 8, 16, 0, 32, 1e-2, 1.0, 256, 8);
        }
    }

    /**
     * One condition: the cell, the hidden size H (for {@link #fix}: of the model without attention whose parameter
     * count the attention model matches), the attention, the length L of the strings, and the setup.
     */
    public record Condition(CellType cell, int hidden, Seq2Seq.Attention attention, int length, Setup setup) {
        /**
         * Checks the condition: a cell, an attention, a setup, H ≥ 1 and L ≥ 1.
         *
         * @param cell the cell of the encoder and decoder
         * @param hidden H (for {@link #fix}: of the model without attention whose parameter count is matched)
         * @param attention the attention
         * @param length L, the length of the strings
         * @param setup the task and training settings
         */
        public Condition {
            if (cell == null || attention == null || setup == null || hidden < 1 || length < 1) {
                throw new IllegalArgumentException("seq2seq condition: need a cell, an attention, a setup, H ≥ 1 and"
                        + " L ≥ 1, got " + cell + ", " + attention + ", H " + hidden + ", L " + length);
            }
        }

        /**
         * The standard setup.
         *
         * @param cell the cell of the encoder and decoder
         * @param hidden H
         * @param attention the attention
         * @param length L
         * @return the condition
         */
        public static Condition of(CellType cell, int hidden, Seq2Seq.Attention attention, int length) {
            return new Condition(cell, hidden, attention, length, Setup.standard());
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s H = %d, %s, L = %d", cell, hidden,
                    attention == Seq2Seq.Attention.NONE ? "no attention" : attention + " attention", length);
        }
    }

    /** Metric and curve names. */
    public static final String TOKEN_FREE = "token accuracy (free-running)",
            SEQUENCE_FREE = "sequence accuracy (free-running)",
            TOKEN_FORCED = "token accuracy (teacher forcing)",
            SEQUENCE_FORCED = "sequence accuracy (teacher forcing)",
            EXPOSURE_BIAS = "exposure bias", LOSS = "held-out loss", TRAIN_LOSS = "train loss", PARAMETERS = "parameters",
            HIDDEN = "H", BITS = "bits", ON_ALIGNMENT = "α on π(t)", ARGMAX_ON_ALIGNMENT = "argmax α = π(t)",
            REACH = "‖∂L/∂h_s‖", REACH_ATTENTION = "‖∂L/∂h_s‖ through α",
            FIRST_OVER_LAST = "‖∂L/∂h_1‖ / ‖∂L/∂h_L‖";

    /**
     * The name of the curve of row t (1-based) of the mean alignment.
     *
     * @param t the output step
     * @return the curve's name
     */
    public static String alignmentRow(int t) {
        return "α row " + t;
    }

    /**
     * The mean alignment an {@link #alignment} run recorded, as a (L × L) array (row t − 1: output step t; column s − 1:
     * source position s), for {@code charts.Heatmaps.heatmap}.
     *
     * @param o the outcome of an alignment run
     * @return the (L × L) mean alignment
     */
    public static double[][] meanAlignment(Outcome o) {
        List<double[]> rows = new ArrayList<>();
        for (int t = 1; o.curves().containsKey(alignmentRow(t)); t++) rows.add(o.curve(alignmentRow(t))[1]);
        if (rows.isEmpty()) throw new IllegalArgumentException("no alignment recorded in " + o);
        return rows.toArray(double[][]::new);
    }

    /**
     * For each hidden size, the longest L whose mean of the metric over seeds is at least threshold, among the
     * conditions of that H (0 when none is): where the encoder–decoder starts to lose the string — the break that a
     * budget control must not move.
     *
     * @param r the results
     * @param hiddens the hidden sizes
     * @param metric the metric's name
     * @param threshold the value required
     * @return the longest L for each H
     */
    public static int[] longestAbove(SeedResults<Condition> r, int[] hiddens, String metric, double threshold) {
        int[] out = new int[hiddens.length];
        for (int k = 0; k < hiddens.length; k++) {
            for (Condition c : r.conditions()) {
                if (c.hidden() == hiddens[k] && r.summary(c, metric).mean() >= threshold) {
                    out[k] = Math.max(out[k], c.length());
                }
            }
        }
        return out;
    }

    /** A trained model and what its training recorded (for a live demonstration; the experiments return Outcomes). */
    public record Trained(Seq2Seq model, Outcome outcome) {}

    // ---- the experiments --------------------------------------------------------------------------------------

    /**
     * (1) The bottleneck: the encoder–decoder of the condition (attention as the condition says, normally none) at
     * hidden size H trained for steps on strings of length L. Metrics: free-running token and sequence accuracy (the
     * first is the progress line's), teacher-forced ones, the exposure bias, the held-out loss, the last training loss
     * (mean of the last 50 steps), the parameters, H, the bits of a string (L·log₂A); curves against the step: the
     * held-out loss, the free-running and the teacher-forced token accuracy.
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome bottleneck(Condition c, long seed, int steps) {
        return train(c, c.hidden(), seed, steps).outcome();
    }

    /**
     * (2) The fix: the condition's attention (additive or dot) in a model whose H is chosen so that its parameter count
     * matches the same model without attention at the condition's H ({@link #matchedHidden}); otherwise as
     * {@link #bottleneck}. Metrics as there (H and parameters are the attention model's) plus "reference parameters".
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome fix(Condition c, long seed, int steps) {
        requireAttention(c, "fix");
        return trainMatched(c, seed, steps).outcome();
    }

    /**
     * (3) The alignment of the trained attention model of {@link #fix} (the same run): α of the free-running decoder
     * averaged over the held-out strings, as curves "α row t" (x = source position s = 1 … L, y = mean α_{t,s}); metrics
     * as {@link #fix}'s plus the mean weight on the task's own source position π(t) and the share of steps whose
     * largest weight is there (reversal and copy; NaN for sorting).
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome alignment(Condition c, long seed, int steps) {
        requireAttention(c, "alignment");
        Trained t = trainMatched(c, seed, steps);
        Seq2Seq m = t.model();
        Outcome o = t.outcome();
        TransductionTask task = task(c);
        int L = c.length();
        double[][] mean = new double[L][L];
        int n = 0;
        for (TransductionBatch batch : testSet(c)) {
            int B = batch.size();
            m.decode(batch.source(), L, new int[B][L]);
            for (int b = 0; b < B; b++, n++) {
                Matrix a = m.alignment(b);
                for (int i = 0; i < L; i++) for (int s = 0; s < L; s++) mean[i][s] += a.data[i][s];
            }
        }
        double[] x = positions(L);
        for (int i = 0; i < L; i++) {
            for (int s = 0; s < L; s++) mean[i][s] /= n;
            o.curve(alignmentRow(i + 1), x, mean[i]);
        }
        double on = Double.NaN, argmax = Double.NaN;
        if (c.setup().task() != TransductionTask.Kind.SORT) {
            int[] pi = task.alignment(L);
            on = 0;
            argmax = 0;
            for (int i = 0; i < L; i++) {
                on += mean[i][pi[i]] / L;
                int best = 0;
                for (int s = 1; s < L; s++) if (mean[i][s] > mean[i][best]) best = s;
                if (best == pi[i]) argmax += 1.0 / L;
            }
        }
        return o.metric(ON_ALIGNMENT, on).metric(ARGMAX_ON_ALIGNMENT, argmax);
    }

    /**
     * (4) The gradient's reach into the encoder: for the held-out pairs (teacher-forced, L = each pair's mean loss per
     * target symbol), ‖∂L/∂h_s‖ at every source position s, averaged over the pairs, at initialisation and after
     * training for steps (steps = 0: initialisation only), and the share that arrived directly through α. With
     * attention the model is sized as in {@link #fix}. Curves (x = s = 1 … L): "‖∂L/∂h_s‖ at initialisation",
     * "‖∂L/∂h_s‖ through α at initialisation", and the same "trained"; metrics: the ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_L‖ at
     * initialisation and trained, and the trained model's free-running token accuracy (first).
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome gradientReach(Condition c, long seed, int steps) {
        int H = c.attention() == Seq2Seq.Attention.NONE ? c.hidden() : matchedHidden(c);
        Seq2Seq m = model(c, H, seed);
        List<TransductionBatch> probe = task(c).fixedSet(1, Math.min(64, c.setup().test()), c.length(),
                2_000_000L + c.length());
        double[][] init = reach(m, probe.get(0));
        Trained t = steps > 0 ? train(c, H, seed, steps) : null;
        double[][] trained = t != null ? reach(t.model(), probe.get(0)) : init;
        double[] x = positions(c.length());
        Outcome o = new Outcome();
        o.metric(TOKEN_FREE, t != null ? t.outcome().metric(TOKEN_FREE) : m.evaluate(testSet(c)).tokenFreeRunning());
        o.metric(FIRST_OVER_LAST + " at initialisation", init[0][0] / init[0][c.length() - 1]);
        o.metric(FIRST_OVER_LAST + " trained", trained[0][0] / trained[0][c.length() - 1]);
        o.metric(HIDDEN, H).metric(PARAMETERS, m.numParams());
        o.curve(REACH + " at initialisation", x, init[0]).curve(REACH_ATTENTION + " at initialisation", x, init[1]);
        o.curve(REACH + " trained", x, trained[0]).curve(REACH_ATTENTION + " trained", x, trained[1]);
        return o;
    }

    // ---- the pieces ---------------------------------------------------------------------------------------------

    /**
     * The hidden size of the condition's attention model whose parameter count is closest to that of the model
     * without attention at the condition's H (the smaller on a tie): attention costs W_c (H × G·H) and, for the
     * additive score, W, U and v — so the attention model has fewer hidden units.
     *
     * @param c the condition
     * @return the hidden size
     */
    public static int matchedHidden(Condition c) {
        Seq2Seq.Config ref = config(c, c.hidden(), Seq2Seq.Attention.NONE, 0);
        long target = ref.numParams();
        int best = 1;
        long bestGap = Long.MAX_VALUE;
        for (int H = 1; H <= c.hidden(); H++) {
            long gap = Math.abs(config(c, H, c.attention(), 0).numParams() - target);
            if (gap < bestGap) {
                bestGap = gap;
                best = H;
            }
        }
        return best;
    }

    /**
     * The attention model of the condition at the matched H, trained: what {@link #fix} and {@link #alignment} run.
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Trained trainMatched(Condition c, long seed, int steps) {
        int H = matchedHidden(c);
        Trained t = train(c, H, seed, steps);
        t.outcome().metric("reference parameters", config(c, c.hidden(), Seq2Seq.Attention.NONE, 0).numParams());
        return t;
    }

    /**
     * Trains the condition's model at hidden size H for steps (the seed initialises the model and draws the training
     * strings) and measures it (see {@link #bottleneck}).
     *
     * @param c the condition
     * @param H the hidden size
     * @param seed the seed of the model and the training strings
     * @param steps the number of training steps
     * @return the model and its measures
     */
    public static Trained train(Condition c, int H, long seed, int steps) {
        if (steps < 0) throw new IllegalArgumentException("seq2seq: steps " + steps + " must be ≥ 0");
        Setup s = c.setup();
        TransductionTask task = task(c);
        Seq2Seq m = model(c, H, seed);
        List<TransductionBatch> test = testSet(c);
        Trainer<TransductionBatch> trainer = Trainer.of(m, new AdamW(m, s.lr(), 0.0))
                .data(task.batches(s.batch(), seed)).clipGradNorm(s.clip()).quiet();
        if (steps > 0) {
            trainer.schedule(LrSchedule.warmupCosine(s.lr(), steps / 20, steps, s.lr() / 10));
        }
        int points = steps == 0 ? 0 : Math.min(s.points(), steps);
        double[] at = new double[points + 1], loss = new double[points + 1], acc = new double[points + 1],
                forced = new double[points + 1];
        Seq2Seq.Accuracy a = null;
        for (int i = 0; i <= points; i++) {
            long target = points == 0 ? 0 : (long) steps * i / points;
            if (target > trainer.step()) trainer.steps(target - trainer.step()).run();
            at[i] = target;
            loss[i] = Trainer.evaluate(m, test);
            a = m.evaluate(test);
            acc[i] = a.tokenFreeRunning();
            forced[i] = a.tokenTeacherForced();
        }
        double trainLoss = steps > 0 ? trainer.history().lastTrainLoss(Math.min(50, steps)) : loss[0];
        Outcome o = new Outcome().metric(TOKEN_FREE, a.tokenFreeRunning())
                .metric(SEQUENCE_FREE, a.sequenceFreeRunning()).metric(TOKEN_FORCED, a.tokenTeacherForced())
                .metric(SEQUENCE_FORCED, a.sequenceTeacherForced()).metric(EXPOSURE_BIAS, a.exposureBias())
                .metric(LOSS, loss[points]).metric(TRAIN_LOSS, trainLoss).metric(PARAMETERS, m.numParams())
                .metric(HIDDEN, H).metric(BITS, task.bits(c.length()))
                .curve(LOSS, at, loss).curve(TOKEN_FREE, at, acc).curve(TOKEN_FORCED, at, forced);
        return new Trained(m, o);
    }

    /**
     * The held-out pairs of the condition's length: the same for every seed and budget.
     *
     * @param c the condition
     * @return the pairs
     */
    public static List<TransductionBatch> testSet(Condition c) {
        return task(c).heldOut(c.setup().test(), c.length(), 1_000_000L + c.length());
    }

    /**
     * {‖∂L/∂h_s‖, its share through α} for s = 1 … L, averaged over the pairs of the batch.
     *
     * @param m the model
     * @param batch the pairs
     * @return {norms, shares through α} by position s
     */
    public static double[][] reach(Seq2Seq m, TransductionBatch batch) {
        int B = batch.size(), L = batch.sourceLength();
        m.zeroGrad();
        m.forward(batch);
        m.backward();
        Matrix total = m.sourceStateGradientNorms(), direct = m.attentionGradientNorms();
        m.zeroGrad();
        double[][] out = new double[2][L];
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < L; s++) {
                out[0][s] += total.data[b][s];       // the loss is the mean over B pairs: ×B is each pair's own
                out[1][s] += direct.data[b][s];
            }
        }
        return out;                                  // Σ_b ‖·‖ · (1/B)·B: the mean over pairs of each pair's gradient
    }

    private static Seq2Seq model(Condition c, int H, long seed) {
        return new Seq2Seq(config(c, H, c.attention(), seed));
    }

    private static Seq2Seq.Config config(Condition c, int H, Seq2Seq.Attention attention, long seed) {
        Setup s = c.setup();
        return new Seq2Seq.Config(c.cell(), s.alphabet(), s.alphabet(), s.embed(), H, attention, s.attentionSize(),
                seed);
    }

    private static TransductionTask task(Condition c) {
        return new TransductionTask(c.setup().task(), c.setup().alphabet(), c.length());
    }

    private static double[] positions(int L) {
        double[] x = new double[L];
        for (int s = 0; s < L; s++) x[s] = s + 1;
        return x;
    }

    private static void requireAttention(Condition c, String what) {
        if (c.attention() == Seq2Seq.Attention.NONE) {
            throw new IllegalArgumentException("seq2seq " + what + ": the condition has no attention (" + c + ")");
        }
    }
}
