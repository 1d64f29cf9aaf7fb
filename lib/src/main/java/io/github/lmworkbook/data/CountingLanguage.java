package io.github.lmworkbook.data;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The counting languages aⁿbⁿ (two letters), aⁿbⁿcⁿ (three), …: one word for every order n ≥ 1, each letter
 * repeated n times, as next-token prediction in makemore's layout. Token 0 ('.') starts and ends a word; the
 * letters are tokens 1, 2, … ('a', 'b', …). For aⁿbⁿ and n = 3:
 * <pre>
 *   word = . a a a b b b .            (k·n + 2 tokens for k letters)
 *   x    = . a a a b b b              y = a a a b b b .       (y[t] follows x[0..t])
 * </pre>
 * A model that reads a word cannot know n while it reads a's, so the target there (another a, or the first b) is
 * not determined by the prefix. Everything after the first b is: the remaining b's (then c's, …) and the end, after
 * exactly n of each. The test of counting is those <em>determined</em> positions ({@link #determined}): a model
 * that predicts every one of them correctly (by its most probable token) accepts the word of order n
 * (Gers &amp; Schmidhuber 2001; Weiss, Goldberg &amp; Yahav 2018). A network trained on n in a training range is then
 * asked for n beyond it.
 */
public final class CountingLanguage {
    private final int k;

    /**
     * The language of k ≥ 2 letters: 2 for aⁿbⁿ, 3 for aⁿbⁿcⁿ.
     *
     * @param letters k ≥ 2, the number of letters
     */
    public CountingLanguage(int letters) {
        if (letters < 2 || letters > 26) {
            throw new IllegalArgumentException("counting language: 2 to 26 letters, got " + letters);
        }
        this.k = letters;
    }

    /** {@return the number of letters k} */
    public int letters() {
        return k;
    }

    /**
     * k + 1: the letters and the delimiter '.'.
     *
     * @return k + 1, the vocabulary size
     */
    public int vocabSize() {
        return k + 1;
    }

    /**
     * The tokens of the word of order n: [0, 1 × n, 2 × n, …, k × n, 0].
     *
     * @param n the order, n ≥ 1
     * @return the k·n + 2 tokens, the delimiter at both ends
     */
    public int[] word(int n) {
        requireOrder(n);
        int[] w = new int[k * n + 2];
        for (int i = 0; i < k * n; i++) w[1 + i] = 1 + i / n;
        return w;
    }

    /**
     * The number of positions of the word of order n as an example: k·n + 1.
     *
     * @param n the order, n ≥ 1
     * @return k·n + 1
     */
    public int length(int n) {
        requireOrder(n);
        return k * n + 1;
    }

    /**
     * Whether the target at position t of the word of order n (t = 0 … k·n) is determined by x[0..t]: at t = 0 (the
     * first letter is an a, since n ≥ 1) and once the first b has been read (t ≥ n + 1). After an a, the next token
     * (an a, or the first b) is not.
     *
     * @param n the order, n ≥ 1
     * @return for each position t = 0 … k·n, whether its target is determined
     */
    public boolean[] determined(int n) {
        boolean[] d = new boolean[length(n)];
        d[0] = true;
        for (int t = n + 1; t < d.length; t++) d[t] = true;
        return d;
    }

    /**
     * The words of the given orders as one batch, padded to the longest: x with 0, y with {@link Batch#IGNORE}.
     *
     * @param ns the orders of the words
     * @return the batch, one word per row
     */
    public Batch batch(int... ns) {
        int T = 0;
        for (int n : ns) T = Math.max(T, length(n));
        Batch b = new Batch(new int[ns.length][T], new int[ns.length][T]);
        for (int i = 0; i < ns.length; i++) fill(b, i, ns[i]);
        return b;
    }

    /**
     * An endless source of batches of B words with n drawn uniformly from nMin … nMax, seeded. Every batch has the
     * length of the longest word, k·nMax + 1 (shorter words padded), so a model sees one shape; each call refills
     * the same Batch object.
     *
     * @param B the number of words per batch
     * @param nMin the smallest order
     * @param nMax the largest order
     * @param seed the seed of the random source
     * @return the source; every call returns the same batch object, refilled
     */
    public Supplier<Batch> randomBatches(int B, int nMin, int nMax, long seed) {
        requireOrder(nMin);
        if (nMax < nMin) throw new IllegalArgumentException("counting language: nMax " + nMax + " < nMin " + nMin);
        if (B < 1) throw new IllegalArgumentException("counting language: batch size must be positive, got " + B);
        SplittableRandom rng = new SplittableRandom(seed);
        int T = length(nMax);
        Batch batch = new Batch(new int[B][T], new int[B][T]);
        return () -> {
            for (int i = 0; i < B; i++) fill(batch, i, nMin + rng.nextInt(nMax - nMin + 1));
            return batch;
        };
    }

    /**
     * Whether predictions (the most probable next token at each position t = 0 … k·n of the word of order n, or
     * more positions: the rest is ignored) are right at every determined position: the word is accepted.
     *
     * @param n the order of the word
     * @param predicted the model's most probable next token at each position
     * @return true when every determined position is right
     */
    public boolean accepts(int n, int[] predicted) {
        return correctDetermined(n, predicted) == countDetermined(n);
    }

    /**
     * How many determined positions of the word of order n the predictions get right.
     *
     * @param n the order of the word
     * @param predicted the model's most probable next token at each position
     * @return the number of determined positions predicted right
     */
    public int correctDetermined(int n, int[] predicted) {
        int[] w = word(n);
        boolean[] d = determined(n);
        if (predicted.length < d.length) {
            throw new IllegalArgumentException("counting language: " + predicted.length + " predictions for a word of "
                    + d.length + " positions (n = " + n + ")");
        }
        int c = 0;
        for (int t = 0; t < d.length; t++) if (d[t] && predicted[t] == w[t + 1]) c++;
        return c;
    }

    /**
     * The number of determined positions of the word of order n: (k − 1)·n + 1.
     *
     * @param n the order of the word
     * @return (k − 1)·n + 1
     */
    public int countDetermined(int n) {
        requireOrder(n);
        return (k - 1) * n + 1;
    }

    /**
     * The tokens as text: '.', 'a', 'b', ….
     *
     * @param tokens the tokens
     * @return the text, one character per token
     */
    public String decode(int[] tokens) {
        StringBuilder s = new StringBuilder(tokens.length);
        for (int t : tokens) {
            if (t < 0 || t > k) throw new IllegalArgumentException("counting language: token " + t + " outside 0…" + k);
            s.append(t == 0 ? '.' : (char) ('a' + t - 1));
        }
        return s.toString();
    }

    private void fill(Batch b, int row, int n) {
        int[] w = word(n), x = b.x()[row], y = b.y()[row];
        int L = w.length - 1;
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(y, Batch.IGNORE);
        System.arraycopy(w, 0, x, 0, L);
        System.arraycopy(w, 1, y, 0, L);
    }

    private static void requireOrder(int n) {
        if (n < 1) throw new IllegalArgumentException("counting language: the order n must be ≥ 1, got " + n);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < k; i++) s.append((char) ('a' + i)).append("ⁿ");
        return "CountingLanguage(" + s + ")";
    }
}
