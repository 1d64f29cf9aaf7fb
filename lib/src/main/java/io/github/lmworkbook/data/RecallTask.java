package io.github.lmworkbook.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Recall a random string through a fixed-size state: the test of the bottleneck of a recurrent network. A
 * sequence shows L symbols drawn uniformly and independently from an alphabet of A, then L recall markers; at
 * each marker the model must output the symbols again, in order:
 * <pre>
 *   x = s_1 … s_L  R … R          (T = 2L tokens; R = A is the recall marker, so the vocabulary has A + 1 tokens)
 *   y = −  …  −    s_1 … s_L      (nothing to predict while the string is shown: ignored, −1)
 * </pre>
 * When the first marker arrives the string is gone from the input: everything the model outputs from then on must
 * have been kept in its state, L·log₂A bits of it ({@link #bits()}). A model that keeps nothing is right with
 * probability 1/A ({@link #chanceAccuracy()}). Batches are in makemore's layout (B × T).
 */
public final class RecallTask {
    private final int A, L;

    /**
     * @param alphabet A ≥ 2 symbols
     * @param length   L ≥ 1, the length of the string to recall
     */
    public RecallTask(int alphabet, int length) {
        if (alphabet < 2 || length < 1) {
            throw new IllegalArgumentException("recall task: need alphabet ≥ 2 and length ≥ 1, got A=" + alphabet
                    + ", L=" + length);
        }
        this.A = alphabet;
        this.L = length;
    }

    /** {@return A, the number of symbols} */
    public int alphabet() {
        return A;
    }

    /** {@return L, the length of the string} */
    public int stringLength() {
        return L;
    }

    /** {@return T = 2L, the length of a sequence} */
    public int length() {
        return 2 * L;
    }

    /**
     * A + 1: the symbols and the recall marker.
     *
     * @return A + 1, the vocabulary size
     */
    public int vocabSize() {
        return A + 1;
    }

    /**
     * The recall marker's token, A.
     *
     * @return A
     */
    public int marker() {
        return A;
    }

    /**
     * L·log₂A: the information the state must carry from the last symbol to the recall.
     *
     * @return L·log₂A
     */
    public double bits() {
        return L * Math.log(A) / Math.log(2);
    }

    /**
     * 1/A: the accuracy of a guess.
     *
     * @return 1/A
     */
    public double chanceAccuracy() {
        return 1.0 / A;
    }

    /**
     * Fills one batch in place with fresh random strings.
     *
     * @param batch the batch to fill (B × T)
     * @param rng the random source
     */
    public void fill(Batch batch, SplittableRandom rng) {
        int T = 2 * L;
        for (int b = 0; b < batch.size(); b++) {
            int[] x = batch.x()[b], y = batch.y()[b];
            if (x.length != T) throw new IllegalArgumentException("recall task: batch length " + x.length + ", task T=" + T);
            for (int t = 0; t < L; t++) {
                x[t] = rng.nextInt(A);
                y[t] = Batch.IGNORE;
            }
            for (int t = L; t < T; t++) {
                x[t] = A;
                y[t] = x[t - L];
            }
        }
    }

    /**
     * An endless source of random batches of B sequences; each call refills the same Batch object.
     *
     * @param B the number of sequences per batch
     * @param seed the seed of the random source
     * @return the source; every call returns the same batch object, refilled
     */
    public Supplier<Batch> batches(int B, long seed) {
        if (B < 1) throw new IllegalArgumentException("recall task: batch size must be positive, got " + B);
        SplittableRandom rng = new SplittableRandom(seed);
        Batch batch = new Batch(new int[B][2 * L], new int[B][2 * L]);
        return () -> {
            fill(batch, rng);
            return batch;
        };
    }

    /**
     * A fixed set of count batches of B sequences (for evaluation).
     *
     * @param count the number of batches
     * @param B the number of sequences per batch
     * @param seed the seed of the random source
     * @return the batches, each an object of its own
     */
    public List<Batch> fixedSet(int count, int B, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Batch batch = new Batch(new int[B][2 * L], new int[B][2 * L]);
            fill(batch, rng);
            out.add(batch);
        }
        return out;
    }

    @Override
    public String toString() {
        return "RecallTask(A=" + A + ", L=" + L + ")";
    }
}
