package io.github.lmworkbook.layers;

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
}
