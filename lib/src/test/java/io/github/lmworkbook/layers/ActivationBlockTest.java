package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Kernels;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** σ and tanh over a block of an array (the path the recurrent cells take) against the scalar definitions. */
class ActivationBlockTest {
    static double[] samples(int n, long seed) {
        Random r = new Random(seed);
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = switch (i % 4) {
                case 0 -> 0.3 * r.nextGaussian();
                case 1 -> 6 * r.nextGaussian();
                case 2 -> Math.copySign(Math.scalb(r.nextDouble(), -r.nextInt(60)), r.nextGaussian());
                default -> 800 * (2 * r.nextDouble() - 1);
            };
        }
        return z;
    }

    @Test
    void sigmoidOfABlockIsWithinThreeUlpOfTheScalarSigmoidDownToTheSubnormals() {
        double[] z = samples(100_003, 1), s = z.clone();
        Sigmoid.forward(s, 0, s.length);
        for (int i = 0; i < z.length; i++) {
            double ref = Sigmoid.sigmoid(z[i]);                        // below 2^−1022 (z < −708): 0 allowed
            assertTrue(Math.abs(s[i] - ref) <= Math.max(3 * Math.ulp(ref), Double.MIN_NORMAL),
                    z[i] + ": " + s[i] + " vs " + ref);
        }
        assertEquals(1.0, blockOf(Sigmoid::forward, 50), 0.0);
        assertEquals(0.0, blockOf(Sigmoid::forward, -800), 0.0);
        assertEquals(0.5, blockOf(Sigmoid::forward, 0), 0.0);
    }

    @Test
    void tanhOfABlockIsWithinThreeUlpOfMathTanh() {
        double[] z = samples(100_003, 2), t = z.clone();
        Tanh.forward(t, 0, t.length);
        for (int i = 0; i < z.length; i++) {
            double ref = Math.tanh(z[i]);
            assertTrue(Math.abs(t[i] - ref) <= 3 * Math.ulp(ref), z[i] + ": " + t[i] + " vs " + ref);
        }
        assertEquals(1.0, blockOf(Tanh::forward, 1e308), 0.0);
        assertEquals(-1.0, blockOf(Tanh::forward, -25), 0.0);
        assertEquals(0.0, blockOf(Tanh::forward, 0), 0.0);
    }

    @Test
    void onlyTheBlockChanges() {
        double[] z = {0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Tanh.forward(z, 3, 8);
        assertArrayEquals(new double[] {0.5, 1, 2}, java.util.Arrays.copyOf(z, 3), 0.0);
        assertArrayEquals(new double[] {8, 9}, java.util.Arrays.copyOfRange(z, 8, 10), 0.0);
        assertEquals(Math.tanh(3), z[3], 3 * Math.ulp(1.0));
        var e = assertThrows(IllegalArgumentException.class, () -> Kernels.exp(new double[4], 2, 5));
        assertTrue(e.getMessage().contains("2…5"), e.getMessage());
    }

    interface Block {
        void apply(double[] z, int from, int to);
    }

    /** The function of the block at one point, computed inside a longer block (vector lanes and the tail). */
    static double blockOf(Block f, double z) {
        double[] a = new double[11];
        java.util.Arrays.fill(a, z);
        f.apply(a, 0, a.length);
        for (double v : a) assertEquals(a[0], v, 0.0);
        return a[0];
    }
}
