package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingHistory;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Trains one model per (arm, seed) with the same budget and reports the held-out loss of each run and, per arm, the
 * mean and the spread over seeds: the shape of every training claim of the notebooks (an arm and its control, at
 * least three seeds, a stated budget). Every run uses AdamW (weight decay 0, as {@link ContextSweep}) at a fixed
 * learning rate, clipping the global gradient norm at 1; the model and its training batches come from factories given
 * the arm and the seed, so the whole sweep is reproducible. One progress line per run goes to the given stream.
 *
 * @param <A> what distinguishes the arms (a label, a lag, a configuration)
 */
public final class SeedSweep<A> {
    /**
     * One run: its arm, seed, the mean training loss of its last 50 steps, held-out loss, wall-clock seconds, and the
     * trained model (for a look inside it afterwards).
     */
    public record Run<A>(A arm, long seed, double trainLoss, double devLoss, double seconds, LanguageModel model) {}

    /** One arm over its seeds: mean, minimum and maximum held-out loss. */
    public record Summary<A>(A arm, int runs, double mean, double min, double max) {
        /** "mean (min … max)", four decimals. */
        public String spread() {
            return String.format(Locale.ROOT, "%.4f (%.4f … %.4f)", mean, min, max);
        }
    }

    private final BiFunction<A, Long, ? extends LanguageModel> model;
    private final BiFunction<A, Long, Supplier<Batch>> train;
    private final Function<A, Iterable<Batch>> dev;
    private int steps = 300;
    private double lr = 1e-3;
    private PrintStream progress = System.out;
    private final List<Run<A>> runs = new ArrayList<>();

    /**
     * @param model a fresh model for an arm and a seed
     * @param train a seeded source of training batches for an arm and a seed
     * @param dev   held-out batches for an arm (the same for every seed)
     */
    public SeedSweep(BiFunction<A, Long, ? extends LanguageModel> model, BiFunction<A, Long, Supplier<Batch>> train,
                     Function<A, Iterable<Batch>> dev) {
        this.model = model;
        this.train = train;
        this.dev = dev;
    }

    /** Training steps per run (default 300). */
    public SeedSweep<A> steps(int steps) {
        if (steps < 1) throw new IllegalArgumentException("steps " + steps + " must be ≥ 1");
        this.steps = steps;
        return this;
    }

    /** AdamW learning rate (default 1e-3). */
    public SeedSweep<A> lr(double lr) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate " + lr + " must be > 0");
        this.lr = lr;
        return this;
    }

    /** Where the progress lines go (null: nowhere). */
    public SeedSweep<A> progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /** Runs every arm with every seed (arms outer, seeds inner); adds to and returns the runs so far. */
    public List<Run<A>> run(List<A> arms, long... seeds) {
        if (seeds.length == 0) throw new IllegalArgumentException("no seeds");
        int total = arms.size() * seeds.length, k = 0;
        for (A arm : arms) {
            for (long seed : seeds) {
                long t0 = System.nanoTime();
                LanguageModel m = model.apply(arm, seed);
                TrainingHistory h = Trainer.of(m, new AdamW(m, lr, 0.0)).data(train.apply(arm, seed)).steps(steps)
                        .clipGradNorm(1.0).quiet().run();
                double devLoss = Trainer.evaluate(m, dev.apply(arm));
                Run<A> r = new Run<>(arm, seed, h.lastTrainLoss(Math.min(50, steps)), devLoss,
                        (System.nanoTime() - t0) / 1e9, m);
                runs.add(r);
                k++;
                if (progress != null) {
                    progress.printf(Locale.ROOT, "[%d/%d] %s, seed %d: held-out loss %.4f (%.1f s)%n", k, total, arm,
                            seed, devLoss, r.seconds());
                }
            }
        }
        return runs;
    }

    /** Every run so far. */
    public List<Run<A>> runs() {
        return List.copyOf(runs);
    }

    /** The runs of one arm, in seed order. */
    public List<Run<A>> runs(A arm) {
        return runs.stream().filter(r -> r.arm().equals(arm)).toList();
    }

    /** Per arm, in the order the arms were first run: mean, min and max of the held-out loss over its seeds. */
    public List<Summary<A>> summaries() {
        Map<A, List<Double>> by = new LinkedHashMap<>();
        for (Run<A> r : runs) by.computeIfAbsent(r.arm(), a -> new ArrayList<>()).add(r.devLoss());
        List<Summary<A>> out = new ArrayList<>();
        for (Map.Entry<A, List<Double>> e : by.entrySet()) {
            List<Double> v = e.getValue();
            out.add(new Summary<>(e.getKey(), v.size(), v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
        }
        return out;
    }

    /** The summary of one arm. */
    public Summary<A> summary(A arm) {
        for (Summary<A> s : summaries()) if (s.arm().equals(arm)) return s;
        throw new IllegalArgumentException("no runs for arm " + arm);
    }

    /** The summaries as a table: arm, runs, mean, min, max held-out loss. */
    public Table table(String title) {
        List<Summary<A>> s = summaries();
        return Table.create(title,
                StringColumn.create("arm", s.stream().map(x -> String.valueOf(x.arm())).toList()),
                IntColumn.create("seeds", s.stream().mapToInt(Summary::runs).toArray()),
                DoubleColumn.create("mean held-out loss", s.stream().mapToDouble(x -> round(x.mean())).toArray()),
                DoubleColumn.create("min", s.stream().mapToDouble(x -> round(x.min())).toArray()),
                DoubleColumn.create("max", s.stream().mapToDouble(x -> round(x.max())).toArray()));
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
