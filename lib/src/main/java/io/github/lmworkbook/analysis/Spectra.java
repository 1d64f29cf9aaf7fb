package io.github.lmworkbook.analysis;

import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.core.Matrix;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.SingularValueDecomposition;

import java.util.Random;

/**
 * The linear algebra of the gradient-flow bounds (Commons Math's SVD and eigen-decomposition), and the RNN cells
 * the bounds are tried on.
 * <pre>
 * σ_max(W)   the largest singular value = the spectral norm ‖W‖: ‖J_t‖ ≤ γ·σ_max(W_hh) for a tanh RNN (γ = 1)
 * ρ(W)       the spectral radius max |λ_i(W)| ≤ σ_max(W): the long-run factor of ‖W^k‖ (Gelfand's formula)
 * </pre>
 */
public final class Spectra {
    private Spectra() {}

    /**
     * The singular values of A, largest first.
     *
     * @param A the matrix
     * @return its singular values
     */
    public static double[] singularValues(Matrix A) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(A.data, false)).getSingularValues();
    }

    /**
     * σ_max(W), the spectral norm. Transposing does not change it.
     *
     * @param W the matrix
     * @return σ_max(W)
     */
    public static double sigmaMax(Matrix W) {
        return singularValues(W)[0];
    }

    /**
     * ρ(W) = max |λ_i(W)|. ρ(W) ≤ σ_max(W), with equality when W is normal; a Gaussian W is far from normal
     * (ρ ≈ σ_max/2 for large H). In the linear regime (h ≈ 0, J_t ≈ W_hhᵀ) ‖∂h_T/∂h_t‖ grows or decays as ρ^(T−t).
     *
     * @param W a square matrix
     * @return ρ(W)
     */
    public static double spectralRadius(Matrix W) {
        if (W.rows != W.cols) throw new IllegalArgumentException("spectral radius: " + W.shape() + " is not square");
        // ρ(cW) = c·ρ(W): scale by a power of two (exact) so that the largest entry is near 1 — the eigensolver's
        // tolerances are absolute and it does not converge on a tiny W (e.g. 1e-9·W, "no recurrence" controls)
        double max = W.maxAbs();
        if (max == 0) return 0;
        double c = Math.scalb(1.0, -Math.getExponent(max));
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(W.copy().scaleInPlace(c).data,
                false));
        double[] re = eig.getRealEigenvalues(), im = eig.getImagEigenvalues();
        double rho = 0;
        for (int i = 0; i < re.length; i++) rho = Math.max(rho, Math.hypot(re[i], im[i]));
        return rho / c;
    }

    /**
     * A copy of the cell with W_hh rescaled so that σ_max(W_hh) = sigmaMax (W_xh and b copied unchanged).
     *
     * @param cell the RNN cell
     * @param sigmaMax the target σ_max(W_hh)
     * @return the rescaled copy
     */
    public static RnnCell withSigmaMax(RnnCell cell, double sigmaMax) {
        if (!(sigmaMax > 0) || Double.isInfinite(sigmaMax)) {
            throw new IllegalArgumentException("σ_max must be a positive number, got " + sigmaMax);
        }
        RnnCell c = cell.copy();
        c.Whh.value.scaleInPlace(sigmaMax / sigmaMax(c.Whh.value));
        return c;
    }

    /**
     * The toy recurrence of Pascanu, Mikolov and Bengio (2013), h_t = tanh(W h_{t−1} + U x_t), as an RNN cell:
     * W (H × H) ~ N(0, 1/H) rescaled to σ_max(W) = sigmaMax, U (H × D) ~ N(0, 1/D), no bias. (The cell stores
     * W_hh = Wᵀ and W_xh = Uᵀ: vectors are rows.)
     *
     * @param H the number of hidden units
     * @param D the length of one input
     * @param sigmaMax σ_max(W)
     * @param seed the seed of W and U
     * @return the cell
     */
    public static RnnCell tanhCell(int H, int D, double sigmaMax, long seed) {
        Random rng = new Random(seed);
        RnnCell c = new RnnCell(D, H, 0.0, new Random(0));     // weights set below, from rng
        Matrix W = Matrix.randn(H, H, 1.0 / Math.sqrt(H), rng);
        W.scaleInPlace(sigmaMax / sigmaMax(W));
        c.Whh.value.setFrom(W.transpose());
        c.Wxh.value.setFrom(Matrix.randn(H, D, 1.0 / Math.sqrt(D), rng).transpose());
        return c;
    }
}
