package io.github.lmworkbook.layers;

import io.github.lmworkbook.EveryEntry;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every layer's backward against central differences (relative error ≤ 1e-7), for its parameters and its
 * input. A layer with output y gets the scalar L = Σ dout ⊙ y, so that ∂L/∂y = dout; the input is wrapped
 * in a Param whose grad receives dx.
 */
class LayerGradientTest {
    private final Random rng = new Random(11);

    private static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    @Test
    void linearWithBias() {
        Linear lin = new Linear("lin", 3, 5, true, rng);
        Param x = new Param("x", Matrix.randn(4, 3, 1.0, rng));
        Matrix dout = Matrix.randn(4, 5, 1.0, rng);
        GradCheckReport r = GradientChecker.check(() -> List.of(lin.W, lin.b, x),
                () -> dot(dout, lin.forward(x.value)),
                () -> {
                    lin.forward(x.value);
                    x.grad.addInPlace(lin.backward(dout));
                });
        r.assertPassed();
        assertEquals(List.of("lin.W", "lin.b", "x"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
        assertEquals(15, r.entry("lin.W").checked());
        assertEquals(12, r.entry("x").checked());
    }

    @Test
    void linearWithoutBias() {
        Linear lin = new Linear("lin", 4, 2, false, rng);
        assertNull(lin.b);
        assertEquals(List.of(lin.W), lin.params());
        Param x = new Param("x", Matrix.randn(3, 4, 1.0, rng));
        Matrix dout = Matrix.randn(3, 2, 1.0, rng);
        GradientChecker.check(() -> List.of(lin.W, x),
                () -> dot(dout, lin.forward(x.value)),
                () -> {
                    lin.forward(x.value);
                    x.grad.addInPlace(lin.backward(dout));
                }).assertPassed();
    }

    @Test
    void linearBackwardAccumulatesAcrossCalls() {
        Linear lin = new Linear("lin", 2, 3, true, rng);
        Matrix x = Matrix.randn(4, 2, 1.0, rng), dy = Matrix.randn(4, 3, 1.0, rng);
        lin.forward(x);
        lin.backward(dy);
        Matrix once = lin.W.grad.copy(), onceB = lin.b.grad.copy();
        lin.backward(dy);
        assertArrayEquals(once.scaleInPlace(2).data[1], lin.W.grad.data[1], 1e-12);
        assertArrayEquals(onceB.scaleInPlace(2).data[0], lin.b.grad.data[0], 1e-12);
    }

    @Test
    void embeddingWithRepeatedTokensScatterAdds() {
        Embedding emb = new Embedding("C", 5, 3, rng);
        int[][] x = {{1, 2, 1}, {2, 2, 0}}; // token 2 three times, token 1 twice, tokens 3 and 4 never
        Matrix de = Matrix.randn(2, 9, 1.0, rng);
        GradCheckReport r = GradientChecker.check(() -> List.of(emb.C),
                () -> dot(de, emb.forward(x, x.length)),
                () -> {
                    emb.forward(x, x.length);
                    emb.backward(de);
                });
        r.assertPassed();
        assertEquals(15, r.entry("C").checked());
        // explicitly: dC[2] = de[0][3..5] + de[1][0..2] + de[1][3..5], untouched rows stay zero
        emb.C.zeroGrad();
        emb.forward(x, x.length);
        emb.backward(de);
        for (int j = 0; j < 3; j++) {
            assertEquals(de.data[0][3 + j] + de.data[1][j] + de.data[1][3 + j], emb.C.grad.data[2][j], 1e-15);
            assertEquals(0.0, emb.C.grad.data[3][j]);
            assertEquals(0.0, emb.C.grad.data[4][j]);
        }
        // forward is the concatenation of rows of C
        Matrix e = emb.forward(x, x.length);
        assertArrayEquals(emb.C.value.data[0], java.util.Arrays.copyOfRange(e.data[1], 6, 9), 0.0);
    }

    @Test
    void embeddingOneTokenPerRowWithRepeatedIds() {
        Embedding emb = new Embedding("C", 4, 2, rng);
        int[] ids = {1, 3, 1, 1};
        Matrix dout = Matrix.randn(4, 2, 1.0, rng);
        GradientChecker.check(() -> List.of(emb.C), () -> dot(dout, emb.forward(ids)), () -> {
            emb.forward(ids);
            emb.backward(dout);
        }).assertPassed();
        emb.C.zeroGrad();
        emb.forward(ids);
        emb.backward(dout);
        assertEquals(dout.data[0][1] + dout.data[2][1] + dout.data[3][1], emb.C.grad.data[1][1], 1e-15);
        assertArrayEquals(emb.C.value.data[3], emb.forward(ids).data[1], 0.0);
    }

    /**
     * One embedding (m = 2) read as windows of 1, 4, 9 and 2 tokens: e (N × n·m) is the concatenation of the rows of
     * C every time. The widths 1·m and 4·m differ although 4/m = 1·m: the buffer must be resized on n·m.
     */
    @Test
    void embeddingReusedAcrossWindowSizes() {
        Embedding emb = new Embedding("C", 5, 2, rng);
        for (int n : new int[] {1, 4, 9, 2}) {
            int[][] x = new int[3][n];
            for (int[] row : x) for (int k = 0; k < n; k++) row[k] = rng.nextInt(5);
            Matrix e = emb.forward(x, 3);
            assertEquals("(3×" + 2 * n + ")", e.shape());
            for (int r = 0; r < 3; r++) for (int k = 0; k < n; k++)
                assertArrayEquals(emb.C.value.data[x[r][k]], java.util.Arrays.copyOfRange(e.data[r], 2 * k, 2 * k + 2), 0.0);
        }
    }

    @Test
    void embeddingRefusesBadIdsAndShapes() {
        Embedding emb = new Embedding("C", 4, 2, rng);
        var e = assertThrows(IllegalArgumentException.class, () -> emb.forward(new int[] {0, 4}));
        assertTrue(e.getMessage().contains("token id 4 outside [0, 4)"), e.getMessage());
        emb.forward(new int[] {0, 1});
        e = assertThrows(IllegalArgumentException.class, () -> emb.backward(new Matrix(3, 2)));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    /** The Layer contract: forward then backward on instances, with a random upstream gradient. */
    private static GradCheckReport checkLayer(Layer layer, Param x, Matrix dout) {
        List<Param> ps = new java.util.ArrayList<>(layer.params());
        ps.add(x);
        return GradientChecker.check(() -> ps, () -> dot(dout, layer.forward(x.value)), () -> {
            layer.forward(x.value);
            x.grad.addInPlace(layer.backward(dout));
        });
    }

    @Test
    void activationLayersFollowTheContract() {
        for (Layer layer : List.of(new Tanh(), new Sigmoid(), new Softmax())) {
            Param x = new Param("x", Matrix.randn(5, 6, 1.5, rng));
            checkLayer(layer, x, Matrix.randn(5, 6, 1.0, rng)).assertPassed();
            // a different number of rows reuses nothing stale
            Param x2 = new Param("x", Matrix.randn(2, 6, 1.5, rng));
            checkLayer(layer, x2, Matrix.randn(2, 6, 1.0, rng)).assertPassed();
        }
    }

    @Test
    void dropoutWithAFrozenMaskFollowsTheContract() {
        for (double p : new double[] {0.0, 0.1, 0.5, 0.9}) {
            Dropout drop = new Dropout(p, 3).freeze(true);
            Param x = new Param("x", Matrix.randn(6, 7, 1.0, rng));
            GradCheckReport r = checkLayer(drop, x, Matrix.randn(6, 7, 1.0, rng));
            r.assertPassed();
            assertEquals(42, r.entry("x").checked());
            // evaluation: the identity, forward and backward
            drop.training(false);
            Matrix dy = Matrix.randn(6, 7, 1.0, rng);
            assertSame(x.value, drop.forward(x.value));
            assertSame(dy, drop.backward(dy));
        }
    }

    @Test
    void softmaxRowsSumToOneAndBackwardIsTheVectorJacobianProduct() {
        Matrix z = Matrix.randn(3, 7, 3.0, rng);
        Softmax softmax = new Softmax();
        Matrix p = softmax.forward(z);
        for (double[] r : p.data) assertEquals(1.0, java.util.Arrays.stream(r).sum(), 1e-14);
        Matrix dp = Matrix.randn(3, 7, 1.0, rng);
        Matrix dz = softmax.backward(dp);
        for (int i = 0; i < 3; i++) {                       // against the formed Jacobian diag(p) − p pᵀ
            for (int j = 0; j < 7; j++) {
                double expected = 0;
                for (int k = 0; k < 7; k++) expected += dp.data[i][k] * p.data[i][k] * ((k == j ? 1 : 0) - p.data[i][j]);
                assertEquals(expected, dz.data[i][j], 1e-15);
            }
        }
        double[] masked = {1.0, Double.NEGATIVE_INFINITY, 2.0}, q = new double[3];
        Softmax.row(masked, q, 3);
        assertEquals(0.0, q[1], 0.0);
        assertEquals(1.0, q[0] + q[2], 1e-15);
        assertThrows(IllegalArgumentException.class,
                () -> Softmax.row(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}, new double[2], 2));
        double[] nan = new double[2];
        assertTrue(Double.isNaN(Softmax.row(new double[] {Double.NaN, 1}, nan, 2)) && Double.isNaN(nan[1]));
    }

    @Test
    void fastTanhIsWithinTwoUlpOfMathTanh() {
        Random r = new Random(5);
        for (int k = 0; k < 200_000; k++) {
            double z = k < 100_000 ? 25 * (2 * r.nextDouble() - 1) : Math.scalb(r.nextDouble(), -r.nextInt(60));
            double a = Tanh.tanh(z), b = Math.tanh(z);
            assertTrue(Math.abs(a - b) <= 2 * Math.ulp(b), z + ": " + a + " vs " + b);
            assertEquals(-a, Tanh.tanh(-z), 0.0);
        }
        assertEquals(1.0, Tanh.tanh(1e308), 0.0);
        assertEquals(0.0, Tanh.tanh(0.0), 0.0);
    }

    @Test
    void tanh() {
        Matrix z = Matrix.randn(4, 6, 1.5, rng), dh = Matrix.randn(4, 6, 1.0, rng);
        GradientChecker.checkBackward(
                x -> Tanh.forward(new Matrix(x), new Matrix(x.length, x[0].length)).data,
                (x, dout) -> {
                    Matrix h = Tanh.forward(new Matrix(x), new Matrix(x.length, x[0].length));
                    return Tanh.backward(h, new Matrix(dout), new Matrix(x.length, x[0].length)).data;
                }, z.data, dh.data).assertPassed();
    }

    @Test
    void tanhInPlace() {
        Matrix z = Matrix.randn(2, 3, 1.0, rng), dh = Matrix.randn(2, 3, 1.0, rng);
        Matrix h = Tanh.forward(z.copy(), new Matrix(2, 3));
        Matrix expected = Tanh.backward(h, dh, new Matrix(2, 3));
        Matrix hz = z.copy();
        Tanh.forward(hz, hz);
        assertArrayEquals(h.data[1], hz.data[1], 0.0);
        Matrix d = dh.copy();
        Tanh.backward(h, d, d);
        assertArrayEquals(expected.data[1], d.data[1], 0.0);
    }

    @Test
    void sigmoid() {
        Matrix z = Matrix.randn(4, 6, 2.0, rng), ds = Matrix.randn(4, 6, 1.0, rng);
        GradientChecker.checkBackward(
                x -> Sigmoid.forward(new Matrix(x), new Matrix(x.length, x[0].length)).data,
                (x, dout) -> {
                    Matrix s = Sigmoid.forward(new Matrix(x), new Matrix(x.length, x[0].length));
                    return Sigmoid.backward(s, new Matrix(dout), new Matrix(x.length, x[0].length)).data;
                }, z.data, ds.data).assertPassed();
    }

    @Test
    void sigmoidIsStableForLargeInputs() {
        assertEquals(1.0, Sigmoid.sigmoid(800), 0.0);
        assertEquals(0.0, Sigmoid.sigmoid(-800), 0.0);
        assertEquals(Math.exp(-40), Sigmoid.sigmoid(-40), 1e-30);
        assertEquals(0.5, Sigmoid.sigmoid(0), 0.0);
    }

    private static GradCheckReport checkSoftmaxCE(Param z, int[] y) {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        return GradientChecker.check(() -> List.of(z), () -> ce.forward(z.value, y), () -> {
            ce.forward(z.value, y);
            z.grad.addInPlace(ce.backward());
        });
    }

    @Test
    void softmaxCrossEntropy() {
        checkSoftmaxCE(new Param("z", Matrix.randn(5, 7, 2.0, rng)), new int[] {0, 6, 3, 3, 1}).assertPassed();
    }

    @Test
    void softmaxCrossEntropyIgnoresMaskedTargets() {
        Param z = new Param("z", Matrix.randn(5, 4, 1.0, rng));
        int[] y = {2, -1, 0, -1, 3};
        checkSoftmaxCE(z, y).assertPassed();

        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        double L = ce.forward(z.value, y);
        assertEquals(3, ce.count());
        // the mean over the three rows that count
        double expected = 0;
        for (int b : new int[] {0, 2, 4}) {
            double[] zb = z.value.data[b];
            double s = 0;
            for (double v : zb) s += Math.exp(v);
            expected -= Math.log(Math.exp(zb[y[b]]) / s);
        }
        assertEquals(expected / 3, L, 1e-12);
        Matrix dz = ce.backward();
        assertArrayEquals(new double[4], dz.data[1], 0.0);
        assertArrayEquals(new double[4], dz.data[3], 0.0);
        // a padded row may have any logits: changing them changes nothing
        z.value.data[1][0] += 50;
        assertEquals(L, new SoftmaxCrossEntropy().forward(z.value, y), 0.0);

        // all targets masked: loss 0 and zero gradient
        SoftmaxCrossEntropy none = new SoftmaxCrossEntropy();
        assertEquals(0.0, none.forward(z.value, new int[] {-1, -1, -1, -1, -1}));
        assertEquals(0.0, none.backward().maxAbs());
    }

    @Test
    void softmaxCrossEntropyIsStableForLargeLogits() {
        // logits around 1000: exp(1000) overflows, z − max z does not
        Matrix z0 = Matrix.randn(4, 5, 1.0, rng);
        Param z = new Param("z", z0.copy());
        for (double[] r : z.value.data) for (int j = 0; j < r.length; j++) r[j] += 1000;
        int[] y = {1, 4, 0, 2};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        double L = ce.forward(z.value, y);
        assertTrue(Double.isFinite(L));
        assertEquals(new SoftmaxCrossEntropy().forward(z0, y), L, 1e-12); // softmax is shift-invariant
        assertTrue(ce.backward().isFinite());
        checkSoftmaxCE(z, y).assertPassed();

        // spread ±1000: the probabilities saturate to one-hot, the loss stays finite (a wrong target costs ~2000)
        Matrix spread = Matrix.of(new double[][] {{1000, -1000, 0}, {-1000, 1000, 999}});
        SoftmaxCrossEntropy ce2 = new SoftmaxCrossEntropy();
        double L2 = ce2.forward(spread, new int[] {1, 2});
        assertEquals((2000 + 1 + Math.log1p(Math.exp(-1))) / 2, L2, 1e-9);
        assertTrue(ce2.backward().isFinite());
        checkSoftmaxCE(new Param("z", spread), new int[] {1, 2}).assertPassed();
    }
    @Test
    void layerNormFollowsTheContract() {
        LayerNorm ln = new LayerNorm("ln", 6);
        ln.gamma.value.setFrom(Matrix.randn(1, 6, 1.0, rng));      // a generic γ, β: every term of the backward counts
        ln.beta.value.setFrom(Matrix.randn(1, 6, 1.0, rng));
        Param x = new Param("x", Matrix.randn(5, 6, 2.0, rng));
        GradCheckReport r = checkLayer(ln, x, Matrix.randn(5, 6, 1.0, rng));
        r.assertPassed();
        assertEquals(List.of("ln.g", "ln.b", "x"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
        // with γ = 1, β = 0 every output row has mean 0 and variance σ²/(σ² + ε) ≈ 1
        LayerNorm plain = new LayerNorm("p", 6);
        Matrix y = plain.forward(x.value);
        for (double[] row : y.data) {
            double mean = java.util.Arrays.stream(row).sum() / 6, var = 0;
            for (double v : row) var += (v - mean) * (v - mean) / 6;
            assertEquals(0.0, mean, 1e-14);
            assertEquals(1.0, var, 1e-4);
        }
        // a smaller batch after a larger one reuses nothing stale
        checkLayer(ln, new Param("x", Matrix.randn(2, 6, 1.0, rng)), Matrix.randn(2, 6, 1.0, rng)).assertPassed();
        var e = assertThrows(IllegalArgumentException.class, () -> ln.forward(new Matrix(2, 5)));
        assertTrue(e.getMessage().contains("expected 6 columns"), e.getMessage());
    }

    @Test
    void geluFollowsTheContractAndMatchesMakemoresFormula() {
        Gelu gelu = new Gelu();
        checkLayer(gelu, new Param("x", Matrix.randn(4, 7, 2.0, rng)), Matrix.randn(4, 7, 1.0, rng)).assertPassed();
        Matrix x = Matrix.of(new double[][] {{-30, -3, -0.5, 0, 0.5, 3, 30}});
        Matrix y = gelu.forward(x);
        for (int j = 0; j < 7; j++) assertEquals(Gelu.gelu(x.data[0][j]), y.data[0][j], 1e-14 * (1 + Math.abs(x.data[0][j])));
        assertEquals(30.0, y.data[0][6], 0.0);
        assertEquals(0.0, y.data[0][0], 1e-300);
    }

    /**
     * A sequence layer: L = Σ dout ⊙ y with forward(x, lengths); the input's gradient into x.grad. Every entry against
     * the five-point stencil ({@link EveryEntry}: attention's key bias has an exactly zero gradient); returns the
     * largest relative error.
     */
    private static double checkSequenceLayer(SequenceLayer layer, Param x, Matrix dout, int[] lengths) {
        List<Param> ps = new java.util.ArrayList<>(layer.params());
        ps.add(x);
        return EveryEntry.check(ps, () -> dot(dout, layer.forward(x.value, lengths)), () -> {
            layer.forward(x.value, lengths);
            x.grad.addInPlace(layer.backward(dout));
        });
    }

    @Test
    void causalSelfAttentionBatchMajorAndRaggedSequences() {
        for (int[] lengths : new int[][] {{4, 4, 4}, {1, 5, 3}}) {
            CausalSelfAttention attn = new CausalSelfAttention("attn", 6, 2, 5, rng);
            int N = java.util.Arrays.stream(lengths).sum();
            Param x = new Param("x", Matrix.randn(N, 6, 1.0, rng));
            double worst = checkSequenceLayer(attn, x, Matrix.randn(N, 6, 1.0, rng), lengths);
            assertTrue(worst <= 1e-7, "worst relative error " + worst);
            assertEquals(List.of("attn.qkv.W", "attn.qkv.b", "attn.o.W", "attn.o.b"),
                    attn.params().stream().map(p -> p.name).toList());
            // the key bias b_k adds q_i·b_k to every score of row i: the softmax ignores it, its gradient is zero
            for (int j = 6; j < 12; j++) assertEquals(0.0, attn.qkv.b.grad.data[0][j], 1e-15);
            assertTrue(Math.abs(attn.qkv.b.grad.data[0][0]) > 1e-6 && Math.abs(attn.qkv.b.grad.data[0][12]) > 1e-6);
            assertTrue(x.grad.norm() > 0);
        }
        // without the 1/√d scaling too
        CausalSelfAttention unscaled = new CausalSelfAttention("attn", 4, 1, 4, rng).scaled(false);
        checkSequenceLayer(unscaled, new Param("x", Matrix.randn(8, 4, 1.0, rng)), Matrix.randn(8, 4, 1.0, rng),
                new int[] {4, 4});
    }

    @Test
    void causalSelfAttentionIsCausalAndItsWeightsAreDistributions() {
        CausalSelfAttention attn = new CausalSelfAttention("attn", 8, 2, 6, rng);
        Matrix x = Matrix.randn(12, 8, 1.0, rng);
        Matrix y = attn.forward(x, 6).copy();
        // changing position 4 of sequence 1 changes nothing at positions 0…3 of it, nor anything of sequence 0
        Matrix x2 = x.copy();
        for (int j = 0; j < 8; j++) x2.data[6 + 4][j] += 1.0;
        Matrix y2 = attn.forward(x2, 6);
        for (int r = 0; r < 10; r++) assertArrayEquals(y.data[r], y2.data[r], 0.0, "row " + r);
        assertTrue(Math.abs(y.data[10][0] - y2.data[10][0]) > 1e-6);
        for (int b = 0; b < 2; b++) for (int h = 0; h < 2; h++) {
            Matrix w = attn.weights(b, h);
            for (int i = 0; i < 6; i++) {
                double sum = 0;
                for (int j = 0; j < 6; j++) {
                    if (j > i) assertEquals(0.0, w.data[i][j], 0.0);
                    else assertTrue(w.data[i][j] > 0);
                    sum += w.data[i][j];
                }
                assertEquals(1.0, sum, 1e-14);
            }
        }
        // position 0 can only attend to itself
        assertEquals(1.0, attn.weights(1, 1).data[0][0], 0.0);
    }

    @Test
    void causalSelfAttentionRefusesBadShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new CausalSelfAttention("a", 6, 4, 8, rng));
        assertTrue(e.getMessage().contains("4 heads must divide the width C = 6"), e.getMessage());
        CausalSelfAttention attn = new CausalSelfAttention("a", 4, 2, 3, rng);
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(new Matrix(8, 4), 4));
        assertTrue(e.getMessage().contains("sequence 0 has 4 positions, expected 1…3 (the block size)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(new Matrix(5, 4), new int[] {2, 2}));
        assertTrue(e.getMessage().contains("add up to 4, the input has 5 rows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> attn.forward(new Matrix(5, 4), 2));
        assertTrue(e.getMessage().contains("5 rows are not sequences of T = 2"), e.getMessage());
    }
}
