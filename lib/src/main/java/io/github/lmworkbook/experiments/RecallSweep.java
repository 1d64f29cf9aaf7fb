package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.RecallTask;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fixed-size bottleneck, measured: a recurrent language model of hidden size H learns to recall a random
 * string of length L ({@link RecallTask}); the accuracy at the recall positions against L, for several H, shows
 * where a state of H numbers stops holding the string. Any {@link CellType} (the RNN here, the GRU and LSTM in
 * their notebooks), every (H, L) with several seeds and the same budget.
 */
public final class RecallSweep {
    private RecallSweep() {}

    /** One condition: the cell, its hidden size H and the string length L. */
    public record Condition(CellType cell, int hidden, int length) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s H = %d, L = %d", cell, hidden, length);
        }
    }

    /**
     * The budget and the task.
     *
     * @param alphabet A, symbols of the string
     * @param embed    m, the size of a token's vector
     * @param steps    training steps of every run
     * @param batch    sequences per step
     * @param lr       the peak learning rate of AdamW (warm-up over the first 5 %, cosine decay to lr/10)
     * @param clip     the global-norm clipping threshold
     * @param test     held-out sequences the accuracy is measured on
     */
    public record Config(int alphabet, int embed, int steps, int batch, double lr, double clip, int test) {
        /**
         * A = 4 (2 bits a symbol), m = 8, 800 steps of 32 sequences, lr 1e-2, clipping at 1, 512 test sequences.
         *
         * @return the configuration
         */
        public static Config standard() {
            return new Config(4, 8, 800, 32, 1e-2, 1.0, 512);
        }
    }

    /** The accuracy metric's name in the results. */
    public static final String ACCURACY = "recall accuracy";

    /**
     * Trains one model per (H, L) and seed; metrics: recall accuracy, bits (L·log₂A), final training loss.
     *
     * @param cell the recurrent cell
     * @param hiddens the hidden sizes H
     * @param lengths the string lengths L
     * @param seeds the seeds
     * @param c the settings
     * @return the outcomes by (H, L) and seed
     */
    public static SeedResults<Condition> run(CellType cell, int[] hiddens, int[] lengths, long[] seeds, Config c) {
        List<Condition> conditions = new ArrayList<>();
        for (int H : hiddens) for (int L : lengths) conditions.add(new Condition(cell, H, L));
        return Seeds.run(conditions, Condition::toString, seeds, (cond, seed) -> {
            RecallTask task = new RecallTask(c.alphabet(), cond.length());
            RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(task.vocabSize(), cond.cell(), c.embed(),
                    cond.hidden(), false, seed));
            return one(m, task, seed, c);
        });
    }

    /**
     * One run: trains the model (over the task's vocabulary; the config's m is not used) on the task with the seed's
     * batches, then measures its recall on the task's fixed held-out set; the metrics of {@link #run}. The model is
     * trained in place (the caller may measure it further, e.g. on a dev set of its own).
     *
     * @param m the model, trained in place
     * @param task the recall task
     * @param seed the seed of the batches
     * @param c the settings
     * @return the run's metrics
     */
    public static Outcome one(LanguageModel m, RecallTask task, long seed, Config c) {
        var history = Trainer.of(m, new AdamW(m, c.lr(), 0.0))
                .data(task.batches(c.batch(), seed))
                .schedule(LrSchedule.warmupCosine(c.lr(), Math.max(1, c.steps() / 20), c.steps(), c.lr() / 10))
                .clipGradNorm(c.clip()).steps(c.steps()).quiet().run();
        double acc = accuracy(m, task.fixedSet(1, c.test(), 1_000_000L + task.stringLength()));
        return new Outcome().metric(ACCURACY, acc).metric("bits", task.bits())
                .metric("train loss", history.lastTrainLoss(50));
    }

    /**
     * The fraction of the targets (≥ 0) that the model's most likely next token gets right, reading each batch one
     * token at a time (the model's generator).
     *
     * @param model the model
     * @param batches the batches
     * @return the accuracy
     */
    public static double accuracy(LanguageModel model, Iterable<Batch> batches) {
        long right = 0, total = 0;
        for (Batch b : batches) {
            int B = b.size(), T = b.length(), V = model.vocabSize();
            LanguageModel.Generator g = model.generator(B);
            Matrix logits = new Matrix(B, V);
            int[] tokens = new int[B];
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < B; i++) tokens[i] = b.x()[i][t];
                g.next(tokens, logits);
                for (int i = 0; i < B; i++) {
                    int y = b.y()[i][t];
                    if (y < 0) continue;
                    double[] z = logits.data[i];
                    int best = 0;
                    for (int j = 1; j < V; j++) if (z[j] > z[best]) best = j;
                    if (best == y) right++;
                    total++;
                }
            }
        }
        if (total == 0) throw new IllegalArgumentException("accuracy: the batches hold no targets");
        return (double) right / total;
    }

    /**
     * For each hidden size, the longest string length whose mean accuracy over seeds is at least threshold
     * (0 when none is): where the bottleneck starts to lose the string, at this budget.
     *
     * @param r the results
     * @param hiddens the hidden sizes
     * @param threshold the accuracy required
     * @return the longest L for each H
     */
    public static int[] longestRecalled(SeedResults<Condition> r, int[] hiddens, double threshold) {
        int[] out = new int[hiddens.length];
        for (int k = 0; k < hiddens.length; k++) {
            for (Condition c : r.conditions()) {
                if (c.hidden() == hiddens[k] && r.summary(c, ACCURACY).mean() >= threshold) {
                    out[k] = Math.max(out[k], c.length());
                }
            }
        }
        return out;
    }
}
