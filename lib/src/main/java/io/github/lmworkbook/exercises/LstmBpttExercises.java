package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.LstmCell.LstmStep;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.Tanh;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Backpropagation through time through a whole LSTM sequence (notebook 04): not one step inside a loop the library
 * runs, but the loop itself — what flows from step t + 1 back into step t, the shared weights' gradients summed over
 * the steps, and the gradient with respect to the start state (h₀, c₀). The interface says what goes in and what
 * comes out; a hint only after a failed attempt ({@link Hint}). A failure names the learner's output — {@code dx[3]},
 * {@code dc0}, {@code dWh} — and the entry.
 */
public final class LstmBpttExercises {
    private LstmBpttExercises() {}

    /**
     * The LSTM of {@link LstmCell} (gates [i f o g] side by side in 4H columns, a = x_t·W_x + b + h_{t−1}·W_h) over
     * T steps of B sequences, backward. Everything the forward pass computed is given:
     * <pre>
     * x[t]     (B × D)    the inputs, t = 1 … T (x[0] is null)
     * h[t]     (B × H)    the hidden states, t = 0 … T (h[0] = h₀)
     * c[t]     (B × H)    the cell states, t = 0 … T (c[0] = c₀)
     * gates[t] (B × 4H)   [i f o g] after their non-linearities, t = 1 … T (gates[0] is null)
     * dh[t]    (B × H)    ∂L/∂h_t through step t's own output only (what the layer above sends), t = 1 … T
     * Wx (D × 4H), Wh (H × 4H)
     * </pre>
     * The loss reads only the hidden states h_1 … h_T.
     */
    @FunctionalInterface
    public interface Bptt {
        /**
         * The learner's BPTT.
         *
         * @param x the inputs x[t] (B × D), t = 1 … T
         * @param h the hidden states h[t] (B × H), t = 0 … T
         * @param c the cell states c[t] (B × H), t = 0 … T
         * @param gates the gates [i f o g] of each step (B × 4H), t = 1 … T
         * @param dh ∂L/∂h_t from above (B × H), t = 1 … T
         * @param Wx W_x (D × 4H)
         * @param Wh W_h (H × 4H)
         * @return the gradients
         */
        Grads apply(Matrix[] x, Matrix[] h, Matrix[] c, Matrix[] gates, Matrix[] dh, Matrix Wx, Matrix Wh);
    }

    /**
     * The gradients of the whole sequence.
     *
     * @param dx  dx[t] = ∂L/∂x_t (B × D), t = 1 … T (dx[0] unused)
     * @param dh0 ∂L/∂h₀ (B × H)
     * @param dc0 ∂L/∂c₀ (B × H)
     * @param dWx (D × 4H)
     * @param dWh (H × 4H)
     * @param db  (1 × 4H)
     */
    public record Grads(Matrix[] dx, Matrix dh0, Matrix dc0, Matrix dWx, Matrix dWh, Matrix db) {}

    /**
     * The library's: {@link LstmCell#backward} at every step from t = T down to 1 (each adding into the step before
     * it), then the input projection's gradients for every step.
     *
     * @param x the inputs x[t] (B × D), t = 1 … T
     * @param h the hidden states h[t] (B × H), t = 0 … T
     * @param c the cell states c[t] (B × H), t = 0 … T
     * @param gates the gates [i f o g] of each step (B × 4H), t = 1 … T
     * @param dh ∂L/∂h_t from above (B × H), t = 1 … T
     * @param Wx W_x (D × 4H)
     * @param Wh W_h (H × 4H)
     * @return the gradients
     */
    public static Grads bptt(Matrix[] x, Matrix[] h, Matrix[] c, Matrix[] gates, Matrix[] dh, Matrix Wx, Matrix Wh) {
        int T = x.length - 1, B = h[0].rows, D = Wx.rows, H = Wh.rows;
        LstmCell cell = new LstmCell(D, H, 0.0, new Random(0));
        cell.Wh.value.setFrom(Wh);
        List<LstmStep> steps = new ArrayList<>();
        LstmStep first = cell.newStep(null, null, h[0].copy(), new Matrix(B, H));
        first.c.setFrom(c[0]);
        steps.add(first);
        for (int t = 1; t <= T; t++) {
            LstmStep s = cell.newStep(new Matrix(B, 4 * H), new Matrix(B, 4 * H), h[t].copy(), dh[t].copy());
            s.c.setFrom(c[t]);
            s.gates.setFrom(gates[t]);
            Tanh.forward(c[t], s.tanhC);
            steps.add(s);
        }
        for (int t = T; t >= 1; t--) cell.backward(steps.get(t - 1), steps.get(t));   // da_t; into step t − 1
        Matrix[] dx = new Matrix[T + 1];
        Matrix dWx = new Matrix(D, 4 * H), db = new Matrix(1, 4 * H);
        for (int t = 1; t <= T; t++) {
            Matrix da = steps.get(t).dxw;                          // ∂L/∂a_t (B × 4H)
            dWx.addMatmulTransA(x[t], da);                         // dW_x += x_tᵀ·da_t
            da.addColumnSumsTo(db);                                // db += Σ_rows da_t
            dx[t] = new Matrix(B, D).addMatmulTransB(da, Wx);      // dx_t = da_t·W_xᵀ
        }
        return new Grads(dx, steps.get(0).dh, steps.get(0).dc, dWx, cell.Wh.grad, db);
    }

