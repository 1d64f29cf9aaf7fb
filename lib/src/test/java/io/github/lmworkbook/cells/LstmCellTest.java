package io.github.lmworkbook.cells;

import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.analysis.StateLoss;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.models.RecurrentLM;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The LSTM cell against its equations written out elementwise, the c→c block of its step Jacobian, and the constant
 * error carousel. Its backward inside BPTT, in the language model and the regressor, is checked by the tests
 * parameterised over {@link CellType} (RecurrentLMTest, SequenceRegressorTest, RnnExercisesTest).
 */
class LstmCellTest {
    static final int D = 3, H = 4;

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void theStepIsTheEquationsElementwise() {
        Random rng = new Random(11);
        LstmCell cell = new LstmCell(D, H, 0.8, rng);
        int B = 2, T = 5;
        Matrix x = Matrix.randn(B * T, D, 1.0, rng);                    // batch-major (B·T × D)
        Matrix s0 = Matrix.randn(B, 2 * H, 0.7, rng);                   // [h_0; c_0] per row
        Recurrence<LstmCell.LstmStep> rec = new Recurrence<>(cell, false);
        Matrix hs = rec.forward(cell.input().forward(x), T, s0);
        double[][] Wx = cell.Wx.value.data, Wh = cell.Wh.value.data, bias = cell.b.value.data;
        for (int b = 0; b < B; b++) {
            double[] h = Arrays.copyOfRange(s0.data[b], 0, H);         // h_0
            double[] c = Arrays.copyOfRange(s0.data[b], H, 2 * H);     // c_0
            for (int t = 0; t < T; t++) {
                double[] xt = x.data[b * T + t], a = new double[4 * H], hn = new double[H], cn = new double[H];
                for (int k = 0; k < 4 * H; k++) {                      // a = x·W_x + h·W_h + b
                    a[k] = bias[0][k];
                    for (int d = 0; d < D; d++) a[k] += xt[d] * Wx[d][k];
                    for (int u = 0; u < H; u++) a[k] += h[u] * Wh[u][k];
                }
                for (int j = 0; j < H; j++) {
                    double i = sigmoid(a[j]), f = sigmoid(a[H + j]);
                    double o = sigmoid(a[2 * H + j]), g = Math.tanh(a[3 * H + j]);
                    cn[j] = f * c[j] + i * g;
                    hn[j] = o * Math.tanh(cn[j]);
                    LstmCell.LstmStep st = rec.step(t + 1);
                    assertEquals(i, st.gate(LstmCell.I, b, j), 1e-15);
                    assertEquals(f, st.gate(LstmCell.F, b, j), 1e-15);
                    assertEquals(o, st.gate(LstmCell.O, b, j), 1e-15);
                    assertEquals(g, st.gate(LstmCell.G, b, j), 1e-15);
                }
                h = hn;
                c = cn;
                assertArrayEquals(h, hs.data[b * T + t], 1e-14);
                assertArrayEquals(c, rec.step(t + 1).c.data[b], 1e-14);
            }
        }
        double[] sT = new double[2 * H];
        rec.step(T).state(1, sT);                                        // s = [h; c]
        assertArrayEquals(rec.finalState().data[1], sT, 0.0);
        assertArrayEquals(hs.data[2 * T - 1], Arrays.copyOfRange(sT, 0, H), 0.0);
    }

