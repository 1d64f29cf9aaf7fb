package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.LstmCell.LstmStep;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;

import java.util.Random;

/**
 * The exercises of notebook 04 (the LSTM): the cell's step backward, run inside backpropagation through time, and a
 * prediction of the c→c block of the step Jacobian, ∂c_t/∂c_{t−1}, checked against central differences.
 */
public final class LstmExercises {
    private LstmExercises() {}

    /** H of the step backward's check. */
    private static final int STEP_H = 5;

    /** The body of {@link LstmCell#backward}: writes t.dxw, adds into prev.dh, prev.dc and cell.Wh.grad. */
    @FunctionalInterface
    public interface StepBackward {
        /**
         * The learner's step backward.
         *
         * @param cell the LSTM cell (its weights and their gradients)
         * @param prev step t − 1
         * @param t step t, with its cache, dh and dc
         */
        void apply(LstmCell cell, LstmStep prev, LstmStep t);
    }

    /**
     * A prediction of ∂c_t/∂c_{t−1} (H × H, numerator layout: entry [i][j] = ∂c_t[i]/∂c_{t−1}[j]) for row 0 of the
     * step t, computed from what the forward pass left in t and prev (h_{t−1} held fixed: the block of the state
     * Jacobian).
     */
    @FunctionalInterface
    public interface CellJacobian {
        /**
         * The learner's prediction.
         *
         * @param cell the LSTM cell
         * @param prev step t − 1
         * @param t step t, after its forward
         * @return ∂c_t/∂c_{t−1} (H × H)
         */
        Matrix apply(LstmCell cell, LstmStep prev, LstmStep t);
    }

    /**
     * The library's step backward.
     *
     * @param cell the LSTM cell
     * @param prev step t − 1
     * @param t step t
     */
    public static void stepBackward(LstmCell cell, LstmStep prev, LstmStep t) {
        cell.backward(prev, t);
    }

    /**
     * The answer: diag(f_t). No gate reads c_{t−1} (no peepholes), so c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t is linear in
     * it.
     *
     * @param cell the LSTM cell
     * @param prev step t − 1
     * @param t step t, after its forward
     * @return diag(f_t) of row 0 (H × H)
     */
    public static Matrix cellJacobian(LstmCell cell, LstmStep prev, LstmStep t) {
        int H = cell.hiddenSize();
        Matrix J = new Matrix(H, H);
        for (int j = 0; j < H; j++) J.set(j, j, t.gate(LstmCell.F, 0, j));
        return J;
    }

    /**
     * Grades the learner's step backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static StepBackward gradeStepBackward(StepBackward mine) {
        return Exercise.grade("stepBackward", mine, LstmExercises::stepBackward, LstmExercises::checkStepBackward,
                Exercises.cell(STEP_H, RnnExercises.CELL_T, "cell.Wh.grad", new String[] {"da_i", "da_f", "da_o", "da_g"},
                        true));
    }

    /**
     * Grades the learner's ∂c_t/∂c_{t−1} (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static CellJacobian gradeCellJacobian(CellJacobian mine) {
        return Exercise.grade("cellJacobian", mine, LstmExercises::cellJacobian, LstmExercises::checkCellJacobian,
                (p, r, c) -> r < 0 ? "J" : "column " + c + " of your J (the check compares Σ_i u[i]·J[i][" + c
                        + "] for a fixed random u)");
    }

    /**
     * Runs BPTT over a seeded problem (B = 3 sequences of T = 4 steps, D = 4 inputs, H = 5 units, a learned start
     * state [h_0; c_0]) with the given step backward in the cell's place and checks every parameter and the inputs
     * against central differences ({@link RnnExercises#checkCell}).
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkStepBackward(StepBackward backward) {
        LstmCell cell = new LstmCell(4, STEP_H, 0.6, new Random(1997));
        return RnnExercises.checkCell(cell, (c, prev, t) -> backward.apply((LstmCell) c, prev, t));
    }

    /**
     * Checks a prediction of ∂c_t/∂c_{t−1} on one step of a seeded cell (D = 3, H = 4, a random h_{t−1} held fixed):
     * with a fixed random vector u, L(c_{t−1}) = u · c_t, whose gradient is Jᵀu; the checker compares the
     * prediction's Jᵀu with central differences of L in every entry of c_{t−1}.
     *
     * @param predict the prediction checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkCellJacobian(CellJacobian predict) {
        Random rng = new Random(1997);
        int D = 3, H = 4;
        LstmCell cell = new LstmCell(D, H, 1.0, rng);
        Matrix x = Matrix.randn(1, D, 1.0, rng);                       // x_t (1 × D)
        double[] hPrev = Matrix.randn(1, H, 0.8, rng).data[0];          // h_{t−1}, held fixed
        double[] u = Matrix.randn(1, H, 1.0, rng).data[0];              // L = u · c_t
        double[] cPrev = Matrix.randn(1, H, 1.0, rng).data[0];          // where the gradient is taken
        Recurrence<LstmStep> rec = new Recurrence<>(cell, false);
        Matrix s0 = new Matrix(1, 2 * H);
        java.util.function.Function<double[], LstmStep> step = c -> {   // one step from [h_{t−1}; c]
            System.arraycopy(hPrev, 0, s0.data[0], 0, H);
            System.arraycopy(c, 0, s0.data[0], H, H);
            rec.forward(cell.input().forward(x), 1, s0);
            return rec.step(1);
        };
        return GradientChecker.check(c -> {
            double L = 0;
            double[] ct = step.apply(c).c.data[0];
            for (int i = 0; i < H; i++) L += u[i] * ct[i];
            return L;
        }, c -> {
            LstmStep t = step.apply(c);
            Matrix J = predict.apply(cell, rec.step(0), t);
            if (J == null || J.rows != H || J.cols != H) {
                throw new IllegalArgumentException("the prediction must be an H × H matrix (" + H + "×" + H + "), got "
                        + (J == null ? "null" : J.shape()));
            }
            double[] g = new double[H];                                 // Jᵀu: g[j] = Σ_i u[i]·J[i][j]
            for (int i = 0; i < H; i++) for (int j = 0; j < H; j++) g[j] += u[i] * J.get(i, j);
            return g;
        }, cPrev);
    }
}
