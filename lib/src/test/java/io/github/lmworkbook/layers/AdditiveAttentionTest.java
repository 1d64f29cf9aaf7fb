package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoder–decoder attention: its backward against central differences (every parameter, the memory and every
 * step's queries; both scores; ragged sources; several steps), its forward against plain loops written from the
 * derivation (the oracle: a mistake that changes the function and its gradient alike is caught here), and the
 * contract (gradients added, the memory's gradient gathered over steps, one line for bad input).
 */
class AdditiveAttentionTest {
    private final Random rng = new Random(2015);

    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    /**
     * L = Σ_t Σ G_t ⊙ c_t over T steps with queries s_{t−1} of their own (Params), the memory h a Param too: the
     * check sees every parameter, the memory's gradient through α and the keys, and every query's.
     */
    static GradCheckReport check(AdditiveAttention att, Param h, int[] lengths, List<Param> queries, List<Matrix> G) {
        int T = queries.size();
        List<Param> ps = new ArrayList<>(att.params());
        ps.add(h);
        ps.addAll(queries);
        return GradientChecker.check(() -> ps, () -> {
            att.memory(h.value, lengths);
            double L = 0;
            for (int t = 1; t <= T; t++) L += dot(G.get(t - 1), att.forward(t, queries.get(t - 1).value));
            return L;
        }, () -> {
            att.memory(h.value, lengths);
            for (int t = 1; t <= T; t++) att.forward(t, queries.get(t - 1).value);
            for (int t = T; t >= 1; t--) queries.get(t - 1).grad.addInPlace(att.backward(t, G.get(t - 1)));
            h.grad.addInPlace(att.memoryBackward());
        });
    }

    static List<Param> queries(int T, int B, int Q, double scale, Random rng) {
        List<Param> qs = new ArrayList<>();
        for (int t = 1; t <= T; t++) qs.add(new Param("s" + (t - 1), Matrix.randn(B, Q, scale, rng)));
        return qs;
    }

    static List<Matrix> upstream(int T, int B, int H, Random rng) {
        List<Matrix> G = new ArrayList<>();
        for (int t = 0; t < T; t++) G.add(Matrix.randn(B, H, 1.0, rng));
        return G;
    }

    @Test
    void additiveBackwardPassesTheCheckerForSeveralShapesAndRaggedSources() {
        int[][] shapes = {{3, 5, 4}, {1, 1, 1}, {4, 2, 6}, {5, 7, 3}};          // Q, H, A
        int[][] lengthSets = {{3, 1, 5}, {1}, {4, 4}, {2, 6, 1, 3}};
        for (int k = 0; k < shapes.length; k++) {
            int Q = shapes[k][0], H = shapes[k][1], A = shapes[k][2];
            int[] lengths = lengthSets[k];
            int N = Arrays.stream(lengths).sum(), B = lengths.length, T = 3;
            AdditiveAttention att = new AdditiveAttention("att", AdditiveAttention.Score.ADDITIVE, Q, H, A, rng);
            Param h = new Param("h", Matrix.randn(N, H, 1.0, rng));
            GradCheckReport r = check(att, h, lengths, queries(T, B, Q, 1.0, rng), upstream(T, B, H, rng));
            r.assertPassed();
            assertEquals(List.of("att.W", "att.U", "att.v", "h", "s0", "s1", "s2"),
                    r.entries().stream().map(GradCheckReport.Entry::name).toList());
        }
    }

    @Test
    void dotBackwardPassesTheChecker() {
        for (int[] lengths : new int[][] {{3, 1, 5}, {1}, {6, 2}}) {
            int H = 4, N = Arrays.stream(lengths).sum(), B = lengths.length;
            AdditiveAttention att = new AdditiveAttention("att", AdditiveAttention.Score.DOT, H, H, 0, rng);
            assertEquals(List.of(), att.params());
            Param h = new Param("h", Matrix.randn(N, H, 1.0, rng));
            check(att, h, lengths, queries(4, B, H, 1.0, rng), upstream(4, B, H, rng)).assertPassed();
        }
    }

    /** Saturated scores (a large query): the softmax nearly one-hot, tanh near ±1 — still right. */
    @Test
    void saturatedScoresPassTheChecker() {
        int[] lengths = {5, 3};
        AdditiveAttention att = new AdditiveAttention("att", AdditiveAttention.Score.ADDITIVE, 3, 4, 5, rng);
        for (double[] row : att.v.value.data) for (int j = 0; j < row.length; j++) row[j] *= 6;
        Param h = new Param("h", Matrix.randn(8, 4, 2.0, rng));
        check(att, h, lengths, queries(2, 2, 3, 3.0, rng), upstream(2, 2, 4, rng)).assertPassed();
    }

    /**
     * The oracle: e_{t,s} = vᵀ tanh(W s_{t−1} + U h_s) with every product a plain loop over the textbook's
     * column-vector indices (W s means Σ_i W_ji s_i; here W is stored transposed, W[i][j]), α = exp(e)/Σ exp(e),
     * c_t = Σ_s α_s h_s; and Luong's e = s_{t−1}·h_s. Sizes that are not multiples of four (the dot product's block
     * and its tail), ragged sources.
     */
    @Test
    void forwardMatchesThePlainFormula() {
        for (AdditiveAttention.Score score : AdditiveAttention.Score.values()) {
            int Q = score == AdditiveAttention.Score.DOT ? 6 : 5, H = 6, A = 7;
            int[] lengths = {3, 1, 5};
            int N = 9, B = 3;
            AdditiveAttention att = new AdditiveAttention("att", score, Q, H, A, rng);
            Matrix h = Matrix.randn(N, H, 1.0, rng);
            att.memory(h, lengths);
            for (int t = 1; t <= 2; t++) {
                Matrix s = Matrix.randn(B, Q, 1.0, rng);
                Matrix c = att.forward(t, s).copy();
                for (int b = 0, off = 0; b < B; off += lengths[b], b++) {
                    int L = lengths[b];
                    double[] e = new double[L];
                    for (int p = 0; p < L; p++) {
                        if (score == AdditiveAttention.Score.ADDITIVE) {
                            for (int j = 0; j < A; j++) {
                                double Ws = 0, Uh = 0;
                                for (int i = 0; i < Q; i++) Ws += att.W.value.data[i][j] * s.data[b][i];
                                for (int i = 0; i < H; i++) Uh += att.U.W.value.data[i][j] * h.data[off + p][i];
                                e[p] += att.v.value.data[0][j] * Math.tanh(Ws + Uh);
                            }
                        } else {
                            for (int i = 0; i < H; i++) e[p] += s.data[b][i] * h.data[off + p][i];
                        }
                    }
                    double Z = 0;
                    for (int p = 0; p < L; p++) Z += Math.exp(e[p]);
                    double[] alpha = att.weights(t, b);
                    assertEquals(L, alpha.length);
                    for (int p = 0; p < L; p++) {
                        assertEquals(Math.exp(e[p]) / Z, alpha[p], 1e-14, score + " α, step " + t + ", sequence " + b);
                    }
                    for (int i = 0; i < H; i++) {
                        double ci = 0;
                        for (int p = 0; p < L; p++) ci += Math.exp(e[p]) / Z * h.data[off + p][i];
                        assertEquals(ci, c.data[b][i], 1e-14, score + " context, step " + t + ", sequence " + b);
                    }
                }
                Matrix align = att.alignment(2, t);
                assertArrayEquals(att.weights(t, 2), align.data[t - 1], 0.0);
            }
        }
    }

    /** One source position: α = 1 and the context is that state, exactly. */
    @Test
    void aSingleSourcePositionIsReadWhole() {
        AdditiveAttention att = new AdditiveAttention("att", AdditiveAttention.Score.ADDITIVE, 2, 3, 2, rng);
        Matrix h = Matrix.randn(2, 3, 1.0, rng);
        att.memory(h, 1);
        Matrix c = att.forward(1, Matrix.randn(2, 2, 1.0, rng));
        assertArrayEquals(h.data[0], c.data[0], 0.0);
        assertArrayEquals(h.data[1], c.data[1], 0.0);
        assertArrayEquals(new double[] {1.0}, att.weights(1, 1), 0.0);
    }

    /**
     * The contract: backward adds into the parameters' gradients; the memory's gradient is gathered over the steps and
     * handed out (and cleared) by memoryBackward; the steps may go backward in any order; a layer reused across batch
     * shapes gives what a fresh one gives.
     */
    @Test
    void gradientsAreAddedAndTheMemorysGradientIsGatheredOverSteps() {
        int[] lengths = {4, 2};
        AdditiveAttention att = new AdditiveAttention("att", AdditiveAttention.Score.ADDITIVE, 3, 4, 5, rng);
        Matrix h = Matrix.randn(6, 4, 1.0, rng);
        Matrix s1 = Matrix.randn(2, 3, 1.0, rng), s2 = Matrix.randn(2, 3, 1.0, rng);
        Matrix g1 = Matrix.randn(2, 4, 1.0, rng), g2 = Matrix.randn(2, 4, 1.0, rng);
        att.memory(h, lengths);
        att.forward(1, s1);
        att.forward(2, s2);
        Matrix ds2 = att.backward(2, g2).copy();
        Matrix ds1 = att.backward(1, g1).copy();
        Matrix dh = att.memoryBackward().copy();
        Matrix dW = att.W.grad.copy(), dU = att.U.W.grad.copy(), dv = att.v.grad.copy();
        // the same in the other order: the same gradients, now added a second time
        att.memory(h, lengths);
        att.forward(1, s1);
        att.forward(2, s2);
        assertArrayEquals(ds1.data[1], att.backward(1, g1).data[1], 1e-15);
        assertArrayEquals(ds2.data[0], att.backward(2, g2).data[0], 1e-15);
        Matrix dhAgain = att.memoryBackward();
        for (int i = 0; i < 6; i++) assertArrayEquals(dh.data[i], dhAgain.data[i], 1e-14);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) assertEquals(2 * dW.data[i][j], att.W.grad.data[i][j], 1e-14);
        }
        assertEquals(2 * dU.data[3][4], att.U.W.grad.data[3][4], 1e-14);
        assertEquals(2 * dv.data[0][2], att.v.grad.data[0][2], 1e-14);
        // cleared: a second call hands out nothing more
        assertEquals(0.0, att.memoryBackward().maxAbs());
        // reused with another batch shape, then back: the same as before
        att.memory(Matrix.randn(9, 4, 1.0, rng), new int[] {1, 5, 3});
        att.forward(1, Matrix.randn(3, 3, 1.0, rng));
        att.memory(h, lengths);
        Matrix c = att.forward(1, s1).copy();
        AdditiveAttention fresh = new AdditiveAttention("att", AdditiveAttention.Score.ADDITIVE, 3, 4, 5, new Random(0));
        fresh.W.value.setFrom(att.W.value);
        fresh.U.W.value.setFrom(att.U.W.value);
        fresh.v.value.setFrom(att.v.value);
        fresh.memory(h, lengths);
        Matrix cFresh = fresh.forward(1, s1);
        for (int b = 0; b < 2; b++) assertArrayEquals(cFresh.data[b], c.data[b], 0.0);
    }

    @Test
    void badInputIsOneLine() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new AdditiveAttention("att", AdditiveAttention.Score.DOT, 3, 4, 0, rng));
        assertTrue(e.getMessage().contains("Q=3, H=4"), e.getMessage());
        AdditiveAttention att = new AdditiveAttention("att", AdditiveAttention.Score.ADDITIVE, 3, 4, 2, rng);
        assertThrows(IllegalStateException.class, () -> att.forward(1, new Matrix(1, 3)));
        e = assertThrows(IllegalArgumentException.class, () -> att.memory(new Matrix(5, 3), 5));
        assertTrue(e.getMessage().contains("expected 4 columns"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> att.memory(new Matrix(5, 4), new int[] {2, 2}));
        assertTrue(e.getMessage().contains("add up to 4"), e.getMessage());
        att.memory(new Matrix(6, 4), 3);
        e = assertThrows(IllegalArgumentException.class, () -> att.forward(1, new Matrix(3, 3)));
        assertTrue(e.getMessage().contains("expected (2×3)"), e.getMessage());
        var s = assertThrows(IllegalStateException.class, () -> att.backward(2, new Matrix(2, 4)));
        assertTrue(s.getMessage().contains("step 2 has no forward pass"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> att.forward(0, new Matrix(2, 3)));
        assertEquals(AdditiveAttention.Score.DOT, AdditiveAttention.Score.of("DOT "));
        e = assertThrows(IllegalArgumentException.class, () -> AdditiveAttention.Score.of("general"));
        assertTrue(e.getMessage().contains("[additive, dot]"), e.getMessage());
    }
}
