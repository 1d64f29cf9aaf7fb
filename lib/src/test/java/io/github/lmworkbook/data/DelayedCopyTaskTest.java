package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DelayedCopyTaskTest {
    @Test
    void targetIsTheTokenKStepsBack() {
        DelayedCopyTask task = new DelayedCopyTask(5, 9, 3);
        Batch b = task.batches(4, 1).get();
        for (int i = 0; i < 4; i++) {
            for (int t = 0; t < 9; t++) {
                if (t < 2) assertEquals(-1, b.y()[i][t]);
                else assertEquals(b.x()[i][t - 2], b.y()[i][t]);
                assertTrue(b.x()[i][t] >= 0 && b.x()[i][t] < 5);
            }
        }
        assertEquals(Math.log(5), task.chanceLoss(), 1e-15);
    }

    @Test
    void seededAndReproducible() {
        DelayedCopyTask task = new DelayedCopyTask(4, 8, 2);
        var a = task.fixedSet(2, 3, 7);
        var b = task.fixedSet(2, 3, 7);
        for (int i = 0; i < 2; i++) assertArrayEquals(a.get(i).x(), b.get(i).x());
        assertThrows(IllegalArgumentException.class, () -> new DelayedCopyTask(4, 3, 3));
    }
}
