package io.github.lmworkbook.data;

import io.github.lmworkbook.core.Matrix;

import java.util.Random;

/**
 * The adding problem (Hochreiter &amp; Schmidhuber 1997; in the form of Le, Jaitly &amp; Hinton 2015), a test of
 * long-range memory. A sequence has T steps; step t carries two numbers, x_t = (v_t, μ_t):
 * <pre>
 *   v_t ~ U(0, 1)                   the value
 *   μ_t ∈ {0, 1}                    the marker: exactly two steps are marked,
 *                                   one in the first half (t &lt; T/2), one in the second (t ≥ T/2)
 *   y   = Σ_t μ_t v_t               the target: the sum of the two marked values
 * </pre>
 * The model sees the whole sequence and must output y at the end. A model that ignores its inputs does best by
 * predicting E[y] = 1, with mean squared error Var(v + v′) = 2 · 1/12 = 1/6 ≈ 0.167 ({@link #BASELINE_MSE}).
 * The first marker is on average T/2 steps before the end, so the gradient that tells the model which
 * value to keep has to travel back that far.
 */
public final class AddingProblem {
    /** The mean squared error of always predicting 1: Var(U(0,1) + U(0,1)) = 1/6. */
    public static final double BASELINE_MSE = 1.0 / 6.0;

    private final int T;
    private final Random rng;

    /**
     * A generator of sequences of length T (T ≥ 2) drawn from new Random(seed).
     *
     * @param T the sequence length
     * @param seed the seed of the sequences
     */
    public AddingProblem(int T, long seed) {
        if (T < 2) throw new IllegalArgumentException("adding problem: T must be at least 2, got " + T);
        this.T = T;
        this.rng = new Random(seed);
    }

    /** {@return T, the sequence length} */
    public int length() {
        return T;
    }

    /**
     * B fresh sequences: x (B·T × 2: value, marker), batch-major, and their targets.
     *
     * @param B the number of sequences
     * @return the batch (its x is B·T × 2)
     */
    public SequenceBatch sample(int B) {
        if (B < 1) throw new IllegalArgumentException("adding problem: batch size must be positive, got " + B);
        Matrix x = new Matrix(B * T, 2);
        double[] y = new double[B];
        int half = T / 2;
        for (int b = 0; b < B; b++) {
            double[][] seq = x.rowRange(b * T, (b + 1) * T).data;   // step t of sequence b is row b·T + t
            for (int t = 0; t < T; t++) seq[t][0] = rng.nextDouble();
            int first = rng.nextInt(half), second = half + rng.nextInt(T - half);
            seq[first][1] = 1;
            seq[second][1] = 1;
            y[b] = seq[first][0] + seq[second][0];
        }
        return new SequenceBatch(x, T, y);
    }
}
