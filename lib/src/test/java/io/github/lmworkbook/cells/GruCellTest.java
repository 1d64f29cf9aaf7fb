package io.github.lmworkbook.cells;

import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The GRU cell against its equations written out element by element, its step Jacobian against the closed form
 * of notebook 03, the limits z → 0 (the identity) and z → 1, and the two initialisation helpers. Its gradients are
 * checked in RecurrentLMTest, SequenceRegressorTest and RnnExercisesTest (every CellType).
 */
class GruCellTest {
    static final int D = 3, H = 5;

    static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    /** The step as four equations, one unit at a time, from the weights as makemore stores them. */
    static double[][] naiveStep(GruCell c, double[] x, double[] hp) {
        double[] z = new double[H], r = new double[H], hTilde = new double[H], h = new double[H];
        double[][] Wx = c.Wx.value.data, Wh = c.Whzr.value.data, Whh = c.Whh.value.data;
        double[] b = c.b.value.data[0];
        for (int j = 0; j < H; j++) {
            double az = b[j], ar = b[H + j];
            for (int i = 0; i < D; i++) {
                az += x[i] * Wx[i][j];
                ar += x[i] * Wx[i][H + j];
            }
            for (int i = 0; i < H; i++) {
                az += hp[i] * Wh[i][j];
                ar += hp[i] * Wh[i][H + j];
            }
            z[j] = sigmoid(az);
            r[j] = sigmoid(ar);
        }
        for (int j = 0; j < H; j++) {
            double ah = b[2 * H + j];
            for (int i = 0; i < D; i++) ah += x[i] * Wx[i][2 * H + j];
            for (int i = 0; i < H; i++) ah += r[i] * hp[i] * Whh[i][j];
            hTilde[j] = Math.tanh(ah);
            h[j] = (1 - z[j]) * hp[j] + z[j] * hTilde[j];
        }
        return new double[][] {z, r, hTilde, h};
    }

