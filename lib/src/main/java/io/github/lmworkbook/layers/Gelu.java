package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;

/**
 * The Gaussian error linear unit in its tanh approximation (Hendrycks &amp; Gimpel 2016), elementwise — GPT-2's and
 * makemore's {@code NewGELU}: y = ½x(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³). Since ½(1 + tanh u) = σ(2u),
 * <pre>
 * forward:   u = √(2/π)·(x + 0.044715·x³)      s = σ(2u)      y = x·s             x, s, y (N × n)
 * backward:  dx = dy ⊙ (s + x·2s(1 − s)·u′)    u′ = √(2/π)·(1 + 3·0.044715·x²)
 * </pre>
 * (d/dx σ(2u) = 2σ(2u)(1 − σ(2u))·u′). One exp per entry; σ(2u) is written 1/(1 + e^(−2u)) without
 * {@link Sigmoid#sigmoid}'s branch on the sign (a coin flip for the processor's branch predictor here): for large
 * |u| it still gives exactly 0 or 1 (e^(−2u) overflows to ∞ or underflows to 0), never NaN. The cache is x and s.
 *
 * <p>Under float32 ({@code Kernels.setPrecision(FLOAT32)}) the exponentials of a row are taken together, a vector of
 * them at a time ({@link Kernels#expPoly}: within 2 ulp like Math.exp's 1, not always the same bit): the same formula,
 * several times faster.
 */
public final class Gelu implements Layer {
    static final double K = Math.sqrt(2.0 / Math.PI), A = 0.044715;

    private Matrix x;                      // cache: the last input (N × n)
    private RowBuffer sBuf, yBuf, dxBuf;   // (N × n) each
    private Matrix s;                      // cache: σ(2u) (N × n)

    /** y = x·σ(2u). */
    @Override
    public Matrix forward(Matrix x) {
        if (sBuf == null || sBuf.cols() != x.cols) {
            sBuf = new RowBuffer(x.cols);
            yBuf = new RowBuffer(x.cols);
            dxBuf = new RowBuffer(x.cols);
        }
        Matrix s = sBuf.rows(x.rows), y = yBuf.rows(x.rows);
        if (Kernels.precision() == Kernels.Precision.FLOAT32) {
            forwardVectorExp(x, s, y);
            this.x = x;
            this.s = s;
            return y;
        }
        for (int i = 0; i < x.rows; i++) {
            double[] xi = x.data[i], si = s.data[i], yi = y.data[i];
            for (int j = 0; j < x.cols; j++) {
                double v = xi[j];
                double u = K * (v + A * v * v * v);           // u = √(2/π)(x + 0.044715x³)
                si[j] = 1 / (1 + Math.exp(-2 * u));          // s = σ(2u) = ½(1 + tanh u)
                yi[j] = v * si[j];                           // y = x·s
            }
        }
        this.x = x;
        this.s = s;
        return y;
    }

    /** The same forward with the exponentials of each row through {@link Kernels#expPoly} (the float32 path). */
    private static void forwardVectorExp(Matrix x, Matrix s, Matrix y) {
        int n = x.cols;
        for (int i = 0; i < x.rows; i++) {
            double[] xi = x.data[i], si = s.data[i], yi = y.data[i];
            for (int j = 0; j < n; j++) {
                double v = xi[j];
                si[j] = -2 * (K * (v + A * v * v * v));      // −2u
            }
            Kernels.expPoly(si, 0, n);                       // e^(−2u), a vector at a time
            for (int j = 0; j < n; j++) {
                si[j] = 1 / (1 + si[j]);                     // s = σ(2u)
                yi[j] = xi[j] * si[j];                       // y = x·s
            }
        }
    }

    /** dx = dy ⊙ (s + x·2s(1 − s)·u′). */
    @Override
    public Matrix backward(Matrix dy) {
        if (x == null) throw new IllegalStateException("Gelu: backward before forward");
        Tanh.requireSame("gelu backward", x, dy);
        Matrix dx = dxBuf.rows(dy.rows);
        for (int i = 0; i < dy.rows; i++) {
            double[] xi = x.data[i], si = s.data[i], dyi = dy.data[i], dxi = dx.data[i];
            for (int j = 0; j < dy.cols; j++) {
                double v = xi[j], sv = si[j];
                double du = K * (1 + 3 * A * v * v);          // u′
                dxi[j] = dyi[j] * (sv + v * 2 * sv * (1 - sv) * du);
            }
        }
        return dx;
    }

    /**
     * ½x(1 + tanh(√(2/π)(x + 0.044715x³))) for one number, as makemore writes it (for tests and notebooks).
     *
     * @param x the input
     * @return GELU(x), the tanh approximation
     */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(K * (x + A * x * x * x)));
    }
}
