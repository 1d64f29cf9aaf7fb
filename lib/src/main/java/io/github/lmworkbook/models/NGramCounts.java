package io.github.lmworkbook.models;

import io.github.lmworkbook.data.Batch;

import java.util.HashMap;
import java.util.Map;

/**
 * The count-based n-gram model, the baseline Bengio et al. set out to beat: the probability of the next token
 * given the previous n is read off a table of counts, with add-α smoothing,
 * <pre>
 *   P(w_{t+1} | w_t, …, w_{t−n+1}) = (c(w_{t−n+1} … w_t w_{t+1}) + α) / (c(w_{t−n+1} … w_t) + α·V)
 * </pre>
 * Windows are built as {@link Mlp} builds them (makemore-layout batches, {@code <BLANK>} before the start),
 * so n = 1 is the bigram model, and n = 0 the unigram model (one context: the frequency of each token). A context
 * never seen in training gets the uniform distribution 1/V: this is
 * where counting breaks, since the number of possible contexts grows as (V+1)ⁿ.
 */
public final class NGramCounts {
    private final int V, n;
    private final double alpha;
    private final Map<Long, int[]> counts = new HashMap<>(); // context key → counts of the next token (V)
    private final Map<Long, Integer> totals = new HashMap<>();
    private long positions;

    /**
     * A count model of the next token given the context previous tokens, with add-α smoothing.
     *
     * @param vocabSize V, the number of tokens
     * @param context n, the number of previous tokens (0: unigram, 1: bigram, …)
     * @param alpha α &gt; 0, the count added to every n-gram
     */
    public NGramCounts(int vocabSize, int context, double alpha) {
        if (vocabSize < 1 || context < 0 || !(alpha > 0)) {
            throw new IllegalArgumentException("n-gram counts: need V ≥ 1, n ≥ 0, α > 0; got V=" + vocabSize + ", n="
                    + context + ", α=" + alpha);
        }
        if (context * Math.log(vocabSize + 1) > 62 * Math.log(2)) {
            throw new IllegalArgumentException("n-gram counts: (V+1)^n = " + (vocabSize + 1) + "^" + context
                    + " contexts do not fit a long key");
        }
        this.V = vocabSize;
        this.n = context;
        this.alpha = alpha;
    }

    /**
     * Counts every position of the batches whose target is not −1.
     *
     * @param batches the batches counted
     * @return this model
     */
    public NGramCounts fit(Iterable<Batch> batches) {
        for (Batch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                for (int t = 0; t < b.length(); t++) {
                    int y = b.y()[i][t];
                    if (y == Batch.IGNORE) continue;
                    long key = key(b.x()[i], t);
                    counts.computeIfAbsent(key, k -> new int[V])[y]++;
                    totals.merge(key, 1, Integer::sum);
                    positions++;
                }
            }
        }
        return this;
    }

    /**
     * The per-token cross-entropy on the batches' positions (targets −1 ignored).
     *
     * @param batches the batches evaluated
     * @return the mean −ln p(target | context) in nats
     */
    public double loss(Iterable<Batch> batches) {
        double sum = 0;
        long count = 0;
        for (Batch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                for (int t = 0; t < b.length(); t++) {
                    int y = b.y()[i][t];
                    if (y == Batch.IGNORE) continue;
                    long key = key(b.x()[i], t);
                    int[] c = counts.get(key);
                    double num = (c == null ? 0 : c[y]) + alpha, den = totals.getOrDefault(key, 0) + alpha * V;
                    sum -= Math.log(num / den);
                    count++;
                }
            }
        }
        return sum / count;
    }

    /**
     * The fraction of the batches' positions whose context never occurred in the fitted data.
     *
     * @param batches the batches evaluated
     * @return the fraction, in [0, 1]
     */
    public double unseenFraction(Iterable<Batch> batches) {
        long unseen = 0, count = 0;
        for (Batch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                for (int t = 0; t < b.length(); t++) {
                    if (b.y()[i][t] == Batch.IGNORE) continue;
                    if (!totals.containsKey(key(b.x()[i], t))) unseen++;
                    count++;
                }
            }
        }
        return (double) unseen / count;
    }

    /**
     * Copies of the batches in which only the positions whose context never occurred in the fitted data keep their
     * target (the others become −1, ignored): a model's loss on them is its loss where counting knows nothing.
     *
     * @param batches the batches copied
     * @return the copies, in order
     */
    public java.util.List<Batch> unseenOnly(Iterable<Batch> batches) {
        java.util.List<Batch> out = new java.util.ArrayList<>();
        for (Batch b : batches) {
            int[][] x = new int[b.size()][], y = new int[b.size()][];
            for (int i = 0; i < b.size(); i++) {
                x[i] = b.x()[i].clone();
                y[i] = b.y()[i].clone();
                for (int t = 0; t < b.length(); t++) {
                    if (y[i][t] != Batch.IGNORE && totals.containsKey(key(x[i], t))) y[i][t] = Batch.IGNORE;
                }
            }
            out.add(new Batch(x, y));
        }
        return out;
    }

    /**
     * The numbers the table stores: V counts for each distinct context seen (its size, against a model's parameters).
     *
     * @return V × the number of distinct contexts
     */
    public long storedCounts() {
        return (long) totals.size() * V;
    }

    /** {@return the number of distinct contexts seen in fitting} */
    public int distinctContexts() {
        return totals.size();
    }

    /** {@return the number of positions counted} */
    public long positions() {
        return positions;
    }

    /**
     * (V+1)ⁿ, the number of possible contexts (tokens and {@code <BLANK>}).
     *
     * @return (V+1)ⁿ
     */
    public double possibleContexts() {
        return Math.pow(V + 1, n);
    }

    /** The window x[t], x[t−1], …, x[t−n+1] in base V+1, {@code <BLANK>} = V before the start. */
    private long key(int[] x, int t) {
        long key = 0;
        for (int k = 0; k < n; k++) {
            int id = t - k >= 0 ? x[t - k] : V;
            if (id < 0 || id > V) throw new IllegalArgumentException("n-gram counts: token " + id + " outside [0, " + V + ")");
            key = key * (V + 1) + id;
        }
        return key;
    }
}
