package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;

/**
 * The softmax of every row, p = exp(z − max z) / Σ exp(z − max z), and its backward pass as a vector–Jacobian
 * product. The Jacobian of one row is ∂p_i/∂z_j = p_i (δ_ij − p_j), i.e. diag(p) − p pᵀ; it is never formed:
 * <pre>
 * forward:   p  = softmax(z)                    z, p (N × n), row by row
 * backward:  dz = p ⊙ (dp − (dp · p))          dp, dz (N × n); dp · p = Σ_j dp_j p_j, one number per row
 * </pre>
 * The cache is p. Subtracting max z changes nothing mathematically and keeps exp from overflowing. The static
 * {@link #row} is the one place the softmax is written: {@link SoftmaxCrossEntropy}, the sampler and attention
 * call it.
 */
public final class Softmax implements Layer {
    private Matrix p;                    // cache: the last output, (N × n)
    private RowBuffer pBuf, dzBuf;

    /** p = softmax(z), row by row. */
    @Override
    public Matrix forward(Matrix z) {
        if (pBuf == null || pBuf.cols() != z.cols) {
            pBuf = new RowBuffer(z.cols);
            dzBuf = new RowBuffer(z.cols);
        }
        Matrix p = pBuf.rows(z.rows);
        for (int i = 0; i < z.rows; i++) row(z.data[i], p.data[i], z.cols);
        this.p = p;
        return p;
    }

    /** dz = p ⊙ (dp − (dp · p)), row by row. */
    @Override
    public Matrix backward(Matrix dp) {
        if (p == null) throw new IllegalStateException("Softmax: backward before forward");
        Tanh.requireSame("softmax backward", p, dp);
        Matrix dz = dzBuf.rows(dp.rows);
        for (int i = 0; i < p.rows; i++) rowBackward(p.data[i], dp.data[i], dz.data[i], p.cols);
        return dz;
    }

    /**
     * p[0 … n) = softmax(z[0 … n)); returns log Σ_j exp(z_j), the log-normaliser, so that
     * log p_j = z_j − it. Entries of z equal to −∞ get probability 0 (a mask); a NaN in z makes
     * the row NaN (so that a diverged model shows up as a NaN loss). p may be z itself.
     */
    public static double row(double[] z, double[] p, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) max = Math.max(max, z[j]);
        if (max == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("softmax: every entry of the row is −∞ (all masked)");
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(z[j] - max);
            sum += p[j];
        }
        double inv = 1.0 / sum;
        for (int j = 0; j < n; j++) p[j] *= inv;
        return max + Math.log(sum);
    }

    /** dz[0 … n) = p ⊙ (dp − (dp · p)) for one row; dz may be dp itself. */
    public static void rowBackward(double[] p, double[] dp, double[] dz, int n) {
        double dot = 0;
        for (int j = 0; j < n; j++) dot += dp[j] * p[j];
        for (int j = 0; j < n; j++) dz[j] = p[j] * (dp[j] - dot);
    }
}
