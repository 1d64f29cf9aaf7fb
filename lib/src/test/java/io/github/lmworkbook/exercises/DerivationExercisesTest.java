package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.layers.Tanh;
import io.github.lmworkbook.models.TransformerBlock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The exercises that ask for a derivation: each reference passes; planted mistakes — the ones a learner makes — fail
 * with a message that names the learner's output and the entry; an unfinished exercise says "not implemented yet"
 * and gets no hint; a wrong attempt gets the hint, once.
 */
class DerivationExercisesTest {
    static final UnsupportedOperationException TODO = new UnsupportedOperationException("not implemented yet");

    static String printed(Supplier<Object> run) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            run.get();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** The report failed and its summary names the entry: "name(rows×cols) at (i, j)". */
    static void failsNaming(GradCheckReport r, String name) {
        assertEquals(GradCheckReport.Status.FAILED, r.status(), r.toString());
        assertTrue(r.summary().matches(".*\\b" + java.util.regex.Pattern.quote(name) + "\\(\\d+×\\d+\\) at \\(\\d+, \\d+\\).*"),
                r.summary());
    }

    // ---- LayerNorm ------------------------------------------------------------------------------------------------

    /** The LayerNorm backward as a learner might write it, with places to plant a mistake. */
    static TransformerExercises.LayerNormBackward layerNorm(boolean meanTerm, boolean varianceTerm, boolean dgammaXhat) {
        return (dy, xhat, r, gamma, dgamma, dbeta) -> {
            int N = dy.length, n = gamma.length;
            double[][] dx = new double[N][n];
            for (int i = 0; i < N; i++) {
                double[] dxh = new double[n];
                double mean = 0, meanH = 0;
                for (int j = 0; j < n; j++) {
                    dgamma[j] += dy[i][j] * (dgammaXhat ? xhat[i][j] : 1);
                    dbeta[j] += dy[i][j];
                    dxh[j] = dy[i][j] * gamma[j];
                    mean += dxh[j] / n;
                    meanH += dxh[j] * xhat[i][j] / n;
                }
                for (int j = 0; j < n; j++) {
                    dx[i][j] = r[i] * (dxh[j] - (meanTerm ? mean : 0) - (varianceTerm ? xhat[i][j] * meanH : 0));
                }
            }
            return dx;
        };
    }

    @Test
    void layerNormBackward() {
        GradCheckReport ok = TransformerExercises.checkLayerNormBackward(TransformerExercises::layerNormBackward);
        ok.assertPassed();
        assertEquals(List.of("dx", "dgamma", "dbeta"), ok.entries().stream().map(GradCheckReport.Entry::name).toList());
        TransformerExercises.checkLayerNormBackward(layerNorm(true, true, true)).assertPassed();
        failsNaming(TransformerExercises.checkLayerNormBackward(layerNorm(false, true, true)), "dx");   // no path via μ
        failsNaming(TransformerExercises.checkLayerNormBackward(layerNorm(true, false, true)), "dx");   // none via σ²
        failsNaming(TransformerExercises.checkLayerNormBackward(layerNorm(true, true, false)), "dgamma");
    }

    // ---- split and merge ------------------------------------------------------------------------------------------

    @Test
    void splitAndMergeHeads() {
        TransformerExercises.checkSplitHeads(TransformerExercises::splitHeads).assertPassed();
        TransformerExercises.checkMergeHeads(TransformerExercises::mergeHeads).assertPassed();
        // interleaved heads (column c to head c mod heads): a layout, but not the library's
        GradCheckReport inter = TransformerExercises.checkSplitHeads((x, heads) -> {
            int T = x.length, d = x[0].length / heads;
            double[][][] out = new double[heads][T][d];
            for (int t = 0; t < T; t++) for (int c = 0; c < x[0].length; c++) out[c % heads][t][c / heads] = x[t][c];
            return out;
        });
        failsNaming(inter, "out[0]");
        // head h and position t swapped in the merge: the columns of head 1 come from head 0's rows …
        GradCheckReport swapped = TransformerExercises.checkMergeHeads(y -> {
            int heads = y.length, T = y[0].length, d = y[0][0].length;
            double[][] out = new double[T][heads * d];
            for (int h = 0; h < heads; h++) for (int t = 0; t < T; t++) for (int c = 0; c < d; c++)
                out[t][c * heads + h] = y[h][t][c];
            return out;
        });
        failsNaming(swapped, "out");
        // a wrong shape is one line naming it, and earns the hint
        String out = printed(() -> TransformerExercises.gradeSplitHeads((x, heads) -> new double[heads][x[0].length][x.length]));
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        assertTrue(lines.get(0).contains("`splitHeads`") && lines.get(0).contains("splitHeads' out[0] has 12 rows"), out);
        assertFalse(lines.get(0).contains("requireShape") || lines.get(0).contains("TransformerExercises"),
                "the learner's output is named, not the checker's code: " + out);
        assertTrue(lines.get(1).startsWith(Hint.PREFIX), out);
    }

