package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Trains one model per context length n and seed with the same budget and reports the parameter count and the
 * loss on held-out batches: the experiment behind "a fixed window breaks". Every run uses AdamW (weight decay 0)
 * with the learning rate warming up over the first 5 % of the steps and decaying along a cosine to a tenth; the
 * model and its training batches come from factories given n and the seed, so every run is reproducible.
 */
public final class ContextSweep {
    private ContextSweep() {}

    /** Makes what a run needs from its context length n and seed. */
    @FunctionalInterface
    public interface Factory<T> {
        /**
         * Makes what a run of context n and a seed needs.
         *
         * @param n the context length
         * @param seed the seed
         * @return the model or data
         */
        T make(int n, long seed);
    }

    /** Metric names: the held-out loss, the final training loss (mean of the last 100 steps), the parameter count. */
    public static final String DEV = "dev loss", TRAIN = "train loss", PARAMS = "params";

    /**
     * @param ns     the context lengths to try
     * @param seeds  the seeds (model initialisation and batch order)
     * @param model  a fresh model for context n and a seed
     * @param train  a seeded source of training batches for context n and a seed
     * @param dev    held-out batches, the same for every run
     * @param steps  training steps per run
     * @param lr     AdamW's peak learning rate
     * @return the outcomes by context length and seed
     */
    public static SeedResults<Integer> run(int[] ns, long[] seeds, Factory<? extends LanguageModel> model,
                                           Factory<Supplier<Batch>> train, Iterable<Batch> dev, int steps, double lr) {
        return run(ns, seeds, model, train, dev, steps, lr, 0);
    }

    /** The curve of the held-out loss over training: x = the steps done, y = the loss on dev after them. */
    public static final String DEV_CURVE = "dev curve";

    /**
     * {@link #run(int[], long[], Factory, Factory, Iterable, int, double)} that also records the learning curve
     * {@link #DEV_CURVE}: the loss on dev after every {@code evalEvery} steps and after the last (evalEvery ≤ 0:
     * none). The runs are the same steps either way: the curve only adds evaluations between them.
     *
     * @param ns the context lengths to try
     * @param seeds the seeds (model initialisation and batch order)
     * @param model a fresh model for context n and a seed
     * @param train a seeded source of training batches for context n and a seed
     * @param dev held-out batches, the same for every run
     * @param steps training steps per run
     * @param lr AdamW's peak learning rate
     * @param evalEvery the steps between two points of the curve (≤ 0: no curve)
     * @return the outcomes by context length and seed
     */
    public static SeedResults<Integer> run(int[] ns, long[] seeds, Factory<? extends LanguageModel> model,
                                           Factory<Supplier<Batch>> train, Iterable<Batch> dev, int steps, double lr,
                                           int evalEvery) {
        if (steps < 1) throw new IllegalArgumentException("context sweep: steps " + steps + " must be ≥ 1");
        List<Integer> conditions = new ArrayList<>();
        for (int n : ns) conditions.add(n);
        return Seeds.run(conditions, n -> "n = " + n, seeds, (n, seed) -> {
            LanguageModel m = model.make(n, seed);
            var trainer = Trainer.of(m, new AdamW(m, lr, 0.0)).data(train.make(n, seed))
                    .schedule(LrSchedule.warmupCosine(lr, Math.max(1, steps / 20), steps, lr / 10)).quiet();
            double[][] curve = null;
            if (evalEvery <= 0) {
                trainer.steps(steps).run();
            } else {
                int points = (steps + evalEvery - 1) / evalEvery;
                double[] x = new double[points], y = new double[points];
                for (int k = 0; k < points; k++) {
                    int to = Math.min(steps, (k + 1) * evalEvery);       // steps done after this chunk
                    trainer.steps(to - trainer.step()).run();
                    x[k] = to;
                    y[k] = Trainer.evaluate(m, dev);
                }
                curve = new double[][] {x, y};
            }
            double devLoss = curve == null ? Trainer.evaluate(m, dev) : curve[1][curve[1].length - 1];
            Outcome out = new Outcome().metric(DEV, devLoss)
                    .metric(TRAIN, trainer.history().lastTrainLoss(Math.min(100, steps)))
                    .metric(PARAMS, m.numParams());
            return curve == null ? out : out.curve(DEV_CURVE, curve[0], curve[1]);
        });
    }
}
