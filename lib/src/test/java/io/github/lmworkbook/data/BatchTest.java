package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.*;

/** A batch is B × T: ragged or mismatched rows are refused at construction, naming the row. */
class BatchTest {
    private static void assertRefused(String expected, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
    }

    @Test
    void raggedRowsAreRefusedNamingTheRow() {
        assertRefused("batch row 2 has 2 tokens but row 0 has 3",
                () -> new Batch(new int[][] {{0, 1, 2}, {0, 3, 4}, {0, 5}}, new int[][] {{1, 2, 0}, {3, 4, 0}, {5, 0}}));
        assertRefused("batch row 1 has 4 tokens but row 0 has 3",
                () -> new Batch(new int[][] {{0, 1, 2}, {0, 3, 4, 5}}, new int[][] {{1, 2, 0}, {3, 4, 5, 0}}));
    }

    @Test
    void mismatchedOrMissingRows() {
        assertRefused("batch row 1: 3 inputs but 2 targets",
                () -> new Batch(new int[][] {{0, 1, 2}, {0, 3, 4}}, new int[][] {{1, 2, 0}, {3, 4}}));
        assertRefused("batch: 2 input rows but 1 target rows",
                () -> new Batch(new int[][] {{0}, {1}}, new int[][] {{1}}));
        assertRefused("batch row 1: the inputs are null", () -> new Batch(new int[][] {{0}, null}, new int[][] {{1}, {2}}));
        assertRefused("batch: the targets y are null", () -> new Batch(new int[][] {{0}}, null));
    }

    @Test
    void rectangularBatchesAreAccepted() {
        Batch b = new Batch(new int[][] {{0, 1}, {0, 2}}, new int[][] {{1, -1}, {2, 0}});
        assertEquals(2, b.size());
        assertEquals(2, b.length());
        assertEquals(0, new Batch(new int[0][], new int[0][]).length());
    }
}
