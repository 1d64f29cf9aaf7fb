package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.models.TransformerBlock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The look inside a transformer of notebook 05: each measure against a case where its value is known. */
class AttentionProbeTest {
    static final int V = 5, BLOCK = 8;

    static Transformer model(Transformer.Positions p, long seed) {
        return new Transformer(new Transformer.Config(V, BLOCK, 2, 2, 8, p, true, true, seed));
    }

    static List<int[]> sequences(int n, long seed) {
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            int[] s = new int[2 + r.nextInt(BLOCK - 1)];                 // a start token 0, then letters 1 … V−1
            for (int t = 1; t < s.length; t++) s[t] = 1 + r.nextInt(V - 1);
            out.add(s);
        }
        return out;
    }

    /** Zero queries (weights and bias): every score is 0, the weights uniform over the visible positions. */
    static void zeroQueries(Transformer m) {
        for (TransformerBlock b : m.blocks) {
            int C = b.attn.C;
            for (double[] row : b.attn.qkv.W.value.data) java.util.Arrays.fill(row, 0, C, 0.0);
            java.util.Arrays.fill(b.attn.qkv.b.value.data[0], 0, C, 0.0);
        }
    }

    @Test
    void uniformWeightsKeepAllTheirEntropyAndLiftNoLetter() {
        Transformer m = model(Transformer.Positions.LEARNED, 3);
        zeroQueries(m);
        List<int[]> seqs = sequences(400, 4);
        AttentionProbe.Result r = AttentionProbe.of(m, seqs, 200);
        double prev = 0, rows = 0;
        for (int[] s : seqs) for (int i = 1; i < s.length; i++) {
            prev += 1.0 / (i + 1);
            rows++;
        }
        assertEquals(4, r.heads().size());
        for (AttentionProbe.Head h : r.heads()) {
            assertEquals(0, h.varScores(), 0);                          // q = 0: every q·k is 0
            assertEquals(0, h.varQuery(), 0);
            assertEquals(1, h.entropy(), 1e-12);                        // uniform: H = log(i + 1)
            assertEquals(prev / rows, h.previous(), 1e-12);             // uniform: 1/(i + 1) on each position
            assertEquals(prev / rows, h.first(), 1e-12);
            assertEquals(prev / rows, h.self(), 1e-12);
            assertEquals(1, h.lift(), 1e-12);                           // the weight on a letter is its uniform share
        }
    }

    @Test
    void theVarianceOfTheScoresIsThatOfTheRawDotProducts() {
        Transformer m = model(Transformer.Positions.LEARNED, 5);
        List<int[]> seqs = sequences(30, 6);
        AttentionProbe.Result r = AttentionProbe.of(m, seqs, 10);
        // a plain computation for layer 0, head 1: x = wte + wpe, u = ln₁(x), [q | k | v] = u·W + b
        var b0 = m.blocks.get(0);
        int C = m.C, d = b0.attn.d;
        double s1 = 0, s2 = 0;
        long n = 0;
        for (int[] s : seqs) {
            Matrix x = new Matrix(s.length, C);
            for (int t = 0; t < s.length; t++) for (int j = 0; j < C; j++) {
                x.data[t][j] = m.wte.C.value.data[s[t]][j] + m.wpe.C.value.data[t][j];
            }
            Matrix qkv = b0.attn.qkv.forward(b0.ln1.forward(x)).copy();
            for (int i = 0; i < s.length; i++) for (int j = 0; j <= i; j++) {
                double qk = 0;
                for (int c = 0; c < d; c++) qk += qkv.data[i][d + c] * qkv.data[j][C + d + c];
                s1 += qk;
                s2 += qk * qk;
                n++;
            }
        }
        double var = s2 / n - (s1 / n) * (s1 / n);
        assertEquals(var, r.heads().get(1).varScores(), 1e-12 * var);
        assertTrue(r.heads().get(1).varScores() > 0);
    }

    @Test
    void aHeadThatLooksAtOneLetterHasALargeLift() {
        // layer 0, head 0 reads only whether a key is the letter 1: q = const, k = 10·[token = 1] — no positions,
        // no LayerNorm before it (so the embedding reaches the keys as it is)
        Transformer m = new Transformer(new Transformer.Config(V, BLOCK, 1, 1, 4, Transformer.Positions.NONE, true,
                false, 7));
        var at = m.blocks.get(0).attn;
        for (double[] row : at.qkv.W.value.data) java.util.Arrays.fill(row, 0, 8, 0.0);
        java.util.Arrays.fill(at.qkv.b.value.data[0], 0, 8, 0.0);
        at.qkv.b.value.data[0][0] = 1;                                  // q = e₀
        for (int v = 0; v < V; v++) java.util.Arrays.fill(m.wte.C.value.data[v], 0.0);
        m.wte.C.value.data[1][0] = 1;                                   // only the letter 1 has x₀ = 1
        at.qkv.W.value.data[0][4] = 10;                                 // k₀ = 10·x₀
        AttentionProbe.Result r = AttentionProbe.of(m, sequences(300, 8), 100);
        AttentionProbe.Head h = r.heads().get(0);
        assertEquals(1, h.liftToken());
        assertTrue(h.lift() > 2.5, "lift " + h.lift());
    }

    @Test
    void thePositionProbeReadsALinearCodeOfThePositionExactly() {
        // blocks that add nothing, no LayerNorm: the final stream is wte + wpe, and wpe[t] = (t, 0, …)
        Transformer m = new Transformer(new Transformer.Config(V, BLOCK, 2, 2, 8, Transformer.Positions.LEARNED, true,
                false, 11));
        for (TransformerBlock b : m.blocks) {
            for (double[] row : b.attn.out.W.value.data) java.util.Arrays.fill(row, 0.0);
            java.util.Arrays.fill(b.attn.out.b.value.data[0], 0.0);
            for (double[] row : b.proj.W.value.data) java.util.Arrays.fill(row, 0.0);
            java.util.Arrays.fill(b.proj.b.value.data[0], 0.0);
        }
        for (double[] row : m.wte.C.value.data) java.util.Arrays.fill(row, 0.0);
        for (int t = 0; t < BLOCK; t++) {
            java.util.Arrays.fill(m.wpe.C.value.data[t], 0.0);
            m.wpe.C.value.data[t][0] = t;
        }
        AttentionProbe.Result r = AttentionProbe.of(m, sequences(100, 12), 50);
        assertEquals(1, r.positionR2(), 1e-9);
        assertEquals(0, r.attentionUpdate()[0], 0);                     // the blocks' updates are zero
        assertEquals(0, r.mlpUpdate()[1], 0);
        // the same model without residual connections has no update ratios
        Transformer noRes = model(Transformer.Positions.LEARNED, 13);
        Transformer plain = new Transformer(noRes.config.withResidual(false));
        AttentionProbe.Result p = AttentionProbe.of(plain, sequences(20, 14), 10);
        assertTrue(Double.isNaN(p.attentionUpdate()[0]) && Double.isNaN(p.mlpUpdate()[1]));
    }

    @Test
    void badArgumentsAreOneLine() {
        Transformer m = model(Transformer.Positions.LEARNED, 1);
        assertThrows(IllegalArgumentException.class, () -> AttentionProbe.of(m, sequences(5, 1), 5));
        assertThrows(IllegalArgumentException.class, () -> AttentionProbe.of(m, List.of(new int[9], new int[2]), 1));
    }
}
