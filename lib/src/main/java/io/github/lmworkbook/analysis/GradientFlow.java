package io.github.lmworkbook.analysis;

import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.cells.Step;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The gradient-flow instrument: runs a {@link RecurrentCell} over one sequence and measures how much of a gradient
 * survives the trip back from step T to step t. It keeps no copy of any recurrence: the forward steps, the
 * backward steps and the Jacobians are the cell's own ({@link Recurrence#stateVjp}).
 *
 * <h2>What is measured</h2>
 * For s_t = F(s_{t−1}, x_t), t = 1..T, with step Jacobians J_t = ∂s_t/∂s_{t−1} (S × S, numerator layout:
 * J_t[i][j] = ∂s_t[i]/∂s_{t−1}[j]; the state is s = h, or [h; c] for an LSTM):
 * <pre>
 *   ∂s_T/∂s_t = J_T · J_{T−1} ⋯ J_{t+1}                       (the identity for t = T)
 *   ∂L/∂s_t   = ∂ℓ_t/∂s_t + J_{t+1}ᵀ · ∂L/∂s_{t+1}           (backpropagation through time)
 * </pre>
 * For every t the report holds ‖∂L/∂s_t‖ (by vector–Jacobian products, exactly as training computes it),
 * ‖∂s_T/∂s_t‖ (the largest singular value of the product, which bounds the gain of any gradient arriving at s_T),
 * and the singular values of the product and of each J_t (row i of J_t is J_tᵀ·e_i).
 *
 * <h2>Why it breaks</h2>
 * ‖∂s_T/∂s_t‖ ≤ Π_{u=t+1..T} ‖J_u‖; for a tanh RNN J_u = diag(1 − h_u²)·W_hhᵀ, so the product is at most
 * (γ·σ_max(W_hh))^(T−t) with γ = sup|tanh′| = 1: σ_max &lt; 1 is sufficient for vanishing gradients, σ_max &gt; 1
 * merely necessary for exploding ones (Pascanu et al. 2013). {@link DecayFit} turns a curve into one per-step
 * factor to compare architectures with.
 *
 * <p>Cost: T·S vector–Jacobian products, T products of S × S matrices and 2T+1 SVDs (Commons Math: about 5 ms at
 * S = 64, 0.1 s at S = 128); pass {@code svdEvery} &gt; 1 to take the spectra only at every svdEvery-th distance.
 */
public final class GradientFlow {
    private GradientFlow() {}

    /**
     * Runs the cell from s0 over x, backpropagates the loss and measures the Jacobians.
     *
     * @param cell the recurrence
     * @param s0   the start state, 1 × S
     * @param x    the inputs, T × D (T ≥ 1): row t−1 is x_t
     * @param loss the loss on the states that seeds ∂L/∂s (at the end or at every step)
     * @return the trajectory, the gradients, the Jacobian products' norms and singular values
     */
    public static GradientFlowReport analyze(RecurrentCell<?> cell, Matrix s0, Matrix x, StateLoss loss) {
        return analyze(cell, s0, x, loss, 1);
    }

    /**
     * L = ½‖s_T‖² at the last step.
     *
     * @param cell the recurrent cell
     * @param s0 the start state (1 × S)
     * @param x the inputs (T × D): row t − 1 is x_t
     * @return the report
     */
    public static GradientFlowReport analyze(RecurrentCell<?> cell, Matrix s0, Matrix x) {
        return analyze(cell, s0, x, StateLoss.halfSquaredNormAtEnd());
    }

    /**
     * As {@link #analyze(RecurrentCell, Matrix, Matrix, StateLoss)}, the spectra only every svdEvery-th distance.
     *
     * @param cell the recurrent cell
     * @param s0 the start state (1 × S)
     * @param x the inputs (T × D): row t − 1 is x_t
     * @param loss the loss on the states that seeds ∂L/∂s
     * @param svdEvery the distances between two singular value decompositions (1: every one)
     * @return the report
     */
    public static GradientFlowReport analyze(RecurrentCell<?> cell, Matrix s0, Matrix x, StateLoss loss,
                                             int svdEvery) {
        return run(cell, s0, x, loss, svdEvery);
    }

    private static <S extends Step> GradientFlowReport run(RecurrentCell<S> cell, Matrix s0, Matrix x,
                                                           StateLoss loss, int svdEvery) {
        if (svdEvery < 1) throw new IllegalArgumentException("gradient flow: svdEvery must be ≥ 1, got " + svdEvery);
        int S = cell.stateSize(), T = x.rows;
        if (T < 1) throw new IllegalArgumentException("gradient flow: need at least one step, x is " + x.shape());
        if (x.cols != cell.inputSize()) {
            throw new IllegalArgumentException("gradient flow: x must be (T×" + cell.inputSize() + "), got " + x.shape());
        }
        if (s0.rows != 1 || s0.cols != S) {
            throw new IllegalArgumentException("gradient flow: s0 must be (1×" + S + "), got " + s0.shape());
        }
        Recurrence<S> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input().forward(x), T, s0);                 // one sequence: B = 1
        Matrix s = new Matrix(T + 1, S);                             // (T+1) × S, row t = s_t
        for (int t = 0; t <= T; t++) rec.step(t).state(0, s.data[t]);

