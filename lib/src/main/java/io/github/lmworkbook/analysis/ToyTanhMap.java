package io.github.lmworkbook.analysis;

import io.github.lmworkbook.core.Matrix;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * The toy recurrence h_t = tanh(W h_{t−1} + U x_t) (column-vector form, as in Pascanu, Mikolov and Bengio 2013,
 * "On the difficulty of training recurrent neural networks"), with W rescaled so that its largest singular
 * value is exactly a chosen σ_max. It is the laboratory in which the gradient-flow instrument is proved.
 *
 * <pre>
 *   z_t = W h_{t−1} + U x_t          W (H × H), U (H × D), h, z (H)
 *   h_t = tanh(z_t)
 *   J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²) · W                                   (H × H)
 *   backward: dz = dh_t ⊙ (1 − h_t²),   dh_{t−1} = Wᵀ dz = J_tᵀ dh_t
 * </pre>
 *
 * <h2>The bound</h2>
 * ‖J_t‖ ≤ ‖diag(1 − h_t²)‖ · ‖W‖ ≤ γ · σ_max with γ = sup|tanh′| = 1, hence by submultiplicativity
 * <pre>
 *   ‖∂h_T/∂h_t‖ = ‖J_T ⋯ J_{t+1}‖ ≤ (γ σ_max)^(T−t).
 * </pre>
 * σ_max &lt; 1/γ is therefore <em>sufficient</em> for the gradient to vanish exponentially, whatever the inputs.
 * σ_max &gt; 1/γ is only <em>necessary</em> for it to explode: with large σ_max the pre-activations grow, tanh
 * saturates, 1 − h_t² → 0 and the product can vanish anyway. Even in the linear regime (small h, J_t ≈ W) the
 * product behaves like W^(T−t), whose norm grows or decays like ρ(W)^(T−t) in the long run (Gelfand's formula),
 * where the spectral radius ρ(W) ≤ σ_max(W) can be well below 1 while σ_max(W) &gt; 1 (see {@link #spectralRadius()}).
 */
public final class ToyTanhMap implements RecurrentMap {
    /** The recurrent weights, H × H, largest singular value σ_max. */
    public final Matrix W;
    /** The input weights, H × D. */
    public final Matrix U;

    private final int H, D;
    private Matrix h;          // (T+1) × H, the recorded trajectory, row t = h_t
    private int T = -1;

    /**
     * @param H        state size
     * @param D        input size
     * @param sigmaMax the largest singular value W is rescaled to (&gt; 0)
     * @param seed     seed of the Gaussian draws of W (std 1/√H) and U (std 1/√D)
     */
    public ToyTanhMap(int H, int D, double sigmaMax, long seed) {
        if (H < 1 || D < 1) throw new IllegalArgumentException("ToyTanhMap: sizes must be ≥ 1, got H=" + H + ", D=" + D);
        if (!(sigmaMax > 0) || Double.isInfinite(sigmaMax)) {
            throw new IllegalArgumentException("ToyTanhMap: σ_max must be a positive number, got " + sigmaMax);
        }
        this.H = H;
        this.D = D;
        Random rng = new Random(seed);
        Matrix W0 = Matrix.randn(H, H, 1.0 / Math.sqrt(H), rng);
        double s1 = GradientFlow.singularValues(W0)[0];                   // σ_max(W0)
        this.W = W0.scaleInPlace(sigmaMax / s1);
        this.U = Matrix.randn(H, D, 1.0 / Math.sqrt(D), rng);
    }

    @Override
    public int inputSize() {
        return D;
    }

    @Override
    public int stateSize() {
        return H;
    }

    @Override
    public Matrix run(Matrix h0, Matrix x) {
        if (h0.rows != 1 || h0.cols != H) throw new IllegalArgumentException("ToyTanhMap.run: h0 must be (1×" + H + "), got " + h0.shape());
        if (x.cols != D) throw new IllegalArgumentException("ToyTanhMap.run: x must be (T×" + D + "), got " + x.shape());
        T = x.rows;
        h = new Matrix(T + 1, H);                                  // (T+1) × H
        System.arraycopy(h0.data[0], 0, h.data[0], 0, H);
        for (int t = 1; t <= T; t++) {
            double[] hp = h.data[t - 1], ht = h.data[t], xt = x.data[t - 1];   // H, H, D
            for (int i = 0; i < H; i++) {
                double[] Wi = W.data[i], Ui = U.data[i];
                double z = 0;                                      // z_t[i] = W[i]·h_{t−1} + U[i]·x_t
                for (int j = 0; j < H; j++) z += Wi[j] * hp[j];
                for (int k = 0; k < D; k++) z += Ui[k] * xt[k];
                ht[i] = Math.tanh(z);
            }
        }
        return h.copy();
    }

    /** dz = dh_t ⊙ (1 − h_t²), dh_{t−1} = Wᵀ dz (accumulated row by row: dh_{t−1} += dz[i] · W[i]). */
    @Override
    public void backwardStep(int t, double[] dh_t, double[] dh_prev) {
        checkStep(t);
        if (dh_t.length != H || dh_prev.length != H) {
            throw new IllegalArgumentException("ToyTanhMap.backwardStep: vectors must have length " + H
                    + ", got " + dh_t.length + " and " + dh_prev.length);
        }
        double[] ht = h.data[t];                                   // H
        java.util.Arrays.fill(dh_prev, 0.0);
        for (int i = 0; i < H; i++) {
            double dz = dh_t[i] * (1 - ht[i] * ht[i]);
            double[] Wi = W.data[i];
            for (int j = 0; j < H; j++) dh_prev[j] += dz * Wi[j];
        }
    }

    /** J_t = diag(1 − h_t²) · W: row i of W scaled by 1 − h_t[i]². */
    @Override
    public Matrix stepJacobian(int t) {
        checkStep(t);
        double[] ht = h.data[t];
        Matrix J = W.copy();                                       // H × H
        for (int i = 0; i < H; i++) {
            double d = 1 - ht[i] * ht[i];
            double[] Ji = J.data[i];
            for (int j = 0; j < H; j++) Ji[j] *= d;
        }
        return J;
    }

    /**
     * ρ(W) = max |λ_i(W)|, the spectral radius. ρ(W) ≤ σ_max(W), with equality when W is normal; a Gaussian W is
     * far from normal (ρ ≈ σ_max/2 for large H). In the linear regime (h ≈ 0, J_t ≈ W) Gelfand's formula
     * ‖W^k‖^(1/k) → ρ(W) makes ρ(W), not σ_max(W), the long-run per-step factor of ‖∂h_T/∂h_t‖.
     */
    public double spectralRadius() {
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(W.data, true));
        double[] re = eig.getRealEigenvalues(), im = eig.getImagEigenvalues();
        double rho = 0;
        for (int i = 0; i < re.length; i++) rho = Math.max(rho, Math.hypot(re[i], im[i]));
        return rho;
    }

    /** Inputs x_t ~ N(0, scale²), T × D, from the seed: small scale keeps tanh near its linear regime. */
    public Matrix randomInputs(int T, double scale, long seed) {
        return Matrix.randn(T, D, scale, new Random(seed));
    }

    private void checkStep(int t) {
        if (T < 0) throw new IllegalStateException("ToyTanhMap: call run(h0, x) before asking for step " + t);
        if (t < 1 || t > T) throw new IllegalArgumentException("ToyTanhMap: step " + t + " outside 1.." + T);
    }
}
