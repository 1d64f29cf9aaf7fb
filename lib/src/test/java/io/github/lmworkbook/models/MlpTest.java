package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MlpTest {

    /** Three sequences of length 6 over V = 5 tokens, makemore layout, with padding (−1) targets. */
    static Batch smallBatch() {
        int[][] x = {{0, 1, 2, 3, 0, 0}, {0, 4, 4, 4, 1, 0}, {0, 2, 0, 0, 0, 0}};
        int[][] y = {{1, 2, 3, 0, -1, -1}, {4, 4, 4, 1, 0, -1}, {2, 0, -1, -1, -1, -1}};
        return new Batch(x, y);
    }

    static double relError(double a, double n) {
        return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    }

    /** Central differences on every entry of every parameter, against lossAndGrad. Returns the worst error. */
    static double worstGradError(Mlp model, Batch batch) {
        model.zeroGrad();
        model.lossAndGrad(batch);
        double eps = 1e-5, worst = 0;
        for (Param p : model.params()) {
            Matrix analytic = p.grad.copy();
            for (int i = 0; i < p.value.rows; i++) {
                for (int j = 0; j < p.value.cols; j++) {
                    double old = p.value.data[i][j];
                    p.value.data[i][j] = old + eps;
                    double lp = model.loss(batch);
                    p.value.data[i][j] = old - eps;
                    double lm = model.loss(batch);
                    p.value.data[i][j] = old;
                    double numeric = (lp - lm) / (2 * eps);
                    double err = relError(analytic.data[i][j], numeric);
                    assertTrue(err <= 1e-7, p.name + "[" + i + "][" + j + "]: analytic " + analytic.data[i][j]
                            + " numeric " + numeric + " rel. error " + err);
                    worst = Math.max(worst, err);
                }
            }
        }
        return worst;
    }

    @Test
    void activationsAreTanhOfTheHiddenLayerAtTheCountedPositions() {
        Mlp model = new Mlp(new Mlp.Config(5, 2, 3, 4, false, 7));
        Matrix a = model.activations(smallBatch());
        assertEquals(11, a.rows, "the positions with a target");
        assertEquals(4, a.cols);
        // position 0 of sequence 0: window (0, <BLANK>)
        double[] x = new double[6];
        System.arraycopy(model.C.value.data[0], 0, x, 0, 3);
        System.arraycopy(model.C.value.data[model.BLANK], 0, x, 3, 3);
        for (int j = 0; j < 4; j++) {
            double z = model.d.value.data[0][j];
            for (int k = 0; k < 6; k++) z += x[k] * model.H.value.data[k][j];
            assertEquals(Math.tanh(z), a.data[0][j], 1e-12);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientCheckEveryParameter(boolean direct) {
        Mlp model = new Mlp(new Mlp.Config(5, 3, 3, 4, direct, 42));
        assertEquals(direct ? 6 : 5, model.params().size());
        double worst = worstGradError(model, smallBatch());
        assertTrue(worst <= 1e-7, "worst " + worst);
        // and the library's checker agrees, on every entry
        GradCheckReport report = GradientChecker.builder().samplesPerParam(10_000).check(model, smallBatch());
        report.assertPassed();
        for (Param p : model.params()) assertEquals(p.size(), report.entry(p.name).checked(), p.name);
    }

    @Test
    void gradientCheckWithContextLongerThanTheSequence() {
        Mlp model = new Mlp(new Mlp.Config(5, 8, 2, 3, true, 7)); // every window reaches before the start: <BLANK> gets gradient
        worstGradError(model, smallBatch());
        model.zeroGrad();
        model.lossAndGrad(smallBatch());
        assertTrue(model.C.grad.data[model.BLANK][0] != 0.0, "the <BLANK> row receives gradient");
    }

    @Test
    void computingIgnoredPositionsChangesNothing() {
        Mlp a = new Mlp(new Mlp.Config(5, 3, 3, 4, true, 1)), b = new Mlp(new Mlp.Config(5, 3, 3, 4, true, 1)).setComputeIgnoredPositions(true);
        Batch batch = smallBatch();
        a.zeroGrad();
        b.zeroGrad();
        assertEquals(a.lossAndGrad(batch), b.lossAndGrad(batch), 1e-14);
        for (int k = 0; k < a.params().size(); k++) {
            Matrix ga = a.params().get(k).grad, gb = b.params().get(k).grad;
            for (int i = 0; i < ga.rows; i++) assertArrayEquals(ga.data[i], gb.data[i], 1e-15);
        }
    }

    @Test
    void largeBatchesRunInChunksWithTheSameResult() {
        Random rng = new Random(3);
        int B = 200, T = 16; // 3200 positions > MAX_ROWS
        int[][] x = new int[B][T], y = new int[B][T];
        for (int i = 0; i < B; i++) {
            for (int t = 0; t < T; t++) {
                x[i][t] = rng.nextInt(5);
                y[i][t] = rng.nextInt(6) - 1; // some −1
            }
        }
        Mlp model = new Mlp(new Mlp.Config(5, 4, 3, 6, false, 2));
        double whole = model.loss(new Batch(x, y));
        // the same as the count-weighted mean of the two halves
        int h = B / 2;
        Batch b1 = new Batch(java.util.Arrays.copyOfRange(x, 0, h), java.util.Arrays.copyOfRange(y, 0, h));
        Batch b2 = new Batch(java.util.Arrays.copyOfRange(x, h, B), java.util.Arrays.copyOfRange(y, h, B));
        long n1 = count(b1), n2 = count(b2);
        assertEquals((model.loss(b1) * n1 + model.loss(b2) * n2) / (n1 + n2), whole, 1e-12);
        // and the gradient of the whole equals the weighted sum of the halves' gradients
        model.zeroGrad();
        model.lossAndGrad(new Batch(x, y));
        Matrix gWhole = model.H.grad.copy();
        model.zeroGrad();
        model.lossAndGrad(b1);
        Matrix g = model.H.grad.copy().scaleInPlace((double) n1 / (n1 + n2));
        model.zeroGrad();
        model.lossAndGrad(b2);
        g.axpy((double) n2 / (n1 + n2), model.H.grad);
        for (int i = 0; i < g.rows; i++) assertArrayEquals(gWhole.data[i], g.data[i], 1e-12);
    }

    static long count(Batch b) {
        long c = 0;
        for (int[] r : b.y()) for (int v : r) if (v >= 0) c++;
        return c;
    }

    @Test
    void positionTSeesTheWindowEndingAtT() {
        // the loss at one position equals −log softmax(nextLogits(prefix up to t)) of its target
        Mlp model = new Mlp(new Mlp.Config(5, 3, 3, 4, true, 9));
        int[] seq = {0, 4, 2, 1, 3};
        for (int t = 0; t < seq.length; t++) {
            int[][] y = {{-1, -1, -1, -1, -1}};
            y[0][t] = 2;
            double loss = model.loss(new Batch(new int[][] {seq}, y));
            Matrix logits = new Matrix(1, 5);
            model.nextLogits(new int[][] {java.util.Arrays.copyOf(seq, t + 1)}, logits);
            double[] z = logits.data[0];
            double max = java.util.Arrays.stream(z).max().orElseThrow(), sum = 0;
            for (double v : z) sum += Math.exp(v - max);
            assertEquals(-(z[2] - max - Math.log(sum)), loss, 1e-12, "position " + t);
        }
    }

    @Test
    void onlyTheLastNTokensMatter() {
        Mlp model = new Mlp(new Mlp.Config(5, 2, 3, 4, false, 9));
        Matrix l1 = new Matrix(1, 5), l2 = new Matrix(1, 5);
        model.nextLogits(new int[][] {{1, 2, 3, 4}}, l1);
        model.nextLogits(new int[][] {{4, 0, 3, 4}}, l2);
        assertArrayEquals(l1.data[0], l2.data[0], 0.0);
        model.nextLogits(new int[][] {{1, 2, 2, 4}}, l2);
        assertNotEquals(l1.data[0][0], l2.data[0][0]);
    }

    @Test
    void aTrainingStepAllocatesNothingOnceWarm() {
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        var tb = (com.sun.management.ThreadMXBean) bean;
        Random rng = new Random(5);
        int B = 8, T = 10;
        int[][] x = new int[B][T], y = new int[B][T];
        Mlp model = new Mlp(new Mlp.Config(7, 4, 8, 16, false, 3));
        Batch batch = new Batch(x, y);
        Runnable step = () -> {
            for (int i = 0; i < B; i++) {
                for (int t = 0; t < T; t++) {
                    x[i][t] = rng.nextInt(7);
                    y[i][t] = t < 3 + i % 5 ? rng.nextInt(7) : -1; // a different number of counted positions per row
                }
            }
            model.zeroGrad();
            model.lossAndGrad(batch);
        };
        for (int i = 0; i < 3000; i++) step.run();
        long before = tb.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) step.run();
        long perStep = (tb.getCurrentThreadAllocatedBytes() - before) / 500;
        // no buffer is made per step (the smallest, a row of 16 doubles, is 144 bytes); a few bytes may come
        // from objects the JIT does not scalarize
        assertTrue(perStep < 144, perStep + " bytes allocated per step");
    }

    @Test
    void makemoreConfigurationHasMakemoresParameterCount() {
        Mlp model = new Mlp(Mlp.Config.makemore(27, 1));
        // makemore --type mlp on names prints "model #params: 69147": 28·64 + (1024·64 + 64) + (64·27 + 27)
        assertEquals(69147, model.numParams());
        assertEquals(model.numParams(), model.config.numParams());
        assertEquals(new Mlp(new Mlp.Config(27, 3, 10, 200, true, 1)).numParams(), new Mlp.Config(27, 3, 10, 200, true, 1).numParams());
    }

    @Test
    void badInputIsNamed() {
        Mlp model = new Mlp(new Mlp.Config(5, 3, 3, 4, false, 1));
        var e = assertThrows(IllegalArgumentException.class,
                () -> model.loss(new Batch(new int[][] {{0, 7}}, new int[][] {{1, 2}})));
        assertTrue(e.getMessage().contains("7"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.loss(new Batch(new int[][] {{0, 1}}, new int[][] {{1, 5}})));
        assertTrue(e.getMessage().contains("target 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Mlp(new Mlp.Config(5, 0, 3, 4, false, 1)));
    }
}
