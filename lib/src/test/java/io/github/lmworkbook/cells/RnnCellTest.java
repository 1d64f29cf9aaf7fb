package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is particular to the vanilla RNN cell (the contract itself is in CellPropertiesTest, for every cell). */
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
    void copyHasItsOwnWeights() {
        RnnCell cell = new RnnCell(3, 4, new Random(5));
        RnnCell copy = cell.copy();
        for (int i = 0; i < 3; i++) {
            Param p = cell.params().get(i), q = copy.params().get(i);
            assertNotSame(p.value, q.value);
            for (int r = 0; r < p.value.rows; r++) assertArrayEquals(p.value.data[r], q.value.data[r], 0.0);
        }
        Matrix x = Matrix.randn(6, 3, 1, new Random(6));
        Recurrence<Step> a = new Recurrence<>(cell, false), b = new Recurrence<>(copy, false);
        Matrix ha = a.forward(cell.input().forward(x), 3, null).copy();
        Matrix hb = b.forward(copy.input().forward(x), 3, null);
        for (int r = 0; r < 6; r++) assertArrayEquals(ha.data[r], hb.data[r], 0.0);
        copy.Whh.value.scaleInPlace(2);
        assertEquals(cell.Whh.value.get(0, 0) * 2, copy.Whh.value.get(0, 0), 0.0);
    }
}
