package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

class NamesDatasetTest {
    static final List<String> WORDS = List.of("emma", "olivia", "ava", "x");

    @Test
    void layoutIsMakemores() {
        Vocabulary v = Vocabulary.of(WORDS); // . a e i l m o v x
        NamesDataset ds = new NamesDataset(WORDS, v);
        assertEquals(7, ds.blockSize()); // max_word_length 6 + 1
        // makemore CharDataset: x = zeros(T); y = zeros(T); x[1:1+n] = ix; y[:n] = ix; y[n+1:] = -1
        Batch emma = ds.example(0);
        assertArrayEquals(new int[] {0, 2, 5, 5, 1, 0, 0}, emma.x()[0]);
        assertArrayEquals(new int[] {2, 5, 5, 1, 0, -1, -1}, emma.y()[0]);
        Batch olivia = ds.example(1); // o=6 l=4 i=3 v=7 a=1
        assertArrayEquals(new int[] {0, 6, 4, 3, 7, 3, 1}, olivia.x()[0]);
        assertArrayEquals(new int[] {6, 4, 3, 7, 3, 1, 0}, olivia.y()[0]);
        Batch x = ds.example(3);
        assertArrayEquals(new int[] {0, 8, 0, 0, 0, 0, 0}, x.x()[0]);
        assertArrayEquals(new int[] {8, 0, -1, -1, -1, -1, -1}, x.y()[0]);
    }

    @Test
    void maxLenOfTheWholeCorpusFixesT() {
        Vocabulary v = Vocabulary.of(WORDS);
        NamesDataset ds = new NamesDataset(List.of("ava"), v, 6);
        assertEquals(7, ds.blockSize());
        assertThrows(IllegalArgumentException.class, () -> new NamesDataset(List.of("olivia"), v, 5));
    }

    @Test
    void randomBatchesAreSeededAndReuseTheirArrays() {
        Vocabulary v = Vocabulary.of(WORDS);
        NamesDataset ds = new NamesDataset(WORDS, v);
        Supplier<Batch> a = ds.randomBatches(3, 5), b = ds.randomBatches(3, 5), c = ds.randomBatches(3, 6);
        Batch first = a.get();
        int[][] firstX = first.x();
        boolean differs = false;
        for (int k = 0; k < 10; k++) {
            Batch ba = k == 0 ? first : a.get(), bb = b.get(), bc = c.get();
            assertSame(firstX, ba.x(), "the same arrays every time");
            assertArrayEquals(bb.x(), ba.x());
            assertArrayEquals(bb.y(), ba.y());
            differs |= !java.util.Arrays.deepEquals(ba.x(), bc.x());
            for (int i = 0; i < 3; i++) {  // every row is one of the examples
                boolean found = false;
                for (int w = 0; w < WORDS.size(); w++) {
                    found |= java.util.Arrays.equals(ds.example(w).x()[0], ba.x()[i])
                            && java.util.Arrays.equals(ds.example(w).y()[0], ba.y()[i]);
                }
                assertTrue(found);
            }
        }
        assertTrue(differs, "another seed gives other batches");
    }

    @Test
    void inOrderCoversTheSplitOnceWithASmallerLastBatch() {
        Vocabulary v = Vocabulary.of(WORDS);
        NamesDataset ds = new NamesDataset(WORDS, v);
        List<Integer> sizes = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Batch b : ds.inOrder(3)) {
            sizes.add(b.size());
            for (int[] row : b.x()) {
                int n = 1;
                while (n < row.length && row[n] != 0) n++;
                seen.add(v.decode(row, 1, n));
            }
        }
        assertEquals(List.of(3, 1), sizes);
        assertEquals(WORDS, seen);
    }
}
