package io.github.lmworkbook.analysis;

import io.github.lmworkbook.core.Matrix;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The gradient-flow instrument: runs a {@link RecurrentMap} over one sequence and measures how much of a
 * gradient survives the trip back from step T to step t.
 *
 * <h2>What is measured</h2>
 * For s_t = F(s_{t−1}, x_t), t = 1..T, with step Jacobians J_t = ∂s_t/∂s_{t−1} (S × S):
 * <pre>
 *   ∂s_T/∂s_t = J_T · J_{T−1} ⋯ J_{t+1}                       (the identity for t = T)
 *   ∂L/∂s_t   = ∂ℓ_t/∂s_t + J_{t+1}ᵀ · ∂L/∂s_{t+1}           (backpropagation through time)
 * </pre>
 * For every t the report holds ‖∂L/∂s_t‖ (Euclidean, computed by vector–Jacobian products, exactly as training
 * would), ‖∂s_T/∂s_t‖ (spectral norm = largest singular value of the product, which bounds the gain of any
 * gradient arriving at s_T) and the full singular values of the product and of each J_t
 * (Commons Math {@link SingularValueDecomposition}).
 *
 * <h2>Why it breaks</h2>
 * Submultiplicativity gives ‖∂s_T/∂s_t‖ ≤ Π_{u=t+1..T} ‖J_u‖ ≤ (γ·λ)^(T−t) when every ‖J_u‖ ≤ γ·λ; for a tanh
 * RNN, J_u = diag(1 − h_u²)·W, γ = 1 and λ = σ_max(W). So σ_max(W) &lt; 1/γ is <em>sufficient</em> for vanishing
 * gradients; σ_max(W) &gt; 1/γ is merely <em>necessary</em> for exploding ones (Pascanu et al. 2013). The fitted
 * per-step factor ({@link DecayFit}) turns a curve into one number to compare architectures with.
 *
 * <p>Cost: T vector–Jacobian products (cheap), T Jacobians and products of S × S matrices, and 2T+1 SVDs, all
 * O(S³) per step. The SVDs dominate: Commons Math takes roughly 5 ms at S = 64, 0.1 s at S = 128 and 0.25–0.6 s at
 * S = 200–256 on the 2-core build machine. For large states pass {@code svdEvery} &gt; 1 to take the spectra only
 * at every svdEvery-th distance (the other rows hold NaN, which the fits, table and charts skip).
 */
public final class GradientFlow {
    private GradientFlow() {}

    /**
     * Runs the map from s0 over x, backpropagates the loss and measures the Jacobians.
     *
     * @param map  the recurrence
     * @param s0   the initial state, 1 × S
     * @param x    the inputs, T × D (T ≥ 1)
     * @param loss the loss on the states that seeds ∂L/∂s (at the end or at every step)
     */
    public static GradientFlowReport analyze(RecurrentMap map, Matrix s0, Matrix x, StateLoss loss) {
        return analyze(map, s0, x, loss, 1);
    }

    /**
     * As {@link #analyze(RecurrentMap, Matrix, Matrix, StateLoss)}, with the singular values of J_t and of
     * ∂s_T/∂s_t computed only at the distances T − t that are multiples of {@code svdEvery} (NaN elsewhere);
     * ‖∂L/∂s_t‖ is always computed at every t.
     */
    public static GradientFlowReport analyze(RecurrentMap map, Matrix s0, Matrix x, StateLoss loss, int svdEvery) {
        if (svdEvery < 1) throw new IllegalArgumentException("gradient flow: svdEvery must be ≥ 1, got " + svdEvery);
        int S = map.stateSize(), T = x.rows;
        if (T < 1) throw new IllegalArgumentException("gradient flow: need at least one step, x is " + x.shape());
        if (x.cols != map.inputSize()) {
            throw new IllegalArgumentException("gradient flow: x must be (T×" + map.inputSize() + "), got " + x.shape());
        }
        if (s0.rows != 1 || s0.cols != S) {
            throw new IllegalArgumentException("gradient flow: s0 must be (1×" + S + "), got " + s0.shape());
        }
        Matrix s = map.run(s0, x);                                  // (T+1) × S, row t = s_t
        if (s.rows != T + 1 || s.cols != S) {
            throw new IllegalStateException("gradient flow: run returned " + s.shape() + ", expected (" + (T + 1) + "×" + S + ")");
        }

        // ∂L/∂s_t by backpropagation through time, t = T..0
        Matrix ds = new Matrix(T + 1, S);                           // (T+1) × S, row t = ∂L/∂s_t
        loss.addGradient(T, T, s.data[T], ds.data[T]);
        for (int t = T; t >= 1; t--) {
            map.backwardStep(t, ds.data[t], ds.data[t - 1]);        // ds_{t−1} = J_tᵀ ds_t
            loss.addGradient(t - 1, T, s.data[t - 1], ds.data[t - 1]);
        }

        // step Jacobians J_t and the products P_t = ∂s_T/∂s_t = P_{t+1} · J_{t+1}, P_T = I
        double[][] stepSigma = new double[T + 1][S];                // row t: singular values of J_t (row 0 NaN)
        double[][] prodSigma = new double[T + 1][S];                // row t: singular values of P_t
        java.util.Arrays.fill(stepSigma[0], Double.NaN);
        Matrix P = new Matrix(S, S), next = new Matrix(S, S);       // S × S
        for (int i = 0; i < S; i++) P.data[i][i] = 1.0;
        prodSigma[T] = singularValues(P);
        for (int t = T; t >= 1; t--) {
            Matrix J = map.stepJacobian(t);                         // S × S
            if (J.rows != S || J.cols != S) {
                throw new IllegalStateException("gradient flow: stepJacobian(" + t + ") is " + J.shape() + ", expected (" + S + "×" + S + ")");
            }
            stepSigma[t] = (T - t) % svdEvery == 0 ? singularValues(J) : nans(S);
            next.setMatmul(P, J);                                   // P_{t−1} = P_t · J_t
            Matrix tmp = P; P = next; next = tmp;
            prodSigma[t - 1] = (T - t + 1) % svdEvery == 0 ? singularValues(P) : nans(S);
        }
        return new GradientFlowReport(s, ds, stepSigma, prodSigma);
    }

    /** Convenience: the loss L = ½‖s_T‖² at the last step. */
    public static GradientFlowReport analyze(RecurrentMap map, Matrix s0, Matrix x) {
        return analyze(map, s0, x, StateLoss.halfSquaredNormAtEnd());
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /** The singular values of A, largest first. */
    static double[] singularValues(Matrix A) {
        return new SingularValueDecomposition(new Array2DRowRealMatrix(A.data, false)).getSingularValues();
    }
}
