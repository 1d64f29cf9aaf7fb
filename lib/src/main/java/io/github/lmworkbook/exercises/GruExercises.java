package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.GruCell;
import io.github.lmworkbook.cells.GruCell.GruStep;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;

import java.util.Random;

/**
 * The exercises of notebook 03 (the GRU): the step backward (the notebook gives its additive and candidate paths;
 * the learner writes the update gate's and the reset gate's), checked inside backpropagation through time as the
 * RNN's is ({@link RnnExercises#checkCell}); and a prediction, the step Jacobian ∂h_t/∂h_{t−1} when the update gate
 * is shut (z = 0), checked against central differences of the GRU's forward step.
 */
public final class GruExercises {
    private GruExercises() {}

    /** H of the step backward's check. */
    private static final int STEP_H = 5;

    /** The body of {@link GruCell#backward}: writes t.dxw, adds into prev.dh and the recurrent weights' gradients. */
    @FunctionalInterface
    public interface StepBackward {
        /**
         * The learner's step backward.
         *
         * @param cell the GRU cell (its weights and their gradients)
         * @param prev step t − 1
         * @param t step t, with its cache and dh
         */
        void apply(GruCell cell, GruStep prev, GruStep t);
    }

    /** A predicted step Jacobian J[i][j] = ∂h_t[i]/∂h_{t−1}[j] (H × H) of a GRU whose update gate is z = 0. */
    @FunctionalInterface
    public interface JacobianPrediction {
        /**
         * The learner's prediction.
         *
         * @param H the number of hidden units
         * @return J (H × H)
         */
        double[][] apply(int H);
    }

    /**
     * A hole in an exercise's template: throws "not implemented yet" until the learner replaces the call with their
     * expression (it returns a double, so it can stand where a number goes, or as a statement of its own).
     *
     * @param what what the hole stands for, in the message
     * @return never: it throws
     */
    public static double todo(String what) {
        throw new UnsupportedOperationException("not implemented yet: " + what);
    }

    /**
     * The library's step backward.
     *
     * @param cell the GRU cell
     * @param prev step t − 1
     * @param t step t
     */
    public static void stepBackward(GruCell cell, GruStep prev, GruStep t) {
        cell.backward(prev, t);
    }

    /**
     * The library's answer: z = 0 makes h_t = h_{t−1}, so J = I.
     *
     * @param H the number of hidden units
     * @return I (H × H)
     */
    public static double[][] jacobianAtZeroUpdate(int H) {
        double[][] I = new double[H][H];
        for (int i = 0; i < H; i++) I[i][i] = 1.0;
        return I;
    }

    /**
     * Grades the learner's step backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static StepBackward gradeStepBackward(StepBackward mine) {
        return Exercise.grade("gruStepBackward", mine, GruExercises::stepBackward, GruExercises::checkStepBackward,
                Exercises.cell(STEP_H, RnnExercises.CELL_T, "cell.Whzr.grad", new String[] {"da_z", "da_r", "da_h"},
                        false));
    }

    /**
     * Grades the learner's prediction (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static JacobianPrediction gradeJacobianPrediction(JacobianPrediction mine) {
        int[] row = {-1};
        return Exercise.grade("jacobianAtZeroUpdate", mine, GruExercises::jacobianAtZeroUpdate,
                predict -> checkJacobianPrediction(predict, row),
                (p, r, c) -> r < 0 ? "row " + row[0] + " of J" : "J[" + row[0] + "][" + c + "]");
    }

    /**
     * Runs BPTT over a seeded problem (B = 3 sequences of T = 4 steps, D = 4 inputs, H = 5 units, learned start
     * state; the GRU's weights drawn from U(±0.8), livelier than the default, so that every path carries a gradient
     * well above round-off) with the given step backward in the cell's place, and checks every parameter and the inputs
     * against central differences.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkStepBackward(StepBackward backward) {
        GruCell cell = new GruCell(4, STEP_H, 0.8, new Random(2014));
        return RnnExercises.checkCell(cell, (c, prev, t) -> backward.apply((GruCell) c, prev, t));
    }

    /**
     * Checks a predicted Jacobian at z = 0 against the GRU's own forward step: a GRU cell (D = 3, H = 5) with the
     * update gate's bias at −1000 (so z = σ(−1000) = 0 in double precision) and a random h_{t−1}; for each unit i the
     * checker compares the prediction's row i, as the gradient of h_t[i] with respect to h_{t−1}, with central
     * differences of the step. The report of the first row that fails is returned, else the last row's.
     *
     * @param predict the prediction checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkJacobianPrediction(JacobianPrediction predict) {
        return checkJacobianPrediction(predict, new int[1]);
    }

    /** The check above; row[0] is set to the row of J the returned report is about. */
    static GradCheckReport checkJacobianPrediction(JacobianPrediction predict, int[] row) {
        int D = 3, H = 5;
        Random rng = new Random(2015);
        GruCell cell = new GruCell(D, H, 0.8, rng).setUpdateGateBias(-1000);
        Matrix x = Matrix.randn(1, D, 1.0, rng);
        double[] hPrev = Matrix.randn(1, H, 0.5, rng).data[0];
        Recurrence<GruStep> rec = new Recurrence<>(cell, false);
        double[][] J = predict.apply(H);
        if (J == null || J.length != H) {
            throw new IllegalArgumentException("the prediction must be an H × H array, H = " + H + ", got "
                    + (J == null ? "null" : J.length + " rows"));
        }
        GradCheckReport r = null;
        for (int i = 0; i < H; i++) {
            int unit = i;
            if (J[i].length != H) throw new IllegalArgumentException("row " + i + " of the prediction has " + J[i].length
                    + " entries, expected " + H);
            row[0] = unit;
            r = GradientChecker.check(h -> rec.forward(cell.input().forward(x), 1, Matrix.row(h)).data[0][unit],
                    h -> J[unit].clone(), hPrev);
            if (!r.passed()) return r;
        }
        return r;
    }
}
