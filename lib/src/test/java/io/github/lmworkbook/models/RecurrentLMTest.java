package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RnnCell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The recurrent language model, for every cell type the library has (a new cell is tested here without a line of
 * test code): BPTT against central differences (full, truncated, with a learned start), the fused input path
 * against the layers it replaces, carried state, generation, no allocation in a training step.
 */
class RecurrentLMTest {
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

    /**
     * Central differences of 4th order: (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h)) / 12h, at h = 1e-3. Truncation is
     * O(h⁴) (~1e-12 here), round-off ~1.5·ε·|L|/h (~5e-13 for a loss of 2): both far below the smallest entries an
     * LSTM has at initialisation (~1e-6: the forget gate's weights, whose gradient carries the factor c_{t−1}).
     */
    static double numeric(double[] row, int j, DoubleSupplier f) {
        double h = 1e-3, old = row[j];
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
     * Every entry of every parameter (except those named in exclude) against 4th-order central differences at
     * h = 1e-3: the error |a − n| must be within 1e-7·(|a| + |n|) plus the rounding error of the difference quotient
     * itself, about ε·|L|/h (ROUNDING below; it decides only for entries far smaller than the loss, such as the GRU's
     * reset-gate weights, where no relative criterion can judge a difference quotient); returns the largest relative
     * error beyond that floor. The library's GradientChecker is run too, on every entry, and must pass (its
     * criterion judges each entry against the round-off of its own estimate).
     */
    static double checkAll(io.github.lmworkbook.core.Model m, DoubleSupplier loss, Runnable lossAndGrad, String... exclude) {
        java.util.List<Param> ps = m.params().stream()
                .filter(p -> !java.util.Arrays.asList(exclude).contains(p.name)).toList();
        GradCheckReport r = GradientChecker.builder().samplesPerParam(100_000).threshold(1e-6)
                .check(() -> ps, loss, lossAndGrad);
        r.assertPassed();
        assertEquals(ps.size(), r.entries().size());
        double L = Math.abs(loss.getAsDouble());
        double worst = 0, floor = ROUNDING * Math.ulp(L) / 1e-3;
        for (Param p : ps) {
            Matrix analytic = p.grad.copy();
            for (int i = 0; i < p.value.rows; i++) for (int j = 0; j < p.value.cols; j++) {
                double n = numeric(p.value.data[i], j, loss), a = analytic.data[i][j];
                double e = GradientChecker.relError(a, n);
                assertTrue(e <= 1e-7 || Math.abs(a - n) <= 1e-7 * (Math.abs(a) + Math.abs(n)) + floor,
                        p.name + "[" + i + "][" + j + "]: analytic " + a + ", numeric " + n + ", rel. error " + e
                                + ", abs. error " + Math.abs(a - n) + " (rounding floor " + floor + ")");
                worst = Math.max(worst, Math.max(0, Math.abs(a - n) - floor) / Math.max(1e-8, Math.abs(a) + Math.abs(n)));
            }
        }
        return worst;
    }

    /**
     * The rounding error of a difference quotient in units of ulp(L)/h: each loss value is off by a few ulp (a sum
     * over the batch), and the stencils weigh them by at most (1 + 8 + 8 + 1)/12 = 1.5 (4th order) or 1 (2nd).
     */
    static final double ROUNDING = 8;