        List<Matrix> saved = new ArrayList<>();                      // the backward steps add into the weights'
        for (Param p : cell.params()) saved.add(p.grad.copy());      // gradients: put them back at the end
        try {
            Matrix ds = new Matrix(T + 1, S);                        // row t = ∂L/∂s_t
            loss.addGradient(T, T, s.data[T], ds.data[T]);
            for (int t = T; t >= 1; t--) {
                rec.stateVjp(t, ds.data[t], ds.data[t - 1]);         // ds_{t−1} = J_tᵀ ds_t
                loss.addGradient(t - 1, T, s.data[t - 1], ds.data[t - 1]);
            }

            double[][] stepSigma = new double[T + 1][];              // row t: singular values of J_t (row 0 NaN)
            double[][] prodSigma = new double[T + 1][];              // row t: singular values of ∂s_T/∂s_t
            stepSigma[0] = nans(S);
            Matrix P = new Matrix(S, S), next = new Matrix(S, S);    // P_t = ∂s_T/∂s_t, P_T = I
            for (int i = 0; i < S; i++) P.data[i][i] = 1.0;
            prodSigma[T] = Spectra.singularValues(P);
            for (int t = T; t >= 1; t--) {
                Matrix J = jacobian(rec, t, S);                      // S × S
                stepSigma[t] = (T - t) % svdEvery == 0 ? Spectra.singularValues(J) : nans(S);
                next.setMatmul(P, J);                                // P_{t−1} = P_t · J_t
                Matrix tmp = P; P = next; next = tmp;
                prodSigma[t - 1] = (T - t + 1) % svdEvery == 0 ? Spectra.singularValues(P) : nans(S);
            }
            return new GradientFlowReport(s, ds, stepSigma, prodSigma);
        } finally {
            for (int i = 0; i < saved.size(); i++) cell.params().get(i).grad.setFrom(saved.get(i));
        }
    }

    /** J_t = ∂s_t/∂s_{t−1} (S × S) of the last pass of rec: row i is J_tᵀ·e_i. */
    static Matrix jacobian(Recurrence<?> rec, int t, int S) {
        Matrix J = new Matrix(S, S);
        double[] e = new double[S];
        for (int i = 0; i < S; i++) {
            e[i] = 1.0;
            rec.stateVjp(t, e, J.data[i]);
            e[i] = 0.0;
        }
        return J;
    }

    /**
     * The step Jacobian J_t = ∂s_t/∂s_{t−1} (S × S) of the cell from s0 over x (T × D), by its own backward.
     *
     * @param cell the recurrent cell
     * @param s0 the start state (1 × S)
     * @param x the inputs (T × D): row t − 1 is x_t
     * @param t the step, 1 … T
     * @return J_t (S × S)
     */
    public static Matrix stepJacobian(RecurrentCell<?> cell, Matrix s0, Matrix x, int t) {
        checkStep(t, 1, x.rows);
        return afterForward(cell, s0, x, rec -> jacobian(rec, t, cell.stateSize()));
    }

    /**
     * Every step Jacobian J_t = ∂s_t/∂s_{t−1} (S × S), t = 1 … T (entry 0 is null), of the cell from s0 over x
     * (T × D), from one forward pass and the cell's own backward.
     *
     * @param cell the recurrent cell
     * @param s0 the start state (1 × S)
     * @param x the inputs (T × D): row t − 1 is x_t
     * @return J_0 … J_T, J_0 null
     */
    public static Matrix[] stepJacobians(RecurrentCell<?> cell, Matrix s0, Matrix x) {
        return afterForward(cell, s0, x, rec -> {
            Matrix[] J = new Matrix[x.rows + 1];
            for (int t = 1; t <= x.rows; t++) J[t] = jacobian(rec, t, cell.stateSize());
            return J;
        });
    }

    /**
     * The Jacobian product ∂s_T/∂s_t = J_T ⋯ J_{t+1} (S × S; the identity for t = T) of the cell from s0 over x
     * (T × D), each J_u from the cell's own backward: e.g. its diagonal, the gain of each unit's own path.
     *
     * @param cell the recurrent cell
     * @param s0 the start state (1 × S)
     * @param x the inputs (T × D): row t − 1 is x_t
     * @param t the step, 0 … T
     * @return ∂s_T/∂s_t (S × S)
     */
    public static Matrix jacobianProduct(RecurrentCell<?> cell, Matrix s0, Matrix x, int t) {
        int S = cell.stateSize(), T = x.rows;
        checkStep(t, 0, T);
        return afterForward(cell, s0, x, rec -> {
            Matrix P = new Matrix(S, S), next = new Matrix(S, S);
            for (int i = 0; i < S; i++) P.data[i][i] = 1.0;
            for (int u = T; u > t; u--) {
                next.setMatmul(P, jacobian(rec, u, S));               // P ← P · J_u
                Matrix tmp = P; P = next; next = tmp;
            }
            return P;
        });
    }

    private static void checkStep(int t, int from, int T) {
        if (t < from || t > T) {
            throw new IllegalArgumentException("gradient flow: step " + t + " outside " + from + "…" + T);
        }
    }

    /**
     * Runs the cell from s0 over x (one sequence), hands the recurrence to {@code body} (which takes
     * vector–Jacobian products through it) and puts the weights' gradients back as they were: the backward steps
     * add into them.
     */
    private static <S extends Step, R> R afterForward(RecurrentCell<S> cell, Matrix s0, Matrix x,
                                                      java.util.function.Function<Recurrence<S>, R> body) {
        Recurrence<S> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input().forward(x), x.rows, s0);
        List<Matrix> saved = new ArrayList<>();
        for (Param p : cell.params()) saved.add(p.grad.copy());
        try {
            return body.apply(rec);
        } finally {
            for (int i = 0; i < saved.size(); i++) cell.params().get(i).grad.setFrom(saved.get(i));
        }
    }

    private static double[] nans(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