    static final String HINT = "two gradients flow back in time, ∂L/∂h_{t−1} and ∂L/∂c_{t−1}: at each step, what "
            + "reaches h_t is what the loss sends to h_t plus what step t + 1 sent back, and c_t gets its share from h_t "
            + "and from c_{t+1}; W_x, W_h and b are shared by every step, so their gradients add up over t.";

    /**
     * Grades the learner's BPTT (one line, a hint after a failed attempt).
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static Bptt gradeBptt(Bptt mine) {
        return Hint.grade("lstmBptt", mine, LstmBpttExercises::bptt, LstmBpttExercises::checkBptt, HINT);
    }

    /**
     * B = 2 sequences of T = 5 steps, D = 3 inputs, H = 4 units, weights U(±0.7), a random start state (h₀, c₀): the
     * library's LSTM forward, L = Σ_t Σ G_t ⊙ h_t for random G_t (so dh[t] = G_t), and every gradient the learner
     * returns against central differences of L, each named as the learner's: {@code dWx}, {@code dWh}, {@code db},
     * {@code dh0}, {@code dc0} and {@code dx[1]} … {@code dx[5]}.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkBptt(Bptt backward) {
        Random rng = new Random(1997);
        int B = 2, T = 5, D = 3, H = 4;
        LstmCell cell = new LstmCell(D, H, 0.7, rng);
        Param Wx = new Param("dWx", cell.Wx.value.copy()), Wh = new Param("dWh", cell.Wh.value.copy()),
                b = new Param("db", cell.b.value.copy());
        Param h0 = new Param("dh0", Matrix.randn(B, H, 0.5, rng)), c0 = new Param("dc0", Matrix.randn(B, H, 1.0, rng));
        List<Param> xs = new ArrayList<>();
        for (int t = 1; t <= T; t++) xs.add(new Param("dx[" + t + "]", Matrix.randn(B, D, 1.0, rng)));
        Matrix G = Matrix.randn(B * T, H, 1.0, rng);                              // ∂L/∂h_t, batch-major
        Recurrence<LstmStep> rec = new Recurrence<>(cell, false);
        List<Param> ps = new ArrayList<>(List.of(Wx, Wh, b, h0, c0));
        ps.addAll(xs);
        Runnable forward = () -> {
            cell.Wx.value.setFrom(Wx.value);
            cell.Wh.value.setFrom(Wh.value);
            cell.b.value.setFrom(b.value);
            Matrix X = new Matrix(B * T, D), s0 = new Matrix(B, 2 * H);
            for (int t = 1; t <= T; t++) {
                for (int r = 0; r < B; r++) System.arraycopy(xs.get(t - 1).value.data[r], 0, X.data[r * T + t - 1], 0, D);
            }
            for (int r = 0; r < B; r++) {
                System.arraycopy(h0.value.data[r], 0, s0.data[r], 0, H);
                System.arraycopy(c0.value.data[r], 0, s0.data[r], H, H);
            }
            rec.forward(cell.input().forward(X), T, s0);
        };
        return GradientChecker.check(() -> ps, () -> {
            forward.run();
            return MlpExercises.dot(G, rec.hidden());
        }, () -> {
            forward.run();
            Matrix[] x = new Matrix[T + 1], h = new Matrix[T + 1], c = new Matrix[T + 1], gates = new Matrix[T + 1],
                    dh = new Matrix[T + 1];
            h[0] = h0.value.copy();
            c[0] = c0.value.copy();
            for (int t = 1; t <= T; t++) {
                LstmStep s = rec.step(t);
                x[t] = xs.get(t - 1).value.copy();
                h[t] = s.h.copy();
                c[t] = s.c.copy();
                gates[t] = s.gates.copy();
                int[] rows = new int[B];
                for (int r = 0; r < B; r++) rows[r] = r * T + t - 1;
                dh[t] = G.pickRows(rows).copy();
            }
            Grads g = backward.apply(x, h, c, gates, dh, Wx.value.copy(), Wh.value.copy());
            if (g == null) throw Hint.wrong("lstmBptt returned null: return new LstmBpttExercises.Grads(…)");
            add(Wx, g.dWx(), "dWx");
            add(Wh, g.dWh(), "dWh");
            add(b, g.db(), "db");
            add(h0, g.dh0(), "dh0");
            add(c0, g.dc0(), "dc0");
            if (g.dx() == null || g.dx().length != T + 1) {
                throw Hint.wrong("lstmBptt's dx must hold T + 1 = " + (T + 1) + " matrices (dx[0] "
                        + "unused), got " + (g.dx() == null ? "null" : g.dx().length));
            }
            for (int t = 1; t <= T; t++) add(xs.get(t - 1), g.dx()[t], "dx[" + t + "]");
        });
    }

    private static void add(Param p, Matrix g, String what) {
        if (g == null) throw Hint.wrong("lstmBptt's " + what + " is null; expected " + p.shape());
        TransformerExercises.requireShape("lstmBptt's " + what, g.data, p.value.rows, p.value.cols);
        p.grad.addInPlace(g);
    }
}
