package io.github.lmworkbook.models;

import io.github.lmworkbook.analysis.RecurrentMap;
import io.github.lmworkbook.core.Matrix;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The recurrence of {@link Rnn} as a map on its hidden state, for the gradient-flow instrument
 * ({@link io.github.lmworkbook.analysis.GradientFlow}):
 * <pre>
 * h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b)             x_t (1 × m) the embedding of token t, h_t (1 × H)
 * J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²)·W_hhᵀ           (H × H), J_t[i][j] = (1 − h_t[i]²)·W_hh[j][i]
 * backward: dz = dh_t ⊙ (1 − h_t²),   dh_{t−1} = dz·W_hhᵀ   (as a column: J_tᵀ·dh_t = W_hh·dz)
 * </pre>
 * The transpose is the row layout's: the library stores W_hh as (in × out) and multiplies h·W_hh, so the
 * textbook's column-vector W_hh is our W_hhᵀ. Singular values (and so σ_max and every bound) are the same for both.
 */
public final class RnnMap implements RecurrentMap {
    public final Matrix Wxh; // (m × H)
    public final Matrix Whh; // (H × H)
    public final Matrix b;   // (1 × H)
    private Matrix hs;       // (T+1 × H) the recorded trajectory, row t = h_t
    private final double[] dz; // (H) scratch

    /** A map over the given matrices (not copied). */
    public RnnMap(Matrix Wxh, Matrix Whh, Matrix b) {
        if (Whh.rows != Whh.cols || Wxh.cols != Whh.rows || b.rows != 1 || b.cols != Whh.cols) {
            throw new IllegalArgumentException("RnnMap: shapes W_xh " + Wxh.shape() + ", W_hh " + Whh.shape() + ", b "
                    + b.shape() + " do not fit (m × H), (H × H), (1 × H)");
        }
        this.Wxh = Wxh;
        this.Whh = Whh;
        this.b = b;
        this.dz = new double[Whh.cols];
    }

    /** The recurrence of a model, sharing its current weights. */
    public static RnnMap of(Rnn rnn) {
        return new RnnMap(rnn.Wxh.value, rnn.Whh.value, rnn.b.value);
    }

    /** A copy of this map with W_hh rescaled so that σ_max(W_hh) = sigmaMax (W_xh and b shared). */
    public RnnMap withSigmaMax(double sigmaMax) {
        if (!(sigmaMax > 0)) throw new IllegalArgumentException("RnnMap: σ_max must be positive, got " + sigmaMax);
        return new RnnMap(Wxh, Whh.copy().scaleInPlace(sigmaMax / sigmaMax(Whh)), b);
    }

    /** σ_max(W), the largest singular value (the spectral norm), by Commons Math's SVD. */
    public static double sigmaMax(Matrix W) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(W.data, false)).getNorm();
    }

    @Override
    public int inputSize() {
        return Wxh.rows;
    }

    @Override
    public int stateSize() {
        return Whh.rows;
    }

    @Override
    public Matrix run(Matrix h0, Matrix x) {
        int H = stateSize(), T = x.rows;
        if (h0.rows != 1 || h0.cols != H || x.cols != inputSize()) {
            throw new IllegalArgumentException("RnnMap: h0 " + h0.shape() + " and x " + x.shape() + ", expected (1×" + H
                    + ") and (T×" + inputSize() + ")");
        }
        hs = new Matrix(T + 1, H);
        hs.data[0] = h0.data[0].clone();
        double[][] rows = hs.data;
        for (int t = 1; t <= T; t++) {
            Matrix h = new Matrix(new double[][] {rows[t]});
            Matrix xt = new Matrix(new double[][] {x.data[t - 1]});
            Matrix hPrev = new Matrix(new double[][] {rows[t - 1]});
            h.addMatmul(xt, Wxh).addMatmul(hPrev, Whh).addRowVector(b);
            for (int j = 0; j < H; j++) rows[t][j] = Rnn.tanh(rows[t][j]);
        }
        return hs.copy();
    }

    @Override
    public void backwardStep(int t, double[] dh_t, double[] dh_prev) {
        double[] h = state(t);
        int H = stateSize();
        for (int i = 0; i < H; i++) dz[i] = dh_t[i] * (1 - h[i] * h[i]);      // dz = dh_t ⊙ (1 − h_t²)
        for (int j = 0; j < H; j++) {                                          // dh_{t−1}[j] = Σ_i W_hh[j][i]·dz[i]
            double[] w = Whh.data[j];
            double s = 0;
            for (int i = 0; i < H; i++) s += w[i] * dz[i];
            dh_prev[j] = s;
        }
    }

    /** J_t = diag(1 − h_t²)·W_hhᵀ: J_t[i][j] = (1 − h_t[i]²)·W_hh[j][i]. */
    @Override
    public Matrix stepJacobian(int t) {
        double[] h = state(t);
        int H = stateSize();
        Matrix J = new Matrix(H, H);                                           // (H × H)
        for (int j = 0; j < H; j++) {
            double[] w = Whh.data[j];
            for (int i = 0; i < H; i++) J.data[i][j] = (1 - h[i] * h[i]) * w[i];
        }
        return J;
    }

    private double[] state(int t) {
        if (hs == null) throw new IllegalStateException("RnnMap: no trajectory yet, call run first");
        if (t < 1 || t >= hs.rows) throw new IllegalArgumentException("RnnMap: step " + t + " outside 1.." + (hs.rows - 1));
        return hs.data[t];
    }
}
