package io.github.lmworkbook.analysis;

import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.Sigmoid;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class LstmTraceTest {
    @Test
    void theTraceIsTheCellsForwardPass() {
        Random rng = new Random(4);
        LstmCell cell = new LstmCell(3, 5, 0.7, rng);
        Matrix x = Matrix.randn(9, 3, 1.0, rng), s0 = Matrix.randn(1, 10, 0.5, rng);
        LstmTrace tr = LstmTrace.of(cell, s0, x);
        Recurrence<LstmCell.LstmStep> rec = new Recurrence<>(cell, false);
        Matrix hs = rec.forward(cell.input().forward(x), 9, s0);
        for (int t = 1; t <= 9; t++) {
            assertArrayEquals(hs.data[t - 1], tr.h.data[t - 1], 0.0);
            assertArrayEquals(rec.step(t).c.data[0], tr.c.data[t - 1], 0.0);
            for (int j = 0; j < 5; j++) {
                assertEquals(rec.step(t).gate(LstmCell.F, 0, j), tr.f.get(t - 1, j), 0.0);
                double cPrev = t == 1 ? s0.get(0, 5 + j) : tr.c.get(t - 2, j);       // c_t = f⊙c_{t−1} + i⊙g
                assertEquals(tr.f.get(t - 1, j) * cPrev + tr.i.get(t - 1, j) * tr.g.get(t - 1, j), tr.c.get(t - 1, j),
                        1e-15);
                assertEquals(tr.o.get(t - 1, j) * Math.tanh(tr.c.get(t - 1, j)), tr.h.get(t - 1, j), 1e-15);
            }
        }
        assertArrayEquals(LstmTrace.unit(tr.c, 2), new double[] {tr.c.get(0, 2), tr.c.get(1, 2), tr.c.get(2, 2),
                tr.c.get(3, 2), tr.c.get(4, 2), tr.c.get(5, 2), tr.c.get(6, 2), tr.c.get(7, 2), tr.c.get(8, 2)}, 0.0);
    }

    @Test
    void memoryTimesFollowTheForgetGate() {
        LstmCell cell = new LstmCell(1, 3, 0.0, new Random(0));         // all weights 0: f = σ(b_f) at every step
        cell.b.value.set(0, LstmCell.F * 3, 0.0);                        // f = 0.5
        cell.b.value.set(0, LstmCell.F * 3 + 1, Math.log(99));          // f = 0.99
        cell.b.value.set(0, LstmCell.F * 3 + 2, 60);                     // f = 1 in double
        LstmTrace tr = LstmTrace.of(cell, new Matrix(1, 6), Matrix.randn(20, 1, 1.0, new Random(1)));
        double[] tau = tr.memoryTimes(), mean = tr.meanForget();
        assertEquals(1 / Math.log(2), tau[0], 1e-12);
        assertEquals(-1 / Math.log(0.99), tau[1], 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, tau[2]);
        assertEquals(0.5, mean[0], 1e-15);
        assertEquals(2.0 / 3, tr.shareKeeping(0.9), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LstmTrace.of(cell, new Matrix(1, 5), new Matrix(4, 1)));
        // pooled over two traces of different lengths: every step counts once
        cell.b.value.set(0, LstmCell.F * 3, 1.0);                        // f = σ(1) in the first unit
        LstmTrace other = LstmTrace.of(cell, new Matrix(1, 6), Matrix.randn(10, 1, 1.0, new Random(2)));
        double[] pooled = LstmTrace.meanForget(java.util.List.of(tr, other));
        assertEquals((20 * 0.5 + 10 * Sigmoid.sigmoid(1.0)) / 30, pooled[0], 1e-15);
        double[] tauPooled = LstmTrace.memoryTimes(java.util.List.of(tr, other));
        assertEquals(-30 / (20 * Math.log(0.5) + 10 * Math.log(Sigmoid.sigmoid(1.0))), tauPooled[0], 1e-12);
    }
}
