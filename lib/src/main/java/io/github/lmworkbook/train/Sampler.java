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
 *   top-p (optional, nucleus sampling, Holtzman et al. 2020): keep the smallest set of the most likely tokens
 *                               whose probability adds up to at least p, set the others' to 0, renormalize
 *   next ~ p                    drawn with this sampler's seeded Random
 * </pre>
 * Greedy decoding ({@link #greedy()}, τ = 0) always takes the most likely token (the first of equals); top-k keeps
 * exactly k tokens (of equal logits at the k-th place, the first ones). {@link #probabilities} is the distribution a
 * token is drawn from; {@link #decoding(Decoding)} sets τ, k and p at once.
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
    private double topP = 1.0;           // 1: off
    private int maxLength = 100;
    private final LanguageModel.Generator generator;
    private final Matrix logits;         // (1 × V)
    private final double[] p;            // (V) probabilities
    private final double[] sorted;       // (V) scratch for top-k
    private final int[] token = new int[1];

    /**
     * A sampler of the model's tokens, decoded with the vocabulary, its random choices seeded.
     *
     * @param model the trained model whose next-token logits are sampled
     * @param vocab the vocabulary that decodes its tokens
     * @param seed the seed of every random draw
     */
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

    /**
     * τ ≥ 0 (default 1); 0 means greedy (always the most likely token).
     *
     * @param tau τ ≥ 0, the temperature that divides the logits
     * @return this sampler, for chaining
     */
    public Sampler temperature(double tau) {
        if (!(tau >= 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("temperature " + tau + " must be finite and ≥ 0");
        this.temperature = tau;
        return this;
    }

    /**
     * Samples only among the k most likely tokens; 0 (default) turns it off.
     *
     * @param k the number of most likely tokens kept, ≥ 0
     * @return this sampler, for chaining
     */
    public Sampler topK(int k) {
        if (k < 0) throw new IllegalArgumentException("top-k " + k + " must be ≥ 0");
        this.topK = k;
        return this;
    }

    /**
     * Nucleus sampling: samples only among the smallest set of most likely tokens whose probabilities (after τ and
     * top-k) add up to at least p, 0 &lt; p ≤ 1; 1 (default) turns it off.
     *
     * @param p the probability mass of the nucleus
     * @return this sampler, for chaining
     */
    public Sampler topP(double p) {
        if (!(p > 0 && p <= 1)) throw new IllegalArgumentException("top-p " + p + " must be in (0, 1]");
        this.topP = p;
        return this;
    }

    /**
     * Greedy decoding: always the most likely token (τ = 0).
     *
     * @return this sampler, for chaining
     */
    public Sampler greedy() {
        return temperature(0);
    }

    /**
     * Sets the temperature, top-k and top-p of a {@link Decoding}.
     *
     * @param d the decoding to use
     * @return this sampler, for chaining
     */
    public Sampler decoding(Decoding d) {
        return temperature(d.temperature()).topK(d.topK()).topP(d.topP());
    }

    /**
     * The longest name {@link #name} produces (default 100 characters).
     *
     * @param n the largest number of characters in a name
     * @return this sampler, for chaining
     */
    public Sampler maxLength(int n) {
        if (n <= 0) throw new IllegalArgumentException("max length " + n + " must be positive");
        this.maxLength = n;
        return this;
    }

    /**
     * One name: tokens after the start token until the end token (0), without either.
     *
     * @return a sampled name
     */
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

    /**
     * n names (n ≥ 0).
     *
     * @param n the number of names
     * @return n sampled names, in the order drawn
     */
    public List<String> names(int n) {
        if (n < 0) throw new IllegalArgumentException("number of names " + n + " must be ≥ 0");
        List<String> out = new ArrayList<>(Math.min(n, 10_000));
        for (int i = 0; i < n; i++) out.add(name());
        return out;
    }

    /**
     * The prompt followed by n sampled characters. For a word vocabulary the context starts with the start token;
     * for a text vocabulary the prompt must hold at least one character.
     *
     * @param prompt the text the model continues
     * @param n the number of characters to draw
     * @return the prompt and the n characters drawn
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
     *
     * @param prompt the text the model continues (not handed to the sink)
     * @param n the largest number of characters to draw
     * @param sink takes each drawn character; returns false to stop
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
     * @param z the next-token logits (length V)
     * @return the token drawn, in [0, V)
     * @throws IllegalArgumentException if z has the wrong length, holds NaN or +∞, or is −∞
     *         everywhere (a diverged
     *         model: no distribution to draw from)
     */
    public int sample(double[] z) {
        checkLogits(z);
        int V = z.length;
        if (temperature == 0) return argmax(z);
        distribution(z);
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

    /**
     * The distribution the next token is drawn from, given logits z (a new array of V probabilities adding up to 1):
     * softmax(z / τ) restricted to the top-k and the top-p nucleus and renormalised; greedy: 1 at argmax z.
     *
     * @param z the next-token logits (length V)
     * @return the V probabilities the next token is drawn from
     * @throws IllegalArgumentException as {@link #sample}
     */
    public double[] probabilities(double[] z) {
        checkLogits(z);
        if (temperature == 0) {
            double[] one = new double[z.length];
            one[argmax(z)] = 1.0;
            return one;
        }
        distribution(z);
        return p.clone();
    }

    private static int argmax(double[] z) {
        int best = 0;
        for (int j = 1; j < z.length; j++) if (z[j] > z[best]) best = j;
        return best;
    }

    /** p = softmax(z / τ) over the top-k tokens, then restricted to the top-p nucleus (p sums to 1). */
    private void distribution(double[] z) {
        int V = z.length;
        // keep z[j] > cut, and of z[j] = cut as many as top-k allows
        double cut = Double.NEGATIVE_INFINITY;
        int ties = V;
        if (topK > 0 && topK < V) {
            System.arraycopy(z, 0, sorted, 0, V);
            Arrays.sort(sorted);
            cut = sorted[V - topK];
            ties = topK;
            for (int j = 0; j < V; j++) if (z[j] > cut) ties--;   // exactly k: the first of equals
        }
        for (int j = 0; j < V; j++) {
            boolean keep = z[j] > cut || (z[j] == cut && ties-- > 0);
            p[j] = keep ? z[j] : Double.NEGATIVE_INFINITY;                 // the kept logits
        }
        double top = Double.NEGATIVE_INFINITY, big = 0;  // the largest kept logit, the largest |z| kept
        for (int j = 0; j < V; j++) {
            if (p[j] > Double.NEGATIVE_INFINITY) {
                top = Math.max(top, p[j]);
                big = Math.max(big, Math.abs(p[j]));
            }
        }
        // z/τ overflows for a tiny τ (1e-320): then shift first, softmax((z − max z)/τ),
        // the limit τ → 0 (argmax)
        double shift = big / temperature < 1e300 ? 0 : top;
        for (int j = 0; j < V; j++) p[j] = (p[j] - shift) / temperature;   // −∞ stays −∞
        Softmax.row(p, p, V);                          // p = softmax(z / τ) over the kept tokens
        if (topP < 1) nucleus(V);
    }

    /**
     * Keeps the smallest set of the most likely tokens whose probability adds up to ≥ top-p (of equal probabilities at
     * the edge, the first ones), sets the others' to 0 and renormalises.
     */
    private void nucleus(int V) {
        System.arraycopy(p, 0, sorted, 0, V);
        Arrays.sort(sorted);
        double mass = 0, edge = 0;                     // the smallest probability in the nucleus
        for (int i = V - 1; i >= 0; i--) {
            edge = sorted[i];
            mass += edge;
            if (mass >= topP) break;
        }
        double kept = 0;
        for (int j = 0; j < V; j++) if (p[j] > edge) kept += p[j];
        for (int j = 0; j < V; j++) {
            if (p[j] > edge) continue;
            if (p[j] == edge && edge > 0 && kept < topP) kept += p[j];   // the edge: as many as it takes
            else p[j] = 0;
        }
        for (int j = 0; j < V; j++) p[j] /= kept;      // renormalise
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
