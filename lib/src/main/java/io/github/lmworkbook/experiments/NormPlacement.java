package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.models.TransformerBlock;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingDivergedException;

import java.util.List;
import java.util.Locale;

/**
 * Pre-LN against post-LN (Xiong et al. 2020, "On Layer Normalization in the Transformer Architecture"): where the
 * LayerNorms sit decides how large the gradients of the blocks are at initialisation — {@link #gradientNormsAtInit},
 * per layer — and whether the model trains at a high learning rate without a warm-up. A run trains a transformer on
 * names (makemore's layout) with AdamW along a cosine schedule, with or without a linear warm-up; it is a pure function
 * of (condition, seed, steps), and its outcome holds no timings. A run that diverges is recorded, not thrown: its
 * losses from there on are NaN and {@link #DIVERGED} is 1.
 *
 * <p>Metrics: {@link #DEV} (last), {@link #BEST_DEV}, {@link #DIVERGED}, {@link #GRAD_RATIO} (the last block's
 * gradient norm at initialisation over the first's). Curves: {@link #DEV} against the step, {@link #GRAD_NORMS}
 * against the layer (1 … n_layer).
 */
public final class NormPlacement {
    private NormPlacement() {}

    /** Metric and curve names. */
    public static final String DEV = "dev loss", BEST_DEV = "best dev loss", DIVERGED = "diverged",
            GRAD_NORMS = "‖∂L/∂θ_l‖ at init", GRAD_RATIO = "‖∂L/∂θ_last‖ / ‖∂L/∂θ_first‖ at init";

    /**
     * Where the LayerNorms sit, and the warm-up.
     *
     * @param postLayerNorm post-LN (the original transformer) instead of pre-LN (GPT-2)
     * @param warmup        a linear warm-up over the first 10 % of the steps (else the cosine starts at the peak)
     */
    public record Condition(boolean postLayerNorm, boolean warmup) {
        @Override
        public String toString() {
            return (postLayerNorm ? "post-LN" : "pre-LN") + (warmup ? ", warm-up" : ", no warm-up");
        }
    }

    /**
     * The four conditions: pre-LN and post-LN, each with and without warm-up.
     *
     * @return the conditions
     */
    public static List<Condition> all() {
        return List.of(new Condition(false, true), new Condition(false, false), new Condition(true, true),
                new Condition(true, false));
    }

    /**
     * The model and the budget.
     *
     * @param layers n_layer
     * @param heads  n_head
     * @param embed  n_embd
     * @param batch  names per step
     * @param lr     the peak learning rate of AdamW (weight decay 0.01, makemore's), cosine to lr/10
     * @param points evaluations after the start
     */
    public record Config(int layers, int heads, int embed, int batch, double lr, int points) {
        /**
         * Checks the sizes and the learning rate.
         *
         * @param layers n_layer
         * @param heads n_head
         * @param embed n_embd
         * @param batch names per step
         * @param lr the peak learning rate of AdamW (weight decay 0.01, makemore's), cosine to lr/10
         * @param points evaluations after the start
         */
        public Config {
            if (layers < 1 || heads < 1 || embed % heads != 0 || batch < 1 || !(lr > 0) || points < 1) {
                throw new IllegalArgumentException("norm placement: bad config " + this);
            }
        }
    }

