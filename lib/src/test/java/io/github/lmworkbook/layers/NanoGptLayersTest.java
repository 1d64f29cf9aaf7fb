package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The layers' options for nanoGPT's recipe (LayerNorm and attention without biases, the tied head) and their float32
 * paths (attention's heads as products, GELU's polynomial exponential): the backward passes against the gradient
 * checker, the product path against the readable loops, float32 against float64 within float's round-off.
 */
class NanoGptLayersTest {
    private final Random rng = new Random(24);

    @AfterEach
    void restore() {
        Kernels.setPrecision(Kernels.Precision.FLOAT64);
    }

    private static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    private static GradCheckReport checkLayer(Layer layer, List<Param> params, Param x, Matrix dout) {
        List<Param> ps = new ArrayList<>(params);
        ps.add(x);
        return GradientChecker.check(() -> ps, () -> dot(dout, layer.forward(x.value)), () -> {
            layer.forward(x.value);
            x.grad.addInPlace(layer.backward(dout));
        });
    }

    @Test
    void layerNormWithoutBiasHasOnlyItsGain() {
        LayerNorm ln = new LayerNorm("ln", 6, LayerNorm.EPS, false);
        assertNull(ln.beta);
        assertEquals(List.of(ln.gamma), ln.params());
        ln.gamma.value.setFrom(Matrix.randn(1, 6, 1.0, rng));
        Param x = new Param("x", Matrix.randn(5, 6, 2.0, rng));
        GradCheckReport r = checkLayer(ln, ln.params(), x, Matrix.randn(5, 6, 1.0, rng));
        r.assertPassed();
        assertEquals(List.of("ln.g", "x"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
        // the same output as with a zero β
        LayerNorm withBias = new LayerNorm("lb", 6);
        withBias.gamma.value.setFrom(ln.gamma.value);
        Matrix a = ln.forward(x.value).copy(), b = withBias.forward(x.value);
        for (int i = 0; i < 5; i++) assertArrayEquals(b.data[i], a.data[i], 0.0);
    }

    @Test
    void tiedLinearIsTheTransposeOfItsTableAndAddsIntoItsGradient() {
        Embedding wte = new Embedding("wte", 7, 4, rng);
        TiedLinear head = new TiedLinear(wte.C);
        assertEquals(List.of(wte.C), head.params());
        assertEquals(4, head.in);
        assertEquals(7, head.out);
        Param x = new Param("x", Matrix.randn(3, 4, 1.0, rng));
        Matrix y = head.forward(x.value);
        for (int i = 0; i < 3; i++) for (int v = 0; v < 7; v++) {
            double s = 0;
            for (int c = 0; c < 4; c++) s += x.value.data[i][c] * wte.C.value.data[v][c];
            assertEquals(s, y.data[i][v], 1e-14);
        }
        checkLayer(head, head.params(), x, Matrix.randn(3, 7, 1.0, rng)).assertPassed();
        // used twice (as an embedding and as the head) the table receives both gradients
        int[][] ids = {{2}, {5}, {2}};
        Matrix dz = Matrix.randn(3, 7, 1.0, rng);
        GradientChecker.check(() -> List.of(wte.C), () -> dot(dz, head.forward(wte.forward(ids, 3))), () -> {
            head.forward(wte.forward(ids, 3));
            wte.backward(head.backward(dz));
        }).assertPassed();
        var e = assertThrows(IllegalArgumentException.class, () -> head.forward(new Matrix(2, 5)));
        assertEquals("TiedLinear wteᵀ: input (2×5) does not match wte (7×4) (expected 4 columns)", e.getMessage());
    }

    @Test
    void attentionWithoutBiasHasTwoMatrices() {
        CausalSelfAttention attn = new CausalSelfAttention("attn", 8, 2, 6, false, rng);
        assertEquals(List.of("attn.qkv.W", "attn.o.W"), attn.params().stream().map(p -> p.name).toList());
        Param x = new Param("x", Matrix.randn(9, 8, 1.0, rng));
        Matrix dout = Matrix.randn(9, 8, 1.0, rng);
        int[] lengths = {6, 3};
        List<Param> ps = new ArrayList<>(attn.params());
        ps.add(x);
        GradientChecker.check(() -> ps, () -> dot(dout, attn.forward(x.value, lengths)), () -> {
            attn.forward(x.value, lengths);
            x.grad.addInPlace(attn.backward(dout));
        }).assertPassed();
    }

    /** One head over L positions: the readable loops and the products give the same values (in float64). */
    @Test
    void headsAsProductsAreTheLoopsInFloat64() {
        for (int[] s : new int[][] {{64, 32}, {16, 16}, {5, 3}, {1, 8}, {33, 6}}) {
            int L = s[0], d = s[1];
            double[][] q = rand(L, d), k = rand(L, d), v = rand(L, d), dy = rand(L, d);
            double scale = 1 / Math.sqrt(d);
            double[][] a1 = new double[L][L], y1 = new double[L][d], a2 = new double[L][L], y2 = new double[L][d];
            CausalSelfAttention.headForward(q, k, v, L, scale, a1, y1);
            CausalSelfAttention.headForwardByProducts(q, k, v, L, scale, a2, y2);
            for (int i = 0; i < L; i++) {
                for (int j = 0; j <= i; j++) assertEquals(a1[i][j], a2[i][j], 1e-14, "a[" + i + "][" + j + "]");
                for (int j = i + 1; j < L; j++) assertEquals(0.0, a2[i][j], 0.0, "masked a[" + i + "][" + j + "]");
                for (int c = 0; c < d; c++) assertEquals(y1[i][c], y2[i][c], 1e-13);
            }
            double[][] dq1 = new double[L][d], dk1 = new double[L][d], dv1 = new double[L][d];
            double[][] dq2 = new double[L][d], dk2 = new double[L][d], dv2 = new double[L][d];
            CausalSelfAttention.headBackward(q, k, v, a1, dy, L, scale, new double[L], dq1, dk1, dv1);
            CausalSelfAttention.headBackwardByProducts(q, k, v, a2, dy, L, scale, new double[L][L], dq2, dk2, dv2);
            for (int i = 0; i < L; i++) for (int c = 0; c < d; c++) {
                assertEquals(dq1[i][c], dq2[i][c], 1e-13, "dq");
                assertEquals(dk1[i][c], dk2[i][c], 1e-13, "dk");
                assertEquals(dv1[i][c], dv2[i][c], 1e-13, "dv");
            }
        }
    }

    /**
     * The layer under float32 takes the product path: its outputs and gradients differ from float64's, by no more
     * than float's round-off (relative 1e-5 of the output's scale), and the readable path comes back with float64.
     */
    @Test
    void attentionUnderFloat32IsWithinFloatsRoundOff() {
        CausalSelfAttention attn = new CausalSelfAttention("attn", 64, 2, 64, rng);
        Matrix x = Matrix.randn(64 + 40, 64, 1.0, rng), dout = Matrix.randn(104, 64, 1.0, rng);
        int[] lengths = {64, 40};
        Matrix y64 = attn.forward(x, lengths).copy(), dx64 = attn.backward(dout).copy();
        Matrix dW64 = attn.qkv.W.grad.copy();
        attn.qkv.W.grad.zero();
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        Matrix y32 = attn.forward(x, lengths).copy(), dx32 = attn.backward(dout).copy();
        Matrix dW32 = attn.qkv.W.grad.copy();
        double ey = relDiff(y32, y64), edx = relDiff(dx32, dx64), edW = relDiff(dW32, dW64);
        assertTrue(ey > 1e-12 && ey < 1e-5, "output: relative difference " + ey);
        assertTrue(edx > 1e-12 && edx < 1e-5, "dx: relative difference " + edx);
        assertTrue(edW > 1e-12 && edW < 1e-5, "dW_qkv: relative difference " + edW);
        for (int b = 0; b < 2; b++) for (int h = 0; h < 2; h++) {
            Matrix w = attn.weights(b, h);
            for (int i = 0; i < w.rows; i++) {
                double sum = 0;
                for (int j = 0; j < w.cols; j++) sum += w.data[i][j];
                assertEquals(1.0, sum, 1e-14);
            }
        }
        Kernels.setPrecision(Kernels.Precision.FLOAT64);
        Matrix again = attn.forward(x, lengths);
        for (int i = 0; i < 104; i++) assertArrayEquals(y64.data[i], again.data[i], 0.0);
    }

    @Test
    void geluUnderFloat32IsTheSameFormulaWithinAFewUlps() {
        Gelu gelu = new Gelu();
        Matrix x = Matrix.randn(7, 300, 3.0, rng);
        x.data[0][0] = -400;   // e^(−2u) overflows: y = 0
        x.data[0][1] = 400;    // e^(−2u) = 0: y = x
        Matrix y64 = gelu.forward(x).copy();
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        Matrix y32 = gelu.forward(x).copy();
        for (int i = 0; i < 7; i++) for (int j = 0; j < 300; j++) {
            assertEquals(y64.data[i][j], y32.data[i][j], 8 * Math.ulp(y64.data[i][j]) + 1e-300, "x = " + x.data[i][j]);
        }
        assertEquals(0.0, y32.data[0][0], 1e-300);
        assertEquals(400.0, y32.data[0][1], 0.0);
        // the backward is the same code for both paths, and the checker (in float64) passes it
        Param p = new Param("x", Matrix.randn(4, 9, 2.0, rng));
        checkLayer(gelu, List.of(), p, Matrix.randn(4, 9, 1.0, rng)).assertPassed();
    }

    private static double relDiff(Matrix a, Matrix b) {
        double d = 0, n = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) {
            d += (a.data[i][j] - b.data[i][j]) * (a.data[i][j] - b.data[i][j]);
            n += b.data[i][j] * b.data[i][j];
        }
        return Math.sqrt(d / n);
    }

    private double[][] rand(int r, int c) {
        return Matrix.randn(r, c, 1.0, rng).data;
    }
}