    // ---- one block ------------------------------------------------------------------------------------------------

    /** A block's backward from its parts, with places to plant a mistake. */
    static TransformerExercises.BlockBackward block(boolean mlpResidual, boolean attnResidual) {
        return (b, dx2) -> {
            Matrix dm = b.ln2.backward(b.fc.backward(b.gelu.backward(b.proj.backward(dx2))));
            Matrix dx1 = dm.copy();
            if (mlpResidual) dx1.addInPlace(dx2);
            Matrix da = b.ln1.backward(b.attn.backward(dx1));
            Matrix dx = da.copy();
            if (attnResidual) dx.addInPlace(dx1);
            return dx;
        };
    }

    @Test
    void blockBackward() {
        GradCheckReport ok = TransformerExercises.checkBlockBackward(TransformerExercises::blockBackward);
        ok.assertPassed();
        assertTrue(ok.entries().stream().map(GradCheckReport.Entry::name).toList()
                .containsAll(List.of("block.ln1.g", "block.attn.qkv.W", "block.mlp.fc.W", "block.mlp.proj.b", "dx")));
        TransformerExercises.checkBlockBackward(block(true, true)).assertPassed();
        // forgetting the residual around the MLP: everything before it gets the wrong gradient
        failsNaming(TransformerExercises.checkBlockBackward(block(false, true)), "block.attn.qkv.W");
        // forgetting the residual around attention: only dx is wrong
        GradCheckReport noAttnResidual = TransformerExercises.checkBlockBackward(block(true, false));
        failsNaming(noAttnResidual, "dx");
        assertEquals(1, noAttnResidual.failures().size(), noAttnResidual.summary());
        // only the residual stream: the sub-layers get nothing
        failsNaming(TransformerExercises.checkBlockBackward((b, dx2) -> dx2.copy()), "block.ln1.g");
        // a shape error is an exception naming what was returned
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransformerExercises.checkBlockBackward((b, dx2) -> b.proj.backward(dx2).copy()));
        assertEquals("blockBackward's dx: row 0 has 32 entries; expected (8 × 8)", e.getMessage());
    }

    // ---- BPTT through a whole LSTM sequence -------------------------------------------------------------------------

    /** BPTT through an LSTM sequence as a learner might write it, with places to plant a mistake. */
    static LstmBpttExercises.Bptt lstm(boolean carryC, boolean carryH, boolean whFromPrevious) {
        return (x, h, c, gates, dh, Wx, Wh) -> {
            int T = x.length - 1, B = h[0].rows, H = Wh.rows, D = Wx.rows;
            Matrix dWx = new Matrix(D, 4 * H), dWh = new Matrix(H, 4 * H), db = new Matrix(1, 4 * H);
            Matrix[] dx = new Matrix[T + 1];
            Matrix dhNext = new Matrix(B, H), dcNext = new Matrix(B, H);
            for (int t = T; t >= 1; t--) {
                Matrix da = new Matrix(B, 4 * H), dcPrev = new Matrix(B, H);
                for (int r = 0; r < B; r++) {
                    for (int j = 0; j < H; j++) {
                        double i = gates[t].get(r, j), f = gates[t].get(r, H + j), o = gates[t].get(r, 2 * H + j),
                                g = gates[t].get(r, 3 * H + j), tc = Math.tanh(c[t].get(r, j));
                        double dht = dh[t].get(r, j) + (carryH ? dhNext.get(r, j) : 0);
                        double dc = (carryC ? dcNext.get(r, j) : 0) + Tanh.backward(tc, dht * o);
                        da.set(r, j, Sigmoid.backward(i, dc * g));
                        da.set(r, H + j, Sigmoid.backward(f, dc * c[t - 1].get(r, j)));
                        da.set(r, 2 * H + j, Sigmoid.backward(o, dht * tc));
                        da.set(r, 3 * H + j, Tanh.backward(g, dc * i));
                        dcPrev.set(r, j, dc * f);
                    }
                }
                dWx.addMatmulTransA(x[t], da);
                dWh.addMatmulTransA(whFromPrevious ? h[t - 1] : h[t], da);
                da.addColumnSumsTo(db);
                dx[t] = new Matrix(B, D).addMatmulTransB(da, Wx);
                dhNext = new Matrix(B, H).addMatmulTransB(da, Wh);
                dcNext = dcPrev;
            }
            return new LstmBpttExercises.Grads(dx, dhNext, dcNext, dWx, dWh, db);
        };
    }

    @Test
    void bpttThroughAWholeLstmSequence() {
        GradCheckReport ok = LstmBpttExercises.checkBptt(LstmBpttExercises::bptt);
        ok.assertPassed();
        assertEquals(List.of("dWx", "dWh", "db", "dh0", "dc0", "dx[1]", "dx[2]", "dx[3]", "dx[4]", "dx[5]"),
                ok.entries().stream().map(GradCheckReport.Entry::name).toList());
        LstmBpttExercises.checkBptt(lstm(true, true, true)).assertPassed();
        // the cell's gradient not carried back: the carousel cut — c₀ gets only step 1's share
        failsNaming(LstmBpttExercises.checkBptt(lstm(false, true, true)), "dc0");
        // the hidden state's gradient not carried back
        failsNaming(LstmBpttExercises.checkBptt(lstm(true, false, true)), "dh0");
        // dW_h from h_t instead of h_{t−1}
        failsNaming(LstmBpttExercises.checkBptt(lstm(true, true, false)), "dWh");
    }

    // ---- dropout ----------------------------------------------------------------------------------------------------

    @Test
    void dropoutBackward() {
        DropoutExercises.checkDropoutBackward(DropoutExercises::dropoutBackward).assertPassed();
        // the mask without the scaling 1/(1 − p)
        failsNaming(DropoutExercises.checkDropoutBackward((dy, kept, p) -> {
            double[][] dx = new double[dy.length][dy[0].length];
            for (int i = 0; i < dy.length; i++) for (int j = 0; j < dy[0].length; j++) dx[i][j] = kept[i][j] ? dy[i][j] : 0;
            return dx;
        }), "dx");
        // scaled by 1/p
        failsNaming(DropoutExercises.checkDropoutBackward((dy, kept, p) -> {
            double[][] dx = new double[dy.length][dy[0].length];
            for (int i = 0; i < dy.length; i++) for (int j = 0; j < dy[0].length; j++) dx[i][j] = kept[i][j] ? dy[i][j] / p : 0;
            return dx;
        }), "dx");
        // the mask forgotten
        failsNaming(DropoutExercises.checkDropoutBackward((dy, kept, p) -> dy), "dx");
    }

    // ---- the grading lines --------------------------------------------------------------------------------------------

    @Test
    void unfinishedIsOneLineWithoutHintWrongGetsTheHintCorrectKeepsIt() {
        String todo = printed(() -> DropoutExercises.gradeDropoutBackward((dy, kept, p) -> {
            throw TODO;
        }));
        assertEquals(List.of("`dropoutBackward`: not implemented yet — the notebook goes on with the library's"),
                todo.lines().toList());
        for (Supplier<Object> unfinished : List.<Supplier<Object>>of(
                () -> TransformerExercises.gradeLayerNormBackward((dy, xh, r, g, dg, db) -> {
                    throw TODO;
                }),
                () -> TransformerExercises.gradeSplitHeads((x, h) -> {
                    throw TODO;
                }),
                () -> TransformerExercises.gradeMergeHeads(y -> {
                    throw TODO;
                }),
                () -> TransformerExercises.gradeBlockBackward((b, d) -> {
                    throw TODO;
                }),
                () -> LstmBpttExercises.gradeBptt((x, h, c, g, dh, wx, wh) -> {
                    throw TODO;
                }))) {
            String out = printed(unfinished);
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.contains("not implemented yet") && !out.contains("hint"), out);
        }

        DropoutExercises.DropoutBackward wrong = (dy, kept, p) -> dy;
        Object[] used = new Object[1];
        String w = printed(() -> used[0] = DropoutExercises.gradeDropoutBackward(wrong));
        List<String> lines = w.lines().toList();
        assertEquals(2, lines.size(), w);
        assertTrue(lines.get(0).startsWith("`dropoutBackward`: not correct yet")
                && lines.get(0).matches(".*\\bdx\\[\\d+]\\[\\d+] is .* but should be .*"), w);   // the entry, named
        assertEquals(Hint.PREFIX + DropoutExercises.HINT, lines.get(1));
        assertNotSame(wrong, used[0], "the notebook goes on with the library's");

        DropoutExercises.DropoutBackward right = DropoutExercises::dropoutBackward;
        String r = printed(() -> used[0] = DropoutExercises.gradeDropoutBackward(right));
        assertTrue(r.startsWith("`dropoutBackward`: correct") && !r.contains("hint"), r);   // the report, no hint
        assertSame(right, used[0]);
        // no formula in the hints: they point at the derivation
        for (String hint : List.of(DropoutExercises.HINT, LstmBpttExercises.HINT, TransformerExercises.LAYER_NORM_HINT,
                TransformerExercises.BLOCK_HINT, TransformerExercises.SPLIT_HINT)) {
            assertFalse(hint.contains("= dy") || hint.contains("r·(") || hint.contains("1/(1"), hint);
        }
    }

    @Test
    void theBlockUsedIsThePreLnBlockOfTheLibrary() {
        // the exercise's block is the library's default block: no post-LN, no dropout
        TransformerBlock b = new TransformerBlock("b", 4, 2, 3, true, true, new java.util.Random(1));
        assertFalse(b.postLayerNorm);
        assertNull(b.drop1);
    }
}
