package io.github.lmworkbook.gradcheck;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.Tanh;
import io.github.lmworkbook.models.Mlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class GradientCheckerTest {

    /** The bugs a learner typically writes into a two-layer backward pass. */
    enum Bug {
        NONE(Set.of()),
        SIGN_FLIP_DB2(Set.of("b2")),          // db2 −= Σ dz2
        MISSING_DB1(Set.of("b1")),            // forgot the bias gradient
        MISSING_TANH_FACTOR(Set.of("W1", "b1")), // dz1 = dh, without (1 − h²)
        TRANSPOSED_DW2(Set.of("W2")),         // dW2 = dz2ᵀ·h instead of hᵀ·dz2 (square, so it fits)
        W_INSTEAD_OF_WT(Set.of("W1", "b1"));  // dh = dz2·W2 instead of dz2·W2ᵀ

        final Set<String> failing;

        Bug(Set<String> failing) {
            this.failing = failing;
        }
    }

    /** x (N × d) → tanh(x·W1 + b1) → ·W2 + b2 → softmax CE, with d = H = V so that transposes fit. */
    static final class BuggyNet implements Model {
        static final int d = 5, N = 6;
        final Param W1, b1, W2, b2;
        final Matrix x;      // (N × d)
        final int[] y = {0, 3, 4, 1, 2, 3};
        final Bug bug;
        final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        final Matrix h = new Matrix(N, d), z2 = new Matrix(N, d), dh = new Matrix(N, d);

        BuggyNet(Bug bug) {
            Random rng = new Random(1);
            this.bug = bug;
            W1 = new Param("W1", Matrix.randn(d, d, 0.7, rng));
            b1 = new Param("b1", Matrix.randn(1, d, 0.5, rng));
            W2 = new Param("W2", Matrix.randn(d, d, 0.7, rng));
            b2 = new Param("b2", Matrix.randn(1, d, 0.5, rng));
            x = Matrix.randn(N, d, 1.0, rng);
        }

        @Override
        public List<Param> params() {
            return List.of(W1, b1, W2, b2);
        }

        double loss() {
            h.setMatmul(x, W1.value).addRowVector(b1.value);
            Tanh.forward(h, h);
            z2.setMatmul(h, W2.value).addRowVector(b2.value);
            return ce.forward(z2, y);
        }

        void lossAndGrad() {
            loss();
            Matrix dz2 = ce.backward();
            if (bug == Bug.TRANSPOSED_DW2) W2.grad.addMatmulTransA(dz2, h);
            else W2.grad.addMatmulTransA(h, dz2);
            dz2.addColumnSumsTo(b2.grad);
            if (bug == Bug.SIGN_FLIP_DB2) b2.grad.scaleInPlace(-1);
            if (bug == Bug.W_INSTEAD_OF_WT) dh.setMatmul(dz2, W2.value);
            else dh.zero().addMatmulTransB(dz2, W2.value);
            if (bug != Bug.MISSING_TANH_FACTOR) Tanh.backward(h, dh, dh);
            W1.grad.addMatmulTransA(x, dh);
            if (bug != Bug.MISSING_DB1) dh.addColumnSumsTo(b1.grad);
        }
    }

    @ParameterizedTest
    @EnumSource(Bug.class)
    void failsExactlyAtTheBrokenParameters(Bug bug) {
        BuggyNet net = new BuggyNet(bug);
        GradCheckReport r = GradientChecker.check(net, net::loss, net::lossAndGrad);
        Set<String> failing = r.failures().stream().map(GradCheckReport.Entry::name).collect(Collectors.toSet());
        assertEquals(bug.failing, failing, r.toString());
        assertEquals(bug == Bug.NONE, r.passed());
        assertEquals(bug == Bug.NONE ? GradCheckReport.Status.PASSED : GradCheckReport.Status.FAILED, r.status());
        for (GradCheckReport.Entry e : r.entries()) {
            assertEquals(25 == e.rows() * e.cols() ? 25 : 5, e.checked()); // all entries of a small parameter
            if (!bug.failing.contains(e.name())) assertTrue(e.maxRelError() <= 1e-7, e.toString());
        }
        if (bug != Bug.NONE) {
            AssertionError err = assertThrows(AssertionError.class, r::assertPassed);
            for (String name : bug.failing) {
                GradCheckReport.Entry e = r.entry(name);
                assertTrue(err.getMessage().contains(name + e.shape() + " at (" + e.worstRow() + ", " + e.worstCol() + ")"),
                        err.getMessage());
                assertTrue(e.maxRelError() > 1e-3, e.toString()); // a real bug is not a rounding matter
            }
        } else {
            assertSame(r, r.assertPassed());
        }
    }

    @Test
    void missingBiasGradientIsReportedWithTheWorstEntry() {
        BuggyNet net = new BuggyNet(Bug.MISSING_DB1);
        GradCheckReport r = GradientChecker.check(net, net::loss, net::lossAndGrad);
        GradCheckReport.Entry e = r.entry("b1");
        assertEquals(0.0, e.analytic());          // never accumulated
        assertNotEquals(0.0, e.numeric());
        assertEquals(1.0, e.maxRelError(), 1e-12); // |0 − n| / |n|
        assertEquals(0, e.worstRow());
    }

    @Test
    void checksALanguageModelOnABatchWithPadding() {
        Mlp net = new Mlp(new Mlp.Config(7, 1, 4, 6, false, 3));
        Batch batch = new Batch(new int[][] {{0, 3, 5, 2}, {1, 1, 6, 4}, {2, 0, 0, 0}},
                new int[][] {{3, 5, 2, 0}, {1, 6, 4, 0}, {0, -1, -1, -1}});
        GradCheckReport r = GradientChecker.check(net, batch);
        r.assertPassed();
        assertEquals(List.of("C", "H", "d", "U", "b"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
    }

    @Test
    void parameterValuesAreRestoredBitExactly() {
        Mlp net = new Mlp(new Mlp.Config(7, 1, 4, 6, false, 5));
        Batch batch = new Batch(new int[][] {{0, 3, 5}, {1, 6, 4}}, new int[][] {{3, 5, 2}, {6, 4, 0}});
        List<Matrix> before = net.params().stream().map(p -> p.value.copy()).toList();
        GradientChecker.builder().h(1e-3).check(net, batch); // a large h makes x + h − h ≠ x in floating point
        for (int p = 0; p < before.size(); p++) {
            for (int i = 0; i < before.get(p).rows; i++) {
                assertArrayEquals(before.get(p).data[i], net.params().get(p).value.data[i], 0.0);
                for (int j = 0; j < before.get(p).cols; j++) {
                    assertEquals(Double.doubleToRawLongBits(before.get(p).data[i][j]),
                            Double.doubleToRawLongBits(net.params().get(p).value.data[i][j]));
                }
            }
        }
    }

    @Test
    void samplingIsDeterministicDistinctAndSeeded() {
        GradientChecker.Builder a = GradientChecker.builder().samplesPerParam(10).seed(7);
        int[] i1 = a.indicesFor("W", 1000), i2 = GradientChecker.builder().samplesPerParam(10).seed(7).indicesFor("W", 1000);
        assertArrayEquals(i1, i2);
        assertEquals(10, i1.length);
        for (int k = 1; k < i1.length; k++) assertTrue(i1[k] > i1[k - 1]); // sorted, hence distinct
        for (int k : i1) assertTrue(k >= 0 && k < 1000);
        assertFalse(java.util.Arrays.equals(i1, GradientChecker.builder().samplesPerParam(10).seed(8).indicesFor("W", 1000)));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, a.indicesFor("b", 6)); // small: every entry

        // the same seed gives the same report, and the sample size is respected
        Mlp net = new Mlp(new Mlp.Config(20, 1, 8, 16, false, 1));
        Batch batch = new Batch(new int[][] {{0, 3, 5, 19}}, new int[][] {{3, 5, 19, 2}});
        GradCheckReport r1 = GradientChecker.builder().samplesPerParam(10).seed(3).check(net, batch);
        GradCheckReport r2 = GradientChecker.builder().samplesPerParam(10).seed(3).check(net, batch);
        assertEquals(r1.entries(), r2.entries());
        assertEquals(10, r1.entry("C").checked());
        assertEquals(10, r1.entry("d").checked());
        r1.assertPassed();
    }

    // ---- the lambda API of the notebooks ------------------------------------------------------------------

    static double f(double[] x) { // f(x) = Σ sin(x_i)·x_i
        double s = 0;
        for (double v : x) s += Math.sin(v) * v;
        return s;
    }

    static double[] grad(double[] x) { // ∂f/∂x_i = cos(x_i)·x_i + sin(x_i)
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) g[i] = Math.cos(x[i]) * x[i] + Math.sin(x[i]);
        return g;
    }

    static double[] wrongGrad(double[] x) { // forgot the product rule's second term
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) g[i] = Math.cos(x[i]) * x[i];
        return g;
    }

    @Test
    void vectorLambdas() {
        double[] x = {0.3, -1.2, 2.5, 0.9};
        double[] x0 = x.clone();
        GradCheckReport ok = GradientChecker.check(GradientCheckerTest::f, GradientCheckerTest::grad, x);
        ok.assertPassed();
        assertEquals("x", ok.entries().get(0).name());
        assertEquals(4, ok.entries().get(0).checked());
        GradCheckReport bad = GradientChecker.check(GradientCheckerTest::f, GradientCheckerTest::wrongGrad, x);
        assertFalse(bad.passed());
        assertEquals(1, bad.entry("x").worstCol()); // |sin x_i| / (|a| + |n|) is largest (0.52) at x = −1.2
        assertArrayEquals(x0, x, 0.0);                // the caller's array is untouched
    }

    @Test
    void matrixLambdas() {
        double[][] x = {{0.3, -1.2, 2.5}, {0.9, 1.7, -0.4}};
        GradCheckReport ok = GradientChecker.check(
                (double[][] m) -> f(m[0]) + f(m[1]),
                (double[][] m) -> new double[][] {grad(m[0]), grad(m[1])}, x);
        ok.assertPassed();
        assertEquals("(2×3)", ok.entry("x").shape());
        GradCheckReport bad = GradientChecker.check(
                (double[][] m) -> f(m[0]) + f(m[1]),
                (double[][] m) -> new double[][] {grad(m[0]), wrongGrad(m[1])}, x);
        assertEquals(1, bad.entry("x").worstRow());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradientChecker.check(
                (double[][] m) -> f(m[0]), (double[][] m) -> new double[][] {grad(m[0])}, x));
        assertTrue(e.getMessage().contains("(1×3)") && e.getMessage().contains("(2×3)"), e.getMessage());
    }

    static double[][] tanhForward(double[][] z) {
        double[][] h = new double[z.length][z[0].length];
        for (int i = 0; i < z.length; i++) for (int j = 0; j < z[i].length; j++) h[i][j] = Math.tanh(z[i][j]);
        return h;
    }

    static double[][] tanhBackward(double[][] dh, double[][] h, boolean forgetFactor) {
        double[][] dz = new double[dh.length][dh[0].length];
        for (int i = 0; i < dh.length; i++) {
            for (int j = 0; j < dh[i].length; j++) dz[i][j] = forgetFactor ? dh[i][j] : dh[i][j] * (1 - h[i][j] * h[i][j]);
        }
        return dz;
    }

    @Test
    void layerBackwardWithUpstreamGradient() {
        Random rng = new Random(2);
        double[][] z = Matrix.randn(3, 4, 1.0, rng).data, dh = Matrix.randn(3, 4, 1.0, rng).data;
        GradientChecker.checkBackward(GradientCheckerTest::tanhForward,
                (x, dout) -> tanhBackward(dout, tanhForward(x), false), z, dh).assertPassed();
        GradCheckReport bad = GradientChecker.checkBackward(GradientCheckerTest::tanhForward,
                (x, dout) -> tanhBackward(dout, tanhForward(x), true), z, dh);
        assertFalse(bad.passed());
        assertEquals("dx", bad.entries().get(0).name());
    }

    @Test
    void notImplementedIsReportedNotThrown() {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        GradCheckReport r1, r2, r3;
        try {
            r1 = GradientChecker.check(GradientCheckerTest::f, (double[] x) -> {
                throw new UnsupportedOperationException("not implemented yet");
            }, new double[] {1, 2});
            r2 = GradientChecker.checkBackward(GradientCheckerTest::tanhForward, (x, dout) -> {
                throw new UnsupportedOperationException("not implemented yet");
            }, new double[][] {{1, 2}}, new double[][] {{1, 1}});
            BuggyNet net = new BuggyNet(Bug.NONE);
            r3 = GradientChecker.check(net, net::loss, () -> {
                throw new UnsupportedOperationException("not implemented yet");
            });
        } finally {
            System.setOut(old);
        }
        for (GradCheckReport r : List.of(r1, r2, r3)) {
            assertEquals(GradCheckReport.Status.NOT_IMPLEMENTED, r.status());
            assertFalse(r.passed());
            assertTrue(r.entries().isEmpty());
            assertEquals("not implemented yet", r.notImplementedMessage());
            assertTrue(r.toString().contains("not implemented yet"), r.toString());
            assertTrue(r.html().contains("not implemented yet"));
            assertThrows(AssertionError.class, r::assertPassed);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals("", printed, "the checker prints nothing: the exercise's grader says it once (exercises.Exercise)");
    }

    @Test
    void otherExceptionsStillPropagate() {
        assertThrows(IllegalStateException.class, () -> GradientChecker.check(GradientCheckerTest::f, (double[] x) -> {
            throw new IllegalStateException("a real bug");
        }, new double[] {1}));
    }

    @Test
    void nanGradientFails() {
        GradCheckReport r = GradientChecker.check(GradientCheckerTest::f, x -> new double[] {Double.NaN, 0}, new double[] {1, 2});
        assertFalse(r.passed());
        assertTrue(Double.isNaN(r.maxRelError()));
    }

    // ---- rendering ---------------------------------------------------------------------------------------

    @Test
    void reportRendersAsTextTableAndHtml() {
        BuggyNet net = new BuggyNet(Bug.SIGN_FLIP_DB2);
        GradCheckReport r = GradientChecker.check(net, net::loss, net::lossAndGrad);
        String text = r.toString();
        assertTrue(text.startsWith("gradient check FAILED: b2(1×5) at (0, "), text);
        assertEquals(1 + 1 + 4, text.lines().count(), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("b2 ") && l.endsWith("FAIL")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("W1 ") && l.endsWith("ok")), text);

        Table t = r.table();
        assertEquals(4, t.rowCount());
        assertEquals(List.of("parameter", "shape", "checked", "max rel. error", "i", "j", "analytic", "numeric", "result"),
                t.columnNames());
        assertEquals("FAIL", t.stringColumn("result").get(3));

        String html = r.html();
        assertTrue(html.contains("<table"), html);
        assertTrue(html.contains("<td>b2</td>"), html);
        assertTrue(html.contains("FAILED"), html);
    }

    // ---- the V shape ---------------------------------------------------------------------------------------

    @Test
    void errorVersusStepHasTheVShape() {
        GradientChecker.StepErrors s = GradientChecker.errorVersusStep(Math::sin, Math::cos, 1.0);
        assertEquals(27, s.h().length);
        assertEquals(1e-1, s.h()[0], 1e-15);
        assertEquals(1e-14, s.h()[26], 1e-25);
        double best = s.bestCentralStep();
        assertTrue(best >= 1e-7 && best <= 1e-4, "best central h " + best);       // ≈ ε^(1/3)
        double bestF = s.bestForwardStep();
        assertTrue(bestF >= 1e-10 && bestF <= 1e-6, "best forward h " + bestF);   // ≈ ε^(1/2)
        double minC = java.util.Arrays.stream(s.central()).min().orElseThrow();
        double minF = java.util.Arrays.stream(s.forward()).min().orElseThrow();
        assertTrue(minC < 1e-10 && minC < minF / 10, minC + " vs " + minF);
        // both arms of the V: large at the largest and at the smallest step
        assertTrue(s.central()[0] > 1e3 * minC && s.central()[26] > 1e3 * minC);
        assertTrue(s.forward()[0] > 1e3 * minF && s.forward()[26] > 1e3 * minF);
        // truncation: central error falls ~100× per decade of h, forward ~10×
        assertEquals(100, s.central()[0] / s.central()[2], 10);
        assertEquals(10, s.forward()[0] / s.forward()[2], 2);
    }

    @Test
    void builderRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> GradientChecker.builder().h(0));
        assertThrows(IllegalArgumentException.class, () -> GradientChecker.builder().threshold(-1));
        assertThrows(IllegalArgumentException.class, () -> GradientChecker.builder().samplesPerParam(0));
    }

    /** A realistic size: a mean loss over 256 positions of a 27-token vocabulary. */
    @Test
    void fourthOrderStencilIsMoreAccurateOnARealisticModel() {
        Mlp net = new Mlp(new Mlp.Config(27, 1, 10, 64, false, 3));
        Random r = new Random(4);
        int[][] x = new int[16][16], y = new int[16][16];
        for (int b = 0; b < 16; b++) {
            for (int t = 0; t < 16; t++) {
                x[b][t] = r.nextInt(27);
                y[b][t] = r.nextInt(27);
            }
        }
        Batch batch = new Batch(x, y);
        GradCheckReport central = GradientChecker.builder().samplesPerParam(40).check(net, batch);
        GradCheckReport fourth = GradientChecker.builder().samplesPerParam(40).fourthOrder().h(3e-3).check(net, batch);
        assertTrue(fourth.maxRelError() < 1e-6, fourth.toString());
        assertTrue(fourth.maxRelError() < central.maxRelError(),
                "five-point " + fourth.maxRelError() + " vs central " + central.maxRelError());
    }

    @Test
    void fourthOrderStencilIsExactForAQuarticAndStillCatchesAWrongGradient() {
        // f(x) = Σ x⁴: the five-point stencil has no truncation error on polynomials of degree ≤ 4
        GradCheckReport right = GradientChecker.builder().fourthOrder().h(1e-2).check(
                v -> { double s = 0; for (double a : v) s += a * a * a * a; return s; },
                v -> { double[] g = new double[v.length]; for (int i = 0; i < v.length; i++) g[i] = 4 * v[i] * v[i] * v[i]; return g; },
                new double[] {0.3, -1.2, 2.0});
        assertTrue(right.maxRelError() < 1e-12, right.toString());
        GradCheckReport wrong = GradientChecker.builder().fourthOrder().check(
                v -> { double s = 0; for (double a : v) s += a * a * a * a; return s; },
                v -> { double[] g = new double[v.length]; for (int i = 0; i < v.length; i++) g[i] = 3 * v[i] * v[i] * v[i]; return g; },
                new double[] {0.3, -1.2, 2.0});
        assertFalse(wrong.passed());
    }
}
