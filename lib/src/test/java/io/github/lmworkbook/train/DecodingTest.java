package io.github.lmworkbook.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Greedy, temperature, top-k and nucleus (top-p) decoding: the distribution each draws from
 * ({@link Sampler#probabilities}), and the draws themselves.
 */
class DecodingTest {
    static Sampler sampler(long seed) {
        return new Sampler(SamplerTest.model(), SamplerTest.VOCAB, seed);
    }

    static double[] softmax(double[] z, double tau) {
        double max = Arrays.stream(z).max().orElseThrow(), sum = 0;
        double[] p = new double[z.length];
        for (int j = 0; j < z.length; j++) sum += p[j] = Math.exp((z[j] - max) / tau);
        for (int j = 0; j < z.length; j++) p[j] /= sum;
        return p;
    }

    static int nonZero(double[] p) {
        return (int) Arrays.stream(p).filter(v -> v > 0).count();
    }

    @Test
    void greedyIsTheArgmaxAndTheFirstOfEquals() {
        Sampler s = sampler(1).greedy();
        assertArrayEquals(new double[] {0, 0, 1, 0}, s.probabilities(new double[] {0.1, 2.0, 3.0, -1}), 0.0);
        for (int i = 0; i < 50; i++) assertEquals(2, s.sample(new double[] {0.1, 2.0, 3.0, -1}));
        assertEquals(1, s.sample(new double[] {0.1, 3.0, 3.0, -1}), "ties: the first");
        assertEquals("abc", sampler(9).decoding(Decoding.greedy()).name());
    }

    @Test
    void temperatureDividesTheLogits() {
        double[] z = {0.3, -1.2, 2.0, 0.7};
        for (double tau : new double[] {0.25, 1, 3}) {
            assertArrayEquals(softmax(z, tau), sampler(1).temperature(tau).probabilities(z), 1e-15);
        }
    }

    @Test
    void topKKeepsExactlyKTokensAndRenormalises() {
        double[] z = {0.3, -1.2, 2.0, 0.7};
        for (int k = 1; k <= 4; k++) {
            double[] p = sampler(1).topK(k).probabilities(z);
            assertEquals(k, nonZero(p), "k = " + k);
            assertEquals(1.0, Arrays.stream(p).sum(), 1e-15);
            // the k largest logits, in proportion to e^z among themselves
            Integer[] order = {2, 3, 0, 1};
            double norm = 0;
            for (int i = 0; i < k; i++) norm += Math.exp(z[order[i]]);
            for (int i = 0; i < 4; i++) {
                double expected = i < k ? Math.exp(z[order[i]]) / norm : 0.0;
                assertEquals(expected, p[order[i]], 1e-15, "k = " + k + ", token " + order[i]);
            }
        }
        // equal logits at the edge: still exactly k, the first ones
        double[] tied = {1.0, 2.0, 1.0, 1.0};
        double[] p = sampler(1).topK(2).probabilities(tied);
        assertEquals(2, nonZero(p));
        assertTrue(p[1] > 0 && p[0] > 0 && p[2] == 0 && p[3] == 0, Arrays.toString(p));
        // with a temperature: softmax(z/τ) over the kept
        double[] q = sampler(1).topK(2).temperature(0.5).probabilities(z);
        double a = Math.exp(2.0 / 0.5), b = Math.exp(0.7 / 0.5);
        assertEquals(a / (a + b), q[2], 1e-15);
        assertEquals(b / (a + b), q[3], 1e-15);
    }

    @Test
    void topPKeepsTheSmallestSetWithMassAtLeastP() {
        double[] probs = {0.1, 0.5, 0.15, 0.25};
        double[] z = new double[4];
        for (int j = 0; j < 4; j++) z[j] = Math.log(probs[j]);
        // 0.5 < 0.6 ≤ 0.5 + 0.25: the two most likely, renormalised
        double[] p = sampler(1).topP(0.6).probabilities(z);
        assertArrayEquals(new double[] {0, 0.5 / 0.75, 0, 0.25 / 0.75}, p, 1e-15);
        assertArrayEquals(new double[] {0, 1, 0, 0}, sampler(1).topP(0.4).probabilities(z), 1e-15);
        assertArrayEquals(new double[] {0, 0.5 / 0.9, 0.15 / 0.9, 0.25 / 0.9}, sampler(1).topP(0.85).probabilities(z),
                1e-15);
        assertArrayEquals(probs, sampler(1).topP(1.0).probabilities(z), 1e-15);
        // random logits: the kept set has mass ≥ p, holds the most likely tokens, and without its least likely
        // member it would fall short of p
        Random rng = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) x[j] = 2 * rng.nextGaussian();
            double top = 0.05 + 0.9 * rng.nextDouble();
            double[] full = sampler(1).probabilities(x), kept = sampler(1).topP(top).probabilities(x);
            double mass = 0, least = 1, droppedMax = 0;
            for (int j = 0; j < 4; j++) {
                if (kept[j] > 0) {
                    mass += full[j];
                    least = Math.min(least, full[j]);
                } else {
                    droppedMax = Math.max(droppedMax, full[j]);
                }
            }
            assertTrue(mass >= top - 1e-15, "mass " + mass + " ≥ " + top);
            assertTrue(mass - least < top, "smallest: " + (mass - least) + " < " + top);
            assertTrue(droppedMax <= least, "the most likely are kept");
            for (int j = 0; j < 4; j++) if (kept[j] > 0) assertEquals(full[j] / mass, kept[j], 1e-14);
        }
    }

    @Test
    void topKThenTopPAndTheDrawsFollowTheDistribution() {
        double[] probs = {0.1, 0.5, 0.15, 0.25};
        double[] z = new double[4];
        for (int j = 0; j < 4; j++) z[j] = Math.log(probs[j]);
        Sampler s = sampler(4).topK(3).topP(0.8);
        // top-3 {0.5, 0.25, 0.15} renormalised to {0.556, 0.278, 0.167}; nucleus 0.8: the first two (0.833)
        double[] p = s.probabilities(z);
        assertArrayEquals(new double[] {0, 2.0 / 3, 0, 1.0 / 3}, p, 1e-15);
        int[] counts = new int[4];
        for (int i = 0; i < 30000; i++) counts[s.sample(z)]++;
        assertEquals(0, counts[0] + counts[2]);
        assertEquals(2.0 / 3, counts[1] / 30000.0, 0.01);
    }

    @Test
    void theSameSeedAndSettingsGiveTheSameSamples() {
        Decoding d = new Decoding(2.5, 3, 0.95);                 // flat enough to vary
        List<String> a = sampler(5).decoding(d).names(30), b = sampler(5).decoding(d).names(30);
        assertEquals(a, b);
        assertNotEquals(a, sampler(6).decoding(d).names(30));
    }

    @Test
    void settingsAreValidatedAndNamed() {
        assertThrows(IllegalArgumentException.class, () -> sampler(1).topP(0));
        assertThrows(IllegalArgumentException.class, () -> sampler(1).topP(1.5));
        assertThrows(IllegalArgumentException.class, () -> sampler(1).topP(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Decoding(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new Decoding(1, -2, 1));
        assertThrows(IllegalArgumentException.class, () -> new Decoding(1, 0, 0));
        assertEquals("greedy", Decoding.greedy().toString());
        assertEquals("τ = 0.8", Decoding.temperature(0.8).toString());
        assertEquals("τ = 1", Decoding.temperature(1).toString());
        assertEquals("top-k 5", Decoding.topK(5).toString());
        assertEquals("top-p 0.9", Decoding.topP(0.9).toString());
        assertEquals("τ = 0.7, top-k 3, top-p 0.95", new Decoding(0.7, 3, 0.95).toString());
    }
}
