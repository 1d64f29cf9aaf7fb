package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RecurrentCell} run over whole sequences: the forward loop and backpropagation through time, for any
 * cell. The language model, the sequence regressor and the gradient-flow analysis all go through it; the
 * recurrence itself is the cell's.
 *
 * <pre>
 * forward:   s_0 = the start state;  for t = 1 … T:  s_t = cell(s_{t−1}, xw_t)
 * backward:  ds_t = ∂L/∂h_t from the layer above (dH);  for t = T … 1:  cell backward — dxw_t, and
 *            ds_{t−1} += J_tᵀ·ds_t (the gradient from the future); the weights' gradients summed over t
 * </pre>
 * Rows are batch-major (position t−1 of sequence b is row b·T + t − 1, see {@code data.Batch}): XW and dXW are
 * (B·T × G·H), H and dH are (B·T × H). Step t sees its B rows as a (B × ·) matrix sharing those rows.
 *
 * <h2>The start state</h2>
 * Without a given s_0, the sequence starts from the learned start state {@link #start} (makemore's
 * {@code start}, one row broadcast to every sequence, which then receives the gradient Σ_rows ∂L/∂s_0) or, without
 * one, from zeros. A given s_0 (B × S) is a constant: truncated BPTT starts a chunk from the previous chunk's final
 * state ({@link #finalState()}) this way, and the gradient stops there ({@link #startGradient()} still reports it).
 *
 * <h2>The end state, and an input that depends on the past</h2>
 * An encoder–decoder hands the encoder's final state s_T to the decoder as its start state: the loss then depends on
 * s_T through the decoder too, and {@link #backward(Matrix, Matrix)} takes that gradient ∂L/∂s_T (B × S) besides dH
 * (for an LSTM both dh_T and dc_T: the cell state is handed over as well). A decoder with attention reads, at step t,
 * a context computed from its previous state: its step input is x_t·W_x + b + g_t(h_{t−1}), which cannot be computed
 * before the loop. A {@link Feedback} adds g_t(h_{t−1}) to step t's input share just before the cell's step, and its
 * backward runs just after the cell's backward of step t, adding its share of ∂L/∂h_{t−1}: the loop stays here.
 *
 * <p>All buffers of a batch shape (B, T) are made once and reused; the returned matrices are this object's, valid
 * until its next call.
 *
 * @param <S> the cell's step type
 */
public final class Recurrence<S extends Step> {
    /** The cell run at every step. */
    public final RecurrentCell<S> cell;
    /** The learned start state (1 × S), or null: start from zeros. */
    public final Param start;
    private final List<Param> params;
    private final int H, S, width;

    private final Map<Long, Workspace> workspaces = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Workspace> e) {
            return size() > 4;
        }
    };
    private Workspace recent;  // the workspace used most recently (no lookup in the usual case)
    private Workspace last;    // the workspace of the last forward pass: backward's cache
    private Feedback feedback; // the feedback of the last forward pass, or null

    /**
     * A share of step t's input that depends on the previous hidden state, xw_t += g_t(h_{t−1}) (the decoder's
     * attention context, projected to the cell's G·H columns), computed inside the loop.
     * <pre>
     * forward(t, hPrev, xw)            adds g_t(h_{t−1}) into xw (B × G·H); keeps what its backward needs
     * backward(t, hPrev, dxw, dhPrev)  from dxw = ∂L/∂xw_t (B × G·H): ADDS ∂L/∂h_{t−1} through g_t into dhPrev
     *                                  (B × H), and the gradients of its own parameters
     * </pre>
     * t = 1 … T counts the steps of the pass; forward is called for t = 1, 2, …, T, backward for t = T, …, 1, each
     * right after the cell's backward of step t (so that dhPrev is complete before step t − 1 reads it).
     */
    public interface Feedback {
        /**
         * Adds g_t(h_{t−1}) into step t's input share.
         *
         * @param t the step, 1 … T
         * @param hPrev h_{t−1} (B × H)
         * @param xw the input share of step t (B × G·H), added to
         */
        void forward(int t, Matrix hPrev, Matrix xw);

        /**
         * Backward through g_t, from ∂L/∂xw_t.
         *
         * @param t the step, T … 1
         * @param hPrev h_{t−1} (B × H) of the forward
         * @param dxw ∂L/∂xw_t (B × G·H)
         * @param dhPrev ∂L/∂h_{t−1} (B × H), added to
         */
        void backward(int t, Matrix hPrev, Matrix dxw, Matrix dhPrev);
    }

    /**
     * @param cell         the recurrence
     * @param learnedStart a learned start state (initialised to zero); otherwise s_0 = 0
     */
    public Recurrence(RecurrentCell<S> cell, boolean learnedStart) {
        this.cell = cell;
        this.H = cell.hiddenSize();
        this.S = cell.stateSize();
        this.width = cell.input().out;
        this.start = learnedStart ? new Param("start", new Matrix(1, S)) : null;
        List<Param> ps = new ArrayList<>(cell.params());
        if (start != null) ps.add(start);
        this.params = List.copyOf(ps);
    }

    /**
     * The cell's parameters, then the start state if it is learned.
     *
     * @return the parameters, in a fixed order
     */
    public List<Param> params() {
        return params;
    }

    /**
     * Runs the cell over T steps.
     *
     * @param XW the input's share of every step, x·W_x + b (B·T × G·H), batch-major
     * @param T  the number of steps
     * @param s0 the start state (B × S), a constant; null for the learned start state (or zeros)
     * @return the hidden states h_1 … h_T (B·T × H), batch-major: row b·T + t − 1 is h_t of sequence b
     */
    public Matrix forward(Matrix XW, int T, Matrix s0) {
        return forward(XW, T, s0, null);
    }

    /**
     * Runs the cell over T steps with an input share that depends on the previous state: step t's
     * input is XW_t + g_t(h_{t−1}), g_t from the feedback (see {@link Feedback}); null is
     * {@link #forward(Matrix, int, Matrix)}.
     * The backward of this pass calls the feedback's backward.
     *
     * @return the hidden states h_1 … h_T (B·T × H), batch-major
     */
    public Matrix forward(Matrix XW, int T, Matrix s0, Feedback feedback) {
        if (T < 1 || XW.rows % T != 0 || XW.rows == 0) {
            throw new IllegalArgumentException("Recurrence: " + XW.rows
                    + " rows are not B sequences of T = " + T + " steps");
        }
        if (XW.cols != width) {
            throw new IllegalArgumentException("Recurrence: inputs " + XW.shape() + " have " + XW.cols
                    + " columns, the cell's input projection gives " + width);
        }
        int B = XW.rows / T;
        Workspace w = workspace(B, T);
        w.XW.setFrom(XW);
        Step first = w.steps.get(0);
        double[] s = w.s;
        if (s0 != null) {
            if (s0.rows != B || s0.cols != S) {
                throw new IllegalArgumentException("Recurrence: start state " + s0.shape()
                        + ", expected (" + B + "×" + S + ")");
            }
            for (int b = 0; b < B; b++) first.setState(b, s0.data[b]);
        } else {
            if (start != null) System.arraycopy(start.value.data[0], 0, s, 0, S);
            else java.util.Arrays.fill(s, 0.0);
            for (int b = 0; b < B; b++) first.setState(b, s);
        }
        w.fromStart = s0 == null;
        for (int t = 1; t <= T; t++) {
            S prev = w.steps.get(t - 1), cur = w.steps.get(t);
            if (feedback != null) feedback.forward(t, prev.h, cur.xw);   // xw_t += g_t(h_{t−1})
            cell.forward(prev, cur);
        }
        last = w;
        this.feedback = feedback;
        return w.Hs;
    }

    /**
     * Backpropagation through time from dH = ∂L/∂h_t of every step (B·T × H, batch-major), for the
     * last forward pass: adds into the cell's weights' gradients (and the start state's) and returns
     * dXW = ∂L/∂(x·W_x + b) (B·T × G·H), for the input projection's backward.
     */
    public Matrix backward(Matrix dH) {
        return backward(dH, null);
    }

    /**
     * Backpropagation through time as {@link #backward(Matrix)}, with a gradient
     * ∂L/∂s_T = [dh_T; dc_T] (B × S) of the final state from outside the sequence as well (the
     * decoder's ∂L/∂s_0, when this is the encoder whose final state started it); null for none.
     * Calls the last forward pass's feedback's backward at every step.
     */
    public Matrix backward(Matrix dH, Matrix dsT) {
        Workspace w = last;
        if (w == null) throw new IllegalStateException("Recurrence: backward before forward");
        if (dH.rows != w.B * w.T || dH.cols != H) {
            throw new IllegalArgumentException("Recurrence: dH " + dH.shape()
                    + ", expected (" + w.B * w.T + "×" + H + ")");
        }
        // step t's dh = its share of dH; the future adds to it below
        w.dHs.setFrom(dH);
        w.steps.get(0).zeroStateGradient();
        for (int t = 1; t <= w.T; t++) if (w.steps.get(t).dc != null) w.steps.get(t).dc.zero();
        if (dsT != null) {
            if (dsT.rows != w.B || dsT.cols != S) {
                throw new IllegalArgumentException("Recurrence: final-state gradient " + dsT.shape()
                        + ", expected (" + w.B + "×" + S + ")");
            }
            Step end = w.steps.get(w.T);
            for (int b = 0; b < w.B; b++) {          // ds_T += the gradient from outside
                double[] dh = end.dh.data[b], g = dsT.data[b];
                for (int j = 0; j < H; j++) dh[j] += g[j];
                if (end.dc != null) System.arraycopy(g, H, end.dc.data[b], 0, H);
            }
        }
        for (int t = w.T; t >= 1; t--) {
            S prev = w.steps.get(t - 1), cur = w.steps.get(t);
            cell.backward(prev, cur);
            if (feedback != null) feedback.backward(t, prev.h, cur.dxw, prev.dh); // through g_t
        }
        if (start != null && w.fromStart) {
            Step first = w.steps.get(0);
            double[] ds = w.s, g = start.grad.data[0];
            // start was broadcast to every row: its gradient is the sum
            for (int b = 0; b < w.B; b++) {
                first.stateGradient(b, ds);
                for (int j = 0; j < S; j++) g[j] += ds[j];
            }
        }
        return w.dXW;
    }

    /**
     * The hidden states h_1 … h_T of the last forward pass (B·T × H, batch-major).
     *
     * @return H (B·T × H), this object's buffer
     */
    public Matrix hidden() {
        return requireLast().Hs;
    }

    /**
     * Step t of the last pass, t = 0 … T (step 0 holds the start state; after backward, ds_0).
     *
     * @param t the step, 0 … T
     * @return its buffers and cache
     */
    public S step(int t) {
        Workspace w = requireLast();
        if (t < 0 || t > w.T) throw new IllegalArgumentException("Recurrence: step " + t + " outside 0…" + w.T);
        return w.steps.get(t);
    }

    /**
     * The number of steps T and sequences B of the last forward pass.
     *
     * @return T
     */
    public int steps() {
        return requireLast().T;
    }

    /**
     * The number of sequences B of the last forward pass.
     *
     * @return B
     */
    public int batchSize() {
        return requireLast().B;
    }

    /**
     * The final states s_T = [h_T; c_T] of the last forward pass, a new (B × S) matrix.
     *
     * @return s_T (B × S)
     */
    public Matrix finalState() {
        return stateOf(requireLast().steps.get(requireLast().T), false, null);
    }

    /**
     * The final states s_T of the last forward pass, written into out (B × S); returns out.
     *
     * @param out the (B × S) matrix written
     * @return out
     */
    public Matrix finalState(Matrix out) {
        return stateOf(requireLast().steps.get(requireLast().T), false, out);
    }

    /**
     * ∂L/∂s_0 = [dh_0; dc_0] of the last backward pass, a new (B × S) matrix.
     *
     * @return ∂L/∂s_0 (B × S)
     */
    public Matrix startGradient() {
        return stateOf(requireLast().steps.get(0), true, null);
    }

    /**
     * ∂L/∂s_0 of the last backward pass, written into out (B × S); returns out.
     *
     * @param out the (B × S) matrix written
     * @return out
     */
    public Matrix startGradient(Matrix out) {
        return stateOf(requireLast().steps.get(0), true, out);
    }

    /**
     * For the gradient-flow analysis, on a pass over one sequence (B = 1): the vector–Jacobian product of step t,
     * ds_prev = J_tᵀ·ds_t with J_t = ∂s_t/∂s_{t−1}, computed by the cell's own backward. The steps' buffers are put
     * back as they were; the weights' gradients are not (a backward step adds into them: the caller saves and
     * restores them around its measurements).
     *
     * @param t the step, 1 … T
     * @param ds_t ∂L/∂s_t (S)
     * @param ds_prev written: ∂L/∂s_{t−1} (S)
     */
    public void stateVjp(int t, double[] ds_t, double[] ds_prev) {
        Workspace w = requireLast();
        if (w.B != 1) throw new IllegalStateException("Recurrence: stateVjp needs a pass over one sequence, B = " + w.B);
        if (t < 1 || t > w.T) throw new IllegalArgumentException("Recurrence: step " + t + " outside 1…" + w.T);
        S prev = w.steps.get(t - 1), cur = w.steps.get(t);
        double[] savedCur = new double[S], savedPrev = new double[S], savedDxw = cur.dxw.data[0].clone();
        cur.stateGradient(0, savedCur);
        prev.stateGradient(0, savedPrev);
        cur.setStateGradient(0, ds_t);
        prev.zeroStateGradient();
        cell.backward(prev, cur);
        if (feedback != null) feedback.backward(t, prev.h, cur.dxw, prev.dh);
        prev.stateGradient(0, ds_prev);
        cur.setStateGradient(0, savedCur);
        prev.setStateGradient(0, savedPrev);
        System.arraycopy(savedDxw, 0, cur.dxw.data[0], 0, savedDxw.length);
    }

    private Matrix stateOf(Step st, boolean gradient, Matrix into) {
        if (into != null && (into.rows != st.h.rows || into.cols != S)) {
            throw new IllegalArgumentException("Recurrence: state buffer " + into.shape() + ", expected ("
                    + st.h.rows + "×" + S + ")");
        }
        Matrix out = into != null ? into : new Matrix(st.h.rows, S);
        for (int b = 0; b < st.h.rows; b++) {
            if (gradient) st.stateGradient(b, out.data[b]);
            else st.state(b, out.data[b]);
        }
        return out;
    }

    private Workspace requireLast() {
        if (last == null) throw new IllegalStateException("Recurrence: no forward pass yet");
        return last;
    }

    private Workspace workspace(int B, int T) {
        if (recent != null && recent.B == B && recent.T == T) return recent;
        long key = ((long) B << 32) | T;
        Workspace w = workspaces.get(key);
        if (w == null) workspaces.put(key, w = new Workspace(B, T));
        recent = w;
        return w;
    }

    /** Every buffer of one batch shape, made once. */
    private final class Workspace {
        final int B, T;
        final Matrix XW, dXW;          // (B·T × G·H)
        final Matrix Hs, dHs;          // (B·T × H)
        final List<S> steps;           // T + 1 steps; step t ≥ 1 sees rows b·T + t − 1 of the matrices above
        final double[] s;              // (S) scratch
        boolean fromStart;             // whether the last pass started from the learned start (or zeros)

        Workspace(int B, int T) {
            this.B = B;
            this.T = T;
            XW = new Matrix(B * T, width);
            dXW = new Matrix(B * T, width);
            Hs = new Matrix(B * T, H);
            dHs = new Matrix(B * T, H);
            s = new double[S];
            steps = new ArrayList<>(T + 1);
            steps.add(cell.newStep(null, null, new Matrix(B, H), new Matrix(B, H)));
            int[] rows = new int[B];
            for (int t = 1; t <= T; t++) {
                for (int b = 0; b < B; b++) rows[b] = b * T + t - 1;
                steps.add(cell.newStep(XW.pickRows(rows), dXW.pickRows(rows), Hs.pickRows(rows), dHs.pickRows(rows)));
            }
        }
    }
}
