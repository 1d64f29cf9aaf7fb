package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is particular to the vanilla RNN cell (the contract itself is in CellPropertiesTest, for every cell), and
 * the copies that experiments make of a cell to change its weights (RnnCell, LstmCell).
 */
class RnnCellTest {
    /** makemore's initialisation: one Linear over [x; h], so W_xh, W_hh, b ~ U(±1/√(D + H)), spread over it. */
    @Test
    void initialisedLikeOneLinearOverXAndH() {
        for (int[] size : new int[][] {{2, 8}, {10, 16}, {27, 64}}) {
            RnnCell cell = new RnnCell(size[0], size[1], new Random(size[1]));
            double bound = 1 / Math.sqrt(size[0] + size[1]);
            for (Param p : cell.params()) {
                assertTrue(p.value.maxAbs() <= bound, p.name);
                assertTrue(p.value.maxAbs() > bound / 2, p.name + " spread over the bound");
            }
            assertEquals(List.of("Wxh", "Whh", "b"), cell.params().stream().map(p -> p.name).toList());
        }
    }

    /** A copy has the same weights in arrays of its own, so it computes the same steps and can be changed apart. */
    @Test
    void copiesHaveTheirOwnWeights() {
        RnnCell rnn = new RnnCell(3, 4, new Random(5));
        LstmCell lstm = new LstmCell(3, 4, new Random(5));
        assertSame(lstm, lstm.setForgetBias(1.0));
        assertCopy(rnn, rnn.copy());
        assertCopy(lstm, lstm.copy());
    }

    private static <S extends Step> void assertCopy(RecurrentCell<S> cell, RecurrentCell<S> copy) {
        List<Param> ps = cell.params(), qs = copy.params();
        assertEquals(ps.size(), qs.size());
        for (int i = 0; i < ps.size(); i++) {
            Param p = ps.get(i), q = qs.get(i);
            assertEquals(p.name, q.name);
            assertNotSame(p.value, q.value);
            for (int r = 0; r < p.value.rows; r++) assertArrayEquals(p.value.data[r], q.value.data[r], 0.0);
        }
        Matrix x = Matrix.randn(6, 3, 1, new Random(6));
        Recurrence<S> a = new Recurrence<>(cell, false), b = new Recurrence<>(copy, false);
        Matrix ha = a.forward(cell.input().forward(x), 3, null).copy();
        Matrix hb = b.forward(copy.input().forward(x), 3, null);
        for (int r = 0; r < 6; r++) assertArrayEquals(ha.data[r], hb.data[r], 0.0);
        Param q = qs.get(1);
        double before = ps.get(1).value.get(0, 0);
        q.value.scaleInPlace(2);
        assertEquals(before, ps.get(1).value.get(0, 0), 0.0);
        assertEquals(2 * before, q.value.get(0, 0), 0.0);
    }
}
