package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;

/**
 * h = tanh(z), elementwise. The cache is the output h itself, because tanh′(z) = 1 − tanh(z)² = 1 − h².
 *
 * <pre>
 * forward:   h  = tanh(z)               z, h (B × n)
 * backward:  dz = dh ⊙ (1 − h²)        dh, dz (B × n)
 * </pre>
 */
public final class Tanh {
    private Tanh() {}

    /** h = tanh(z); h may be z itself. */
    public static Matrix forward(Matrix z, Matrix h) {
        requireSame("tanh forward", z, h);
        for (int i = 0; i < z.rows; i++) {
            double[] zi = z.data[i], hi = h.data[i];
            for (int j = 0; j < z.cols; j++) hi[j] = Math.tanh(zi[j]);
        }
        return h;
    }

    /** dz = dh ⊙ (1 − h²); dz may be dh itself. */
    public static Matrix backward(Matrix h, Matrix dh, Matrix dz) {
        requireSame("tanh backward", h, dh);
        requireSame("tanh backward", h, dz);
        for (int i = 0; i < h.rows; i++) {
            double[] hi = h.data[i], dhi = dh.data[i], dzi = dz.data[i];
            for (int j = 0; j < h.cols; j++) dzi[j] = dhi[j] * (1 - hi[j] * hi[j]);
        }
        return dz;
    }

    static void requireSame(String op, Matrix a, Matrix b) {
        if (!a.sameShape(b)) throw new IllegalArgumentException(op + ": shapes differ, " + a.shape() + " and " + b.shape());
    }
}
