package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RecallTaskTest {
    @Test
    void theStringThenTheMarkersAndTheStringAgainAsTargets() {
        RecallTask task = new RecallTask(4, 3);
        assertEquals(6, task.length());
        assertEquals(5, task.vocabSize());
        assertEquals(6.0, task.bits(), 1e-12);
        assertEquals(0.25, task.chanceAccuracy());
        Batch b = task.batches(8, 1).get();
        for (int i = 0; i < 8; i++) {
            int[] x = b.x()[i], y = b.y()[i];
            for (int t = 0; t < 3; t++) {
                assertTrue(x[t] >= 0 && x[t] < 4);
                assertEquals(Batch.IGNORE, y[t]);
                assertEquals(task.marker(), x[3 + t]);
                assertEquals(x[t], y[3 + t]);
            }
        }
        List<Batch> a = task.fixedSet(2, 4, 7), c = task.fixedSet(2, 4, 7);
        assertArrayEquals(a.get(1).x()[3], c.get(1).x()[3], "the same seed, the same set");
        assertThrows(IllegalArgumentException.class, () -> new RecallTask(1, 3));
        assertThrows(IllegalArgumentException.class, () -> new RecallTask(4, 0));
    }
}