    static RecurrentLM model(CellType cell, boolean learnedStart, long seed) {
        return new RecurrentLM(new RecurrentLM.Config(V, cell, M, H, learnedStart, seed));
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void fullBpttGradientWithPaddingAndLearnedStart(CellType cell) {
        Random rng = new Random(1);
        RecurrentLM lm = model(cell, true, 1);
        lm.recurrence.start.value.setFrom(Matrix.randn(1, lm.cell.stateSize(), 0.5, rng)); // a generic start
        Batch batch = paddedBatch(rng, 4, 8);
        double worst = checkAll(lm, () -> lm.loss(batch), () -> lm.lossAndGrad(batch));
        assertTrue(lm.recurrence.start.grad.norm() > 0);
        assertTrue(worst < 1e-7, "worst " + worst);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void fullBpttGradientZeroStartReadablePath(CellType cell) {
        Random rng = new Random(2);
        RecurrentLM lm = model(cell, false, 2).fused(false);
        Batch batch = randomBatch(rng, 3, 6);
        assertNull(lm.recurrence.start);
        checkAll(lm, () -> lm.loss(batch), () -> lm.lossAndGrad(batch));
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void fusedInputPathEqualsTheLayersToRoundOff(CellType cell) {
        Random rng = new Random(3);
        RecurrentLM a = model(cell, true, 3), b = model(cell, true, 3).fused(false);
        a.recurrence.start.value.setFrom(Matrix.randn(1, a.cell.stateSize(), 0.5, rng));
        b.recurrence.start.value.setFrom(a.recurrence.start.value);
        Batch batch = paddedBatch(rng, 5, 9);
        a.zeroGrad();
        b.zeroGrad();
        double la = a.lossAndGrad(batch), lb = b.lossAndGrad(batch);
        assertEquals(lb, la, 1e-12 * Math.abs(lb));
        for (int k = 0; k < a.params().size(); k++) {
            Matrix ga = a.params().get(k).grad, gb = b.params().get(k).grad;
            double scale = gb.maxAbs();
            for (int i = 0; i < ga.rows; i++) for (int j = 0; j < ga.cols; j++) {
                assertEquals(gb.data[i][j], ga.data[i][j], 1e-12 * scale, a.params().get(k).name);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void truncatedBpttGradientFromCarriedState(CellType cell) {
        Random rng = new Random(3);
        RecurrentLM lm = model(cell, true, 3);
        lm.carryState(true);
        Batch first = randomBatch(rng, 3, 5), second = randomBatch(rng, 3, 5);
        lm.lossAndGrad(first);                        // carries s_5 of the first chunk
        Matrix carried = lm.carriedState();
        assertNotNull(carried);
        assertEquals(lm.cell.stateSize(), carried.cols);
        lm.zeroGrad();
        lm.forward(second, carried);
        lm.backward();
        assertEquals(0.0, lm.recurrence.start.grad.norm(), "no gradient reaches the start through a carried state");
        assertTrue(lm.recurrence.startGradient().norm() > 0, "but ∂L/∂s_0 is reported");
        double before = lm.forward(second, carried);
        lm.recurrence.start.value.fill(0.3);
        assertEquals(before, lm.forward(second, carried), 0.0);
        checkAll(lm, () -> lm.forward(second, carried), () -> {
            lm.forward(second, carried);
            lm.backward();
        }, "start");
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void carriedStateContinuesTheSequence(CellType cell) {
        // the loss of two chunks with a carried state == the loss of the whole sequence (forward sees all the past)
        Random rng = new Random(4);
        RecurrentLM lm = model(cell, false, 4);
        Batch whole = randomBatch(rng, 2, 10);
        int[][] x1 = new int[2][], y1 = new int[2][], x2 = new int[2][], y2 = new int[2][];
        for (int b = 0; b < 2; b++) {
            x1[b] = java.util.Arrays.copyOfRange(whole.x()[b], 0, 5);
            y1[b] = java.util.Arrays.copyOfRange(whole.y()[b], 0, 5);
            x2[b] = java.util.Arrays.copyOfRange(whole.x()[b], 5, 10);
            y2[b] = java.util.Arrays.copyOfRange(whole.y()[b], 5, 10);
        }
        double full = lm.loss(whole);
        lm.carryState(true);
        double l1 = lm.lossAndGrad(new Batch(x1, y1)), l2 = lm.lossAndGrad(new Batch(x2, y2));
        assertEquals(full, (l1 + l2) / 2, 1e-12);
        assertNotEquals(l2, lm.loss(new Batch(x2, y2)), "loss() starts from the start state");
        lm.resetState();
        assertEquals(l1, lm.lossAndGrad(new Batch(x1, y1)), 1e-15);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void generationCarriesTheStateAndAgreesWithTheWholeContext(CellType cell) {
        Random rng = new Random(7);
        RecurrentLM lm = model(cell, true, 7);
        lm.recurrence.start.value.setFrom(Matrix.randn(1, lm.cell.stateSize(), 0.5, rng));
        int[][] context = {{0, 3, 1, 4}, {0, 1, 6, 2}};
        Matrix whole = new Matrix(2, V);
        lm.nextLogits(context, whole);
        // the logits at the last position of a forward pass over the context
        Batch batch = new Batch(context, new int[][] {{1, 1, 1, 1}, {1, 1, 1, 1}});
        lm.loss(batch);
        Matrix head = lm.head.forward(lm.recurrence.hidden());
        for (int b = 0; b < 2; b++) assertArrayEquals(head.data[b * 4 + 3], whole.data[b], 1e-13);
        // one token at a time through the generator
        LanguageModel.Generator g = lm.generator(2);
        Matrix logits = new Matrix(2, V);
        for (int t = 0; t < 4; t++) g.next(new int[] {context[0][t], context[1][t]}, logits);
        for (int b = 0; b < 2; b++) assertArrayEquals(whole.data[b], logits.data[b], 1e-13);
        g.reset();
        g.next(new int[] {0, 0}, logits);
        Matrix first = new Matrix(2, V);
        lm.nextLogits(new int[][] {{0}, {0}}, first);
        assertArrayEquals(first.data[1], logits.data[1], 1e-13);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void trainingStepAllocatesNothingAfterWarmUp(CellType cell) {
        RecurrentLM lm = new RecurrentLM(RecurrentLM.Config.makemore(cell, 27, 1));
        Batch batch = randomBatchV(new Random(8), 32, 16, 27);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        // Warm up until C2 has compiled the product kernels: Vector API code allocates an object per vector until
        // then, and on a loaded machine the compiler thread may need many steps (at most 400 steps here).
        for (int chunk = 0; chunk < 40; chunk++) {
            long start = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10; i++) {
                lm.zeroGrad();
                lm.lossAndGrad(batch);
            }
            if (mx.getCurrentThreadAllocatedBytes() - start < 10 * 256) break;
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            lm.zeroGrad();
            lm.lossAndGrad(batch);
        }
        long perStep = (mx.getCurrentThreadAllocatedBytes() - before) / 20;
        assertTrue(perStep < 256, perStep + " bytes allocated per training step");
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void theConfigurationCountsTheParametersWithoutBuilding(CellType cell) {
        for (boolean start : new boolean[] {true, false}) {
            RecurrentLM.Config c = new RecurrentLM.Config(V, cell, M, H, start, 1);
            RecurrentLM lm = new RecurrentLM(c);
            assertEquals(lm.numParams(), c.numParams(), cell + (start ? " with start" : ""));
            assertEquals(cell.stateSize(H), lm.cell.stateSize());
            assertEquals(cell.gates * H, lm.cell.input().out);
        }
    }

    @Test
    void makemoreRnnHasTheSameParameterCount() {
        // makemore rnn, vocab 27: wte 27·64 + start 64 + Linear(128→64) 128·64+64 + lm_head 64·27+27
        RecurrentLM rnn = new RecurrentLM(RecurrentLM.Config.makemore(CellType.RNN, 27, 42));
        assertEquals(27 * 64 + 64 + 128 * 64 + 64 + 64 * 27 + 27, rnn.numParams());
        assertEquals(java.util.List.of("C", "Wxh", "Whh", "b", "start", "Why", "by"),
                rnn.params().stream().map(p -> p.name).toList());
    }

    @Test
    void theRecurrenceIsTheCellsStepByStep() {
        Random rng = new Random(6);
        RecurrentLM lm = model(CellType.RNN, true, 6).fused(false);
        RnnCell cell = (RnnCell) lm.cell;
        lm.recurrence.start.value.setFrom(Matrix.randn(1, H, 0.5, rng));
        Batch batch = randomBatch(rng, 3, 4);
        lm.loss(batch);
        Matrix hs = lm.recurrence.hidden();                       // (B·T × H), row b·T + t
        for (int b = 0; b < 3; b++) {
            double[] h = lm.recurrence.start.value.data[0].clone();
            for (int t = 0; t < 4; t++) {                         // h_t = tanh(x_t·W_xh + b + h_{t−1}·W_hh)
                double[] x = lm.embedding.vector(batch.x()[b][t]), next = new double[H];
                for (int j = 0; j < H; j++) {
                    double z = cell.b.value.data[0][j];
                    for (int i = 0; i < M; i++) z += x[i] * cell.Wxh.value.data[i][j];
                    for (int i = 0; i < H; i++) z += h[i] * cell.Whh.value.data[i][j];
                    next[j] = Math.tanh(z);
                }
                h = next;
                assertArrayEquals(h, hs.data[b * 4 + t], 1e-14);
            }
        }
    }

    @Test
    void badInputIsNamed() {
        RecurrentLM lm = model(CellType.RNN, true, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lm.loss(new Batch(new int[][] {{0, 9}}, new int[][] {{1, 1}})));
        assertTrue(e.getMessage().contains("token id 9"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> lm.forward(new Batch(new int[][] {{0, 1}}, new int[][] {{1, 1}}), new Matrix(2, H)));
        assertTrue(e.getMessage().contains("start state (2×" + H + ")"), e.getMessage());
    }

    static Batch randomBatchV(Random rng, int B, int T, int V) {
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) {
            x[b][t] = rng.nextInt(V);
            y[b][t] = rng.nextInt(V);
        }
        return new Batch(x, y);
    }

    /**
     * A batch larger than {@link RecurrentLM#MAX_ROWS} rows is evaluated in chunks of whole sequences: the same mean
     * over all its targets as one pass over the whole batch, to the last bit (the evidence's losses depend on it),
     * padding included.
     */
    @ParameterizedTest
    @EnumSource(CellType.class)
    void aLargeBatchIsEvaluatedInChunksToTheSameLoss(CellType cell) {
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(V, cell, 4, 6, true, 3));
        Random rng = new Random(4);
        int T = 7, B = 3 * (RecurrentLM.MAX_ROWS / T) + 5;                 // three full chunks and a part
        Batch big = randomBatch(rng, B, T);
        for (int b = 0; b < B; b += 3) big.y()[b][T - 1] = Batch.IGNORE;     // padding counts nowhere
        double chunked = m.loss(big);
        double whole = m.forward(big, null);
        assertEquals(Double.doubleToLongBits(whole), Double.doubleToLongBits(chunked), whole + " vs " + chunked);
    }
}
