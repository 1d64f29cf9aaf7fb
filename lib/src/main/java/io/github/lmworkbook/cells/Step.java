package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;

/**
 * The buffers of one time step t for a batch of B sequences: the state s_t the cell writes, its gradient, the
 * input's share of the step, and (in a subclass) whatever else the cell's backward needs — the step's cache.
 *
 * <pre>
 * xw  (B × G·H)  the part of the pre-activations that does not depend on the past, x_t·W_x + b (G = number of
 *                gate blocks: 1 for the RNN, 3 for the GRU, 4 for the LSTM); computed for all steps before the loop
 * dxw (B × G·H)  ∂L/∂xw, written by the cell's backward
 * h   (B × H)    the hidden state h_t;           dh (B × H)  ∂L/∂h_t
 * c   (B × H)    the LSTM's cell state c_t;      dc (B × H)  ∂L/∂c_t      (null for cells without one)
 * </pre>
 * The state of a row as one vector is s = [h; c] (length S = H, or 2H with a cell state): that is how start
 * states, final states and the gradient-flow analysis see it. Step 0 holds only the start state (xw is null).
 */
public class Step {
    /** xw (B × G·H), the input share x_t·W_x + b, and dxw, its gradient (both null for step 0). */
    public final Matrix xw, dxw;
    /** h (B × H), the hidden state h_t, and dh = ∂L/∂h_t. */
    public final Matrix h, dh;
    /** c (B × H), the LSTM's cell state c_t, and dc = ∂L/∂c_t (both null for cells without one). */
    public final Matrix c, dc;

    /**
     * @param xw      the input's share (null for step 0)
     * @param dxw     its gradient (null for step 0)
     * @param h       the hidden state
     * @param dh      its gradient
     * @param hasCell whether the state also has a cell c (then c and dc are allocated here)
     */
    public Step(Matrix xw, Matrix dxw, Matrix h, Matrix dh, boolean hasCell) {
        this.xw = xw;
        this.dxw = dxw;
        this.h = h;
        this.dh = dh;
        this.c = hasCell ? new Matrix(h.rows, h.cols) : null;
        this.dc = hasCell ? new Matrix(h.rows, h.cols) : null;
    }

    /**
     * S, the length of a row's state [h; c].
     *
     * @return S, H or 2H
     */
    public int stateSize() {
        return c == null ? h.cols : 2 * h.cols;
    }

    /**
     * s = [h[row]; c[row]].
     *
     * @param row the row (sequence of the batch)
     * @param s written: the row's state (S)
     */
    public void state(int row, double[] s) {
        join(h, c, row, s);
    }

    /**
     * h[row], c[row] = s.
     *
     * @param row the row (sequence of the batch)
     * @param s the row's new state (S)
     */
    public void setState(int row, double[] s) {
        split(s, row, h, c);
    }

    /**
     * ds = [dh[row]; dc[row]].
     *
     * @param row the row (sequence of the batch)
     * @param ds written: the row's state gradient (S)
     */
    public void stateGradient(int row, double[] ds) {
        join(dh, dc, row, ds);
    }

    /**
     * dh[row], dc[row] = ds.
     *
     * @param row the row (sequence of the batch)
     * @param ds the row's new state gradient (S)
     */
    public void setStateGradient(int row, double[] ds) {
        split(ds, row, dh, dc);
    }

    /** dh = 0 and dc = 0. */
    public void zeroStateGradient() {
        dh.zero();
        if (dc != null) dc.zero();
    }

    private static void join(Matrix a, Matrix b, int row, double[] s) {
        int H = a.cols;
        System.arraycopy(a.data[row], 0, s, 0, H);
        if (b != null) System.arraycopy(b.data[row], 0, s, H, H);
    }

    private static void split(double[] s, int row, Matrix a, Matrix b) {
        int H = a.cols;
        System.arraycopy(s, 0, a.data[row], 0, H);
        if (b != null) System.arraycopy(s, H, b.data[row], 0, H);
    }
}
