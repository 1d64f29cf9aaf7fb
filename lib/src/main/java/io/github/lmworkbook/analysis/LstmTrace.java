package io.github.lmworkbook.analysis;

import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;

import java.util.Arrays;
import java.util.List;

/**
 * What an LSTM's gates and memory cell do along one sequence: i_t, f_t, o_t, g_t, c_t and h_t of every unit at every
 * step, from the cell's own forward pass. Each is a (T × H) matrix whose row t − 1 is step t.
 *
 * <p>The forget gate says how long a unit remembers. Along a path the cell keeps the fraction Π_u f_{u,j} of what
 * unit j held; with λ_j = mean_t ln f_{t,j}, that product falls by a factor e every τ_j = −1/λ_j steps
 * ({@link #memoryTimes()}): a unit with f ≡ 0.5 forgets in 1.4 steps, one with f ≡ 0.99 in 100.
 */
public final class LstmTrace {
    /** (T × H) each: the gates, the candidate, the cell and the hidden state at steps 1 … T. */
    public final Matrix i, f, o, g, c, h;

    private LstmTrace(int T, int H) {
        i = new Matrix(T, H);
        f = new Matrix(T, H);
        o = new Matrix(T, H);
        g = new Matrix(T, H);
        c = new Matrix(T, H);
        h = new Matrix(T, H);
    }

    /**
     * Runs the cell over x from s0.
     *
     * @param cell the LSTM
     * @param s0   the start state [h_0; c_0] (1 × 2H)
     * @param x    the inputs (T × D), row t − 1 = x_t
     * @return the gates, the cell states and the hidden states of every step
     */
    public static LstmTrace of(LstmCell cell, Matrix s0, Matrix x) {
        int H = cell.hiddenSize(), T = x.rows;
        if (T < 1 || x.cols != cell.inputSize()) {
            throw new IllegalArgumentException("LSTM trace: x must be (T×" + cell.inputSize() + ") with T ≥ 1, got "
                    + x.shape());
        }
        if (s0.rows != 1 || s0.cols != 2 * H) {
            throw new IllegalArgumentException("LSTM trace: s0 must be (1×" + 2 * H + "), got " + s0.shape());
        }
        Recurrence<LstmCell.LstmStep> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input().forward(x), T, s0);
        LstmTrace tr = new LstmTrace(T, H);
        for (int t = 1; t <= T; t++) {
            LstmCell.LstmStep st = rec.step(t);
            for (int j = 0; j < H; j++) {
                tr.i.data[t - 1][j] = st.gate(LstmCell.I, 0, j);
                tr.f.data[t - 1][j] = st.gate(LstmCell.F, 0, j);
                tr.o.data[t - 1][j] = st.gate(LstmCell.O, 0, j);
                tr.g.data[t - 1][j] = st.gate(LstmCell.G, 0, j);
            }
            System.arraycopy(st.c.data[0], 0, tr.c.data[t - 1], 0, H);
            System.arraycopy(st.h.data[0], 0, tr.h.data[t - 1], 0, H);
        }
        return tr;
    }

    /** {@return T, the number of steps} */
    public int steps() {
        return f.rows;
    }

    /** {@return H, the number of units} */
    public int units() {
        return f.cols;
    }

    /**
     * The mean of f_t over the steps, per unit (H).
     *
     * @return mean_t f_{t,j} for each unit j
     */
    public double[] meanForget() {
        return meanForget(List.of(this));
    }

    /**
     * Per unit, τ_j = −1 / mean_t ln f_{t,j}: the number of steps over which the product of its forget gates falls
     * by a factor e (infinite when f ≡ 1 in double precision).
     *
     * @return τ_j for each unit j
     */
    public double[] memoryTimes() {
        return memoryTimes(List.of(this));
    }

    /**
     * The share of units whose mean forget gate is at least threshold.
     *
     * @param threshold the forget-gate level, e.g. 0.9
     * @return the share, in [0, 1]
     */
    public double shareKeeping(double threshold) {
        return Arrays.stream(meanForget()).filter(v -> v >= threshold).count() / (double) units();
    }

    /**
     * The mean of f_t per unit over every step of several traces of one cell (e.g. one per sequence).
     *
     * @param traces the traces
     * @return the mean forget gate of each unit (H)
     */
    public static double[] meanForget(List<LstmTrace> traces) {
        double[][] s = sums(traces);
        double[] m = s[0];
        for (int j = 0; j < m.length; j++) m[j] /= s[2][0];
        return m;
    }

    /**
     * τ_j = −1 / mean ln f_{t,j} per unit, the mean over every step of several traces of one cell.
     *
     * @param traces the traces
     * @return τ_j for each unit j
     */
    public static double[] memoryTimes(List<LstmTrace> traces) {
        double[][] s = sums(traces);
        double[] tau = s[1];
        for (int j = 0; j < tau.length; j++) tau[j] = tau[j] == 0 ? Double.POSITIVE_INFINITY : -s[2][0] / tau[j];
        return tau;
    }

    /** {Σ f per unit, Σ ln f per unit, {number of steps}}. */
    private static double[][] sums(List<LstmTrace> traces) {
        if (traces.isEmpty()) throw new IllegalArgumentException("LSTM trace: no traces");
        int H = traces.get(0).units();
        double[] f = new double[H], logF = new double[H];
        double steps = 0;
        for (LstmTrace tr : traces) {
            if (tr.units() != H) {
                throw new IllegalArgumentException("LSTM trace: traces of " + H + " and " + tr.units() + " units");
            }
            for (double[] row : tr.f.data) {
                for (int j = 0; j < H; j++) {
                    f[j] += row[j];
                    logF[j] += Math.log(row[j]);
                }
            }
            steps += tr.steps();
        }
        return new double[][] {f, logF, {steps}};
    }

    /**
     * Column j of a (T × H) trace matrix: unit j against the step.
     *
     * @param m a (T × H) trace matrix
     * @param j the unit
     * @return the T values of unit j
     */
    public static double[] unit(Matrix m, int j) {
        double[] v = new double[m.rows];
        for (int t = 0; t < m.rows; t++) v[t] = m.data[t][j];
        return v;
    }
}
