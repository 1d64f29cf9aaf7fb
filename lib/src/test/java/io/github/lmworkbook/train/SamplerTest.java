package io.github.lmworkbook.train;

import io.github.lmworkbook.data.Vocabulary;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SamplerTest {
    static final Vocabulary VOCAB = Vocabulary.of(List.of("abc")); // . a b c

    /** A bigram that ends a name after 'c' with probability ~1 and otherwise prefers a → b → c. */
    static Bigram model() {
        Bigram m = new Bigram(4, 1);
        double[][] W = m.W.value.data;
        for (double[] row : W) java.util.Arrays.fill(row, 0);
        W[0][1] = 3;     // . → a likely
        W[1][2] = 3;     // a → b
        W[2][3] = 3;     // b → c
        W[3][0] = 20;    // c → . (end)
        return m;
    }

    @Test
    void sameSeedSameNames() {
        List<String> a = new Sampler(model(), VOCAB, 5).names(20);
        List<String> b = new Sampler(model(), VOCAB, 5).names(20);
        List<String> c = new Sampler(model(), VOCAB, 6).names(20);
        assertEquals(a, b);
        assertNotEquals(a, c);
        for (String s : a) assertFalse(s.contains("."), s);
    }

    @Test
    void zeroTemperatureIsGreedyAndLowTemperatureConcentrates() {
        assertEquals("abc", new Sampler(model(), VOCAB, 1).temperature(0).name());
        long greedyLow = new Sampler(model(), VOCAB, 2).temperature(0.3).names(200).stream().filter("abc"::equals).count();
        long greedyOne = new Sampler(model(), VOCAB, 2).temperature(1.0).names(200).stream().filter("abc"::equals).count();
        long greedyHigh = new Sampler(model(), VOCAB, 2).temperature(3.0).names(200).stream().filter("abc"::equals).count();
        assertTrue(greedyLow > greedyOne && greedyOne > greedyHigh, greedyLow + " > " + greedyOne + " > " + greedyHigh);
        assertTrue(greedyLow > 190, "τ = 0.3: " + greedyLow);
    }

    @Test
    void topOneIsGreedy() {
        Sampler s = new Sampler(model(), VOCAB, 3).topK(1).temperature(5);
        for (int i = 0; i < 20; i++) assertEquals("abc", s.name());
    }

    @Test
    void topKNeverPicksOutsideTheK() {
        Sampler s = new Sampler(model(), VOCAB, 3).topK(2);
        double[] z = {0.0, 1.0, 5.0, 0.5};
        for (int i = 0; i < 500; i++) {
            int t = s.sample(z);
            assertTrue(t == 1 || t == 2, "token " + t);
        }
    }

    @Test
    void samplingFrequenciesFollowSoftmax() {
        Sampler s = new Sampler(model(), VOCAB, 4);
        double[] z = {0, Math.log(3), Double.NEGATIVE_INFINITY, Math.log(6)}; // p = 0.1, 0.3, 0, 0.6
        int[] counts = new int[4];
        for (int i = 0; i < 20000; i++) counts[s.sample(z)]++;
        assertEquals(0, counts[2]);
        assertEquals(0.1, counts[0] / 20000.0, 0.015);
        assertEquals(0.3, counts[1] / 20000.0, 0.015);
        assertEquals(0.6, counts[3] / 20000.0, 0.015);
    }

    @Test
    void maxLengthBoundsANameAndTextContinuesAPrompt() {
        Bigram m = model();
        m.W.value.data[3][0] = -20; // never ends
        String name = new Sampler(m, VOCAB, 1).maxLength(7).temperature(0).name();
        assertEquals(7, name.length());
        String text = new Sampler(m, VOCAB, 1).temperature(0).text("ab", 4);
        assertEquals("abc", text.substring(0, 3));
        assertEquals(6, text.length());
    }

    @Test
    void nonFiniteLogitsAreRefusedNotSampled() {
        for (Sampler s : new Sampler[] {new Sampler(model(), VOCAB, 4), new Sampler(model(), VOCAB, 4).temperature(0),
                new Sampler(model(), VOCAB, 4).topK(2)}) {
            IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                    () -> s.sample(new double[] {0, Double.NaN, 1, 2}));
            assertTrue(nan.getMessage().contains("logit 1 is NaN"), nan.getMessage());
            IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                    () -> s.sample(new double[] {0, 1, Double.POSITIVE_INFINITY, 2}));
            assertTrue(inf.getMessage().contains("logit 2 is Infinity"), inf.getMessage());
            double ninf = Double.NEGATIVE_INFINITY;
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> s.sample(new double[] {ninf, ninf, ninf, ninf}));
            assertTrue(none.getMessage().contains("every logit is -Infinity"), none.getMessage());
            IllegalArgumentException length = assertThrows(IllegalArgumentException.class, () -> s.sample(new double[3]));
            assertTrue(length.getMessage().contains("3 logits for a vocabulary of 4 tokens"), length.getMessage());
        }
    }

    @Test
    void aModelWithNaNParametersGivesAClearErrorInsteadOfNames() {
        Bigram m = model();
        m.W.value.data[0][2] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sampler(m, VOCAB, 1).name());
        assertTrue(e.getMessage().contains("is NaN"), e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> new Sampler(model(), VOCAB, 1).names(-1));
        assertTrue(n.getMessage().contains("number of names -1 must be ≥ 0"), n.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> new Sampler(model(), VOCAB, 1).text("ab", Integer.MAX_VALUE));
        assertTrue(t.getMessage().contains("too long for one string"), t.getMessage());
    }

    @Test
    void aTemperatureSoTinyThatZOverTauOverflowsIsTheGreedyLimit() {
        Sampler greedy = new Sampler(model(), VOCAB, 1).temperature(0);
        for (double tau : new double[] {1e-320, Double.MIN_VALUE, 1e-300}) {
            assertEquals(greedy.name(), new Sampler(model(), VOCAB, 1).temperature(tau).name(), "τ = " + tau);
            Sampler s = new Sampler(model(), VOCAB, 3).temperature(tau);
            assertEquals(1, s.sample(new double[] {-5, -2, -7, -3}), "negative logits: the largest, no exception");
            assertEquals(3, s.sample(new double[] {Double.NEGATIVE_INFINITY, 1, 2, 3}));
            assertEquals(0, s.sample(new double[] {-1e308, -1.7e308, -1.5e308, -1.2e308}));
        }
    }
}
