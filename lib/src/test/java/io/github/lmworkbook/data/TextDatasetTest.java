package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

class TextDatasetTest {
    static final String TEXT = "abcdefghijklmnopqrstuvwxyz"; // ids 0 … 25, N = 26
    static final TextDataset DS = new TextDataset(TEXT, Vocabulary.ofText(TEXT));

    @Test
    void randomChunksAreShiftedByOneAndSeeded() {
        Supplier<Batch> a = DS.randomChunks(4, 5, 9), b = DS.randomChunks(4, 5, 9);
        for (int k = 0; k < 50; k++) {
            Batch x = a.get(), y = b.get();
            assertArrayEquals(y.x(), x.x());
            for (int r = 0; r < 4; r++) {
                int i = x.x()[r][0];
                assertTrue(i >= 0 && i <= 26 - 5 - 1, "offset " + i);
                for (int t = 0; t < 5; t++) {
                    assertEquals(i + t, x.x()[r][t]);      // x = text[i … i+T)
                    assertEquals(i + t + 1, x.y()[r][t]);  // y = text[i+1 … i+T+1)
                }
            }
        }
    }

    @Test
    void streamsContinueRowByRowAcrossBatches() {
        TextDataset.Streams s = DS.streams(2, 4); // L = ⌊25/2⌋ = 12, K = ⌊12/4⌋ = 3
        assertEquals(3, s.batchesPerEpoch());
        Batch b0 = s.get();
        assertTrue(s.startsEpoch());
        assertArrayEquals(new int[] {0, 1, 2, 3}, b0.x()[0]);
        assertArrayEquals(new int[] {12, 13, 14, 15}, b0.x()[1]);
        assertArrayEquals(new int[] {13, 14, 15, 16}, b0.y()[1]);
        Batch b1 = s.get();
        assertFalse(s.startsEpoch());
        assertArrayEquals(new int[] {4, 5, 6, 7}, b1.x()[0]);
        assertArrayEquals(new int[] {16, 17, 18, 19}, b1.x()[1]);
        Batch b2 = s.get();
        assertArrayEquals(new int[] {21, 22, 23, 24}, b2.y()[1]); // the last target is ≤ N−1
        s.get();
        assertTrue(s.startsEpoch(), "wraps to a new epoch");
        assertArrayEquals(new int[] {4, 5, 6, 7}, s.get().x()[0]);
        int n = 0;
        for (Batch b : s.epoch()) n++;
        assertEquals(3, n);
    }

    @Test
    void inOrderCoversTheTextOnce() {
        List<Integer> firsts = new ArrayList<>();
        int rows = 0;
        for (Batch b : DS.inOrder(2, 5)) { // chunks = ⌊25/5⌋ = 5 → batches of 2, 2, 1
            for (int[] x : b.x()) firsts.add(x[0]);
            rows += b.size();
        }
        assertEquals(5, rows);
        assertEquals(List.of(0, 5, 10, 15, 20), firsts);
    }

    @Test
    void splitAtIsContiguous() {
        TextDataset[] parts = DS.splitAt(0.9);
        assertEquals(23, parts[0].length());
        assertEquals(3, parts[1].length());
        assertArrayEquals(new int[] {23, 24, 25}, parts[1].tokens());
    }

    @Test
    void tooShortTextIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DS.randomChunks(1, 26, 0));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }
}
