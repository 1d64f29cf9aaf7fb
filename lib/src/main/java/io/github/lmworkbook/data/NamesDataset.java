package io.github.lmworkbook.data;


import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Words as next-character examples in makemore's layout ({@code CharDataset}). With T = maxLen + 1, a word
 * w = w₁…w_n (ids) becomes
 * <pre>
 *   x = [0, w₁, …, w_n, 0, …, 0]        (T)   start token, the word, padded with 0
 *   y = [w₁, …, w_n, 0, −1, …, −1]      (T)   the word, the end token, padded with −1 (ignored by the loss)
 * </pre>
 * so y[t] is the character that follows x[0..t]. For "emma" (e=5, m=13, a=1) and T = 6:
 * x = [0, 5, 13, 13, 1, 0], y = [5, 13, 13, 1, 0, −1].
 *
 * <p>{@link #randomBatches} draws B examples uniformly with replacement (makemore's sampler) from a seeded RNG
 * and reuses one pair of arrays for every batch; {@link #inOrder} walks the whole set once for evaluation.
 */
public final class NamesDataset {
    private final Vocabulary vocab;
    private final List<String> words;
    private final int T;         // maxLen + 1
    private final int[][] xs;    // (N × T) every example's input, precomputed
    private final int[][] ys;    // (N × T) every example's target

    /**
     * The examples of words with T = (longest of these words) + 1.
     *
     * @param words the words (e.g. names), one example each
     * @param vocab the vocabulary that encodes them
     */
    public NamesDataset(List<String> words, Vocabulary vocab) {
        this(words, vocab, maxLength(words));
    }

    /**
     * The examples of words with T = maxLen + 1; pass the longest word of the whole corpus so that train, dev and
     * test have the same T (as makemore does).
     *
     * @param words the words (e.g. names), one example each
     * @param vocab the vocabulary that encodes them
     * @param maxLen the longest word of the corpus, in characters
     */
    public NamesDataset(List<String> words, Vocabulary vocab, int maxLen) {
        if (!vocab.hasSpecial()) {
            throw new IllegalArgumentException("NamesDataset needs a word vocabulary with the start/end token "
                    + "(Vocabulary.of(words)), got " + vocab);
        }
        this.vocab = vocab;
        this.words = List.copyOf(words);
        this.T = maxLen + 1;
        this.xs = new int[words.size()][T];
        this.ys = new int[words.size()][T];
        for (int i = 0; i < words.size(); i++) {
            int[] ix = vocab.encode(words.get(i));
            if (ix.length > maxLen) {
                throw new IllegalArgumentException("word \"" + words.get(i) + "\" has " + ix.length
                        + " characters, more than maxLen " + maxLen);
            }
            int[] x = xs[i], y = ys[i];                      // both start as zeros, like makemore's torch.zeros
            System.arraycopy(ix, 0, x, 1, ix.length);        // x[1:1+len(ix)] = ix
            System.arraycopy(ix, 0, y, 0, ix.length);        // y[:len(ix)] = ix
            for (int t = ix.length + 1; t < T; t++) y[t] = Batch.IGNORE; // y[len(ix)+1:] = -1
        }
    }

    /**
     * The length of the longest word in characters (makemore's max_word_length); 0 for no words.
     *
     * @param words the words
     * @return the longest word's length
     */
    public static int maxLength(List<String> words) {
        return words.stream().mapToInt(w -> w.codePointCount(0, w.length())).max().orElse(0);
    }

    /** {@return N, the number of examples (words)} */
    public int size() {
        return xs.length;
    }

    /** {@return T = maxLen + 1, the length of every example} */
    public int blockSize() {
        return T;
    }

    /** {@return the vocabulary that encodes the words} */
    public Vocabulary vocabulary() {
        return vocab;
    }

    /** {@return the words, one per example} */
    public List<String> words() {
        return words;
    }

    /**
     * Example i as a batch of one (fresh arrays).
     *
     * @param i the example, 0-based
     * @return the (1 × T) batch
     */
    public Batch example(int i) {
        return new Batch(new int[][] {xs[i].clone()}, new int[][] {ys[i].clone()});
    }

    /**
     * An endless source of random batches of B examples drawn with replacement by {@code new Random(seed)}.
     * Every call returns the same {@link Batch} object refilled in place: use a batch before asking for the next.
     *
     * @param B the number of sequences per batch
     * @param seed the seed of the random source
     * @return the source; every call returns the same batch object, refilled
     */
    public Supplier<Batch> randomBatches(int B, long seed) {
        if (B <= 0) throw new IllegalArgumentException("batch size " + B + " must be positive");
        if (size() == 0) throw new IllegalStateException("no examples to draw batches from");
        Random rng = new Random(seed);
        Batch batch = new Batch(new int[B][T], new int[B][T]);
        return () -> {
            for (int b = 0; b < B; b++) {
                int i = rng.nextInt(xs.length);
                System.arraycopy(xs[i], 0, batch.x()[b], 0, T);
                System.arraycopy(ys[i], 0, batch.y()[b], 0, T);
            }
            return batch;
        };
    }

    /**
     * The examples in order, B at a time (the last batch holds the rest), for evaluation over the whole set.
     * Each iterator reuses its arrays: a batch is valid until the next call to {@code next()}.
     *
     * @param B the number of examples per batch
     * @return the batches, in order
     */
    public Iterable<Batch> inOrder(int B) {
        if (B <= 0) throw new IllegalArgumentException("batch size " + B + " must be positive");
        return () -> new Iterator<>() {
            int start = 0;
            Batch full, last;

            @Override
            public boolean hasNext() {
                return start < xs.length;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int n = Math.min(B, xs.length - start);
                Batch batch;
                if (n == B) {
                    if (full == null) full = new Batch(new int[B][T], new int[B][T]);
                    batch = full;
                } else {
                    if (last == null) last = new Batch(new int[n][T], new int[n][T]);
                    batch = last;
                }
                for (int b = 0; b < n; b++) {
                    System.arraycopy(xs[start + b], 0, batch.x()[b], 0, T);
                    System.arraycopy(ys[start + b], 0, batch.y()[b], 0, T);
                }
                start += n;
                return batch;
            }
        };
    }

    @Override
    public String toString() {
        return "NamesDataset(" + size() + " words, T=" + T + ", V=" + vocab.size() + ")";
    }
}
