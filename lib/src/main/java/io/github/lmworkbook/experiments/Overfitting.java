package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;

import java.util.Locale;

/**
 * Overfitting made visible, and what dropout and weight decay do to it: a character-level transformer large enough
 * to memorise a small piece of Tiny Shakespeare is trained on that piece for many epochs; its loss on the piece
 * (evaluation mode: no dropout) falls while its loss on held-out text stops falling and rises — the train/dev gap.
 * One run is a pure function of (condition, seed, steps): the model, the data order and the dropout masks are
 * seeded, and the outcome holds no timings.
 *
 * <p>Data: the first {@code trainChars} characters of nanoGPT's 90 % training split; the held-out text is the first
 * {@code evalChars} characters of the other 10 %. Both losses are evaluated at {@code points} + 1 evenly spaced steps
 * on fixed text ({@code evalChars} characters of each), in evaluation mode.
 *
 * <p>Metrics: {@link #DEV} and {@link #TRAIN} (the last evaluation), {@link #GAP} (their difference), {@link #BEST_DEV}
 * and {@link #BEST_STEP} (the lowest held-out loss and when). Curves: the three against the step.
 */
public final class Overfitting {
    private Overfitting() {}

    /** Metric and curve names. */
    public static final String DEV = "dev loss", TRAIN = "train loss", GAP = "dev − train", BEST_DEV = "best dev loss",
            BEST_STEP = "step of best dev loss";

    /** The regulariser of a run: the dropout probability and AdamW's decoupled weight decay λ. */
    public record Condition(double dropout, double weightDecay) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "dropout %s, weight decay %s", trim(dropout), trim(weightDecay));
        }
    }

    /**
     * The model and the data.
     *
     * @param layers     n_layer
     * @param heads      n_head
     * @param embed      n_embd
     * @param block      T, characters per chunk (and the block size)
     * @param batch      chunks per step
     * @param trainChars characters of training text (small: to be memorised)
     * @param evalChars  characters of each text the losses are evaluated on
     * @param lr         AdamW's learning rate (constant)
     * @param points     evaluations after the start (the curves have points + 1 values)
     */
    public record Config(int layers, int heads, int embed, int block, int batch, int trainChars, int evalChars,
                         double lr, int points) {
        /**
         * Checks the sizes and the learning rate.
         *
         * @param layers n_layer
         * @param heads n_head
         * @param embed n_embd
         * @param block T, characters per chunk (and the block size)
         * @param batch chunks per step
         * @param trainChars characters of training text (small: to be memorised)
         * @param evalChars characters of each text the losses are evaluated on
         * @param lr AdamW's learning rate (constant)
         * @param points evaluations after the start (the curves have points + 1 values)
         */
        public Config {
            if (layers < 1 || heads < 1 || embed % heads != 0 || block < 2 || batch < 1 || trainChars <= block
                    || evalChars <= block || !(lr > 0) || points < 1) {
                throw new IllegalArgumentException("overfitting: bad config " + this);
            }
        }
    }

    /**
     * The configuration the recommended budget was measured with (see the class comment of the tests).
     *
     * @return the configuration
     */
    public static Config standard() {
        return new Config(2, 4, 64, 64, 16, 20_000, 8_192, 1e-3, 10);
    }

    /**
     * {@link #run(Condition, long, int, Config)} with the {@link #standard()} configuration.
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome run(Condition c, long seed, int steps) {
        return run(c, seed, steps, standard());
    }

    /**
     * Trains one model for the given steps (a multiple of the config's points) and records the two losses.
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @param cfg the configuration
     * @return the run's metrics and curves
     */
    public static Outcome run(Condition c, long seed, int steps, Config cfg) {
        if (steps < cfg.points() || steps % cfg.points() != 0) {
            throw new IllegalArgumentException("overfitting: steps " + steps + " must be a positive multiple of "
                    + cfg.points());
        }
        String text = Datasets.text("tinyshakespeare");
        Vocabulary vocab = Vocabulary.ofText(text);
        TextDataset[] split = new TextDataset(text, vocab).splitAt(0.9);
        TextDataset train = split[0].slice(0, cfg.trainChars());
        Iterable<Batch> trainEval = split[0].slice(0, Math.min(cfg.evalChars(), cfg.trainChars()) + 1)
                .inOrder(64, cfg.block());
        Iterable<Batch> devEval = split[1].slice(0, cfg.evalChars() + 1).inOrder(64, cfg.block());
        Transformer m = new Transformer(new Transformer.Config(vocab.size(), cfg.block(), cfg.layers(), cfg.heads(),
                cfg.embed(), Transformer.Positions.LEARNED, true, true, seed, c.dropout(), false, false));
        Trainer<Batch> trainer = Trainer.of(m, new AdamW(m, cfg.lr(), c.weightDecay()))
                .data(train.randomChunks(cfg.batch(), cfg.block(), seed)).clipGradNorm(1.0)
                .steps(steps / cfg.points()).quiet();
        int n = cfg.points() + 1;
        double[] at = new double[n], tr = new double[n], dev = new double[n], gap = new double[n];
        for (int k = 0; k < n; k++) {
            if (k > 0) trainer.run();
            at[k] = (double) k * steps / cfg.points();
            tr[k] = Trainer.evaluate(m, trainEval);                  // evaluation mode: no dropout
            dev[k] = Trainer.evaluate(m, devEval);
            gap[k] = dev[k] - tr[k];
        }
        int best = 0;
        for (int k = 1; k < n; k++) if (dev[k] < dev[best]) best = k;
        return new Outcome().metric(DEV, dev[n - 1]).metric(TRAIN, tr[n - 1]).metric(GAP, gap[n - 1])
                .metric(BEST_DEV, dev[best]).metric(BEST_STEP, at[best])
                .curve(TRAIN, at, tr).curve(DEV, at, dev).curve(GAP, at, gap);
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
