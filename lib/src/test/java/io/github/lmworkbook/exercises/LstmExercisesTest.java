package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.layers.Tanh;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LstmExercisesTest {
    /** The step backward as the notebook's exercise asks for it, with places to plant a bug. */
    static LstmExercises.StepBackward written(boolean tanhPath, boolean carried, boolean timesF) {
        return (cell, prev, t) -> {
            int H = cell.hiddenSize();
            for (int r = 0; r < t.h.rows; r++) {
                for (int j = 0; j < H; j++) {
                    double i = t.gate(LstmCell.I, r, j), f = t.gate(LstmCell.F, r, j);
                    double o = t.gate(LstmCell.O, r, j), g = t.gate(LstmCell.G, r, j);
                    double tc = t.tanhC.get(r, j), dh = t.dh.get(r, j);
                    double dc = (carried ? t.dc.get(r, j) : 0) + (tanhPath ? Tanh.backward(tc, dh * o) : dh * o);
                    t.dxw.set(r, j, Sigmoid.backward(i, dc * g));
                    t.dxw.set(r, H + j, Sigmoid.backward(f, dc * prev.c.get(r, j)));
                    t.dxw.set(r, 2 * H + j, Sigmoid.backward(o, dh * tc));
                    t.dxw.set(r, 3 * H + j, Tanh.backward(g, dc * i));
                    prev.dc.set(r, j, prev.dc.get(r, j) + (timesF ? dc * f : dc));
                }
            }
            cell.Wh.grad.addMatmulTransA(prev.h, t.dxw);
            prev.dh.addMatmulTransB(t.dxw, cell.Wh.value);
        };
    }

    @Test
    void theLibrarysStepBackwardPasses() {
        GradCheckReport r = LstmExercises.checkStepBackward(LstmExercises::stepBackward);
        assertEquals(GradCheckReport.Status.PASSED, r.status(), r.toString());
        assertEquals(java.util.List.of("Wx", "Wh", "b", "start", "x"),
                r.entries().stream().map(GradCheckReport.Entry::name).toList());
    }

    @Test
    void aStepBackwardWrittenOutPassesAndEachPlantedBugFails() {
        LstmExercises.checkStepBackward(written(true, true, true)).assertPassed();
        // forgets tanh′(c_t) on the path through h_t
        assertEquals(GradCheckReport.Status.FAILED, LstmExercises.checkStepBackward(written(false, true, true)).status());
        // drops the gradient the future sent back through c_{t+1}: the constant error carousel is cut
        assertEquals(GradCheckReport.Status.FAILED, LstmExercises.checkStepBackward(written(true, false, true)).status());
        // dc_{t−1} += dc, as if f_t were 1
        assertEquals(GradCheckReport.Status.FAILED, LstmExercises.checkStepBackward(written(true, true, false)).status());
    }

    @Test
    void anUnfinishedExerciseIsReportedNotThrown() {
        assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, LstmExercises.checkStepBackward((cell, prev, t) -> {
            throw new UnsupportedOperationException("not implemented yet");
        }).status());
        assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, LstmExercises.checkCellJacobian((cell, prev, t) -> {
            throw new UnsupportedOperationException("not implemented yet");
        }).status());
    }

    @Test
    void theCellJacobianIsDiagFAndTheTemptingWrongAnswersFail() {
        LstmExercises.checkCellJacobian(LstmExercises::cellJacobian).assertPassed();
        // "the carousel is the identity": only when f = 1
        assertEquals(GradCheckReport.Status.FAILED, LstmExercises.checkCellJacobian((cell, prev, t) -> {
            Matrix J = new Matrix(4, 4);
            for (int j = 0; j < 4; j++) J.set(j, j, 1.0);
            return J;
        }).status());
        // the h_t ← c_{t−1} block, diag(o ⊙ (1 − tanh²c_t) ⊙ f), is another block
        assertEquals(GradCheckReport.Status.FAILED, LstmExercises.checkCellJacobian((cell, prev, t) -> {
            Matrix J = new Matrix(4, 4);
            for (int j = 0; j < 4; j++) {
                double tc = t.tanhC.get(0, j);
                J.set(j, j, t.gate(LstmCell.O, 0, j) * (1 - tc * tc) * t.gate(LstmCell.F, 0, j));
            }
            return J;
        }).status());
        // a wrong shape is one clear line
        GradCheckReport r = Exercise.report("cellJacobian", (LstmExercises.CellJacobian) (c, p, t) -> new Matrix(2, 2),
                LstmExercises::checkCellJacobian);
        assertNull(r);
    }
}
