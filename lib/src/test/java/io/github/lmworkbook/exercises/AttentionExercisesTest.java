package io.github.lmworkbook.exercises;

import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.layers.Softmax;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class AttentionExercisesTest {
    @Test
    void theLibrarysSoftmaxBackwardPasses() {
        AttentionExercises.checkSoftmaxBackward(Softmax::rowBackward).assertPassed();
    }

    @Test
    void softmaxBackwardWrittenWithTheJacobianFormedPasses() {
        AttentionExercises.checkSoftmaxBackward((p, dp, dz, n) -> {
            for (int j = 0; j < n; j++) {                      // dz_j = Σ_i dp_i ∂p_i/∂z_j = Σ_i dp_i p_i (δ_ij − p_j)
                double s = 0;
                for (int i = 0; i < n; i++) s += dp[i] * p[i] * ((i == j ? 1 : 0) - p[j]);
                dz[j] = s;
            }
        }).assertPassed();
    }

    @Test
    void brokenSoftmaxBackwardsFail() {
        // the diagonal of the Jacobian only: dz = dp ⊙ p (1 − p)
        assertEquals(GradCheckReport.Status.FAILED, AttentionExercises.checkSoftmaxBackward((p, dp, dz, n) -> {
            for (int j = 0; j < n; j++) dz[j] = dp[j] * p[j] * (1 - p[j]);
        }).status());
        // the dot product with dp but without p: dz = p ⊙ (dp − Σ dp)
        assertEquals(GradCheckReport.Status.FAILED, AttentionExercises.checkSoftmaxBackward((p, dp, dz, n) -> {
            double sum = 0;
            for (int j = 0; j < n; j++) sum += dp[j];
            for (int j = 0; j < n; j++) dz[j] = p[j] * (dp[j] - sum);
        }).status());
    }

    @Test
    void theLibrarysHeadBackwardPasses() {
        GradCheckReport r = AttentionExercises.checkHeadBackward(CausalSelfAttention::headBackward);
        r.assertPassed();
        assertEquals(java.util.List.of("q", "k", "v"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
    }

    @Test
    void brokenHeadBackwardsFail() {
        // forgets the scale 1/√d in dq and dk
        assertEquals(GradCheckReport.Status.FAILED, AttentionExercises.checkHeadBackward(
                (q, k, v, a, dy, L, scale, da, dq, dk, dv) ->
                        CausalSelfAttention.headBackward(q, k, v, a, dy, L, 1.0, da, dq, dk, dv)).status());
        // lets position i receive gradient from the future (j up to L − 1): the weights there are 0, but da is not
        assertEquals(GradCheckReport.Status.FAILED, AttentionExercises.checkHeadBackward(
                (q, k, v, a, dy, L, scale, da, dq, dk, dv) -> {
                    int d = q[0].length;
                    for (int i = 0; i < L; i++) {
                        for (int j = 0; j < L; j++) {
                            double s = 0;
                            for (int c = 0; c < d; c++) {
                                s += dy[i][c] * v[j][c];
                                dv[j][c] += a[i][j] * dy[i][c];
                            }
                            da[j] = s;
                        }
                        double dot = 0;
                        for (int j = 0; j < L; j++) dot += da[j] * a[i][j];
                        for (int j = 0; j < L; j++) {
                            double g = (j <= i ? a[i][j] * (da[j] - dot) : da[j]) * scale;
                            for (int c = 0; c < d; c++) {
                                dq[i][c] += g * k[j][c];
                                dk[j][c] += g * q[i][c];
                            }
                        }
                    }
                }).status());
    }

    @Test
    void unimplementedExercisesSayNotImplementedYetOnce() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            AttentionExercises.SoftmaxBackward s = AttentionExercises.gradeSoftmaxBackward((p, dp, dz, n) -> {
                throw new UnsupportedOperationException("not implemented yet");
            });
            AttentionExercises.HeadBackward h = AttentionExercises.gradeHeadBackward(
                    (q, k, v, a, dy, L, scale, da, dq, dk, dv) -> {
                        throw new UnsupportedOperationException("not implemented yet");
                    });
            assertNotNull(s);
            assertNotNull(h);
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.lines().filter(l -> l.contains("not implemented yet")).count(), text);
        assertEquals(2, text.strip().lines().count(), text);
    }
}
