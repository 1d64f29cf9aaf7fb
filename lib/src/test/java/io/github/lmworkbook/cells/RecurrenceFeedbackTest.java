package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the encoder–decoder needs of {@link Recurrence}, for every cell: a gradient of the final state from outside the
 * sequence (∂L/∂s_T, both h and c for an LSTM), and a step input that depends on the previous state
 * ({@link Recurrence.Feedback}, here xw_t += h_{t−1}·M) — both against central differences, with the start state a
 * given constant whose gradient ({@link Recurrence#startGradient}) is checked too.
 */
class RecurrenceFeedbackTest {
    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void theFinalStatesGradientAndAFeedbackPassTheChecker(CellType type) {
        Random rng = new Random(31);
        int B = 2, T = 4, D = 3, H = 4;
        RecurrentCell<?> cell = type.create(D, H, rng);
        Recurrence<?> rec = new Recurrence<>(cell, false);
        int S = cell.stateSize(), GH = cell.input().out;
        Param x = new Param("x", Matrix.randn(B * T, D, 1.0, rng));
        Param s0 = new Param("s0", Matrix.randn(B, S, 0.5, rng));
        Param M = new Param("M", Matrix.randn(H, GH, 0.4, rng));
        Matrix G = Matrix.randn(B * T, H, 1.0, rng), g = Matrix.randn(B, S, 1.0, rng);
        Recurrence.Feedback feedback = new Recurrence.Feedback() {
            @Override
            public void forward(int t, Matrix hPrev, Matrix xw) {
                xw.addMatmul(hPrev, M.value);                      // xw_t += h_{t−1}·M
            }

            @Override
            public void backward(int t, Matrix hPrev, Matrix dxw, Matrix dhPrev) {
                M.grad.addMatmulTransA(hPrev, dxw);                // dM += h_{t−1}ᵀ·dxw_t
                dhPrev.addMatmulTransB(dxw, M.value);              // dh_{t−1} += dxw_t·Mᵀ
            }
        };
        List<Param> ps = new ArrayList<>(rec.params());
        ps.addAll(List.of(x, s0, M));
        GradientChecker.check(() -> ps, () -> {
            Matrix Hs = rec.forward(cell.input().forward(x.value), T, s0.value, feedback);
            return dot(G, Hs) + dot(g, rec.finalState());          // L = Σ G ⊙ h + Σ g ⊙ s_T
        }, () -> {
            rec.forward(cell.input().forward(x.value), T, s0.value, feedback);
            x.grad.addInPlace(cell.input().backward(rec.backward(G, g)));
            s0.grad.addInPlace(rec.startGradient());
        }).assertPassed();
        // without the feedback the pass is the plain recurrence's
        Matrix plain = rec.forward(cell.input().forward(x.value), T, s0.value).copy();
        Matrix zeroM = rec.forward(cell.input().forward(x.value), T, s0.value, new Recurrence.Feedback() {
            @Override
            public void forward(int t, Matrix hPrev, Matrix xw) {}

            @Override
            public void backward(int t, Matrix hPrev, Matrix dxw, Matrix dhPrev) {}
        });
        for (int r = 0; r < B * T; r++) assertArrayEquals(plain.data[r], zeroM.data[r], 0.0);
        // the buffer versions of the end states are the allocating ones
        Matrix into = new Matrix(B, S);
        assertArrayEquals(rec.finalState().data[1], rec.finalState(into).data[1], 0.0);
        var e = assertThrows(IllegalArgumentException.class, () -> rec.backward(G, new Matrix(B, S + 1)));
        assertTrue(e.getMessage().contains("final-state gradient"), e.getMessage());
    }
}
