package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The initialisation schemes against their derivation: Var(x·W) = in·Var(W)·Var(x) for independent zero-mean x and
 * W, so the variance of the activations through a stack of layers is multiplied by in·Var(W) per layer (by
 * in·Var(W)/2 through a ReLU, which zeroes half of a symmetric input). Statistical tests with a fixed seed: the
 * tolerances are several standard deviations of the estimates.
 */
class InitTest {
    static double meanSquare(Matrix m) {
        return m.sumOfSquares() / m.size();
    }

    /**
     * E[y²] after each of L layers of width n, inputs N(0, 1), with f between the layers: the mean over 16 networks
     * (the derivation's expectation is over W as well as x; one network of finite width drifts from it, by a
     * log-normal factor whose spread grows with the depth), 250 rows each.
     */
    static double[] throughLayers(Init scheme, double gain, int n, int L, DoubleUnaryOperator f, long seed) {
        Random rng = new Random(seed);
        int nets = 16;
        double[] out = new double[L];
        for (int k = 0; k < nets; k++) {
            Matrix x = Matrix.randn(250, n, 1.0, rng);
            for (int l = 0; l < L; l++) {
                Linear layer = new Linear("l" + l, n, n, false, rng);     // y = x·W: the derivation's layer
                scheme.apply(layer, gain, rng);
                Matrix y = layer.forward(x).copy();
                out[l] += meanSquare(y) / nets;
                for (double[] row : y.data) for (int j = 0; j < n; j++) row[j] = f.applyAsDouble(row[j]);
                x = y;
            }
        }
        return out;
    }

    @Test
    void theStandardDeviationOfEachScheme() {
        assertEquals(1 / Math.sqrt(3 * 64.0), Init.DEFAULT.std(64, 32, 5), 1e-15);
        assertEquals(Math.sqrt(2.0 / 96), Init.XAVIER.std(64, 32, 1), 1e-15);
        assertEquals(Math.sqrt(2.0) / 8, Init.KAIMING.std(64, 32, Init.GAIN_RELU), 1e-15);
        Random rng = new Random(3);
        for (Init s : Init.values()) {
            Linear layer = new Linear("W", 256, 128, true, rng);
            s.apply(layer, 5.0 / 3, rng);
            double v = meanSquare(layer.W.value), expected = Math.pow(s.std(256, 128, 5.0 / 3), 2);
            assertEquals(expected, v, 0.02 * expected, s.toString());              // 32,768 entries: ±0.8 % std
            if (s != Init.DEFAULT) assertEquals(0.0, layer.b.value.maxAbs(), 0.0, s + ": b = 0");
        }
    }

    @Test
    void linearLayersKeepTheVarianceUnderXavierAndShrinkItByThreeUnderTheDefault() {
        int n = 128, L = 6;
        double[] xavier = throughLayers(Init.XAVIER, 1, n, L, v -> v, 11);
        double[] byDefault = throughLayers(Init.DEFAULT, 1, n, L, v -> v, 11);
        for (int l = 0; l < L; l++) {
            // in = out: in·Var(W) = n·2/(2n) = 1
            assertEquals(1.0, xavier[l], 0.1, "Xavier, layer " + (l + 1));
            // U(±1/√n): in·Var(W) = n·1/(3n) = 1/3 per layer
            double v = Math.pow(1 / 3.0, l + 1);
            assertEquals(v, byDefault[l], 0.1 * v, "default, layer " + (l + 1));
        }
    }

    @Test
    void reluLayersKeepTheSecondMomentUnderKaimingAndHalveItWithGainOne() {
        int n = 256, L = 4;
        DoubleUnaryOperator relu = v -> Math.max(0, v);
        double[] he = throughLayers(Init.KAIMING, Init.GAIN_RELU, n, L, relu, 12);
        double[] one = throughLayers(Init.KAIMING, 1.0, n, L, relu, 12);
        // the first layer reads x ~ N(0, 1): E[y₁²] = in·(2/in)·1 = 2; then
        // E[y_l²] = in·(2/in)·E[relu(y_{l−1})²] = 2·E[y_{l−1}²]/2 = E[y_{l−1}²]
        for (int l = 0; l < L; l++) {
            assertEquals(2.0, he[l], 0.5, "Kaiming with gain √2, layer " + (l + 1));
            // gain 1: halved by every ReLU
            assertEquals(Math.pow(0.5, l), one[l], 0.25 * Math.pow(0.5, l), "gain 1, layer " + (l + 1));
        }
    }

    @Test
    void theDefaultSchemeRedrawsExactlyWhatTheConstructorDraws() {
        Linear made = new Linear("W", 7, 5, true, new Random(4));
        Linear redrawn = new Linear("W", 7, 5, true, new Random(99));
        Init.DEFAULT.apply(redrawn, 1, new Random(4));
        assertArrayEquals(made.W.value.data, redrawn.W.value.data);
        assertArrayEquals(made.b.value.data, redrawn.b.value.data);
    }

    @Test
    void orthogonalIsOrthogonalToRoundOffAndIdentityIsExact() {
        for (int n : new int[] {1, 2, 5, 64}) {
            Matrix Q = Init.orthogonal(new Matrix(n, n), 1.0, new Random(n));
            Matrix QtQ = Matrix.matmul(Q.transpose(), Q), QQt = Matrix.matmul(Q, Q.transpose());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? 1.0 : 0.0, QtQ.get(i, j), 1e-12, "QᵀQ[" + i + "][" + j + "], n = " + n);
                    assertEquals(i == j ? 1.0 : 0.0, QQt.get(i, j), 1e-12, "QQᵀ[" + i + "][" + j + "], n = " + n);
                }
            }
        }
        // scaled by the gain, and a different seed gives a different matrix
        Matrix a = Init.orthogonal(new Matrix(4, 4), 2.0, new Random(1)), b = Init.orthogonal(new Matrix(4, 4), 2.0, new Random(2));
        assertEquals(16.0, a.sumOfSquares(), 1e-12);
        assertFalse(java.util.Arrays.deepEquals(a.data, b.data));
        Matrix I = Init.identity(Matrix.randn(3, 3, 1.0, new Random(1)), 1.0);
        assertArrayEquals(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, I.data);
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(new Matrix(2, 3), 1, new Random(1)));
        assertEquals(Init.XAVIER, Init.of("Glorot"));
        assertEquals(Init.KAIMING, Init.of(" he "));
        assertThrows(IllegalArgumentException.class, () -> Init.of("lecun"));
    }
}
