package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The forward values of the attention layers (CausalSelfAttention, LayerNorm, Gelu) against plain loops written from
 * the derivation. The gradient checks cannot see a mistake that changes the function and its derivative alike (the
 * scores multiplied by √d instead of divided, y_i = −Σ a_ij v_j, s_ij = −q_i·k_j): those are caught here.
 */
class AttentionReferenceTest {
    private final Random rng = new Random(11);

    /** Σ_c a[c]·b[c] in one plain loop. */
    private static double plainDot(double[] a, double[] b, int n) {
        double s = 0;
        for (int c = 0; c < n; c++) s += a[c] * b[c];
        return s;
    }

    /**
     * dot keeps four partial sums and ends in a scalar tail loop; axpy is one loop. Every length 0 … 9 (tails of
     * 0, 1, 2 and 3 entries after 0, 1 or 2 blocks of four) against one plain loop.
     */
    @Test
    void dotAndAxpyMatchAPlainLoopForEveryLengthUpToNine() {
        for (int n = 0; n <= 9; n++) {
            double[] a = new double[n], b = new double[n];
            for (int c = 0; c < n; c++) {
                a[c] = rng.nextGaussian();
                b[c] = rng.nextGaussian();
            }
            double expected = plainDot(a, b, n), scale = plainDot(a, a, n) + plainDot(b, b, n);
            assertEquals(expected, CausalSelfAttention.dot(a, b, n), 1e-14 * (1 + scale), "dot, n = " + n);

            double alpha = rng.nextGaussian();
            double[] y = b.clone(), ref = b.clone();
            for (int c = 0; c < n; c++) ref[c] = ref[c] + alpha * a[c];
            CausalSelfAttention.axpy(alpha, a, y, n);
            assertArrayEquals(ref, y, 0.0, "axpy, n = " + n);
        }
    }

    /**
     * [Q | K | V] = x·W_qkv + b_qkv; per head s_ij = q_i·k_j / √d (j ≤ i), a_i = softmax(s_i), y_i = Σ_j a_ij v_j;
     * out = y·W_o + b_o — all in plain loops. Head size d = 5 and 6 (not multiples of four: dot's block and its
     * tail both run), ragged sequences, with and without the 1/√d.
     */
    @Test
    void causalSelfAttentionMatchesThePlainFormula() {
        for (int d : new int[] {5, 6}) for (boolean scaled : new boolean[] {true, false}) {
            int heads = 2, C = heads * d;
            int[] lengths = {3, 1, 4};
            int N = 8;
            CausalSelfAttention attn = new CausalSelfAttention("attn", C, heads, 4, rng).scaled(scaled);
            Matrix x = Matrix.randn(N, C, 1.0, rng);
            Matrix out = attn.forward(x, lengths).copy();
            assertEquals(3, attn.sequences());

            double[][] W = attn.qkv.W.value.data, bq = attn.qkv.b.value.data, Wo = attn.out.W.value.data,
                    bo = attn.out.b.value.data;
            double[][] QKV = new double[N][3 * C], Y = new double[N][C];
            for (int i = 0; i < N; i++) for (int c = 0; c < 3 * C; c++) {
                double s = bq[0][c];
                for (int m = 0; m < C; m++) s += x.data[i][m] * W[m][c];
                QKV[i][c] = s;
            }
            double scale = scaled ? 1 / Math.sqrt(d) : 1.0;
            for (int b = 0, off = 0; b < lengths.length; off += lengths[b], b++) {
                int L = lengths[b];
                for (int h = 0; h < heads; h++) {
                    Matrix weights = attn.weights(b, h);
                    for (int i = 0; i < L; i++) {
                        double[] s = new double[i + 1], a = new double[i + 1];
                        double max = Double.NEGATIVE_INFINITY, Z = 0;
                        for (int j = 0; j <= i; j++) {
                            double qk = 0;
                            for (int c = 0; c < d; c++) qk += QKV[off + i][h * d + c] * QKV[off + j][C + h * d + c];
                            s[j] = qk * scale;                                     // s_ij = q_i·k_j / √d
                            max = Math.max(max, s[j]);
                        }
                        for (int j = 0; j <= i; j++) Z += a[j] = Math.exp(s[j] - max);
                        for (int j = 0; j <= i; j++) {
                            a[j] /= Z;                                             // a_i = softmax(s_i)
                            assertEquals(a[j], weights.data[i][j], 1e-12, "a, d " + d + " seq " + b + " head " + h);
                            for (int c = 0; c < d; c++) Y[off + i][h * d + c] += a[j] * QKV[off + j][2 * C + h * d + c];
                        }
                    }
                }
            }
            for (int i = 0; i < N; i++) for (int c = 0; c < C; c++) {
                double o = bo[0][c];
                for (int m = 0; m < C; m++) o += Y[i][m] * Wo[m][c];               // out = y·W_o + b_o
                assertEquals(o, out.data[i][c], 1e-12, "out[" + i + "][" + c + "], d = " + d + ", scaled " + scaled);
            }
        }
    }

