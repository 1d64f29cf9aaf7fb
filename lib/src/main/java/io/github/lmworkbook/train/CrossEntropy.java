package io.github.lmworkbook.train;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.NGramCounts;

import java.util.Locale;

/**
 * A per-token cross-entropy — the loss every model here reports — in its three units, which are one number:
 * <pre>
 *   H  = −(1/N) Σ_t ln p(x_t | x_&lt;t)      nats: the loss, with the natural logarithm
 *   H₂ = H / ln 2                        bits per token (per character here: every token is one)
 *   PP = e^H = 2^H₂                      perplexity: the model is as unsure as a uniform choice among PP tokens
 * </pre>
 * A model that always gives probability 1/V is at H = ln V, H₂ = log₂ V, PP = V; the perfect model at 0 nats,
 * 0 bits and perplexity 1. Since PP = e^H is convex, the perplexity of a mean loss is not the mean of perplexities:
 * average losses, then convert.
 *
 * @param nats the cross-entropy in nats per token (finite, ≥ 0)
 */
public record CrossEntropy(double nats) {
    /** ln 2, the factor between nats and bits (H₂ = H / ln 2). */
    public static final double LN2 = Math.log(2);

    /**
     * Checks the cross-entropy.
     *
     * @param nats the cross-entropy in nats per token (finite, ≥ 0)
     * @throws IllegalArgumentException if nats is NaN, infinite or negative
     */
    public CrossEntropy {
        if (!(nats >= 0) || Double.isInfinite(nats)) {
            throw new IllegalArgumentException("cross-entropy " + nats + " nats must be finite and ≥ 0");
        }
    }

    /**
     * From bits per token.
     *
     * @param bits the cross-entropy H₂ in bits per token (finite, ≥ 0)
     * @return the same cross-entropy, H = H₂ · ln 2 nats
     */
    public static CrossEntropy ofBits(double bits) {
        return new CrossEntropy(bits * LN2);
    }

    /**
     * From a perplexity (≥ 1).
     *
     * @param perplexity PP = e^H (finite, ≥ 1)
     * @return the same cross-entropy, H = ln PP nats
     */
    public static CrossEntropy ofPerplexity(double perplexity) {
        if (!(perplexity >= 1) || Double.isInfinite(perplexity)) {
            throw new IllegalArgumentException("perplexity " + perplexity + " must be finite and ≥ 1");
        }
        return new CrossEntropy(Math.log(perplexity));
    }

    /**
     * Bits per token, H / ln 2.
     *
     * @return H₂ = H / ln 2, in bits per token
     */
    public double bits() {
        return nats / LN2;
    }

    /**
     * e^H.
     *
     * @return the perplexity PP = e^H
     */
    public double perplexity() {
        return Math.exp(nats);
    }

    /** "2.0123 nats = 2.903 bits/char, perplexity 7.48". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4f nats = %.3f bits/char, perplexity %.2f", nats, bits(), perplexity());
    }

    /**
     * "(2.903 bits/char, perplexity 7.48)": what to print beside a loss already printed in nats.
     *
     * @return bits per token and perplexity in parentheses, ready to follow the loss in nats
     */
    public String units() {
        return String.format(Locale.ROOT, "(%.3f bits/char, perplexity %.2f)", bits(), perplexity());
    }

    /**
     * {@link #units()} of a loss in nats, or "" when it is not a finite number ≥ 0 (nothing to convert).
     *
     * @param nats a loss in nats per token
     * @return its bits and perplexity in parentheses, or "" when nats is not finite and ≥ 0
     */
    public static String unitsOf(double nats) {
        return Double.isFinite(nats) && nats >= 0 ? new CrossEntropy(nats).units() : "";
    }

    /**
     * The baselines a language model has to beat on the held-out batches, each fitted on the training batches by
     * counting ({@link NGramCounts}, add-α smoothing):
     *
     * @param uniform ln V: every token equally likely (no training at all)
     * @param unigram each token at its training frequency, whatever came before
     * @param bigram  each token at its training frequency after the one before it
     */
    public record Baselines(CrossEntropy uniform, CrossEntropy unigram, CrossEntropy bigram) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "uniform %.4f %s, unigram %.4f %s, bigram %.4f %s", uniform.nats(),
                    uniform.units(), unigram.nats(), unigram.units(), bigram.nats(), bigram.units());
        }
    }

    /**
     * {@link #baselines(Iterable, Iterable, int, double)} with α = 0.1 (notebook 01's count
     * models).
     *
     * @param train the batches the counts are fitted on
     * @param held the held-out batches the cross-entropies are measured on
     * @param vocabSize V, the number of tokens (the uniform baseline is ln V)
     * @return the uniform, unigram and bigram cross-entropies on held
     */
    public static Baselines baselines(Iterable<Batch> train, Iterable<Batch> held, int vocabSize) {
        return baselines(train, held, vocabSize, 0.1);
    }

    /**
     * The uniform, unigram and bigram cross-entropies on held, the counts fitted on train.
     *
     * @param train the batches the counts are fitted on
     * @param held the held-out batches the cross-entropies are measured on
     * @param vocabSize V, the number of tokens (the uniform baseline is ln V)
     * @param alpha α &gt; 0, the count added to every n-gram (add-α smoothing)
     * @return the uniform, unigram and bigram cross-entropies on held
     */
    public static Baselines baselines(Iterable<Batch> train, Iterable<Batch> held, int vocabSize,
                                      double alpha) {
        return new Baselines(new CrossEntropy(Math.log(vocabSize)),
                new CrossEntropy(new NGramCounts(vocabSize, 0, alpha).fit(train).loss(held)),
                new CrossEntropy(new NGramCounts(vocabSize, 1, alpha).fit(train).loss(held)));
    }
}
