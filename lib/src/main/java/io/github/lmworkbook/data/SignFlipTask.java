package io.github.lmworkbook.data;

import io.github.lmworkbook.core.Matrix;

import java.util.Random;

/**
 * A task where the state must sometimes be replaced by the input, ignoring the past, and at other steps be computed
 * from the past: the test of a GRU's reset gate. Step t carries three numbers, x_t = (v_t, m_t, f_t):
 * <pre>
 *   v_t ~ U(−1, 1)                  a value
 *   m_t ∈ {0, 1}                    a marker: load the value, forget everything before (m_1 = 1; later P(m_t = 1) = p)
 *   f_t ∈ {0, 1}                    a flip (never on a marked step; P = q otherwise): negate what is held
 *   s_t = v_t if m_t = 1, −s_{t−1} if f_t = 1, else s_{t−1}
 *   y   = s_T                       the target: the value of the last marker, with the sign of the flips since
 * </pre>
 * A single GRU unit can do it with its gates: at a marker z = 1, r = 0, h̃ = tanh(c·v_t) (the past shut out); at a
 * flip z = 1, r = 1, h̃ = tanh(−k·h_{t−1}) ≈ −h_{t−1}; else z = 0. Without the reset gate (r ≡ 1) the candidate
 * always sees h_{t−1}·W_hh, which the flips need, so a marker can shut the past out only by saturating tanh —
 * and a saturated candidate has lost v_t. Predicting 0 scores MSE E[v²] = 1/3 ({@link #BASELINE_MSE}).
 */
public final class SignFlipTask {
    /** The mean squared error of predicting 0: E[v²] = 1/3 for v ~ U(−1, 1). */
    public static final double BASELINE_MSE = 1.0 / 3.0;

    private final int T;
    private final double p, q;
    private final Random rng;

    /**
     * @param length     T ≥ 2
     * @param markerProb p, the probability of a marker at each step after the first
     * @param flipProb   q, the probability of a flip at an unmarked step
     * @param seed       seed of the sequences
     */
    public SignFlipTask(int length, double markerProb, double flipProb, long seed) {
        if (length < 2 || !(markerProb >= 0 && markerProb <= 1) || !(flipProb >= 0 && flipProb <= 1)) {
            throw new IllegalArgumentException("sign-flip task: need T ≥ 2 and probabilities in [0, 1], got T=" + length
                    + ", p=" + markerProb + ", q=" + flipProb);
        }
        this.T = length;
        this.p = markerProb;
        this.q = flipProb;
        this.rng = new Random(seed);
    }

    /** {@return T, the sequence length} */
    public int length() {
        return T;
    }

    /**
     * B fresh sequences: x (B·T × 3: value, marker, flip), batch-major, and their targets.
     *
     * @param B the number of sequences
     * @return the batch (its x is B·T × 3)
     */
    public SequenceBatch sample(int B) {
        if (B < 1) throw new IllegalArgumentException("sign-flip task: batch size must be positive, got " + B);
        Matrix x = new Matrix(B * T, 3);
        double[] y = new double[B];
        for (int b = 0; b < B; b++) {
            double s = 0;
            for (int t = 0; t < T; t++) {
                double[] row = x.data[b * T + t];
                row[0] = 2 * rng.nextDouble() - 1;
                boolean marked = t == 0 || rng.nextDouble() < p;
                boolean flip = !marked && rng.nextDouble() < q;
                row[1] = marked ? 1 : 0;
                row[2] = flip ? 1 : 0;
                s = marked ? row[0] : flip ? -s : s;
            }
            y[b] = s;
        }
        return new SequenceBatch(x, T, y);
    }
}
