package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

class CountingLanguageTest {
    final CountingLanguage anbn = new CountingLanguage(2), anbncn = new CountingLanguage(3);

    @Test
    void wordsAreTheLettersNTimesEachBetweenDelimiters() {
        assertEquals(".aaabbb.", anbn.decode(anbn.word(3)));
        assertEquals(".aabbcc.", anbncn.decode(anbncn.word(2)));
        assertEquals(3, anbn.vocabSize());
        assertEquals(7, anbn.length(3));
        assertEquals("CountingLanguage(aⁿbⁿ)", anbn.toString());
    }

    @Test
    void determinedPositionsAreTheFirstAndEverythingAfterTheFirstB() {
        // x = . a a a b b b, y = a a a b b b .: after '.' comes a; after a's, a or b; after a b, all is known
        assertArrayEquals(new boolean[] {true, false, false, false, true, true, true}, anbn.determined(3));
        assertEquals(4, anbn.countDetermined(3));
        boolean[] d = anbncn.determined(2);                       // . a a b b c c
        assertArrayEquals(new boolean[] {true, false, false, true, true, true, true}, d);
        assertEquals(5, anbncn.countDetermined(2));
    }

    @Test
    void acceptanceLooksAtTheDeterminedPositionsOnly() {
        int[] right = {1, 1, 1, 2, 2, 2, 0};                      // the targets of n = 3
        assertTrue(anbn.accepts(3, right));
        int[] guessesInTheAs = {1, 2, 2, 2, 2, 2, 0, 1, 1};       // wrong where nobody can know, extra positions
        assertTrue(anbn.accepts(3, guessesInTheAs));
        int[] endsTooEarly = {1, 1, 1, 2, 2, 0, 0};
        assertFalse(anbn.accepts(3, endsTooEarly));
        assertEquals(3, anbn.correctDetermined(3, endsTooEarly));
        assertThrows(IllegalArgumentException.class, () -> anbn.accepts(3, new int[] {1, 1}));
    }

    @Test
    void batchesArePaddedInMakemoresLayout() {
        Batch b = anbn.batch(1, 2);
        assertArrayEquals(new int[] {0, 1, 2, 0, 0}, b.x()[0]);
        assertArrayEquals(new int[] {1, 2, 0, -1, -1}, b.y()[0]);
        assertArrayEquals(new int[] {0, 1, 1, 2, 2}, b.x()[1]);
        assertArrayEquals(new int[] {1, 1, 2, 2, 0}, b.y()[1]);
        Supplier<Batch> s = anbn.randomBatches(64, 2, 5, 7), t = anbn.randomBatches(64, 2, 5, 7);
        int[] seen = new int[6];
        for (int k = 0; k < 20; k++) {
            Batch x = s.get(), y = t.get();
            assertEquals(11, x.length(), "every batch as long as the longest word");
            assertArrayEquals(x.y()[5], y.y()[5], "seeded");
            for (int[] row : x.y()) {
                int n = 0;
                while (row[n] == 1) n++;
                seen[n]++;                                         // y starts with the n a's
            }
        }
        assertEquals(0, seen[0] + seen[1], "n drawn from 2 … 5");
        assertTrue(seen[2] > 0 && seen[3] > 0 && seen[4] > 0 && seen[5] > 0);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> new CountingLanguage(1));
        assertThrows(IllegalArgumentException.class, () -> anbn.word(0));
        assertThrows(IllegalArgumentException.class, () -> anbn.randomBatches(4, 5, 3, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> anbn.decode(new int[] {3}));
        assertTrue(e.getMessage().contains("token 3"), e.getMessage());
    }
}
