package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.RecurrentLM;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Can a recurrent network count? A language model per (cell, seed) is trained on the words of a
 * {@link CountingLanguage} (aⁿbⁿ, …) with n in a training range 1 … nTrain, then asked for every n up to nTest:
 * the share of the determined positions it predicts right, and whether it accepts the word (all of them right).
 * A model that has learned to count accepts far beyond nTrain; one that has learned the training words only
 * fails soon after it.
 */
public final class Counting {
    private Counting() {}

    /**
     * The setup of a run.
     *
     * @param language the counting language
     * @param nTrain   the training words are n = 1 … nTrain, drawn uniformly
     * @param nTest    the words scored are n = 1 … nTest
     * @param embed    m, the size of a token's vector
     * @param hidden   H, the hidden size
     * @param batch    words per training batch
     * @param budget   steps, learning rate, clipping
     */
    public record Setup(CountingLanguage language, int nTrain, int nTest, int embed, int hidden, int batch,
                        Training.Budget budget) {
        public Setup {
            if (nTrain < 1 || nTest < nTrain || embed < 1 || hidden < 1 || batch < 1) {
                throw new IllegalArgumentException("counting: need 1 ≤ nTrain ≤ nTest and positive sizes, got nTrain "
                        + nTrain + ", nTest " + nTest + ", m " + embed + ", H " + hidden + ", B " + batch);
            }
        }
    }

    /**
     * The scores of a model for n = 1 … nTest (index n; index 0 unused).
     *
     * @param accuracy the share of the determined positions of the word of order n predicted right
     * @param accepted whether every one of them is
     */
    public record Score(double[] accuracy, boolean[] accepted) {
        /** The largest n such that every word of order 1 … n is accepted (0 if the first is not). */
        public int acceptsUpTo() {
            int n = 0;
            while (n + 1 < accepted.length && accepted[n + 1]) n++;
            return n;
        }

        /** {n, accuracy(n)} for n = 1 … nTest, a chart series. */
        public double[][] curve() {
            int N = accuracy.length - 1;
            double[] x = new double[N], y = new double[N];
            for (int n = 1; n <= N; n++) {
                x[n - 1] = n;
                y[n - 1] = accuracy[n];
            }
            return new double[][] {x, y};
        }
    }

    /** A trained model and its score. */
    public record Result(RecurrentLM model, Training.Result<RecurrentLM> training, Score score) {}

    /** Trains every cell at every seed on the setup and scores it. */
    public static List<Sweep.Run<CellType, Result>> run(Setup s, List<CellType> cells, long[] seeds, int threads,
                                                        PrintStream progress) {
        CountingLanguage lang = s.language();
        int[] trainOrders = new int[s.nTrain()];
        for (int n = 1; n <= s.nTrain(); n++) trainOrders[n - 1] = n;
        List<Batch> dev = List.of(lang.batch(trainOrders));
        return Sweep.run(cells, seeds, (cell, seed) -> {
            RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(lang.vocabSize(), cell, s.embed(), s.hidden(), false,
                    seed));
            Training.Result<RecurrentLM> t = Training.train(m, lang.randomBatches(s.batch(), 1, s.nTrain(), seed), dev,
                    s.budget());
            return new Result(m, t, score(m, lang, s.nTest()));
        }, threads, r -> String.format(Locale.ROOT, "accepts n = 1 … %d%s, accuracy at n = %d: %.3f,",
                r.score().acceptsUpTo(), r.training().diverged() ? " (diverged)" : "", s.nTest(),
                r.score().accuracy()[s.nTest()]), progress);
    }

    /** Scores a model on the words of order 1 … nMax. */
    public static Score score(LanguageModel m, CountingLanguage lang, int nMax) {
        int[][] pred = predictions(m, lang, nMax);
        double[] acc = new double[nMax + 1];
        boolean[] ok = new boolean[nMax + 1];
        acc[0] = Double.NaN;
        for (int n = 1; n <= nMax; n++) {
            acc[n] = lang.correctDetermined(n, pred[n - 1]) / (double) lang.countDetermined(n);
            ok[n] = lang.accepts(n, pred[n - 1]);
        }
        return new Score(acc, ok);
    }

    /**
     * The model's most probable next token at every position of the words of order 1 … nMax: row n − 1 holds the
     * predictions after x[0..t] of the word of order n (beyond its length: after padding, meaningless). The words are
     * read at once, one token of each per step, through the model's generator.
     */
    public static int[][] predictions(LanguageModel m, CountingLanguage lang, int nMax) {
        int T = lang.length(nMax), V = lang.vocabSize();
        int[][] words = new int[nMax][], pred = new int[nMax][T];
        for (int n = 1; n <= nMax; n++) words[n - 1] = lang.word(n);
        LanguageModel.Generator g = m.generator(nMax);
        Matrix logits = new Matrix(nMax, V);
        int[] tokens = new int[nMax];
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < nMax; i++) tokens[i] = t < words[i].length ? words[i][t] : 0;
            g.next(tokens, logits);
            for (int i = 0; i < nMax; i++) {
                double[] row = logits.data[i];
                int best = 0;
                for (int v = 1; v < V; v++) if (row[v] > row[best]) best = v;
                pred[i][t] = best;
            }
        }
        return pred;
    }
}
