package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.LanguageModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Draws text from a {@link LanguageModel}, one token at a time: z = the model's next-token logits given the
 * tokens so far, then
 * <pre>
 *   p = softmax(z / τ)          τ = temperature: τ &lt; 1 sharpens, τ &gt; 1 flattens, τ = 0 takes argmax z
 *   top-k (optional): keep the k largest z, set the others' probability to 0, renormalize
 *   next ~ p                    drawn with this sampler's seeded Random
 * </pre>
 * Names ({@link #name}) start from the start token 0 and end when the model produces 0 (or at
 * {@link #maxLength}); text ({@link #text}) continues a prompt for n characters. The same seed and settings
 * give the same samples.
 */
public final class Sampler {
    private final LanguageModel model;
    private final Vocabulary vocab;
    private final Random rng;
    private double temperature = 1.0;
    private int topK;                    // 0: off
    private int maxLength = 100;
    private int contextWindow;           // 0: the whole context
    private final Matrix logits;         // (1 × V)
    private final double[] p;            // (V) probabilities
    private final double[] sorted;       // (V) scratch for top-k

    public Sampler(LanguageModel model, Vocabulary vocab, long seed) {
        if (model.vocabSize() != vocab.size()) {
            throw new IllegalArgumentException("the model has " + model.vocabSize() + " tokens but the vocabulary "
                    + vocab.size());
        }
        this.model = model;
        this.vocab = vocab;
        this.rng = new Random(seed);
        this.logits = new Matrix(1, vocab.size());
        this.p = new double[vocab.size()];
        this.sorted = new double[vocab.size()];
    }

    /** τ ≥ 0 (default 1); 0 means greedy (always the most likely token). */
    public Sampler temperature(double tau) {
        if (!(tau >= 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("temperature " + tau + " must be finite and ≥ 0");
        this.temperature = tau;
        return this;
    }

    /** Samples only among the k most likely tokens; 0 (default) turns it off. */
    public Sampler topK(int k) {
        if (k < 0) throw new IllegalArgumentException("top-k " + k + " must be ≥ 0");
        this.topK = k;
        return this;
    }

    /** The longest name {@link #name} produces (default 100 characters). */
    public Sampler maxLength(int n) {
        if (n <= 0) throw new IllegalArgumentException("max length " + n + " must be positive");
        this.maxLength = n;
        return this;
    }

    /**
     * Passes only the last k tokens to {@code nextLogits} (default 0: all of them). A model with a fixed block
     * size needs at most that many; for a recurrent model it bounds the cost of re-reading the context.
     */
    public Sampler contextWindow(int k) {
        if (k < 0) throw new IllegalArgumentException("context window " + k + " must be ≥ 0");
        this.contextWindow = k;
        return this;
    }

    /** One name: tokens after the start token until the end token (0), without either. */
    public String name() {
        requireSpecial();
        int[] tokens = new int[maxLength + 1];  // tokens[0] = start token 0
        int n = 1;
        while (n <= maxLength) {
            int next = next(tokens, n);
            if (next == Vocabulary.SPECIAL) break;
            tokens[n++] = next;
        }
        return vocab.decode(tokens, 1, n);
    }

    /** n names (n ≥ 0). */
    public List<String> names(int n) {
        if (n < 0) throw new IllegalArgumentException("number of names " + n + " must be ≥ 0");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(name());
        return out;
    }

    /**
     * The prompt followed by n sampled characters. For a word vocabulary the context starts with the start token;
     * for a text vocabulary the prompt must hold at least one character.
     */
    public String text(String prompt, int n) {
        if (n < 0) throw new IllegalArgumentException("number of characters " + n + " must be ≥ 0");
        int[] p0 = vocab.encode(prompt);
        int offset = vocab.hasSpecial() ? 1 : 0;
        if (p0.length + offset == 0) {
            throw new IllegalArgumentException("a text vocabulary has no start token: give a prompt of at least one character");
        }
        if ((long) offset + p0.length + n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("text of " + n + " characters is too long for one string; draw it in parts");
        }
        int[] tokens = new int[offset + p0.length + n];
        System.arraycopy(p0, 0, tokens, offset, p0.length);
        int len = offset + p0.length;
        for (int i = 0; i < n; i++) {
            tokens[len] = next(tokens, len);
            len++;
        }
        return vocab.decode(tokens, offset, len);
    }

    /** Samples the token that follows tokens[0 … len). */
    private int next(int[] tokens, int len) {
        int from = contextWindow > 0 ? Math.max(0, len - contextWindow) : 0;
        int[][] context = {Arrays.copyOfRange(tokens, from, len)};
        model.nextLogits(context, logits);
        return sample(logits.data[0]);
    }

    /**
     * Draws one token from logits z with this sampler's temperature, top-k and random source.
     *
     * @throws IllegalArgumentException if z has the wrong length, holds NaN or +∞, or is −∞ everywhere (a diverged
     *         model: no distribution to draw from)
     */
    public int sample(double[] z) {
        checkLogits(z);
        int V = z.length;
        if (temperature == 0) {
            int best = 0;
            for (int j = 1; j < V; j++) if (z[j] > z[best]) best = j;
            return best;
        }
        double cut = Double.NEGATIVE_INFINITY;         // keep z[j] ≥ cut
        if (topK > 0 && topK < V) {
            System.arraycopy(z, 0, sorted, 0, V);
            Arrays.sort(sorted);
            cut = sorted[V - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < V; j++) if (z[j] >= cut) max = Math.max(max, z[j]);
        double sum = 0;
        for (int j = 0; j < V; j++) {
            p[j] = z[j] >= cut ? Math.exp((z[j] - max) / temperature) : 0.0;  // softmax(z/τ), shifted for stability
            sum += p[j];
        }
        double u = rng.nextDouble() * sum;
        int last = 0;
        for (int j = 0; j < V; j++) {
            if (p[j] == 0) continue;
            last = j;
            u -= p[j];
            if (u < 0) return j;
        }
        return last; // rounding: u landed on the total
    }

    private void checkLogits(double[] z) {
        if (z.length != p.length) {
            throw new IllegalArgumentException("sample: " + z.length + " logits for a vocabulary of " + p.length + " tokens");
        }
        boolean any = false;
        for (int j = 0; j < z.length; j++) {
            if (Double.isNaN(z[j]) || z[j] == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("sample: logit " + j + " is " + z[j] + "; the model's output is not "
                        + "finite (its parameters are not finite, or too large)");
            }
            any |= z[j] != Double.NEGATIVE_INFINITY;
        }
        if (!any) throw new IllegalArgumentException("sample: every logit is -Infinity; there is no token to draw");
    }

    private void requireSpecial() {
        if (!vocab.hasSpecial()) {
            throw new IllegalStateException("names need a word vocabulary with a start/end token; use text(prompt, n)");
        }
    }
}
