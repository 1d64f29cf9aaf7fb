package io.github.lmworkbook.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A long text (Tiny Shakespeare) as one sequence of token ids, cut into chunks of length T for truncated
 * backpropagation through time: a chunk starting at i is
 * <pre>
 *   x = text[i … i+T)        y = text[i+1 … i+T+1)          (both T long; y[t] is the character after x[t])
 * </pre>
 * Three ways to cut it:
 * <ul>
 *   <li>{@link #randomChunks}: B chunks at random offsets i ∈ [0, N−T−1] (seeded), independent of each other;</li>
 *   <li>{@link #streams}: B parallel streams, as in char-rnn: the text is divided into B contiguous segments and
 *       batch k holds chunk k of every segment, so row b of batch k+1 continues row b of batch k and a recurrent
 *       model can carry its hidden state across batches;</li>
 *   <li>{@link #inOrder}: consecutive non-overlapping chunks, B at a time, for evaluating the whole text.</li>
 * </ul>
 */
public final class TextDataset {
    private final Vocabulary vocab;
    private final int[] ids;   // (N) the encoded text

    /**
     * The encoded text.
     *
     * @param text the text
     * @param vocab the vocabulary that encodes it (every character of the text in it)
     */
    public TextDataset(String text, Vocabulary vocab) {
        this(vocab.encode(text), vocab);
    }

    private TextDataset(int[] ids, Vocabulary vocab) {
        this.ids = ids;
        this.vocab = vocab;
    }

    /** {@return N, the number of tokens} */
    public int length() {
        return ids.length;
    }

    /** {@return the vocabulary that encodes the text} */
    public Vocabulary vocabulary() {
        return vocab;
    }

    /**
     * A copy of the token ids.
     *
     * @return the N token ids
     */
    public int[] tokens() {
        return ids.clone();
    }

    /**
     * Tokens [from, to) as a dataset of their own (a copy).
     *
     * @param from the first token taken
     * @param to one past the last token taken
     * @return the slice
     */
    public TextDataset slice(int from, int to) {
        if (from < 0 || to > ids.length || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + ids.length + "]");
        }
        return new TextDataset(java.util.Arrays.copyOfRange(ids, from, to), vocab);
    }

    /**
     * The first ⌊fraction·N⌋ tokens and the rest (nanoGPT's contiguous 90/10 train/val split with 0.9).
     *
     * @param fraction the share of the tokens in the first part
     * @return the two parts, in order
     */
    public TextDataset[] splitAt(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) throw new IllegalArgumentException("fraction " + fraction + " outside [0, 1]");
        int n = (int) (fraction * ids.length);
        return new TextDataset[] {slice(0, n), slice(n, ids.length)};
    }

    /**
     * B chunks of length T at offsets drawn uniformly from [0, N−T−1] by {@code new Random(seed)}. Every call
     * refills and returns the same {@link Batch}.
     *
     * @param B the number of chunks per batch
     * @param T the chunk length
     * @param seed the seed of the offsets
     * @return the source; every call returns the same batch object, refilled
     */
    public Supplier<Batch> randomChunks(int B, int T, long seed) {
        check(B, T);
        int maxStart = ids.length - T - 1; // the last chunk's y ends at N−1
        if (maxStart < 0) throw new IllegalArgumentException("text of " + ids.length + " tokens is too short for chunks of T = " + T);
        Random rng = new Random(seed);
        Batch batch = new Batch(new int[B][T], new int[B][T]);
        return () -> {
            for (int b = 0; b < B; b++) fill(batch, b, rng.nextInt(maxStart + 1), T);
            return batch;
        };
    }

    /**
     * An estimate's sample, as nanoGPT's {@code estimate_loss} draws it: every iteration over the result yields
     * {@code count} fresh batches of B chunks at random offsets (as {@link #randomChunks}), the random source
     * continuing from one iteration to the next, so that each evaluation of a run sees new chunks. The mean loss over
     * one iteration (e.g. {@code Trainer.evaluate}) is nanoGPT's loss estimate with {@code eval_iters = count}.
     * The batch object is shared and refilled.
     *
     * @param B the number of chunks per batch
     * @param T the chunk length
     * @param count the number of batches per iteration
     * @param seed the seed of the offsets
     * @return the sample
     */
    public Iterable<Batch> randomSample(int B, int T, int count, long seed) {
        if (count < 1) throw new IllegalArgumentException("an estimate needs at least one batch, got " + count);
        Supplier<Batch> chunks = randomChunks(B, T, seed);
        return () -> new Iterator<>() {
            int n = 0;

            @Override
            public boolean hasNext() {
                return n < count;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                n++;
                return chunks.get();
            }
        };
    }

    /**
     * B parallel streams of chunks of length T (see {@link Streams}).
     *
     * @param B the number of streams
     * @param T the chunk length
     * @return the streams
     */
    public Streams streams(int B, int T) {
        return new Streams(B, T);
    }

    /**
     * Consecutive chunks x = text[kT … kT+T), B at a time (the last batch may be smaller), covering tokens
     * 0 … ⌊(N−1)/T⌋·T; each target is predicted once. Each iterator reuses its arrays.
     *
     * @param B the number of chunks per batch
     * @param T the chunk length
     * @return the batches, in order
     */
    public Iterable<Batch> inOrder(int B, int T) {
        check(B, T);
        int chunks = (ids.length - 1) / T;
        if (chunks == 0) throw new IllegalArgumentException("text of " + ids.length + " tokens is too short for chunks of T = " + T);
        return () -> new Iterator<>() {
            int k = 0;
            Batch full, last;

            @Override
            public boolean hasNext() {
                return k < chunks;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int n = Math.min(B, chunks - k);
                Batch batch;
                if (n == B) batch = full != null ? full : (full = new Batch(new int[B][T], new int[B][T]));
                else batch = last != null ? last : (last = new Batch(new int[n][T], new int[n][T]));
                for (int b = 0; b < n; b++) fill(batch, b, (k + b) * T, T);
                k += n;
                return batch;
            }
        };
    }

    private void fill(Batch batch, int b, int start, int T) {
        System.arraycopy(ids, start, batch.x()[b], 0, T);
        System.arraycopy(ids, start + 1, batch.y()[b], 0, T);
    }

    private static void check(int B, int T) {
        if (B <= 0 || T <= 0) throw new IllegalArgumentException("batch size " + B + " and length " + T + " must be positive");
    }

    /**
     * B parallel streams over the text (char-rnn's loader). With segment length L = ⌊(N−1)/B⌋, stream b reads
     * tokens [bL, bL + L]; batch k (k = 0 … K−1, K = ⌊L/T⌋ per epoch) holds, in row b, the chunk starting at
     * bL + kT. After the last batch of an epoch the streams start again from batch 0. Each call to {@link #get()}
     * refills and returns the same {@link Batch}.
     *
     * <p>A recurrent model carries its hidden state from one batch to the next and resets it when
     * {@link #startsEpoch()} is true (the rows jump back to the start of their segments).
     */
    public final class Streams implements Supplier<Batch> {
        private final int B, T, L, K;
        private final Batch batch;
        private int k;                 // the index of the next batch in the epoch
        private boolean startsEpoch;

        private Streams(int B, int T) {
            check(B, T);
            this.B = B;
            this.T = T;
            this.L = (ids.length - 1) / B;
            this.K = L / T;
            if (K == 0) {
                throw new IllegalArgumentException("text of " + ids.length + " tokens is too short for " + B
                        + " streams of chunks of T = " + T);
            }
            this.batch = new Batch(new int[B][T], new int[B][T]);
        }

        @Override
        public Batch get() {
            startsEpoch = k == 0;
            for (int b = 0; b < B; b++) fill(batch, b, b * L + k * T, T);
            k = (k + 1) % K;
            return batch;
        }

        /**
         * True when the batch last returned is the first of an epoch (reset the hidden state before using it).
         *
         * @return true at the start of an epoch
         */
        public boolean startsEpoch() {
            return startsEpoch;
        }

        /**
         * K, the number of batches in one pass over the streams.
         *
         * @return K
         */
        public int batchesPerEpoch() {
            return K;
        }

        /** Starts again from the first batch. */
        public void reset() {
            k = 0;
        }

        /**
         * One epoch from its first batch (for evaluation with carried state); shares this object's batch.
         *
         * @return the K batches of one epoch
         */
        public Iterable<Batch> epoch() {
            return () -> new Iterator<>() {
                int n = 0;

                {
                    reset();
                }

                @Override
                public boolean hasNext() {
                    return n < K;
                }

                @Override
                public Batch next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    n++;
                    return get();
                }
            };
        }
    }

    @Override
    public String toString() {
        return "TextDataset(" + ids.length + " tokens, V=" + vocab.size() + ")";
    }
}
