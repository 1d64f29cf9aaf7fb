package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Trains one model per context length n with the same budget and reports the parameter count and the loss
 * on held-out batches: the experiment behind "a fixed window breaks". Every run uses AdamW (weight decay 0)
 * at a fixed learning rate; the model and its training batches come from factories given n, so each run is
 * seeded and the whole sweep is reproducible.
 */
public final class ContextSweep {
    private ContextSweep() {}

    /** One run: context n, its parameter count, the final training loss (mean of the last 100 steps) and the held-out loss. */
    public record Run(int n, long params, double trainLoss, double devLoss, double seconds) {}

    /**
     * @param ns     the context lengths to try
     * @param model  a fresh model for context n
     * @param train  a seeded source of training batches for the run with context n
     * @param dev    held-out batches, the same for every run
     * @param steps  training steps per run
     * @param lr     AdamW learning rate
     */
    public static List<Run> run(int[] ns, IntFunction<? extends LanguageModel> model, IntFunction<Supplier<Batch>> train,
                                Iterable<Batch> dev, int steps, double lr) {
        List<Run> runs = new ArrayList<>();
        for (int n : ns) {
            LanguageModel m = model.apply(n);
            long t0 = System.nanoTime();
            Trainer<Batch> trainer = Trainer.of(m, new AdamW(m, lr, 0.0)).data(train.apply(n)).steps(steps).quiet();
            var history = trainer.run();
            double devLoss = Trainer.evaluate(m, dev);
            runs.add(new Run(n, m.numParams(), history.lastTrainLoss(Math.min(100, steps)), devLoss,
                    (System.nanoTime() - t0) / 1e9));
        }
        return runs;
    }

    /** The runs as a table: n, params, train loss, dev loss, seconds. */
    public static Table table(String title, List<Run> runs) {
        return Table.create(title,
                IntColumn.create("n", runs.stream().mapToInt(Run::n).toArray()),
                LongColumn.create("params", runs.stream().mapToLong(Run::params).toArray()),
                DoubleColumn.create("train loss", runs.stream().mapToDouble(r -> round(r.trainLoss())).toArray()),
                DoubleColumn.create("dev loss", runs.stream().mapToDouble(r -> round(r.devLoss())).toArray()),
                DoubleColumn.create("seconds", runs.stream().mapToDouble(r -> Math.round(r.seconds() * 10) / 10.0).toArray()));
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