    /**
     * The configuration the recommended budget was measured with.
     *
     * @return the configuration
     */
    public static Config standard() {
        return new Config(6, 4, 64, 32, 1e-2, 10);
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
     * Trains one transformer on names for the given steps (a multiple of the config's points).
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @param cfg the configuration
     * @return the run's metrics and curves
     */
    public static Outcome run(Condition c, long seed, int steps, Config cfg) {
        if (steps < cfg.points() || steps % cfg.points() != 0) {
            throw new IllegalArgumentException("norm placement: steps " + steps + " must be a positive multiple of "
                    + cfg.points());
        }
        List<String> words = Datasets.lines("names").stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
        Vocabulary vocab = Vocabulary.of(words);
        int maxLen = NamesDataset.maxLength(words);
        Splits s = Splits.of(words, 42);                              // one split for every run
        NamesDataset train = new NamesDataset(s.train(), vocab, maxLen);
        List<Batch> dev = firstBatches(new NamesDataset(s.dev(), vocab, maxLen).inOrder(500), 4);
        Transformer.Config mc = new Transformer.Config(vocab.size(), train.blockSize(), cfg.layers(), cfg.heads(),
                cfg.embed(), Transformer.Positions.LEARNED, true, true, seed, 0.0, c.postLayerNorm(), false);
        double[] norms = gradientNormsAtInit(mc, firstBatches(train.inOrder(cfg.batch()), 8));
        Transformer m = new Transformer(mc);
        long warm = c.warmup() ? Math.max(1, steps / 10) : 0;
        Trainer<Batch> trainer = Trainer.of(m, new AdamW(m, cfg.lr()))
                .data(train.randomBatches(cfg.batch(), seed)).clipGradNorm(1.0)
                .schedule(LrSchedule.warmupCosine(cfg.lr(), warm, steps, cfg.lr() / 10))
                .steps(steps / cfg.points()).quiet();
        int n = cfg.points() + 1;
        double[] at = new double[n], d = new double[n];
        boolean diverged = false;
        for (int k = 0; k < n; k++) {
            at[k] = (double) k * steps / cfg.points();
            if (k > 0 && !diverged) {
                try {
                    trainer.run();
                } catch (TrainingDivergedException e) {
                    diverged = true;
                }
            }
            d[k] = diverged ? Double.NaN : Trainer.evaluate(m, dev);
            if (!Double.isFinite(d[k])) {
                diverged = true;
                d[k] = Double.NaN;
            }
        }
        double best = Double.NaN;
        for (double v : d) if (!Double.isNaN(v) && !(v >= best)) best = v;
        double[] layers = new double[norms.length];
        for (int l = 0; l < layers.length; l++) layers[l] = l + 1;
        return new Outcome().metric(DEV, d[n - 1]).metric(BEST_DEV, best).metric(DIVERGED, diverged ? 1 : 0)
                .metric(GRAD_RATIO, norms[norms.length - 1] / norms[0])
                .curve(DEV, at, d).curve(GRAD_NORMS, layers, norms);
    }

    /**
     * The norm of the gradient of each block's parameters, ‖∂L/∂θ_l‖ for l = 1 … n_layer, of a freshly initialised
     * model of this configuration, averaged over the batches (each batch's gradient on its own). Xiong et al. show
     * that post-LN's grow with l (the last blocks' are the largest, which a large learning rate turns into a large
     * first step) while pre-LN's stay level.
     *
     * @param config the transformer's configuration
     * @param batches the batches
     * @return ‖∂L/∂θ_l‖ for each block
     */
    public static double[] gradientNormsAtInit(Transformer.Config config, List<Batch> batches) {
        if (batches.isEmpty()) throw new IllegalArgumentException("gradient norms: no batches");
        Transformer m = new Transformer(config);
        double[] out = new double[config.layers()];
        for (Batch b : batches) {
            m.zeroGrad();
            m.lossAndGrad(b);
            for (int l = 0; l < out.length; l++) {
                TransformerBlock block = m.blocks.get(l);
                double s = 0;
                for (Param p : block.params()) s += p.grad.sumOfSquares();
                out[l] += Math.sqrt(s) / batches.size();
            }
        }
        m.zeroGrad();
        return out;
    }

    static List<Batch> firstBatches(Iterable<Batch> it, int k) {
        List<Batch> out = new java.util.ArrayList<>();
        for (Batch b : it) {
            if (out.size() == k) break;
            out.add(new Batch(copy(b.x()), copy(b.y())));        // iterators reuse their arrays
        }
        return out;
    }

    private static int[][] copy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
