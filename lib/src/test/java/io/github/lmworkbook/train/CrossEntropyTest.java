package io.github.lmworkbook.train;

import io.github.lmworkbook.data.Batch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Nats, bits and perplexity are one number; the count baselines against hand-counted values. */
class CrossEntropyTest {
    @Test
    void natsBitsAndPerplexityAreOneNumber() {
        CrossEntropy h = new CrossEntropy(Math.log(27));          // uniform over 27 tokens
        assertEquals(27, h.perplexity(), 1e-12);
        assertEquals(Math.log(27) / Math.log(2), h.bits(), 1e-15);
        assertEquals(h.nats(), CrossEntropy.ofBits(h.bits()).nats(), 1e-15);
        assertEquals(h.nats(), CrossEntropy.ofPerplexity(27).nats(), 1e-15);
        assertEquals(Math.pow(2, h.bits()), h.perplexity(), 1e-12);
        assertEquals(1.0, new CrossEntropy(0).perplexity());
        assertEquals("2.0000 nats = 2.885 bits/char, perplexity 7.39", new CrossEntropy(2).toString());
        assertEquals("(2.885 bits/char, perplexity 7.39)", CrossEntropy.unitsOf(2));
        assertEquals("", CrossEntropy.unitsOf(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropy(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new CrossEntropy(Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.ofPerplexity(0.5));
    }

    @Test
    void theBaselinesAreTheCountModelsOnTheHeldOutTokens() {
        // V = 3; training targets: 1, 2, 0 after 0, 1, 2; and 1, 1, 0 after 0, 1, 1
        List<Batch> train = List.of(new Batch(new int[][] {{0, 1, 2, 0}, {0, 1, 1, 0}},
                new int[][] {{1, 2, 0, -1}, {1, 1, 0, -1}}));
        List<Batch> held = List.of(new Batch(new int[][] {{0, 1}}, new int[][] {{1, 0}}));
        double a = 1.0;
        CrossEntropy.Baselines b = CrossEntropy.baselines(train, held, 3, a);
        assertEquals(Math.log(3), b.uniform().nats(), 1e-15);
        // unigram counts: 0 ×2, 1 ×3, 2 ×1 of 6; held targets 1 and 0
        double p1 = (3 + a) / (6 + 3 * a), p0 = (2 + a) / (6 + 3 * a);
        assertEquals(-(Math.log(p1) + Math.log(p0)) / 2, b.unigram().nats(), 1e-15);
        // bigram: after 0: 1 ×2 of 2; after 1: 2 ×1, 1 ×1, 0 ×1 of 3
        double q1 = (2 + a) / (2 + 3 * a), q0 = (1 + a) / (3 + 3 * a);
        assertEquals(-(Math.log(q1) + Math.log(q0)) / 2, b.bigram().nats(), 1e-15);
        assertTrue(b.toString().startsWith("uniform 1.0986 (1.585 bits/char, perplexity 3.00), unigram "), b.toString());
    }
}
