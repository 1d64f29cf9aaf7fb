package io.github.lmworkbook.exercises;

import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.layers.AdditiveAttention;
import io.github.lmworkbook.layers.Softmax;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class Seq2SeqExercisesTest {
    /** A learner's backward written from the derivation, with switches for the usual mistakes. */
    static void backward(double[] dc, double[][] h, double[][] z, double[] v, double[] alpha, int L, double[] de,
                         double[] dq, double[][] dk, double[] dv, double[][] dh, boolean softmaxJacobian,
                         boolean tanhPrime, boolean contextToH) {
        int A = v.length, H = dc.length;
        for (int s = 0; s < L; s++) {
            double da = 0;
            for (int j = 0; j < H; j++) {
                da += dc[j] * h[s][j];                                   // dα_s = dc·h_s
                if (contextToH) dh[s][j] += alpha[s] * dc[j];            // dh_s += α_s dc
            }
            de[s] = da;
        }
        if (softmaxJacobian) Softmax.rowBackward(alpha, de, de, L);
        else for (int s = 0; s < L; s++) de[s] *= alpha[s];             // forgets −α_s(dα·α)
        for (int s = 0; s < L; s++) {
            for (int j = 0; j < A; j++) {
                dv[j] += de[s] * z[s][j];
                double d = de[s] * v[j] * (tanhPrime ? 1 - z[s][j] * z[s][j] : 1);
                dq[j] += d;
                dk[s][j] += d;
            }
        }
    }

    @Test
    void theLibrarysBackwardAndOneFromTheDerivationPass() {
        GradCheckReport r = Seq2SeqExercises.checkAttentionBackward(AdditiveAttention::additiveBackward);
        r.assertPassed();
        assertEquals(List.of("q", "k", "v", "h"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
        Seq2SeqExercises.checkAttentionBackward((dc, h, z, v, a, L, de, dq, dk, dv, dh) ->
                backward(dc, h, z, v, a, L, de, dq, dk, dv, dh, true, true, true)).assertPassed();
    }

    @Test
    void theUsualMistakesFail() {
        // the softmax's Jacobian taken as diag(α)
        assertEquals(GradCheckReport.Status.FAILED, Seq2SeqExercises.checkAttentionBackward(
                (dc, h, z, v, a, L, de, dq, dk, dv, dh) -> backward(dc, h, z, v, a, L, de, dq, dk, dv, dh, false, true,
                        true)).status());
        // no tanh′
        assertEquals(GradCheckReport.Status.FAILED, Seq2SeqExercises.checkAttentionBackward(
                (dc, h, z, v, a, L, de, dq, dk, dv, dh) -> backward(dc, h, z, v, a, L, de, dq, dk, dv, dh, true, false,
                        true)).status());
        // h_s's gradient through the context forgotten (only the scores')
        GradCheckReport r = Seq2SeqExercises.checkAttentionBackward(
                (dc, h, z, v, a, L, de, dq, dk, dv, dh) -> backward(dc, h, z, v, a, L, de, dq, dk, dv, dh, true, true,
                        false));
        assertEquals(GradCheckReport.Status.FAILED, r.status());
        assertFalse(r.entry("h").passed());
        assertTrue(r.entry("q").passed() && r.entry("k").passed() && r.entry("v").passed());
    }

    @Test
    void aBodyThatIsNotWrittenYetSaysSoOnceAndTheLibrarysIsUsed() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        Seq2SeqExercises.AttentionBackward used;
        Seq2SeqExercises.AlignmentPrediction predicted;
        try {
            used = Seq2SeqExercises.gradeAttentionBackward((dc, h, z, v, a, L, de, dq, dk, dv, dh) -> {
                throw new UnsupportedOperationException("not implemented yet");
            });
            predicted = Seq2SeqExercises.gradeReversalAlignment(L -> {
                throw new UnsupportedOperationException("not implemented yet");
            });
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.lines().count(), out);
        assertTrue(out.lines().allMatch(l -> l.contains("not implemented yet")), out);
        assertTrue(Seq2SeqExercises.checkAttentionBackward(used).passed());
        assertArrayEquals(new double[] {0, 0, 1}, predicted.apply(3)[0]);
    }

    @Test
    void theReversalAlignmentIsTheAntiDiagonal() {
        Seq2SeqExercises.checkReversalAlignment(Seq2SeqExercises::reversalAlignment).assertPassed();
        // the diagonal (copying) is not reversal; nor is a uniform α
        assertEquals(GradCheckReport.Status.FAILED, Seq2SeqExercises.checkReversalAlignment(L -> {
            double[][] a = new double[L][L];
            for (int t = 0; t < L; t++) a[t][t] = 1;
            return a;
        }).status());
        assertEquals(GradCheckReport.Status.FAILED, Seq2SeqExercises.checkReversalAlignment(L -> {
            double[][] a = new double[L][L];
            for (double[] row : a) java.util.Arrays.fill(row, 1.0 / L);
            return a;
        }).status());
        // off by one (t ↦ L − t, 0-based L − 1 − t + 1) fails; a wrong shape is one line
        assertEquals(GradCheckReport.Status.FAILED, Seq2SeqExercises.checkReversalAlignment(L -> {
            double[][] a = new double[L][L];
            for (int t = 0; t < L; t++) a[t][Math.min(L - 1, L - t)] = 1;
            return a;
        }).status());
        var e = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqExercises.checkReversalAlignment(L -> new double[L - 1][L]));
        assertTrue(e.getMessage().contains("L × L"), e.getMessage());
    }
}
