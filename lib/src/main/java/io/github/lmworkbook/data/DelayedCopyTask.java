package io.github.lmworkbook.data;


import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A synthetic task whose answer lies a known distance back: random sequences of A symbols, uniform and
 * independent, where the token to predict after position t is the one seen k steps earlier,
 * <pre>
 *   y[t] = x[t + 1 − k]        for t ≥ k − 1,   −1 (ignored) before
 * </pre>
 * (k = 1 copies the current token). A model that sees the last n tokens can solve it exactly when k ≤ n;
 * when k &gt; n the answer is independent of everything it sees, and the best it can do is the chance loss
 * log A. Batches are in makemore's layout (B × T).
 */
public final class DelayedCopyTask {
    private final int A, T, k;

    /**
     * @param alphabet A, the number of symbols (the model's vocabulary size)
     * @param length   T, the sequence length (must exceed k)
     * @param lag      k ≥ 1, how far back the answer is
     */
    public DelayedCopyTask(int alphabet, int length, int lag) {
        if (alphabet < 2 || lag < 1 || length <= lag) {
            throw new IllegalArgumentException("delayed copy: need alphabet ≥ 2, lag ≥ 1 and length > lag, got A="
                    + alphabet + ", T=" + length + ", k=" + lag);
        }
        this.A = alphabet;
        this.T = length;
        this.k = lag;
    }

    /** {@return A, the number of symbols} */
    public int alphabet() {
        return A;
    }

    /** {@return T, the sequence length} */
    public int length() {
        return T;
    }

    /** {@return k, how far back the answer is} */
    public int lag() {
        return k;
    }

    /**
     * log A, the loss of predicting the uniform distribution: what a model that cannot see the answer gets.
     *
     * @return ln A, in nats
     */
    public double chanceLoss() {
        return Math.log(A);
    }

    /**
     * Fills one batch in place with fresh random sequences.
     *
     * @param batch the batch to fill (B × T)
     * @param rng the random source
     */
    public void fill(Batch batch, SplittableRandom rng) {
        for (int b = 0; b < batch.size(); b++) {
            int[] x = batch.x()[b], y = batch.y()[b];
            if (x.length != T) throw new IllegalArgumentException("delayed copy: batch length " + x.length + ", task T=" + T);
            for (int t = 0; t < T; t++) x[t] = rng.nextInt(A);
            for (int t = 0; t < T; t++) y[t] = t + 1 - k >= 0 ? x[t + 1 - k] : Batch.IGNORE;
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
        SplittableRandom rng = new SplittableRandom(seed);
        Batch batch = new Batch(new int[B][T], new int[B][T]);
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
            Batch batch = new Batch(new int[B][T], new int[B][T]);
            fill(batch, rng);
            out.add(batch);
        }
        return out;
    }

    @Override
    public String toString() {
        return "DelayedCopyTask(A=" + A + ", T=" + T + ", k=" + k + ")";
    }
}
