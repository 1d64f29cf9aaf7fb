package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** The one grading mechanism: one line for every outcome, and the function the notebook goes on with. */
class ExerciseTest {
    private static <T> String printed(Supplier<T> run, Object[] result) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            result[0] = run.get();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static final GradientExercises.TanhBackward REFERENCE = GradientExercises::tanhBackward;

    private static GradientExercises.TanhBackward grade(GradientExercises.TanhBackward mine, String[] out) {
        Object[] r = new Object[1];
        out[0] = printed(() -> Exercise.grade("tanhBackward", mine, REFERENCE, GradientExercises::checkTanh), r);
        return (GradientExercises.TanhBackward) r[0];
    }

    @Test
    void notImplementedIsOneLineAndTheReferenceGoesOn() {
        String[] out = new String[1];
        GradientExercises.TanhBackward mine = (dh, h) -> {
            throw new UnsupportedOperationException("not implemented yet");
        };
        assertSame(REFERENCE, grade(mine, out));
        assertEquals(1, out[0].lines().count(), out[0]);
        assertEquals(1, out[0].split("not implemented yet", -1).length - 1, out[0]);
    }

    @Test
    void aCorrectAnswerIsKept() {
        String[] out = new String[1];
        GradientExercises.TanhBackward mine = (dh, h) -> {
            double[][] dz = new double[dh.length][dh[0].length];
            for (int i = 0; i < dh.length; i++) for (int j = 0; j < dh[0].length; j++) dz[i][j] = dh[i][j] * (1 - h[i][j] * h[i][j]);
            return dz;
        };
        assertSame(mine, grade(mine, out));
        assertTrue(out[0].startsWith("`tanhBackward`: correct"), out[0]);
        // the verdict and, indented, how closely it agrees: two lines that fit the notebook column
        assertEquals(2, out[0].lines().count(), out[0]);
        assertTrue(out[0].lines().allMatch(l -> l.length() <= 100), out[0]);
    }

    @Test
    void aWrongAnswerSaysSoAndTheReferenceGoesOn() {
        String[] out = new String[1];
        assertSame(REFERENCE, grade((dh, h) -> dh, out));
        assertTrue(out[0].startsWith("`tanhBackward`: not correct yet"), out[0]);
        assertEquals(1, out[0].lines().count());
    }

    /** What JShell throws when a snippet calls a method whose declaration did not compile. */
    static final class UnresolvedReferenceException extends RuntimeException {
        UnresolvedReferenceException() {
            super("attempted to use method tanhBackward which cannot be invoked until ... is declared");
        }
    }

    @Test
    void aCellThatDidNotCompileIsOneReadableLine() {
        String[] out = new String[1];
        assertSame(REFERENCE, grade((dh, h) -> {
            throw new UnresolvedReferenceException();
        }, out));
        assertEquals("`tanhBackward`: does not compile — fix the cell that defines it (the notebook goes on with the"
                + " library's)", out[0].strip());
    }

    @Test
    void anExceptionIsNamedInOneLine() {
        String[] out = new String[1];
        assertSame(REFERENCE, grade((dh, h) -> new double[1][1], out));
        assertEquals(1, out[0].lines().count(), out[0]);
        assertTrue(out[0].contains("threw IllegalArgumentException") || out[0].contains("not correct"), out[0]);
    }

    @Test
    void everyReferenceOfThePagePasses() {
        GradientExercises.checkTanh(GradientExercises::tanhBackward).assertPassed();
        GradientExercises.checkSoftmaxCrossEntropy(GradientExercises::softmaxCrossEntropyBackward).assertPassed();
        MlpExercises.checkEmbedding(MlpExercises::embeddingBackward).assertPassed();
        MlpExercises.checkHidden(MlpExercises::hiddenBackward).assertPassed();
    }

    @Test
    void plantedMistakesFail() {
        assertEquals(GradCheckReport.Status.FAILED,          // the scatter-add overwrites instead of adding
                MlpExercises.checkEmbedding((ids, dx, dC) -> {
                    int m = dC.cols;
                    for (int r = 0; r < ids.length; r++) for (int k = 0; k < ids[r].length; k++)
                        for (int j = 0; j < m; j++) dC.data[ids[r][k]][j] = dx.data[r][k * m + j];
                }).status());
        assertEquals(GradCheckReport.Status.FAILED,          // forgets dd
                MlpExercises.checkHidden((x, a, H, da, dH, dd) -> {
                    Matrix dz = io.github.lmworkbook.layers.Tanh.backward(a, da, da);
                    dH.addMatmulTransA(x, dz);
                    return new Matrix(x.rows, x.cols).addMatmulTransB(dz, H);
                }).status());
        assertEquals(GradCheckReport.Status.FAILED,          // forgets 1/N
                GradientExercises.checkSoftmaxCrossEntropy((p, y) -> {
                    double[][] dz = new double[p.length][];
                    for (int b = 0; b < p.length; b++) {
                        dz[b] = p[b].clone();
                        dz[b][y[b]] -= 1;
                    }
                    return dz;
                }).status());
    }
}
