package io.github.lmworkbook.analysis;

import io.github.lmworkbook.core.Matrix;

/**
 * A recurrence s_t = F(s_{t−1}, x_t) seen as a map on its state: what {@link GradientFlow} needs from a
 * vanilla RNN, a GRU or an LSTM to measure how gradients travel back in time.
 *
 * <h2>The state</h2>
 * The interface speaks of "the state" s_t, a vector of {@link #stateSize()} = S numbers. For a vanilla RNN and a
 * GRU the state is the hidden vector, s_t = h_t (S = H). For an LSTM the state is the pair (h_t, c_t), exposed
 * as one vector with h first, s_t = [h_t; c_t] (S = 2H), so that the step Jacobian is the 2H × 2H block matrix
 * <pre>
 *   ∂s_t/∂s_{t−1} = [ ∂h_t/∂h_{t−1}   ∂h_t/∂c_{t−1} ]
 *                   [ ∂c_t/∂h_{t−1}   ∂c_t/∂c_{t−1} ]
 * </pre>
 * (the cell path ∂c_t/∂c_{t−1} = diag(f_t) is the block that keeps LSTM gradients alive).
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Vectors are 1 × n rows, as everywhere in the library. Time runs t = 1..T; s_0 is the initial state.</li>
 *   <li>The step Jacobian is in numerator layout: J_t[i][j] = ∂s_t[i]/∂s_{t−1}[j] (S × S), so that the
 *       chain rule reads ∂s_T/∂s_t = J_T · J_{T−1} ⋯ J_{t+1}.</li>
 *   <li>The vector–Jacobian product is the backward pass of one step with respect to the state only:
 *       ds_{t−1} = J_tᵀ · ds_t. It must not touch parameter gradients (or any other state of the model
 *       besides its own scratch buffers): the analysis calls it many times at one recorded trajectory.</li>
 *   <li>{@link #stepJacobian} and {@link #backwardStep} are evaluated at the trajectory recorded by the last
 *       call to {@link #run}; calling them before any run, or with t outside 1..T, is an error.</li>
 *   <li>For a language model, x_t is the vector the cell consumes at step t (the embedding row of the token);
 *       a model may expose a {@code RecurrentMap} view that takes the embedded inputs.</li>
 * </ul>
 *
 * <p>An implementation writes {@link #inputSize()}, {@link #stateSize()}, {@link #run} and
 * {@link #backwardStep}; {@link #stepJacobian} then comes for free, row by row, from S vector–Jacobian
 * products (row i of J_t is J_tᵀ e_i). Override it when a closed form is cheaper or clearer
 * (e.g. J_t = diag(1 − h_t²) · W for a tanh RNN).
 */
public interface RecurrentMap {

    /** D, the length of one input x_t. */
    int inputSize();

    /** S, the length of the state s_t (H for RNN and GRU, 2H for an LSTM whose state is [h; c]). */
    int stateSize();

    /**
     * Runs the recurrence s_t = F(s_{t−1}, x_t) for t = 1..T from s_0 and records the trajectory for
     * {@link #stepJacobian} and {@link #backwardStep}.
     *
     * @param s0 the initial state, 1 × S
     * @param x  the inputs, T × D (row t−1 is x_t)
     * @return the states, (T+1) × S: row t is s_t, row 0 is a copy of s0
     */
    Matrix run(Matrix s0, Matrix x);

    /**
     * The vector–Jacobian product of step t at the recorded trajectory: ds_prev = J_tᵀ · ds_t, i.e.
     * ds_prev[j] = Σ_i ds_t[i] · ∂s_t[i]/∂s_{t−1}[j]. Overwrites ds_prev; does not modify ds_t.
     *
     * @param t       the step, 1..T
     * @param ds_t    ∂L/∂s_t (through this step only), length S
     * @param ds_prev output, the contribution to ∂L/∂s_{t−1}, length S
     */
    void backwardStep(int t, double[] ds_t, double[] ds_prev);

    /**
     * The step Jacobian J_t = ∂s_t/∂s_{t−1} (S × S, numerator layout) at the recorded trajectory.
     * The default builds it from S vector–Jacobian products: row i of J_t is J_tᵀ · e_i.
     *
     * @param t the step, 1..T
     */
    default Matrix stepJacobian(int t) {
        int S = stateSize();
        Matrix J = new Matrix(S, S);                 // S × S
        double[] e = new double[S];                  // S, unit vector e_i
        for (int i = 0; i < S; i++) {
            e[i] = 1.0;
            backwardStep(t, e, J.data[i]);
            e[i] = 0.0;
        }
        return J;
    }
}
