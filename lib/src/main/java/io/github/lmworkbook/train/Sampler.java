package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.layers.Softmax;
import io.github.lmworkbook.models.LanguageModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Draws text from a {@link LanguageModel}, one token at a time through its {@link LanguageModel.Generator} (a
 * recurrent model carries its state: O(1) work per token): z = the next-token logits given the tokens so far, then
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
    private final LanguageModel.Generator generator;
    private final Matrix logits;         // (1 × V)
    private final double[] p;            // (V) probabilities
    private final double[] sorted;       // (V) scratch for top-k
    private final int[] token = new int[1];

    /** A sampler of the model's tokens, decoded with the vocabulary, its random choices seeded. */
    public Sampler(LanguageModel model, Vocabulary vocab, long seed) {
        if (model.vocabSize() != vocab.size()) {
            throw new IllegalArgumentException("the model has " + model.vocabSize() + " tokens but the vocabulary "
                    + vocab.size());
        }
        this.model = model;
        this.vocab = vocab;
        this.rng = new Random(seed);
        this.generator = model.generator(1);
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

    /** One name: tokens after the start token until the end token (0), without either. */
    public String name() {
        requireSpecial();
        int[] tokens = new int[maxLength];
        int n = 0;
        generator.reset();
        int next = feed(Vocabulary.SPECIAL);
        while (next != Vocabulary.SPECIAL && n < maxLength) {
            tokens[n++] = next;
            next = feed(next);
        }
        return vocab.decode(tokens, 0, n);
    }

    /** n names (n ≥ 0). */
    public List<String> names(int n) {
        if (n < 0) throw new IllegalArgumentException("number of names " + n + " must be ≥ 0");
        List<String> out = new ArrayList<>(Math.min(n, 10_000));
        for (int i = 0; i < n; i++) out.add(name());
        return out;
    }

    /**
     * The prompt followed by n sampled characters. For a word vocabulary the context starts with the start token;
     * for a text vocabulary the prompt must hold at least one character.
     */
    public String text(String prompt, int n) {
        if ((long) prompt.length() + n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("text of " + n + " characters is too long for one string; draw it in"
                    + " parts with text(prompt, n, sink)");
        }
        StringBuilder out = new StringBuilder(prompt);
        text(prompt, n, c -> {
            out.append(c);
            return true;
        });
        return out.toString();
    }

    /**
     * Continues the prompt by up to n sampled characters, handing each to the sink as it is drawn (a recurrent
     * model carries its state from one to the next); stops early when the sink returns false (e.g. the output was
     * closed). The prompt itself is not handed to the sink.
     */
    public void text(String prompt, int n, java.util.function.Predicate<String> sink) {
        if (n < 0) throw new IllegalArgumentException("number of characters " + n + " must be ≥ 0");
        int[] p0 = vocab.encode(prompt);
        if (!vocab.hasSpecial() && p0.length == 0) {
            throw new IllegalArgumentException("a text vocabulary has no start token: give a prompt of at least one character");
        }
        generator.reset();
        int next = -1;
        if (vocab.hasSpecial()) next = feed(Vocabulary.SPECIAL);
        for (int id : p0) next = feed(id);
        int[] one = new int[1];
        for (int i = 0; i < n; i++) {
            one[0] = next;
            if (!sink.test(vocab.decode(one, 0, 1))) return;
            if (i + 1 < n) next = feed(next);
        }
    }

    /** Feeds one token to the model and samples the next. */
    private int feed(int id) {
        token[0] = id;
        generator.next(token, logits);
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
        double top = Double.NEGATIVE_INFINITY, big = 0;  // the largest kept logit, the largest |z| kept
        for (int j = 0; j < V; j++) {
            if (z[j] >= cut && z[j] > Double.NEGATIVE_INFINITY) {
                top = Math.max(top, z[j]);
                big = Math.max(big, Math.abs(z[j]));
            }
        }
        // z/τ overflows for a tiny τ (1e-320): then shift first, softmax((z − max z)/τ), the limit τ → 0 (argmax)
        double shift = big / temperature < 1e300 ? 0 : top;
        for (int j = 0; j < V; j++) p[j] = z[j] >= cut ? (z[j] - shift) / temperature : Double.NEGATIVE_INFINITY;
        Softmax.row(p, p, V);                          // p = softmax(z / τ) over the kept tokens
        double u = rng.nextDouble();
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
