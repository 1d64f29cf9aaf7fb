package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RnnExercisesTest {
    @Test
    void referenceStepBackwardPasses() {
        GradCheckReport r = RnnExercises.checkStepBackward(Rnn::stepBackward);
        assertEquals(GradCheckReport.Status.PASSED, r.status(), r.toString());
        assertEquals(5, r.entries().size());
    }

    @Test
    void brokenStepBackwardFails() {
        // forgets the tanh derivative
        GradCheckReport r = RnnExercises.checkStepBackward((dh, x, hPrev, h, Wxh, Whh) -> {
            Matrix ones = new Matrix(h.rows, h.cols); // h = 0 → 1 − h² = 1
            return Rnn.stepBackward(dh, x, hPrev, ones, Wxh, Whh);
        });
        assertEquals(GradCheckReport.Status.FAILED, r.status());
    }

    @Test
    void unimplementedExercisesAreReportedNotThrown() {
        GradCheckReport a = RnnExercises.checkStepBackward((dh, x, hPrev, h, Wxh, Whh) -> {
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
        // always rescales to the threshold, even when the norm is below it
        RnnExercises.Clip alwaysScales = (model, tau) -> {
            double n = 0;
            for (Param p : model.params()) n += p.grad.sumOfSquares();
            n = Math.sqrt(n);
            for (Param p : model.params()) p.grad.scaleInPlace(tau / n);
        };
        assertEquals(GradCheckReport.Status.FAILED, RnnExercises.checkClipping(alwaysScales).status());
        // clips each parameter separately
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
