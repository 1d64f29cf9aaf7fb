package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;

/**
 * Softmax followed by the negative log-likelihood of the target class, averaged over the targets that count.
 *
 * <pre>
 * forward:   p[r] = softmax(z[r])                              z, p (N × V)
 *            L    = −(1/M) Σ_r log p[r][y[r]]                  over the M rows whose target y[r] ≥ 0
 * backward:  dz[r] = (p[r] − onehot(y[r])) / M                 rows with y[r] &lt; 0 (padding) get dz[r] = 0
 * </pre>
 * The backward pass is the softmax's vector–Jacobian product with dp = −onehot(y)/(M·p), which collapses to
 * p − onehot(y): the reason the two are fused. log p is computed as z − logsumexp(z) ({@link Softmax#row}), stable
 * for large logits. A target of {@link #IGNORE} (−1, the data side's {@code Batch.IGNORE}) marks a padded
 * position that contributes neither loss nor gradient.
 */
public final class SoftmaxCrossEntropy {
    /** The target of a padded position (the same value as the data side's {@code Batch.IGNORE}). */
    public static final int IGNORE = -1;

    private Matrix p;                    // cache: probabilities (N × V)
    private int[] y;                     // cache: targets (N)
    private int count;                   // cache: M, the number of targets that count
    private RowBuffer pBuf, dzBuf;

    /**
     * The mean loss over the targets that are not {@link #IGNORE}; 0 when there are none.
     *
     * @param z the logits (N × V)
     * @param y the target of each row, or {@link #IGNORE}
     * @return the mean of −log p[r][y[r]] over the M rows that count (nats)
     */
    public double forward(Matrix z, int[] y) {
        double loss = sumFrom(z, y, 0.0);
        return count == 0 ? 0.0 : loss / count;
    }

    /**
     * The forward pass without the mean: −Σ_r log p[r][y[r]] added, row by row, to {@code start}, and the rows
     * that count in {@link #count()}. The chunks of a batch evaluated one after the other, each starting from the
     * sum of the ones before, give exactly the sum of one pass over the whole batch (the same additions in the same
     * order), so a model can evaluate a large batch in chunks and return the one pass's mean to the last bit.
     *
     * @param z the logits (N × V)
     * @param y the target of each row, or {@link #IGNORE}
     * @param start the sum of the chunks before
     * @return start + Σ_r −log p[r][y[r]] over the rows that count
     */
    public double sumFrom(Matrix z, int[] y, double start) {
        if (y.length != z.rows) {
            throw new IllegalArgumentException("softmax cross-entropy: " + y.length + " targets for logits " + z.shape());
        }
        if (pBuf == null || pBuf.cols() != z.cols) {
            pBuf = new RowBuffer(z.cols);
            dzBuf = new RowBuffer(z.cols);
        }
        Matrix p = pBuf.rows(z.rows);
        double loss = start;
        int M = 0;
        for (int r = 0; r < z.rows; r++) {
            double logZ = Softmax.row(z.data[r], p.data[r], z.cols);   // p[r] = softmax(z[r])
            int t = y[r];
            if (t == IGNORE) continue;                                // padding
            if (t < 0 || t >= z.cols) {
                throw new IllegalArgumentException("softmax cross-entropy: target " + t + " at row " + r
                        + " outside [0, " + z.cols + ")");
            }
            loss -= z.data[r][t] - logZ;                              // −log p[r][t] = −(z[r][t] − logsumexp z[r])
            M++;
        }
        this.p = p;
        this.y = y;
        this.count = M;
        return loss;
    }

    /**
     * dz = (p − onehot(y)) / M, zero on ignored rows.
     *
     * @return dz (N × V), this loss's buffer
     */
    public Matrix backward() {
        if (y == null) throw new IllegalStateException("softmax cross-entropy: backward before forward");
        Matrix dz = dzBuf.rows(p.rows);
        double inv = count == 0 ? 0.0 : 1.0 / count;
        for (int r = 0; r < p.rows; r++) {
            double[] pr = p.data[r], dr = dz.data[r];
            if (y[r] == IGNORE) {
                java.util.Arrays.fill(dr, 0.0);
                continue;
            }
            for (int j = 0; j < p.cols; j++) dr[j] = pr[j] * inv;
            dr[y[r]] -= inv;
        }
        return dz;
    }

    /**
     * The probabilities of the last forward call (N × V).
     *
     * @return the probabilities p (N × V)
     */
    public Matrix probs() {
        return p;
    }

    /**
     * The number of targets that counted in the last forward call.
     *
     * @return M, the number of targets that counted
     */
    public int count() {
        return count;
    }
}
