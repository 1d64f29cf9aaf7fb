package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;

/**
 * Softmax followed by the negative log-likelihood of the target class, averaged over the targets that count.
 *
 * <pre>
 * forward:   p[b] = softmax(z[b]) = exp(z[b] − max z[b]) / Σ exp(z[b] − max z[b])     z, p (B × V)
 *            L    = −(1/N) Σ_b log p[b][y[b]]        over the N rows whose target y[b] ≥ 0
 * backward:  dz[b] = (p[b] − onehot(y[b])) / N       rows with y[b] &lt; 0 (padding) get dz[b] = 0
 * </pre>
 * log p is computed as z − logsumexp(z), which is stable for large logits. A target of {@link #IGNORE}
 * (−1) marks a padded position that contributes neither loss nor gradient.
 */
public final class SoftmaxCrossEntropy {
    /** The target value of a padded position. */
    public static final int IGNORE = -1;

    private Matrix p;   // cache: probabilities (B × V)
    private int[] y;    // cache: targets (B)
    private int count;  // cache: number of targets that count
    private Matrix dz;  // (B × V)

    /** Mean loss over the targets ≥ 0; 0 when there are none. */
    public double forward(Matrix z, int[] y) {
        if (y.length != z.rows) {
            throw new IllegalArgumentException("softmax cross-entropy: " + y.length + " targets for logits " + z.shape());
        }
        if (p == null || !p.sameShape(z)) p = new Matrix(z.rows, z.cols);
        double loss = 0;
        int n = 0;
        for (int b = 0; b < z.rows; b++) {
            double[] zb = z.data[b], pb = p.data[b];
            double max = Double.NEGATIVE_INFINITY;
            for (double v : zb) max = Math.max(max, v);
            double sum = 0;
            for (int j = 0; j < z.cols; j++) {
                pb[j] = Math.exp(zb[j] - max);
                sum += pb[j];
            }
            double inv = 1.0 / sum;
            for (int j = 0; j < z.cols; j++) pb[j] *= inv;
            int t = y[b];
            if (t == IGNORE) continue;
            if (t < 0 || t >= z.cols) {
                throw new IllegalArgumentException("softmax cross-entropy: target " + t + " at row " + b
                        + " outside [0, " + z.cols + ")");
            }
            loss -= zb[t] - max - Math.log(sum); // log p[b][t] = z[t] − logsumexp(z)
            n++;
        }
        this.y = y;
        this.count = n;
        return n == 0 ? 0.0 : loss / n;
    }

    /** dz = (p − onehot(y)) / N, zero on ignored rows. Returns this layer's buffer. */
    public Matrix backward() {
        if (y == null) throw new IllegalStateException("softmax cross-entropy: backward before forward");
        if (dz == null || !dz.sameShape(p)) dz = new Matrix(p.rows, p.cols);
        double inv = count == 0 ? 0.0 : 1.0 / count;
        for (int b = 0; b < p.rows; b++) {
            double[] pb = p.data[b], db = dz.data[b];
            if (y[b] == IGNORE) {
                java.util.Arrays.fill(db, 0.0);
                continue;
            }
            for (int j = 0; j < p.cols; j++) db[j] = pb[j] * inv;
            db[y[b]] -= inv;
        }
        return dz;
    }

    /** The probabilities of the last forward call (B × V). */
    public Matrix probs() {
        return p;
    }

    /** The number of targets that counted in the last forward call. */
    public int count() {
        return count;
    }
}
