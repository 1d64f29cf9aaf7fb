package io.github.lmworkbook.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A sequence transduction with an exact answer, the task of the encoder–decoder: a string of L symbols drawn
 * uniformly and independently from an alphabet of A, and its image under a fixed map,
 * <pre>
 *   source  x_1 … x_L                    tokens 0 … A−1
 *   target  y_1 … y_L = x_L … x_1        {@link Kind#REVERSE}: y_t = x_{L+1−t}
 *                     = x_1 … x_L        {@link Kind#COPY}:    y_t = x_t
 *                     = sorted(x)        {@link Kind#SORT}:    the same symbols in increasing order
 * </pre>
 * The target has the length of the source. A random string cannot be compressed: whatever reads the source once and
 * must then write the target has to carry all L·log₂A bits of it ({@link #bits}) — through one fixed-size vector for
 * an encoder–decoder without attention. A model that keeps nothing gets a symbol right with probability 1/A.
 *
 * <p>Each batch has one length L, drawn uniformly from [minLength, maxLength] (a single length when the two are
 * equal), so that a batch is rectangular; the held-out sets ({@link #fixedSet}) have one given length each, so that
 * accuracy can be measured against L. Every random choice comes from the seed.
 *
 * <p>Reversal and copying align every output position t with exactly one source position π(t)
 * ({@link #alignment}): the anti-diagonal and the diagonal that a trained attention model's weights α should show.
 */
public final class TransductionTask {
    /** The map from source to target. */
    public enum Kind {
        /** y_t = x_{L+1−t}: the first symbol read is the last one written (Sutskever et al. reversed their sources). */
        REVERSE,
        /** y_t = x_t: the first symbol read is the first written, L steps later. */
        COPY,
        /** The symbols in increasing order: which source position each output reads depends on the string. */
        SORT;

        /**
         * The kind named s (case-insensitive: "reverse", "copy", "sort"), or one line naming the choices.
         *
         * @param s the kind's name
         * @return the kind
         */
        public static Kind of(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown task '" + s + "'; expected one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final int A, minL, maxL;

    /**
     * @param kind      the map
     * @param alphabet  A ≥ 2 symbols
     * @param minLength the shortest string of a training batch (≥ 1)
     * @param maxLength the longest (≥ minLength)
     */
    public TransductionTask(Kind kind, int alphabet, int minLength, int maxLength) {
        if (kind == null) throw new IllegalArgumentException("transduction task: no kind");
        if (alphabet < 2 || minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("transduction task: need alphabet ≥ 2 and 1 ≤ minLength ≤ maxLength, "
                    + "got A=" + alphabet + ", L=" + minLength + "…" + maxLength);
        }
        this.kind = kind;
        this.A = alphabet;
        this.minL = minLength;
        this.maxL = maxLength;
    }

    /**
     * Strings of exactly L symbols.
     *
     * @param kind the map
     * @param alphabet A ≥ 2 symbols
     * @param length L ≥ 1, the length of every string
     */
    public TransductionTask(Kind kind, int alphabet, int length) {
        this(kind, alphabet, length, length);
    }

    /** {@return the map from source to target} */
    public Kind kind() {
        return kind;
    }

    /**
     * A, the number of symbols: the source vocabulary and the target vocabulary.
     *
     * @return A
     */
    public int alphabet() {
        return A;
    }

    /** {@return the shortest string of a training batch} */
    public int minLength() {
        return minL;
    }

    /** {@return the longest string of a training batch} */
    public int maxLength() {
        return maxL;
    }

    /**
     * L·log₂A: the information in a source string of length L, all of which the target needs.
     *
     * @param L the length of the string
     * @return L·log₂A
     */
    public double bits(int L) {
        return L * Math.log(A) / Math.log(2);
    }

    /**
     * 1/A: the per-symbol accuracy of a guess.
     *
     * @return 1/A
     */
    public double chanceAccuracy() {
        return 1.0 / A;
    }

    /**
     * The target of a source string (a new array).
     *
     * @param x the source string
     * @return its target
     */
    public int[] target(int[] x) {
        int L = x.length;
        int[] y = new int[L];
        switch (kind) {
            case REVERSE -> {
                for (int t = 0; t < L; t++) y[t] = x[L - 1 - t];
            }
            case COPY -> System.arraycopy(x, 0, y, 0, L);
            case SORT -> {
                System.arraycopy(x, 0, y, 0, L);
                Arrays.sort(y);
            }
        }
        return y;
    }

    /**
     * π, the source position each output position reads, 0-based: π[t] = L − 1 − t for reversal, t for copying —
     * found by applying the task to the string 0, 1, …, L − 1 (distinct symbols), so it is the task's own map.
     *
     * @param L the length of the string
     * @return π, of length L
     * @throws IllegalArgumentException for sorting, whose alignment depends on the string
     */
    public int[] alignment(int L) {
        if (kind == Kind.SORT) {
            throw new IllegalArgumentException("transduction task: sorting has no fixed alignment (it depends on the"
                    + " string)");
        }
        if (L < 1) throw new IllegalArgumentException("transduction task: length " + L + " must be ≥ 1");
        int[] positions = new int[L];
        for (int s = 0; s < L; s++) positions[s] = s;
        return target(positions);
    }

    /**
     * Fills one batch in place with fresh random strings and their targets (its length is the batch's).
     *
     * @param batch the batch to fill (B × L)
     * @param rng the random source
     */
    public void fill(TransductionBatch batch, SplittableRandom rng) {
        for (int b = 0; b < batch.size(); b++) {
            int[] x = batch.source()[b], y = batch.target()[b];
            if (y.length != x.length) {
                throw new IllegalArgumentException("transduction task: source length " + x.length + " but target "
                        + "length " + y.length);
            }
            for (int s = 0; s < x.length; s++) x[s] = rng.nextInt(A);
            System.arraycopy(target(x), 0, y, 0, y.length);
        }
    }

    /**
     * An endless source of random batches of B pairs, each of a length drawn uniformly from
     * [minLength, maxLength]; a call refills the one Batch object of its length.
     *
     * @param B the number of sequences per batch
     * @param seed the seed of the random source
     * @return the source; every call returns the same batch object, refilled
     */
    public Supplier<TransductionBatch> batches(int B, long seed) {
        if (B < 1) throw new IllegalArgumentException("transduction task: batch size must be positive, got " + B);
        SplittableRandom rng = new SplittableRandom(seed);
        TransductionBatch[] byLength = new TransductionBatch[maxL + 1];
        return () -> {
            int L = minL == maxL ? minL : minL + rng.nextInt(maxL - minL + 1);
            TransductionBatch batch = byLength[L];
            if (batch == null) byLength[L] = batch = new TransductionBatch(new int[B][L], new int[B][L]);
            fill(batch, rng);
            return batch;
        };
    }

    /**
     * A fixed set of count batches of B pairs of length L (for evaluation; any L ≥ 1).
     *
     * @param count the number of batches
     * @param B the number of pairs per batch
     * @param L the length of every string
     * @param seed the seed of the random source
     * @return the batches, each an object of its own
     */
    public List<TransductionBatch> fixedSet(int count, int B, int L, long seed) {
        if (count < 1 || B < 1 || L < 1) {
            throw new IllegalArgumentException("transduction task: need count, B and L ≥ 1, got " + count + ", " + B
                    + ", " + L);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<TransductionBatch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TransductionBatch batch = new TransductionBatch(new int[B][L], new int[B][L]);
            fill(batch, rng);
            out.add(batch);
        }
        return out;
    }

    /**
     * A held-out set of exactly n pairs of length L, in batches of at most 128 (for evaluation: the memory of one
     * batch stays small at any n), drawn from the seed.
     *
     * @param n the number of pairs
     * @param L the length of every string
     * @param seed the seed of the random source
     * @return the batches
     */
    public List<TransductionBatch> heldOut(int n, int L, long seed) {
        if (n < 1 || L < 1) throw new IllegalArgumentException("transduction task: need n and L ≥ 1, got " + n + ", " + L);
        SplittableRandom rng = new SplittableRandom(seed);
        List<TransductionBatch> out = new ArrayList<>();
        for (int done = 0; done < n; ) {
            int B = Math.min(HELD_OUT_BATCH, n - done);
            TransductionBatch batch = new TransductionBatch(new int[B][L], new int[B][L]);
            fill(batch, rng);
            out.add(batch);
            done += B;
        }
        return out;
    }

    /** The largest batch of {@link #heldOut}. */
    public static final int HELD_OUT_BATCH = 128;

    @Override
    public String toString() {
        return "TransductionTask(" + kind + ", A=" + A + ", L=" + (minL == maxL ? "" + minL : minL + "…" + maxL) + ")";
    }
}
