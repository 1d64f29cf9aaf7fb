package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;

/**
 * s = σ(z) = 1 / (1 + e^(−z)), elementwise. The cache is the output s, because σ′(z) = s (1 − s).
 *
 * <pre>
 * forward:   s  = σ(z)                 z, s (B × n)
 * backward:  dz = ds ⊙ s ⊙ (1 − s)     ds, dz (B × n)
 * </pre>
 */
public final class Sigmoid {
    private Sigmoid() {}

    /** σ(z) for one number, stable for large |z|. */
    public static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** s = σ(z); s may be z itself. */
    public static Matrix forward(Matrix z, Matrix s) {
        Tanh.requireSame("sigmoid forward", z, s);
        for (int i = 0; i < z.rows; i++) {
            double[] zi = z.data[i], si = s.data[i];
            for (int j = 0; j < z.cols; j++) si[j] = sigmoid(zi[j]);
        }
        return s;
    }

    /** dz = ds ⊙ s ⊙ (1 − s); dz may be ds itself. */
    public static Matrix backward(Matrix s, Matrix ds, Matrix dz) {
        Tanh.requireSame("sigmoid backward", s, ds);
        Tanh.requireSame("sigmoid backward", s, dz);
        for (int i = 0; i < s.rows; i++) {
            double[] si = s.data[i], dsi = ds.data[i], dzi = dz.data[i];
            for (int j = 0; j < s.cols; j++) dzi[j] = dsi[j] * si[j] * (1 - si[j]);
        }
        return dz;
    }
}
