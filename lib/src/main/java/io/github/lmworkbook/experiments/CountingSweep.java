package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Can a recurrent network count? One language model per (cell, seed) is trained on the words of a
 * {@link CountingLanguage} (aⁿbⁿ, …) with n drawn from 1 … nTrain (AdamW at a fixed learning rate, global-norm
 * clipping), then read every word up to nTest: the share of its determined positions the most probable next token
 * gets right, and whether all of them are right (the word is accepted). A model that has learned to count accepts
 * beyond nTrain; one that has learned the training words only stops at about nTrain. The trained models are kept.
 *
 * <p>Metrics: {@link #ACCEPTS} (the largest n up to which every word is accepted) and {@link #ACCURACY_AT_TEST} (the
 * share right on the word of order nTest); curve: {@link #ACCURACY} against n.
 */
public final class CountingSweep {
    private CountingSweep() {}

    /**
     * The task and the budget.
     *
     * @param letters k: 2 for aⁿbⁿ, 3 for aⁿbⁿcⁿ
     * @param nTrain  the training words are n = 1 … nTrain
     * @param nTest   the words scored are n = 1 … nTest
     * @param embed   m, the size of a token's vector
     * @param hidden  H, the hidden size
     * @param batch   words per step
     * @param steps   training steps of every run
     * @param lr      the AdamW learning rate (weight decay 0)
     * @param clip    the global-norm clipping threshold
     */
    public record Config(int letters, int nTrain, int nTest, int embed, int hidden, int batch, int steps, double lr,
                         double clip) {
        /**
         * Checks that 1 ≤ nTrain ≤ nTest and that the sizes, steps and learning rate are positive.
         *
         * @param letters k: 2 for aⁿbⁿ, 3 for aⁿbⁿcⁿ
         * @param nTrain the training words are n = 1 … nTrain
         * @param nTest the words scored are n = 1 … nTest
         * @param embed m, the size of a token's vector
         * @param hidden H, the hidden size
         * @param batch words per step
         * @param steps training steps of every run
         * @param lr the AdamW learning rate (weight decay 0)
         * @param clip the global-norm clipping threshold
         */
        public Config {
            if (nTrain < 1 || nTest < nTrain || embed < 1 || hidden < 1 || batch < 1 || steps < 1 || !(lr > 0)) {
                throw new IllegalArgumentException("counting sweep: need 1 ≤ nTrain ≤ nTest, positive sizes, steps and"
                        + " lr, got nTrain " + nTrain + ", nTest " + nTest + ", m " + embed + ", H " + hidden + ", B "
                        + batch + ", steps " + steps + ", lr " + lr);
            }
            new CountingLanguage(letters);                               // checks k
        }
    }

    /** Metric and curve names. */
    public static final String ACCEPTS = "accepts every word up to n", ACCURACY_AT_TEST = "accuracy at n = nTest",
            ACCURACY = "accuracy";

    /** The outcomes, and the trained models. */
    public record Result(SeedResults<CellType> results, Map<String, RecurrentLM> models) {
        /**
         * The model of a cell trained with a seed.
         *
         * @param cell the recurrent cell
         * @param seed the seed of the initialisation
         * @return the model, untrained
         */
        public RecurrentLM model(CellType cell, long seed) {
            RecurrentLM m = models.get(cell + "/" + seed);
            if (m == null) throw new IllegalArgumentException("no model " + cell + " with seed " + seed);
            return m;
        }
    }

    /**
     * Trains every cell at every seed and scores it on n = 1 … nTest.
     *
     * @param cells the cells
     * @param seeds the seeds
     * @param c the settings
     * @return the outcomes and the trained models
     */
    public static Result run(List<CellType> cells, long[] seeds, Config c) {
        CountingLanguage lang = new CountingLanguage(c.letters());
        Map<String, RecurrentLM> models = new ConcurrentHashMap<>();
        SeedResults<CellType> r = Seeds.run(cells, CellType::toString, seeds, (cell, seed) -> {
            RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(lang.vocabSize(), cell, c.embed(), c.hidden(), false,
                    seed));
            Outcome o = one(m, seed, c);
            models.put(cell + "/" + seed, m);
            return o;
        });
        return new Result(r, Map.copyOf(models));
    }

    /**
     * One run: trains the model (over the language's vocabulary; the config's m and H are not used) on n = 1 … nTrain
     * with the seed's batches, then scores it on n = 1 … nTest; the metrics and the curve of {@link #run}.
     *
     * @param m the model, trained in place
     * @param seed the seed of the batches
     * @param c the settings
     * @return the run's metrics and curve
     */
    public static Outcome one(RecurrentLM m, long seed, Config c) {
        CountingLanguage lang = new CountingLanguage(c.letters());
        Trainer.of(m, new AdamW(m, c.lr(), 0.0)).data(lang.randomBatches(c.batch(), 1, c.nTrain(), seed))
                .clipGradNorm(c.clip()).steps(c.steps()).quiet().run();
        double[] acc = accuracy(m, lang, c.nTest());                  // index n − 1
        double[] n = new double[acc.length];
        for (int i = 0; i < n.length; i++) n[i] = i + 1;
        return new Outcome().metric(ACCEPTS, acceptsUpTo(m, lang, c.nTest()))
                .metric(ACCURACY_AT_TEST, acc[acc.length - 1]).curve(ACCURACY, n, acc);
    }

    /**
     * The share of the determined positions predicted right, for the words of order n = 1 … nMax (index n − 1).
     *
     * @param m the model
     * @param lang the language
     * @param nMax the largest order
     * @return the accuracy of each order
     */
    public static double[] accuracy(LanguageModel m, CountingLanguage lang, int nMax) {
        int[][] pred = predictions(m, lang, nMax);
        double[] acc = new double[nMax];
        for (int n = 1; n <= nMax; n++) {
            acc[n - 1] = lang.correctDetermined(n, pred[n - 1]) / (double) lang.countDetermined(n);
        }
        return acc;
    }

    /**
     * The largest n ≤ nMax such that every word of order 1 … n is accepted (0 if the first is not).
     *
     * @param m the model
     * @param lang the language
     * @param nMax the largest order
     * @return that n
     */
    public static int acceptsUpTo(LanguageModel m, CountingLanguage lang, int nMax) {
        int[][] pred = predictions(m, lang, nMax);
        int n = 0;
        while (n < nMax && lang.accepts(n + 1, pred[n])) n++;
        return n;
    }

    /**
     * The model's most probable next token at every position of the words of order 1 … nMax, all read at once through
     * its generator (shorter words padded with 0 after their end; those predictions are not scored).
     *
     * @param m the model
     * @param lang the language
     * @param nMax the largest order
     * @return the predictions of each word (index n − 1)
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
