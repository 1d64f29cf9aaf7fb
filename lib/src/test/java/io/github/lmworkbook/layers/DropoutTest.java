package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Dropout's mask: inverted scaling, its statistics, the modes (training, frozen, evaluation), seeds. */
class DropoutTest {
    @Test
    void theMaskIsZeroOrOneOverQAndKeepsTheMeanInExpectation() {
        double p = 0.3;
        Dropout drop = new Dropout(p, 7);
        Matrix x = new Matrix(400, 500).fill(1.0);
        Matrix y = drop.forward(x);
        long zeros = 0;
        double sum = 0;
        for (double[] row : y.data) {
            for (double v : row) {
                assertTrue(v == 0.0 || v == 1.0 / (1 - p), "entry " + v);
                if (v == 0.0) zeros++;
                sum += v;
            }
        }
        int n = 400 * 500;
        // the share dropped is p (binomial: std √(p(1−p)/n) ≈ 0.001) and E[y] = x
        assertEquals(p, (double) zeros / n, 0.005);
        assertEquals(1.0, sum / n, 0.01);
        assertSame(drop.mask(), drop.mask());
        assertEquals(y.data[3][4] == 0.0, drop.mask().data[3][4] == 0.0);
    }

    @Test
    void backwardMultipliesByTheSameMask() {
        Dropout drop = new Dropout(0.5, 1);
        Random rng = new Random(2);
        Matrix x = Matrix.randn(5, 6, 1.0, rng), dy = Matrix.randn(5, 6, 1.0, rng);
        Matrix y = drop.forward(x).copy();
        Matrix dx = drop.backward(dy);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) {
                double m = drop.mask().data[i][j];
                assertEquals(x.data[i][j] * m, y.data[i][j], 0.0);
                assertEquals(dy.data[i][j] * m, dx.data[i][j], 0.0);
            }
        }
    }

    @Test
    void trainingDrawsAFreshMaskFrozenKeepsItResampleRedraws() {
        Matrix x = new Matrix(20, 30).fill(1.0);
        Dropout fresh = new Dropout(0.5, 9);
        Matrix a = fresh.forward(x).copy(), b = fresh.forward(x).copy();
        assertFalse(java.util.Arrays.deepEquals(a.data, b.data), "a new mask every forward in training");

        Dropout frozen = new Dropout(0.5, 9).freeze(true);
        Matrix c = frozen.forward(x).copy(), d = frozen.forward(x).copy();
        assertArrayEquals(c.data, d.data);
        assertArrayEquals(a.data, c.data, "the same seed draws the same first mask");
        frozen.resample();
        assertFalse(java.util.Arrays.deepEquals(c.data, frozen.forward(x).data));
        // a new shape draws a mask of its own
        assertEquals("(3×30)", frozen.forward(new Matrix(3, 30).fill(1.0)).shape());
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentity() {
        Matrix x = Matrix.randn(3, 4, 1.0, new Random(1));
        assertSame(x, new Dropout(0.4, 1).training(false).forward(x));
        Dropout none = new Dropout(0.0, 1);
        assertSame(x, none.forward(x));
        assertSame(x, none.backward(x));
        assertNull(none.mask(), "p = 0 draws nothing");
    }

    @Test
    void aProbabilityOutsideZeroToOneIsRefused() {
        for (double p : new double[] {-0.1, 1.0, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(p, 1));
            assertTrue(e.getMessage().contains("must be in [0, 1)"), e.getMessage());
        }
        Dropout d = new Dropout(0.5, 1);
        d.forward(new Matrix(2, 3));
        assertThrows(IllegalArgumentException.class, () -> d.backward(new Matrix(3, 3)));
    }
}