    /** Runs the cell over x (T × D) from s0 (B = 1) and returns its recurrence (to read the steps). */
    static Recurrence<GruCell.GruStep> run(GruCell cell, Matrix s0, Matrix x) {
        Recurrence<GruCell.GruStep> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input().forward(x), x.rows, s0);
        return rec;
    }

    @Test
    void theStepIsTheEquationsElementByElement() {
        Random rng = new Random(1);
        GruCell cell = new GruCell(D, H, 0.7, rng);
        int B = 3, T = 4;
        Matrix x = Matrix.randn(B * T, D, 1.0, rng), s0 = Matrix.randn(B, H, 0.5, rng);
        Recurrence<GruCell.GruStep> rec = new Recurrence<>(cell, false);
        rec.forward(cell.input().forward(x), T, s0);
        for (int b = 0; b < B; b++) {
            double[] h = s0.data[b].clone();
            for (int t = 1; t <= T; t++) {
                double[][] want = naiveStep(cell, x.data[b * T + t - 1], h);
                GruCell.GruStep st = rec.step(t);
                for (int j = 0; j < H; j++) {
                    assertEquals(want[0][j], st.z(b, j), 1e-15, "z");
                    assertEquals(want[1][j], st.r(b, j), 1e-15, "r");
                    assertEquals(want[1][j] * h[j], st.rh.data[b][j], 1e-15, "r ⊙ h");
                    assertEquals(want[2][j], st.hTilde.data[b][j], 1e-14, "h̃");
                }
                h = want[3];
                assertArrayEquals(h, st.h.data[b], 1e-14, "h_" + t);
            }
        }
    }

    /**
     * The closed form of notebook 03 (numerator layout, J[i][j] = ∂h_t[i]/∂h_{t−1}[j], weights as stored):
     * J = diag(1 − z) + diag((h̃ − h_{t−1}) ⊙ z(1 − z))·W_hzᵀ
     *     + diag(z ⊙ (1 − h̃²))·W_hhᵀ·(diag(r) + diag(h_{t−1} ⊙ r(1 − r))·W_hrᵀ).
     */
    static double[][] closedFormJacobian(GruCell c, double[] hp, double[] z, double[] r, double[] hTilde) {
        double[][] Wh = c.Whzr.value.data, Whh = c.Whh.value.data, J = new double[H][H];
        for (int i = 0; i < H; i++) {
            for (int j = 0; j < H; j++) {
                double throughRh = r[j] * Whh[j][i];                       // (W_hhᵀ·diag(r))[i][j]
                for (int k = 0; k < H; k++) throughRh += Whh[k][i] * hp[k] * r[k] * (1 - r[k]) * Wh[j][H + k];
                J[i][j] = (i == j ? 1 - z[i] : 0)
                        + (hTilde[i] - hp[i]) * z[i] * (1 - z[i]) * Wh[j][i]
                        + z[i] * (1 - hTilde[i] * hTilde[i]) * throughRh;
            }
        }
        return J;
    }

    @Test
    void stepJacobianFromTheBackwardIsTheClosedForm() {
        Random rng = new Random(2);
        GruCell cell = new GruCell(D, H, 0.9, rng);
        Matrix s0 = Matrix.randn(1, H, 0.5, rng), x = Matrix.randn(4, D, 1.0, rng);
        Recurrence<GruCell.GruStep> rec = run(cell, s0, x);
        for (int t = 1; t <= 4; t++) {
            Matrix J = GradientFlow.stepJacobian(cell, s0, x, t);
            GruCell.GruStep st = rec.step(t);
            double[] z = new double[H], r = new double[H];
            for (int j = 0; j < H; j++) {
                z[j] = st.z(0, j);
                r[j] = st.r(0, j);
            }
            double[][] want = closedFormJacobian(cell, rec.step(t - 1).h.data[0], z, r, st.hTilde.data[0]);
            for (int i = 0; i < H; i++) assertArrayEquals(want[i], J.data[i], 1e-15, "t=" + t + ", row " + i);
        }
        // and both against central differences of the forward step
        double eps = 1e-6;
        Matrix J = GradientFlow.stepJacobian(cell, s0, x, 1);
        for (int j = 0; j < H; j++) {
            double[] hp = s0.data[0].clone(), hm = s0.data[0].clone();
            hp[j] += eps;
            hm[j] -= eps;
            double[] fp = naiveStep(cell, x.data[0], hp)[3], fm = naiveStep(cell, x.data[0], hm)[3];
            for (int i = 0; i < H; i++) assertEquals((fp[i] - fm[i]) / (2 * eps), J.data[i][j], 1e-9);
        }
    }

    @Test
    void updateGateShutMakesTheStepJacobianTheIdentity() {
        // z = σ(−1000) = 0 exactly: h_t = h_{t−1}, and every term of J but diag(1 − z) carries a factor z
        Random rng = new Random(3);
        GruCell cell = new GruCell(D, H, 0.9, rng).setUpdateGateBias(-1000);
        Matrix s0 = Matrix.randn(1, H, 0.5, rng), x = Matrix.randn(6, D, 1.0, rng);
        Recurrence<GruCell.GruStep> rec = run(cell, s0, x);
        assertArrayEquals(s0.data[0], rec.step(6).h.data[0], 0.0, "the state is carried unchanged");
        for (int t = 1; t <= 6; t++) {
            Matrix J = GradientFlow.stepJacobian(cell, s0, x, t);
            for (int i = 0; i < H; i++) for (int j = 0; j < H; j++) assertEquals(i == j ? 1.0 : 0.0, J.data[i][j], 0.0);
        }
    }

    @Test
    void theJacobianProductIsTheProductOfTheSteps() {
        Random rng = new Random(8);
        GruCell cell = new GruCell(D, H, 0.9, rng);
        Matrix s0 = Matrix.randn(1, H, 0.5, rng), x = Matrix.randn(5, D, 1.0, rng);
        Matrix want = Matrix.matmul(Matrix.matmul(GradientFlow.stepJacobian(cell, s0, x, 5),
                GradientFlow.stepJacobian(cell, s0, x, 4)), GradientFlow.stepJacobian(cell, s0, x, 3));
        Matrix P = GradientFlow.jacobianProduct(cell, s0, x, 2);                // ∂h_5/∂h_2 = J_5·J_4·J_3
        for (int i = 0; i < H; i++) assertArrayEquals(want.data[i], P.data[i], 1e-15);
        Matrix I = GradientFlow.jacobianProduct(cell, s0, x, 5);
        for (int i = 0; i < H; i++) for (int j = 0; j < H; j++) assertEquals(i == j ? 1.0 : 0.0, I.data[i][j], 0.0);
        assertThrows(IllegalArgumentException.class, () -> GradientFlow.jacobianProduct(cell, s0, x, 6));
    }

    @Test
    void updateGateOpenLeavesOnlyThePathThroughTheCandidate() {
        // z = σ(1000) = 1 exactly: J = diag(1 − h̃²)·W_hhᵀ·(diag(r) + diag(h_{t−1} ⊙ r(1 − r))·W_hrᵀ), an RNN-like step
        Random rng = new Random(4);
        GruCell cell = new GruCell(D, H, 0.9, rng).setUpdateGateBias(1000);
        Matrix s0 = Matrix.randn(1, H, 0.5, rng), x = Matrix.randn(3, D, 1.0, rng);
        Recurrence<GruCell.GruStep> rec = run(cell, s0, x);
        GruCell.GruStep st = rec.step(2);
        double[] hp = rec.step(1).h.data[0], hTilde = st.hTilde.data[0];
        assertArrayEquals(hTilde, st.h.data[0], 0.0, "h_t = h̃_t");
        Matrix J = GradientFlow.stepJacobian(cell, s0, x, 2);
        double[][] Wh = cell.Whzr.value.data, Whh = cell.Whh.value.data;
        for (int i = 0; i < H; i++) for (int j = 0; j < H; j++) {
            double v = st.r(0, j) * Whh[j][i];
            for (int k = 0; k < H; k++) v += Whh[k][i] * hp[k] * st.r(0, k) * (1 - st.r(0, k)) * Wh[j][H + k];
            assertEquals((1 - hTilde[i] * hTilde[i]) * v, J.data[i][j], 1e-15);
        }
    }

    @Test
    void updateGateBiasSetsTheFirstBlockOnly() {
        GruCell cell = new GruCell(D, H, new Random(5));
        double[] before = cell.b.value.data[0].clone();
        assertSame(cell, cell.setUpdateGateBias(-3));
        for (int j = 0; j < H; j++) assertEquals(-3.0, cell.b.value.data[0][j], 0.0);
        for (int j = H; j < 3 * H; j++) assertEquals(before[j], cell.b.value.data[0][j], 0.0);
        // all at 0.047: the cell starts carrying, every step Jacobian near diag(1 − z) ≈ 0.95·I
        Matrix s0 = Matrix.randn(1, H, 0.5, new Random(6)), x = Matrix.randn(2, D, 0.1, new Random(7));
        GruCell.GruStep st = run(cell, s0, x).step(1);
        for (int j = 0; j < H; j++) assertTrue(st.z(0, j) < 0.1, "z = " + st.z(0, j));
    }

    @Test
    void theOpenResetGateStaysOpenThroughTraining() {
        SequenceRegressor model = new SequenceRegressor(new SequenceRegressor.Config(CellType.GRU, 2, 8, 1));
        GruCell cell = ((GruCell) model.cell).openResetGate();
        Matrix Wx = cell.Wx.value.copy(), Wh = cell.Whzr.value.copy(), b = cell.b.value.copy();
        AddingProblem task = new AddingProblem(12, 1);
        Trainer.of(model, new AdamW(model, 1e-2, 0.0)).data(() -> task.sample(16)).steps(50).quiet().run();
        SequenceBatch s = task.sample(4);
        model.loss(s);
        for (int t = 1; t <= 12; t++) {
            GruCell.GruStep st = (GruCell.GruStep) model.recurrence.step(t);
            for (int n = 0; n < 4; n++) for (int j = 0; j < 8; j++) assertEquals(1.0, st.r(n, j), 0.0);
        }
        for (int i = 0; i < 2; i++) for (int j = 8; j < 16; j++) assertEquals(0.0, cell.Wx.value.data[i][j], 0.0);
        for (int i = 0; i < 8; i++) for (int j = 8; j < 16; j++) assertEquals(0.0, cell.Whzr.value.data[i][j], 0.0);
        for (int j = 8; j < 16; j++) assertEquals(100.0, cell.b.value.data[0][j], 0.0);
        assertNotEquals(Wx.data[0][0], cell.Wx.value.data[0][0], "the rest trains");
        assertNotEquals(Wh.data[0][0], cell.Whzr.value.data[0][0]);
        assertNotEquals(b.data[0][0], cell.b.value.data[0][0]);
    }

    @Test
    void makemoreGruHasTheSameParameterCount() {
        // makemore gru, vocab 27: wte 27·64 + start 64 + three Linear(128→64) + lm_head 64·27+27
        RecurrentLM gru = new RecurrentLM(RecurrentLM.Config.makemore(CellType.GRU, 27, 42));
        assertEquals(27 * 64 + 64 + 3 * (128 * 64 + 64) + 64 * 27 + 27, gru.numParams());
        assertEquals(List.of("C", "Wx", "Whzr", "Whh", "b", "start", "Why", "by"),
                gru.params().stream().map(p -> p.name).toList());
        for (Param p : gru.cell.params()) {
            assertTrue(p.value.maxAbs() <= 1 / Math.sqrt(128), p.name + ": U(±1/√(m+H))");
            assertTrue(p.value.maxAbs() > 0.9 / Math.sqrt(128), p.name);
        }
        assertEquals(CellType.GRU, CellType.of(" Gru "));
    }
}