    /** T = 1: every row its own sequence of one position, which attends to itself only (a = 1, y_i = v_i). */
    @Test
    void causalSelfAttentionWithSequencesOfOnePosition() {
        CausalSelfAttention attn = new CausalSelfAttention("attn", 4, 2, 3, rng);
        Matrix x = Matrix.randn(5, 4, 1.0, rng);
        Matrix byT = attn.forward(x, 1).copy();
        assertEquals(5, attn.sequences());
        for (int b = 0; b < 5; b++) assertEquals(1.0, attn.weights(b, 1).data[0][0], 0.0);
        Matrix byLengths = attn.forward(x, new int[] {1, 1, 1, 1, 1});
        for (int i = 0; i < 5; i++) assertArrayEquals(byLengths.data[i], byT.data[i], 0.0);
    }

    /**
     * x̂ = (x − μ)/√(σ² + ε): with a near-constant row whose σ² is 3ε, x̂ = ±√3/2 (without ε it would be ±1, with
     * −ε ±√(3/2)); a constant row gives x̂ = 0 (ε keeps r finite); a given ε is the one used.
     */
    @Test
    void layerNormEpsilonCountsWhenTheVarianceIsComparable() {
        LayerNorm ln = new LayerNorm("ln", 4);
        double a = Math.sqrt(3 * LayerNorm.EPS);                                  // σ² = a² = 3ε
        Matrix x = Matrix.of(new double[][] {{3 - a, 3 + a, 3 - a, 3 + a}, {2, 2, 2, 2}});
        Matrix y = ln.forward(x);
        double xHat = Math.sqrt(3.0) / 2;                                         // a/√(a² + ε) = √(3ε/4ε)
        assertArrayEquals(new double[] {-xHat, xHat, -xHat, xHat}, y.data[0], 1e-9);
        assertArrayEquals(new double[] {0, 0, 0, 0}, y.data[1], 0.0);

        LayerNorm wide = new LayerNorm("w", 2, 0.5);                              // σ² = 1, ε = 0.5
        assertArrayEquals(new double[] {-1 / Math.sqrt(1.5), 1 / Math.sqrt(1.5)},
                wide.forward(Matrix.row(-1, 1)).data[0], 1e-15);
    }

    /** n = 1: x̂ = 0 always, so y = β and dx = 0 (μ is x itself). */
    @Test
    void layerNormOfOneEntry() {
        LayerNorm ln = new LayerNorm("ln", 1);
        ln.beta.value.data[0][0] = 0.25;
        Matrix y = ln.forward(Matrix.of(new double[][] {{7}, {-3}}));
        assertEquals(0.25, y.data[0][0], 0.0);
        assertEquals(0.25, y.data[1][0], 0.0);
        Matrix dx = ln.backward(Matrix.of(new double[][] {{1}, {2}}));
        assertEquals(0.0, dx.data[0][0], 0.0);
        assertEquals(0.0, dx.data[1][0], 0.0);
        assertEquals(3.0, ln.beta.grad.data[0][0], 0.0);
    }

    /** One Gelu reused on inputs of 3, 5 and 2 columns: every output has the input's shape and y = gelu(x). */
    @Test
    void geluReusedAcrossWidths() {
        Gelu gelu = new Gelu();
        for (int n : new int[] {3, 3, 5, 2}) {
            Matrix x = Matrix.randn(2, n, 2.0, rng);
            Matrix y = gelu.forward(x);
            assertTrue(y.sameShape(x), y.shape() + " for " + x.shape());
            for (int i = 0; i < 2; i++) for (int j = 0; j < n; j++)
                assertEquals(Gelu.gelu(x.data[i][j]), y.data[i][j], 1e-14 * (1 + Math.abs(x.data[i][j])));
            assertTrue(gelu.backward(Matrix.randn(2, n, 1.0, rng)).sameShape(x));
        }
    }
}
