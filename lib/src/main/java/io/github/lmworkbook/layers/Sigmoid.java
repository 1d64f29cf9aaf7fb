package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;

/**
 * s = σ(z) = 1 / (1 + e^(−z)), elementwise. The cache is the output s, because σ′(z) = s (1 − s).
 *
 * <pre>
 * forward:   s  = σ(z)                 z, s (N × n)
 * backward:  dz = ds ⊙ s ⊙ (1 − s)     ds, dz (N × n)
 * </pre>
 * The static methods are the same two equations on caller-owned matrices, on a block of an array and on one number
 * (the gates of the GRU and the LSTM call them); this class is the one place σ and its derivative are written.
 */
public final class Sigmoid implements Layer {
    private Matrix s;                    // cache: the last output, (N × n)
    private RowBuffer sBuf, dzBuf;

    /** s = σ(z). */
    @Override
    public Matrix forward(Matrix z) {
        if (sBuf == null || sBuf.cols() != z.cols) {
            sBuf = new RowBuffer(z.cols);
            dzBuf = new RowBuffer(z.cols);
        }
        s = forward(z, sBuf.rows(z.rows));
        return s;
    }

    /** dz = ds ⊙ s ⊙ (1 − s). */
    @Override
    public Matrix backward(Matrix ds) {
        if (s == null) throw new IllegalStateException("Sigmoid: backward before forward");
        return backward(s, ds, dzBuf.rows(ds.rows));
    }

    /**
     * s = σ(z), elementwise; s may be z itself.
     *
     * @param z the pre-activation
     * @param s the output (same shape)
     * @return s
     */
    public static Matrix forward(Matrix z, Matrix s) {
        Tanh.requireSame("sigmoid forward", z, s);
        for (int i = 0; i < z.rows; i++) {
            double[] zi = z.data[i], si = s.data[i];
            for (int j = 0; j < z.cols; j++) si[j] = sigmoid(zi[j]);
        }
        return s;
    }

    /**
     * dz = ds ⊙ s ⊙ (1 − s), elementwise; dz may be ds itself.
     *
     * @param s the forward's output σ(z)
     * @param ds ∂L/∂s
     * @param dz the output ∂L/∂z (same shape)
     * @return dz
     */
    public static Matrix backward(Matrix s, Matrix ds, Matrix dz) {
        Tanh.requireSame("sigmoid backward", s, ds);
        Tanh.requireSame("sigmoid backward", s, dz);
        for (int i = 0; i < s.rows; i++) {
            double[] si = s.data[i], dsi = ds.data[i], dzi = dz.data[i];
            for (int j = 0; j < s.cols; j++) dzi[j] = backward(si[j], dsi[j]);
        }
        return dz;
    }

    /**
     * z[i] = σ(z[i]) for i in [from, to), in place: the same 1 / (1 + e^(−z)), with the exponentials of the whole
     * block at once ({@link Kernels#exp}, vectorised where the Vector API is present). Within 3 ulp of
     * {@link #sigmoid} (tested) down to σ(z) = 2^−1022 (z ≈ −708); below, e^(−z) overflows to ∞ and the result is 0
     * instead of a subnormal number. The recurrent cells call it on the gate block of each row.
     *
     * @param z the array changed in place
     * @param from the first index changed
     * @param to one past the last index changed
     */
    public static void forward(double[] z, int from, int to) {
        for (int i = from; i < to; i++) z[i] = -z[i];
        Kernels.exp(z, from, to);                      // e^(−z)
        for (int i = from; i < to; i++) z[i] = 1.0 / (1.0 + z[i]);
    }

    /**
     * dz = ds·s·(1 − s) for one number, given s = σ(z).
     *
     * @param s σ(z)
     * @param ds ∂L/∂s
     * @return ∂L/∂z
     */
    public static double backward(double s, double ds) {
        return ds * s * (1 - s);
    }

    /**
     * σ(z) for one number, without overflow for large |z|.
     *
     * @param z the input
     * @return σ(z) = 1 / (1 + e^(−z))
     */
    public static double sigmoid(double z) {
        if (z >= 0) return 1.0 / (1.0 + Math.exp(-z));
        double e = Math.exp(z);
        return e / (1.0 + e);
    }
}