    @Test
    void theCellToCellBlockOfTheStepJacobianIsDiagF() {
        Random rng = new Random(12);
        LstmCell cell = new LstmCell(D, H, 1.5, rng);                   // lively weights: no block is near zero
        Matrix x = Matrix.randn(3, D, 1.0, rng), s0 = Matrix.randn(1, 2 * H, 1.0, rng);
        for (int t = 1; t <= 3; t++) {
            Matrix J = GradientFlow.stepJacobian(cell, s0, x, t);       // (2H × 2H), J[i][j] = ∂s_t[i]/∂s_{t−1}[j]
            Recurrence<LstmCell.LstmStep> rec = new Recurrence<>(cell, false);
            rec.forward(cell.input().forward(x), 3, s0);
            LstmCell.LstmStep st = rec.step(t);
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    double expected = i == j ? st.gate(LstmCell.F, 0, i) : 0.0;
                    assertEquals(expected, J.get(H + i, H + j), 0.0, "∂c_t/∂c_{t−1} [" + i + "][" + j + "]");
                }
                // ∂h_t/∂c_{t−1} = diag(o ⊙ (1 − tanh²c_t) ⊙ f): the cell reaches h only through its own unit
                double tc = Math.tanh(st.c.get(0, i));
                double dhdc = st.gate(LstmCell.O, 0, i) * (1 - tc * tc) * st.gate(LstmCell.F, 0, i);
                for (int j = 0; j < H; j++) assertEquals(i == j ? dhdc : 0.0, J.get(i, H + j), 1e-15);
            }
            double hBlock = 0, chBlock = 0;                             // the blocks through h_{t−1} are dense
            for (int i = 0; i < H; i++) for (int j = 0; j < H; j++) {
                hBlock += Math.abs(J.get(i, j));
                chBlock += Math.abs(J.get(H + i, j));
            }
            assertTrue(hBlock > 0 && chBlock > 0);
        }
    }

    @Test
    void aCellWithForgetOneAndInputZeroHoldsItsValueForAThousandSteps() {
        LstmCell cell = new LstmCell(1, 2, 0.0, new Random(0));         // all weights 0, then the gates by hand
        cell.setForgetBias(50);                                          // f = σ(50) = 1 in double
        for (int j = 0; j < 2; j++) {
            cell.b.value.data[0][LstmCell.I * 2 + j] = -50;             // i = σ(−50) ≈ 2e-22: (almost) nothing written
            cell.b.value.data[0][LstmCell.O * 2 + j] = 50;              // o = 1: show the cell
            cell.Wx.value.data[0][LstmCell.G * 2 + j] = 1;              // g = tanh(x_t): a candidate that is never 0
        }
        assertEquals(1.0, Sigmoid.sigmoid(50), 0.0);
        int T = 1000;
        Matrix x = Matrix.randn(T, 1, 1.0, new Random(1));
        Matrix s0 = Matrix.row(0.0, 0.0, 0.731, -2.5);                  // h_0 = 0, c_0 = (0.731, −2.5)
        Recurrence<LstmCell.LstmStep> rec = new Recurrence<>(cell, false);
        Matrix hs = rec.forward(cell.input().forward(x), T, s0);
        for (int t = 1; t <= T; t++) {
            // c_t = 1·c_{t−1} + i·g with |i·g| < 2e-22, below half an ulp of |c|: c_t == c_0 exactly
            assertEquals(0.731, rec.step(t).c.get(0, 0), 0.0, "step " + t);
            assertEquals(-2.5, rec.step(t).c.get(0, 1), 0.0, "step " + t);
            assertEquals(Math.tanh(-2.5), hs.get(t - 1, 1), 1e-15);
        }
        // the gradient of L = c_T[0] + c_T[1] reaches c_0 undiminished: ∂c_T/∂c_0 = Π diag(f_t) = I
        var report = GradientFlow.analyze(cell, s0, x, StateLoss.projectionAtEnd(new double[] {0, 0, 1, 1}));
        Matrix ds = report.lossGradients();                             // row t = ∂L/∂s_t = [dh_t; dc_t]
        for (int t = 0; t <= T; t++) {
            assertEquals(1.0, ds.get(t, 2), 0.0, "∂L/∂c_" + t);
            assertEquals(1.0, ds.get(t, 3), 0.0, "∂L/∂c_" + t);
        }
    }

    @Test
    void forgetBiasSetsOnlyTheForgetBlock() {
        LstmCell cell = new LstmCell(D, H, new Random(3));
        Matrix before = cell.b.value.copy();
        cell.setForgetBias(1.0);
        for (int k = 0; k < 4 * H; k++) {
            if (k >= H && k < 2 * H) assertEquals(1.0, cell.b.value.get(0, k));
            else assertEquals(before.get(0, k), cell.b.value.get(0, k));
        }
        double bound = 1 / Math.sqrt(D + H);
        assertTrue(cell.Wh.value.maxAbs() <= bound && cell.Wx.value.maxAbs() <= bound);
    }

    @Test
    void makemoreSizedLstmHasFourTimesTheRnnCellsParameters() {
        RecurrentLM lstm = new RecurrentLM(RecurrentLM.Config.makemore(CellType.LSTM, 27, 42));
        // wte 27·64 + start [h; c] 128 + W_x, W_h, b (64+64)·256 + 256 + lm_head 64·27 + 27
        assertEquals(27 * 64 + 128 + 128 * 256 + 256 + 64 * 27 + 27, lstm.numParams());
        assertEquals(java.util.List.of("C", "Wx", "Wh", "b", "start", "Why", "by"),
                lstm.params().stream().map(p -> p.name).toList());
        assertEquals(CellType.LSTM, CellType.of("LSTM"));
        assertEquals(2 * 64, lstm.cell.stateSize());
    }
}
