package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Decoding;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.Sampler;
import io.github.lmworkbook.train.Trainer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The trade-off decoding makes: sharper decoding (low τ, small k or p) draws names the model is sure of — many of
 * them names it was trained on, few distinct — and flatter decoding draws more varied names, more of them new, and
 * more of them odd. {@link #measure} takes n names from a model with a decoding and counts: the share that are names
 * of the training set, the share that are distinct, the entropy of the drawn names (log₂ of the "effective number" of
 * distinct names), and how many of the draws are new names (distinct and not in the training set) —
 * {@link #run} trains a model on names and measures a list of decodings with it.
 */
public final class SamplingTradeoff {
    private SamplingTradeoff() {}

    /**
     * What n names drawn with one decoding look like.
     *
     * @param decoding     the decoding
     * @param samples      n
     * @param inTraining   the share of the n names that are names of the training set
     * @param distinct     the number of distinct names over n
     * @param novel        the number of distinct names that are not in the training set, over n
     * @param entropyBits  the entropy of the drawn names' frequencies, −Σ f log₂ f (at most log₂ n)
     * @param meanLength   the mean length in characters
     */
    public record Measure(Decoding decoding, int samples, double inTraining, double distinct, double novel,
                          double entropyBits, double meanLength) {}

    /**
     * Draws n names with the decoding (seeded) and measures them against the training names.
     *
     * @param model the trained model
     * @param vocab its vocabulary
     * @param training the training names
     * @param d the decoding
     * @param n the number of names
     * @param seed the seed of the draws
     * @return the measures
     */
    public static Measure measure(LanguageModel model, Vocabulary vocab, Set<String> training, Decoding d, int n,
                                  long seed) {
        if (n < 1) throw new IllegalArgumentException("sampling trade-off: n = " + n + " names, need ≥ 1");
        List<String> names = new Sampler(model, vocab, seed).decoding(d).maxLength(50).names(n);
        Map<String, Integer> counts = new HashMap<>();
        long inTraining = 0, length = 0;
        for (String s : names) {
            counts.merge(s, 1, Integer::sum);
            if (training.contains(s)) inTraining++;
            length += s.length();
        }
        double h = 0;
        for (int c : counts.values()) {
            double f = (double) c / n;
            h -= f * Math.log(f) / Math.log(2);
        }
        long novel = counts.keySet().stream().filter(s -> !training.contains(s)).count();
        return new Measure(d, n, (double) inTraining / n, (double) counts.size() / n, (double) novel / n, h + 0.0,
                (double) length / n);
    }

    /**
     * A table of measures: one row per decoding.
     *
     * @param measures the measures
     * @return the table
     */
    public static Table table(List<Measure> measures) {
        return Table.create("sampling trade-off",
                StringColumn.create("decoding", measures.stream().map(m -> m.decoding().toString()).toList()),
                DoubleColumn.create("in training set", measures.stream().mapToDouble(Measure::inTraining).toArray()),
                DoubleColumn.create("distinct", measures.stream().mapToDouble(Measure::distinct).toArray()),
                DoubleColumn.create("new and distinct", measures.stream().mapToDouble(Measure::novel).toArray()),
                DoubleColumn.create("entropy (bits)", measures.stream().mapToDouble(Measure::entropyBits).toArray()),
                DoubleColumn.create("mean length", measures.stream().mapToDouble(Measure::meanLength).toArray()));
    }

    /**
     * The decodings to compare and how many names each draws.
     *
     * @param decodings the decodings, sharpest to flattest (the order of the curves)
     * @param samples   names drawn with each
     */
    public record Condition(List<Decoding> decodings, int samples) {
        /**
         * Copies the decodings and checks that there are some and samples ≥ 1.
         *
         * @param decodings the decodings, sharpest to flattest (the order of the curves)
         * @param samples names drawn with each
         */
        public Condition {
            decodings = List.copyOf(decodings);
            if (decodings.isEmpty() || samples < 1) {
                throw new IllegalArgumentException("sampling trade-off: need decodings and samples ≥ 1");
            }
        }

        @Override
        public String toString() {
            return decodings.size() + " decodings × " + samples + " names";
        }
    }

    /**
     * Greedy; τ = 0.5, 0.8, 1, 1.2; top-k 3; top-p 0.5, 0.9; 1,000 names each.
     *
     * @return the condition
     */
    public static Condition standard() {
        return new Condition(List.of(Decoding.greedy(), Decoding.temperature(0.5), Decoding.temperature(0.8),
                Decoding.temperature(1.0), Decoding.temperature(1.2), Decoding.topK(3), Decoding.topP(0.5),
                Decoding.topP(0.9)), 1000);
    }

    /**
     * Metric names for one decoding: "τ = 0.8: in training set", and so on.
     *
     * @param d the decoding
     * @param what the measure
     * @return the metric's name
     */
    public static String metric(Decoding d, String what) {
        return d + ": " + what;
    }

    /** The measures' names. */
    public static final String IN_TRAINING = "in training set", DISTINCT = "distinct", NOVEL = "new and distinct",
            ENTROPY = "entropy (bits)", DEV = "dev loss";

    /**
     * Trains makemore's MLP (context 16, n_embd 64, n_embd2 64; AdamW 5e-3 along a cosine to 5e-4, batches of 32,
     * clipping at 1) on the names of the training split (the CLI's split, seed 42) for the given steps, then measures
     * every decoding (the draws seeded by seed). Metrics: {@link #DEV}, and per decoding the four measures (named
     * by {@link #metric}). Curves: "in training set against distinct" and "in training set against entropy" — one
     * point per decoding, in the condition's order.
     *
     * @param c the condition
     * @param seed the seed of the model's initialisation and of the training data
     * @param steps the number of training steps
     * @return the run's metrics and curves
     */
    public static Outcome run(Condition c, long seed, int steps) {
        List<String> words = Datasets.lines("names").stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
        Vocabulary vocab = Vocabulary.of(words);
        int maxLen = NamesDataset.maxLength(words);
        Splits s = Splits.of(words, 42);
        NamesDataset train = new NamesDataset(s.train(), vocab, maxLen);
        Iterable<Batch> dev = new NamesDataset(s.dev(), vocab, maxLen).inOrder(500);
        Mlp m = new Mlp(Mlp.Config.makemore(vocab.size(), seed));
        double lr = 5e-3;
        if (steps > 0) {
            Trainer.of(m, new AdamW(m, lr)).data(train.randomBatches(32, seed)).clipGradNorm(1.0)
                    .schedule(LrSchedule.warmupCosine(lr, 0, steps, lr / 10)).steps(steps).quiet().run();
        }
        Set<String> training = new HashSet<>(s.train());
        Outcome o = new Outcome().metric(DEV, Trainer.evaluate(m, dev));
        int k = c.decodings().size();
        double[] in = new double[k], distinct = new double[k], entropy = new double[k];
        for (int i = 0; i < k; i++) {
            Decoding d = c.decodings().get(i);
            Measure x = measure(m, vocab, training, d, c.samples(), seed);
            in[i] = x.inTraining();
            distinct[i] = x.distinct();
            entropy[i] = x.entropyBits();
            o.metric(metric(d, IN_TRAINING), x.inTraining()).metric(metric(d, DISTINCT), x.distinct())
                    .metric(metric(d, NOVEL), x.novel()).metric(metric(d, ENTROPY), x.entropyBits());
        }
        return o.curve(IN_TRAINING + " against " + DISTINCT, distinct, in)
                .curve(IN_TRAINING + " against " + ENTROPY, entropy, in);
    }
}
