package io.github.lmworkbook.models;

import io.github.lmworkbook.data.Batch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.*;

class NGramCountsTest {
    // V = 3; sequences "0 1 2 0" with targets "1 2 0 -1"
    static List<Batch> data() {
        return List.of(new Batch(new int[][] {{0, 1, 2, 0}, {0, 1, 1, 0}}, new int[][] {{1, 2, 0, -1}, {1, 1, 0, -1}}));
    }

    @Test
    void bigramProbabilitiesAreSmoothedCounts() {
        NGramCounts bigram = new NGramCounts(3, 1, 1.0).fit(data());
        assertEquals(6, bigram.positions());
        assertEquals(3, bigram.distinctContexts()); // contexts 0, 1, 2
        // one position: after token 1 comes 2. Counts after 1: {2:1, 1:1, 0:1}, total 3 → P(2|1) = (1+1)/(3+3)
        Batch one = new Batch(new int[][] {{1}}, new int[][] {{2}});
        assertEquals(-Math.log(2.0 / 6.0), bigram.loss(List.of(one)), 1e-12);
        assertEquals(0.0, bigram.unseenFraction(data()));
    }

    @Test
    void unseenContextsGetTheUniformDistribution() {
        NGramCounts trigram = new NGramCounts(3, 2, 0.5).fit(data());
        Batch unseen = new Batch(new int[][] {{2, 2}}, new int[][] {{-1, 1}}); // context (2, 2) never seen
        assertEquals(Math.log(3), trigram.loss(List.of(unseen)), 1e-12);
        assertEquals(1.0, trigram.unseenFraction(List.of(unseen)));
        assertEquals(16.0, trigram.possibleContexts());
    }

    @Test
    void unseenOnlyKeepsTheTargetsWhoseContextWasNeverCounted() {
        NGramCounts trigram = new NGramCounts(3, 2, 0.5).fit(data());
        Batch mixed = new Batch(new int[][] {{0, 1, 2, 2}}, new int[][] {{1, 2, 0, 1}});   // (2, 2) at t = 3 unseen
        List<Batch> only = trigram.unseenOnly(List.of(mixed));
        assertArrayEquals(new int[] {-1, -1, -1, 1}, only.get(0).y()[0]);
        assertArrayEquals(new int[] {1, 2, 0, 1}, mixed.y()[0], "the input is not changed");
        assertEquals(Math.log(3), trigram.loss(only), 1e-12);
        assertEquals(trigram.distinctContexts() * 3L, trigram.storedCounts());
    }
}
