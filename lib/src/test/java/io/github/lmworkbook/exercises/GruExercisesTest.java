package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.GruCell;
import io.github.lmworkbook.cells.GruCell.GruStep;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.layers.Tanh;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class GruExercisesTest {
    /** What the notebook's template computes, with the learner's holes filled in (how: the four flags). */
    static void template(GruCell cell, GruStep prev, GruStep t, boolean sigmoidPrime, boolean addToPrev,
                         boolean keepOneMinusZ, boolean products) {
        int B = t.h.rows, H = cell.hiddenSize();
        for (int n = 0; n < B; n++) {
            double[] dh = t.dh.data[n], z = t.zr.data[n], hTilde = t.hTilde.data[n], hp = prev.h.data[n],
                    dhp = prev.dh.data[n], dzr = t.dzr.data[n], dah = t.dah.data[n];
            for (int j = 0; j < H; j++) {
                dhp[j] += dh[j] * (keepOneMinusZ ? 1 - z[j] : z[j]);
                dah[j] = Tanh.backward(hTilde[j], dh[j] * z[j]);
                double dz = dh[j] * (hTilde[j] - hp[j]);
                dzr[j] = sigmoidPrime ? Sigmoid.backward(z[j], dz) : dz;
            }
        }
        cell.Whh.grad.addMatmulTransA(t.rh, t.dah);
        t.drh.zero().addMatmulTransB(t.dah, cell.Whh.value);
        for (int n = 0; n < B; n++) {
            double[] drh = t.drh.data[n], zr = t.zr.data[n], hp = prev.h.data[n], dhp = prev.dh.data[n],
                    dzr = t.dzr.data[n];
            for (int j = 0; j < H; j++) {
                dzr[H + j] = Sigmoid.backward(zr[H + j], drh[j] * hp[j]);
                if (addToPrev) dhp[j] += drh[j] * zr[H + j];
                else dhp[j] = drh[j] * zr[H + j];
            }
        }
        if (products) {
            cell.Whzr.grad.addMatmulTransA(prev.h, t.dzr);
            prev.dh.addMatmulTransB(t.dzr, cell.Whzr.value);
        }
        for (int n = 0; n < B; n++) {
            System.arraycopy(t.dzr.data[n], 0, t.dxw.data[n], 0, 2 * H);
            System.arraycopy(t.dah.data[n], 0, t.dxw.data[n], 2 * H, H);
        }
    }

    @Test
    void theLibrarysBackwardAndTheFilledTemplatePass() {
        GradCheckReport r = GruExercises.checkStepBackward(GruExercises::stepBackward);
        r.assertPassed();
        assertEquals(java.util.List.of("Wx", "Whzr", "Whh", "b", "start", "x"),
                r.entries().stream().map(GradCheckReport.Entry::name).toList());
        GruExercises.checkStepBackward((c, p, t) -> template(c, p, t, true, true, true, true)).assertPassed();
    }

    @Test
    void brokenGatePathsFail() {
        // da_z without σ′ = z(1 − z)
        assertEquals(GradCheckReport.Status.FAILED, GruExercises.checkStepBackward(
                (c, p, t) -> template(c, p, t, false, true, true, true)).status());
        // dh_{t−1} overwritten through r ⊙ h_{t−1} instead of added to
        assertEquals(GradCheckReport.Status.FAILED, GruExercises.checkStepBackward(
                (c, p, t) -> template(c, p, t, true, false, true, true)).status());
        // the additive path with z where 1 − z belongs
        assertEquals(GradCheckReport.Status.FAILED, GruExercises.checkStepBackward(
                (c, p, t) -> template(c, p, t, true, true, false, true)).status());
        // the gates' gradients never reach W_hzr and h_{t−1}
        assertEquals(GradCheckReport.Status.FAILED, GruExercises.checkStepBackward(
                (c, p, t) -> template(c, p, t, true, true, true, false)).status());
    }

    @Test
    void theHolesOfTheTemplateSayNotImplementedOnce() {
        GradCheckReport r = GruExercises.checkStepBackward((c, p, t) -> {
            t.dzr.data[0][0] = GruExercises.todo("da_z");
        });
        assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, r.status());
        String out = capture(() -> GruExercises.gradeStepBackward((c, p, t) -> GruExercises.todo("da_z")));
        assertEquals("`gruStepBackward`: not implemented yet — the notebook goes on with the library's", out.strip());
        out = capture(() -> GruExercises.gradeJacobianPrediction(H -> {
            throw new UnsupportedOperationException("not implemented yet");
        }));
        assertEquals("`jacobianAtZeroUpdate`: not implemented yet — the notebook goes on with the library's", out.strip());
    }

    @Test
    void theIdentityIsTheRightPredictionAndOthersAreNot() {
        GruExercises.checkJacobianPrediction(GruExercises::jacobianAtZeroUpdate).assertPassed();
        assertEquals(GradCheckReport.Status.FAILED, GruExercises.checkJacobianPrediction(H -> new double[H][H]).status());
        assertEquals(GradCheckReport.Status.FAILED, GruExercises.checkJacobianPrediction(H -> {
            double[][] J = GruExercises.jacobianAtZeroUpdate(H);
            J[2][3] = 0.1;                                      // a single wrong entry off the diagonal
            return J;
        }).status());
        GruExercises.JacobianPrediction used = GruExercises.gradeJacobianPrediction(H -> new double[H][H]);
        assertEquals(1.0, used.apply(3)[1][1], 0.0, "the library's answer is used after a wrong one");
        assertThrows(IllegalArgumentException.class,
                () -> GruExercises.checkJacobianPrediction(H -> new double[H - 1][H]));
    }

    static String capture(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
