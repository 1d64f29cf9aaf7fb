package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.*;

class RnnTest {
    static final int V = 7, M = 4, H = 5;

    /** A padded batch in makemore's layout: x starts with 0, y ends with 0 then −1 padding. */
    static Batch paddedBatch(Random rng, int B, int T) {
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) {
            int len = 1 + rng.nextInt(T - 1); // word length 1..T−1
            int[] w = new int[len];
            for (int i = 0; i < len; i++) w[i] = 1 + rng.nextInt(V - 1);
            for (int t = 0; t < T; t++) {
                x[b][t] = t == 0 ? 0 : (t - 1 < len ? w[t - 1] : 0);
                y[b][t] = t < len ? w[t] : (t == len ? 0 : -1);
            }
        }
        return new Batch(x, y);
    }

    static Batch randomBatch(Random rng, int B, int T) {
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) {
            x[b][t] = rng.nextInt(V);
            y[b][t] = rng.nextInt(V);
        }
        return new Batch(x, y);
    }

    /** Central differences of 4th order: (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h)) / 12h. */
    static double numeric(double[] row, int j, DoubleSupplier f) {
        double h = 1e-4, old = row[j];
        row[j] = old + 2 * h; double f2 = f.getAsDouble();
        row[j] = old + h;     double f1 = f.getAsDouble();
        row[j] = old - h;     double fm1 = f.getAsDouble();
        row[j] = old - 2 * h; double fm2 = f.getAsDouble();
        row[j] = old;
        return (-f2 + 8 * f1 - 8 * fm1 + fm2) / (12 * h);
    }

    static double relErr(double a, double n) {
        return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    }

    /**
     * Every entry of every parameter (except those named in exclude) against 4th-order central differences,
     * relative error |a − n| / max(1e-8, |a| + |n|) ≤ 1e-7; returns the largest. The library's GradientChecker
     * (2nd-order differences) is run too, on every entry, and must reach 1e-6: on these mean losses its
     * truncation error (h = 1e-4) or rounding error (h = 1e-5) sits right at 1e-7 for some entries, as its own
     * documentation says, while the O(h⁴) stencil at h = 1e-4 keeps both well below.
     */
    static double checkAll(io.github.lmworkbook.core.Model m, DoubleSupplier loss, Runnable lossAndGrad, String... exclude) {
        java.util.List<Param> ps = m.params().stream()
                .filter(p -> !java.util.Arrays.asList(exclude).contains(p.name)).toList();
        GradCheckReport r = GradientChecker.builder().samplesPerParam(100_000).threshold(1e-6)
                .check(() -> ps, loss, lossAndGrad);
        r.assertPassed();
        assertEquals(ps.size(), r.entries().size());
        double worst = 0;
        for (Param p : ps) {
            Matrix analytic = p.grad.copy();
            for (int i = 0; i < p.value.rows; i++) for (int j = 0; j < p.value.cols; j++) {
                double n = numeric(p.value.data[i], j, loss);
                double e = GradientChecker.relError(analytic.data[i][j], n);
                assertTrue(e <= 1e-7, p.name + "[" + i + "][" + j + "]: analytic " + analytic.data[i][j]
                        + ", numeric " + n + ", rel. error " + e);
                worst = Math.max(worst, e);
            }
        }
        return worst;
    }

    @Test
    void fullBpttGradientWithPaddingAndLearnedStart() {
        Random rng = new Random(1);
        Rnn rnn = new Rnn(V, M, H, true, rng);
        rnn.h0.value.setFrom(Matrix.randn(1, H, 0.5, rng)); // a non-zero start, so its gradient is generic
        Batch batch = paddedBatch(rng, 4, 8);
        double worst = checkAll(rnn, () -> rnn.loss(batch), () -> rnn.lossAndGrad(batch));
        assertTrue(rnn.h0.grad.norm() > 0);
        assertTrue(worst < 1e-7, "worst " + worst);
    }

    @Test
    void fullBpttGradientZeroStart() {
        Random rng = new Random(2);
        Rnn rnn = new Rnn(V, M, H, false, rng);
        Batch batch = randomBatch(rng, 3, 6);
        assertEquals(6, rnn.params().size());
        checkAll(rnn, () -> rnn.loss(batch), () -> rnn.lossAndGrad(batch));
    }

    @Test
    void truncatedBpttGradientFromCarriedState() {
        Random rng = new Random(3);
        Rnn rnn = new Rnn(V, M, H, true, rng);
        rnn.carryState(true);
        Batch first = randomBatch(rng, 3, 5), second = randomBatch(rng, 3, 5);
        rnn.lossAndGrad(first);                       // carries h_5 of the first chunk
        Matrix carried = rnn.carriedState();
        assertNotNull(carried);
        rnn.zeroGrad();
        rnn.forward(second, carried);
        rnn.backward();
        assertEquals(0.0, rnn.h0.grad.norm(), "no gradient reaches h0 through a carried state");
        // the loss does not depend on h0 at all here: its (exact) zero gradient is checked by moving h0
        double before = rnn.forward(second, carried);
        rnn.h0.value.fill(0.3);
        assertEquals(before, rnn.forward(second, carried), 0.0);
        checkAll(rnn, () -> rnn.forward(second, carried), () -> {
            rnn.forward(second, carried);
            rnn.backward();
        }, "h0");
        // lossAndGrad in carry mode computes the same thing and moves the carried state on
        rnn.zeroGrad();
        rnn.setCarriedState(carried);
        double l = rnn.lossAndGrad(second);
        assertEquals(rnn.forward(second, carried), l, 1e-15);
        assertNotEquals(carried.get(0, 0), rnn.carriedState().get(0, 0));
    }

    @Test
    void carriedStateContinuesTheSequence() {
        // loss of two chunks with a carried state == loss of the whole sequence (forward sees all the past)
        Random rng = new Random(4);
        Rnn rnn = new Rnn(V, M, H, false, rng);
        Batch whole = randomBatch(rng, 2, 10);
        int[][] x1 = new int[2][], y1 = new int[2][], x2 = new int[2][], y2 = new int[2][];
        for (int b = 0; b < 2; b++) {
            x1[b] = java.util.Arrays.copyOfRange(whole.x()[b], 0, 5);
            y1[b] = java.util.Arrays.copyOfRange(whole.y()[b], 0, 5);
            x2[b] = java.util.Arrays.copyOfRange(whole.x()[b], 5, 10);
            y2[b] = java.util.Arrays.copyOfRange(whole.y()[b], 5, 10);
        }
        double full = rnn.loss(whole);
        rnn.carryState(true);
        double l1 = rnn.lossAndGrad(new Batch(x1, y1)), l2 = rnn.lossAndGrad(new Batch(x2, y2));
        assertEquals(full, (l1 + l2) / 2, 1e-12);
        assertNotEquals(l2, rnn.loss(new Batch(x2, y2)), "loss() starts from h_0");
        rnn.resetState();
        assertEquals(l1, rnn.lossAndGrad(new Batch(x1, y1)), 1e-15);
    }

    @Test
    void stepBackwardMatchesCentralDifferences() {
        Random rng = new Random(5);
        Matrix x = Matrix.randn(3, M, 1, rng), hPrev = Matrix.randn(3, H, 0.5, rng);
        Matrix Wxh = Matrix.randn(M, H, 0.5, rng), Whh = Matrix.randn(H, H, 0.5, rng), b = Matrix.randn(1, H, 0.1, rng);
        Matrix dh = Matrix.randn(3, H, 1, rng);
        DoubleSupplier L = () -> {  // L = Σ dh ⊙ h
            Matrix h = Rnn.stepForward(x, hPrev, Wxh, Whh, b);
            double s = 0;
            for (int i = 0; i < h.rows; i++) for (int j = 0; j < H; j++) s += h.data[i][j] * dh.data[i][j];
            return s;
        };
        Matrix h = Rnn.stepForward(x, hPrev, Wxh, Whh, b);
        Rnn.StepGrads g = Rnn.stepBackward(dh, x, hPrev, h, Wxh, Whh);
        Matrix[][] pairs = {{x, g.dx()}, {hPrev, g.dhPrev()}, {Wxh, g.dWxh()}, {Whh, g.dWhh()}, {b, g.db()}};
        for (Matrix[] p : pairs) {
            for (int i = 0; i < p[0].rows; i++) for (int j = 0; j < p[0].cols; j++) {
                double n = numeric(p[0].data[i], j, L);
                assertTrue(relErr(p[1].data[i][j], n) <= 1e-7, "rel. error " + relErr(p[1].data[i][j], n));
            }
        }
    }

    @Test
    void sequenceLoopAgreesWithStepByStepReference() {
        Random rng = new Random(6);
        Rnn rnn = new Rnn(V, M, H, true, rng);
        rnn.h0.value.setFrom(Matrix.randn(1, H, 0.5, rng));
        Batch batch = randomBatch(rng, 3, 4);
        rnn.loss(batch);
        Matrix hs = rnn.hiddenStates();
        Matrix hPrev = new Matrix(3, H);
        for (int i = 0; i < 3; i++) hPrev.data[i] = rnn.h0.value.data[0].clone();
        for (int t = 0; t < 4; t++) {
            int[] ids = new int[3];
            for (int i = 0; i < 3; i++) ids[i] = batch.x()[i][t];
            Matrix x = new Matrix(3, M);
            for (int i = 0; i < 3; i++) x.data[i] = rnn.C.value.data[ids[i]].clone();
            Matrix h = Rnn.stepForward(x, hPrev, rnn.Wxh.value, rnn.Whh.value, rnn.b.value);
            for (int i = 0; i < 3; i++) for (int j = 0; j < H; j++) assertEquals(h.data[i][j], hs.data[t * 3 + i][j], 1e-14);
            hPrev = h;
        }
    }

    @Test
    void fastTanhIsAccurate() {
        for (double z = -25; z <= 25; z += 0.001) {
            double a = Rnn.tanh(z), e = Math.tanh(z);
            assertEquals(e, a, 4e-16 * Math.max(1e-300, Math.abs(e)) + 1e-300, "tanh(" + z + ")");
        }
        assertEquals(1e-10, Rnn.tanh(1e-10), 1e-25);
        assertEquals(-1.0, Rnn.tanh(-30));
    }

    @Test
    void nextLogitsAndErrors() {
        Random rng = new Random(7);
        Rnn rnn = new Rnn(V, M, H, true, rng);
        Matrix logits = new Matrix(2, V);
        rnn.nextLogits(new int[][] {{0, 3}, {0, 1}}, logits);
        // equal to the head applied to h_2
        Batch batch = new Batch(new int[][] {{0, 3}, {0, 1}}, new int[][] {{1, 1}, {1, 1}});
        rnn.loss(batch);
        Matrix h2 = rnn.finalState();
        Matrix expect = Matrix.matmul(h2, rnn.Why.value).addRowVector(rnn.by.value);
        for (int i = 0; i < 2; i++) assertArrayEquals(expect.data[i], logits.data[i], 1e-14);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rnn.loss(new Batch(new int[][] {{0, 9}}, new int[][] {{1, 1}})));
        assertTrue(e.getMessage().contains("token id 9"), e.getMessage());
    }

    @Test
    void makemoreConfigurationHasTheSameParameterCount() {
        // makemore rnn, vocab 27: wte 27·64 + start 64 + Linear(128→64) 128·64+64 + lm_head 64·27+27
        Rnn rnn = Rnn.makemore(27, 42);
        assertEquals(27 * 64 + 64 + 128 * 64 + 64 + 64 * 27 + 27, rnn.numParams());
    }

    @Test
    void trainingStepAllocatesNothingAfterWarmUp() {
        Rnn rnn = Rnn.makemore(27, 1);
        Batch batch = randomBatchV(new Random(8), 32, 16, 27);
        for (int i = 0; i < 3; i++) {
            rnn.zeroGrad();
            rnn.lossAndGrad(batch);
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            rnn.zeroGrad();
            rnn.lossAndGrad(batch);
        }
        long perStep = (mx.getCurrentThreadAllocatedBytes() - before) / 20;
        assertTrue(perStep < 256, perStep + " bytes allocated per training step");
    }

    static Batch randomBatchV(Random rng, int B, int T, int V) {
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) {
            x[b][t] = rng.nextInt(V);
            y[b][t] = rng.nextInt(V);
        }
        return new Batch(x, y);
    }
}
