package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.cells.Step;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.layers.Tanh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RnnExercisesTest {
    @Test
    void theLibrarysStepBackwardPasses() {
        GradCheckReport r = RnnExercises.checkStepBackward(RnnExercises::stepBackward);
        assertEquals(GradCheckReport.Status.PASSED, r.status(), r.toString());
        assertEquals(java.util.List.of("Wxh", "Whh", "b", "start", "x"),
                r.entries().stream().map(GradCheckReport.Entry::name).toList());
    }

    @Test
    void aStepBackwardWrittenAsOnThePagePasses() {
        GradCheckReport r = RnnExercises.checkStepBackward((cell, prev, t) -> {
            Matrix dz = Tanh.backward(t.h, t.dh, t.dxw);
            cell.Whh.grad.addMatmulTransA(prev.h, dz);
            prev.dh.addMatmulTransB(dz, cell.Whh.value);
        });
        r.assertPassed();
    }

    @Test
    void brokenStepBackwardsFail() {
        // forgets the tanh derivative
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkStepBackward((cell, prev, t) -> {
            t.dxw.setFrom(t.dh);
            cell.Whh.grad.addMatmulTransA(prev.h, t.dxw);
            prev.dh.addMatmulTransB(t.dxw, cell.Whh.value);
        }).status());
        // overwrites dh_{t−1} instead of adding: the gradient of h_{t−1}'s own prediction is lost
        GradCheckReport r = RnnExercises.checkStepBackward((cell, prev, t) -> {
            Matrix dz = Tanh.backward(t.h, t.dh, t.dxw);
            cell.Whh.grad.addMatmulTransA(prev.h, dz);
            prev.dh.setMatmul(dz, cell.Whh.value.transpose());
        });
        assertEquals(GradCheckReport.Status.FAILED, r.status());
        // W_hh where W_hhᵀ belongs
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkStepBackward((cell, prev, t) -> {
            Matrix dz = Tanh.backward(t.h, t.dh, t.dxw);
            cell.Whh.grad.addMatmulTransA(prev.h, dz);
            prev.dh.addMatmul(dz, cell.Whh.value);
        }).status());
    }

    /** BPTT as a learner writes it from the page: the loop over t, dh carried backwards, sums over time. */
    static RnnExercises.Grads bpttAsOnThePage(Matrix[] x, Matrix[] h, Matrix[] dh, Matrix Wxh, Matrix Whh,
                                              boolean carry, boolean sum, boolean previousState) {
        int T = x.length - 1, B = h[0].rows, H = Whh.rows, D = Wxh.rows;
        Matrix[] dx = new Matrix[T + 1];
        Matrix dWxh = new Matrix(D, H), dWhh = new Matrix(H, H), db = new Matrix(1, H);
        Matrix dhNext = new Matrix(B, H);                      // ∂L/∂h_t from the future; 0 after step T
        for (int t = T; t >= 1; t--) {
            Matrix dht = dh[t].copy();
            if (carry) dht.addInPlace(dhNext);
            Matrix dz = Tanh.backward(h[t], dht, new Matrix(B, H));
            if (!sum) {
                dWxh.zero();
                dWhh.zero();
                db.zero();
            }
            dWxh.addMatmulTransA(x[t], dz);
            dWhh.addMatmulTransA(previousState ? h[t - 1] : h[t], dz);
            dz.addColumnSumsTo(db);
            dx[t] = new Matrix(B, D).addMatmulTransB(dz, Wxh);
            dhNext = new Matrix(B, H).addMatmulTransB(dz, Whh);
        }
        return new RnnExercises.Grads(dx, dhNext, dWxh, dWhh, db);
    }

    @Test
    void bpttTheLibrarysAndOneWrittenFromThePagePass() {
        GradCheckReport r = RnnExercises.checkBptt(RnnExercises::bptt);
        r.assertPassed();
        assertEquals(java.util.List.of("Wxh", "Whh", "b", "h0", "x"),
                r.entries().stream().map(GradCheckReport.Entry::name).toList());
        RnnExercises.checkBptt((x, h, dh, Wxh, Whh) -> bpttAsOnThePage(x, h, dh, Wxh, Whh, true, true, true))
                .assertPassed();
    }

    @Test
    void bpttMistakesFail() {
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkBptt(          // dh not carried back
                (x, h, dh, Wxh, Whh) -> bpttAsOnThePage(x, h, dh, Wxh, Whh, false, true, true)).status());
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkBptt(          // not summed over time
                (x, h, dh, Wxh, Whh) -> bpttAsOnThePage(x, h, dh, Wxh, Whh, true, false, true)).status());
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkBptt(          // h_t where h_{t−1} belongs
                (x, h, dh, Wxh, Whh) -> bpttAsOnThePage(x, h, dh, Wxh, Whh, true, true, false)).status());
        assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, RnnExercises.checkBptt((x, h, dh, Wxh, Whh) -> {
            throw new UnsupportedOperationException("not implemented yet");
        }).status());
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void everyCellsBackwardPassesInsideBptt(CellType type) {
        checkCell(type.create(4, 5, new Random(3))).assertPassed();
    }

    private static <S extends Step> GradCheckReport checkCell(RecurrentCell<S> cell) {
        return RnnExercises.checkCell(cell, RecurrentCell::backward);
    }

    @Test
    void unimplementedExercisesAreReportedNotThrown() {
        GradCheckReport a = RnnExercises.checkStepBackward((cell, prev, t) -> {
            throw new UnsupportedOperationException("not implemented yet");
        });
        assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, a.status());
        GradCheckReport b = RnnExercises.checkClipping((model, tau) -> {
            throw new UnsupportedOperationException("not implemented yet");
        });
        assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, b.status());
    }

    @Test
    void clippingChecks() {
        RnnExercises.Clip correct = (model, tau) -> {
            double n = 0;
            for (Param p : model.params()) n += p.grad.sumOfSquares();
            n = Math.sqrt(n);
            if (n > tau) for (Param p : model.params()) p.grad.scaleInPlace(tau / n);
        };
        assertEquals(GradCheckReport.Status.PASSED, RnnExercises.checkClipping(correct).status());
        RnnExercises.Clip alwaysScales = (model, tau) -> {
            double n = 0;
            for (Param p : model.params()) n += p.grad.sumOfSquares();
            n = Math.sqrt(n);
            for (Param p : model.params()) p.grad.scaleInPlace(tau / n);
        };
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkClipping(alwaysScales).status());
        RnnExercises.Clip perParam = (model, tau) -> {
            for (Param p : model.params()) {
                double n = p.grad.norm();
                if (n > tau) p.grad.scaleInPlace(tau / n);
            }
        };
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkClipping(perParam).status());
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkClipping((model, tau) -> {}).status());
    }
}
