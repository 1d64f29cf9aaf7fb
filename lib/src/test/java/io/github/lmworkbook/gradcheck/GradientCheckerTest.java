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

/**
 * The checker's API, its criterion on functions whose answer is known, and its report. The corpora of correct and
 * wrong backward passes are {@link CorrectCorpusTest} and {@link BugCorpusTest}.
 */
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
            assertEquals(e.checked(), e.comparisons().size());
            if (!bug.failing.contains(e.name())) {
                assertTrue(e.maxScore() <= 1 && e.failed() == 0, e.toString());
                assertTrue(e.maxRelError() <= 1e-7, e.toString()); // a small problem: the old criterion holds too
            }
        }
        if (bug != Bug.NONE) {
            AssertionError err = assertThrows(AssertionError.class, r::assertPassed);
            for (String name : bug.failing) {
                GradCheckReport.Entry e = r.entry(name);
                assertTrue(err.getMessage().contains(name + e.shape() + " at (" + e.worstRow() + ", " + e.worstCol() + ")"),
                        err.getMessage());
                assertTrue(e.maxRelError() > 1e-3, e.toString()); // a real bug is not a rounding matter
                assertTrue(e.maxScore() > 1e3, e.toString());
                assertTrue(e.verdict().startsWith("FAIL: "), e.verdict());
            }
        } else {
            assertSame(r, r.assertPassed());
        }
    }

    @Test
    void theHintSaysWhyInWords() {
        BuggyNet sign = new BuggyNet(Bug.SIGN_FLIP_DB2);
        assertTrue(GradientChecker.check(sign, sign::loss, sign::lossAndGrad).entry("b2").hint()
                .contains("the sign is flipped"));
        BuggyNet missing = new BuggyNet(Bug.MISSING_DB1);
        GradCheckReport.Entry b1 = GradientChecker.check(missing, missing::loss, missing::lossAndGrad).entry("b1");
        assertTrue(b1.hint().contains("never accumulated"), b1.hint());
        assertEquals(0.0, b1.analytic());          // never accumulated
        assertNotEquals(0.0, b1.numeric());
        assertEquals(1.0, b1.maxRelError(), 1e-12); // |0 − n| / |n|
        BuggyNet transposed = new BuggyNet(Bug.TRANSPOSED_DW2);
        GradCheckReport.Entry W2 = GradientChecker.check(transposed, transposed::loss, transposed::lossAndGrad).entry("W2");
        assertTrue(W2.hint().contains("transpose"), W2.verdict());
        assertEquals(20, W2.failed()); // the diagonal of a transposed square matrix is right
    }

    @Test
    void aScaleBugIsNamedByItsFactor() {
        // dz = (p − onehot)/N with the 1/N forgotten: analytic/numeric = N = 4 on every entry
        Param z = new Param("z", Matrix.randn(4, 5, 1.0, new Random(3)));
        int[] y = {1, 0, 4, 2};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        GradCheckReport r = GradientChecker.check(() -> List.of(z), () -> ce.forward(z.value, y), () -> {
            ce.forward(z.value, y);
            z.grad.addInPlace(ce.backward().copy().scaleInPlace(4));
        });
        assertEquals(20, r.entry("z").failed());
        assertTrue(r.entry("z").hint().contains("analytic/numeric ≈ 4 on every failing entry (20)"), r.toString());
        assertTrue(r.entry("z").hint().contains("a missing or extra factor"), r.toString());
        assertEquals("4", GradCheckReport.factor(4.0000001));
        assertEquals("1/256", GradCheckReport.factor(1 / 256.0));
        assertEquals("−1/3", GradCheckReport.factor(-1 / 3.0));
        assertEquals("0.8730", GradCheckReport.factor(0.873));
    }

    @Test
    void aGradientWrittenWhereTheLossDoesNotDependIsNamed() {
        // f(x) = x0² + x1², the "gradient" also writes into x2, which f does not use
        GradCheckReport r = GradientChecker.check((double[] x) -> x[0] * x[0] + x[1] * x[1],
                x -> new double[] {2 * x[0], 2 * x[1], 0.5}, new double[] {0.3, -0.7, 1.1});
        assertEquals(1, r.entry("x").failed());
        assertTrue(r.entry("x").hint().contains("numeric ≈ 0"), r.toString());
    }

    @Test
    void checksALanguageModelOnABatchWithPadding() {
        Mlp net = new Mlp(new Mlp.Config(7, 1, 4, 6, false, 3));
        Batch batch = new Batch(new int[][] {{0, 3, 5, 2}, {1, 1, 6, 4}, {2, 0, 0, 0}},
                new int[][] {{3, 5, 2, 0}, {1, 6, 4, 0}, {0, -1, -1, -1}});
        GradCheckReport r = GradientChecker.check(net, batch);
        r.assertPassed();
        assertEquals(List.of("C", "H", "d", "U", "b"), r.entries().stream().map(GradCheckReport.Entry::name).toList());
        assertEquals(r.loss(), net.loss(batch), 0.0);
    }

    @Test
    void parameterValuesAreRestoredBitExactly() {
        Mlp net = new Mlp(new Mlp.Config(7, 1, 4, 6, false, 5));
        Batch batch = new Batch(new int[][] {{0, 3, 5}, {1, 6, 4}}, new int[][] {{3, 5, 2}, {6, 4, 0}});
        List<Matrix> before = net.params().stream().map(p -> p.value.copy()).toList();
        GradientChecker.builder().h(1e-3).check(net, batch); // a large h makes x + h − h ≠ x in floating point
        // one entry per parameter: fewer than 16 move the loss, so random directions are probed too
        GradientChecker.builder().h(1e-3).samplesPerParam(1).check(net, batch);
        for (int p = 0; p < before.size(); p++) {
            for (int i = 0; i < before.get(p).rows; i++) {
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

    // ---- the criterion on functions whose answer is known ------------------------------------------------

    /** A deterministic, pseudo-random N(0, 1) of the bits of x: "rounding noise" of a known size. */
    static double noise(double[] x) {
        long s = 0x9E3779B97F4A7C15L;
        for (double v : x) s = (s ^ Double.doubleToRawLongBits(v)) * 0xBF58476D1CE4E5B9L;
        java.util.Random r = new java.util.Random(s ^ (s >>> 31));
        return r.nextGaussian();
    }

    @Test
    void theMeasuredNoiseIsTheLossesRounding() {
        // f(x) = Σ sin(x_i) + σ·u(x) with u a fixed pseudo-random N(0, 1) per point: a loss whose evaluations are
        // off by σ = 1e-12, far more than double rounding. σ_n must come out near (√130/12)·σ/h.
        double sigma = 1e-12, h = GradientChecker.DEFAULT_H;
        double[] x0 = new double[60];
        Random rng = new Random(5);
        for (int i = 0; i < x0.length; i++) x0[i] = rng.nextGaussian();
        java.util.function.ToDoubleFunction<double[]> f = x -> {
            double s = 0;
            for (double v : x) s += Math.sin(v);
            return s + sigma * noise(x);
        };
        java.util.function.Function<double[], double[]> cos = x -> {
            double[] g = new double[x.length];
            for (int i = 0; i < x.length; i++) g[i] = Math.cos(x[i]);
            return g;
        };
        GradCheckReport r = GradientChecker.check(f, cos, x0);
        r.assertPassed();
        double sigmaN = r.entry("x").worst().noise();
        assertEquals(Math.sqrt(130) / 12 * sigma / h, sigmaN, 0.35 * sigmaN, r.toString());
        for (GradCheckReport.Comparison c : r.entry("x").comparisons()) {
            // the allowance is what the class documentation says
            double expected = 10 * (c.noise() + 64 * Math.ulp(1.0) * 1.0) + c.truncation()
                    + 1e-7 * (Math.abs(c.analytic()) + Math.abs(c.numeric()));
            assertEquals(expected, c.allowed(), 0.02 * expected); // ρ uses max|a| ≤ 1, a bound here
            // h²·f‴/6 ≤ 2e-11 here: t is the noise of n₁ − n₂, 0.28·σ_n·|N(0, 1)|
            assertTrue(c.truncation() < 1.5 * c.noise(), "t = " + c.truncation() + ", σ_n = " + c.noise());
        }
        // a gradient wrong by 1e-4 relative on ONE entry fails there, and only there
        GradCheckReport bad = GradientChecker.check(f, x -> {
            double[] g = cos.apply(x);
            g[17] *= 1 + 1e-4;
            return g;
        }, x0);
        assertEquals(1, bad.entry("x").failed(), bad.toString());
        assertEquals(17, bad.entry("x").worstCol());
    }

    @Test
    void tinyEntriesNextToALargeLossPassOnTheirAbsoluteErrorAndLargeOnesOnTheirRelativeError() {
        // L = 1e4 + Σ c_i·x_i + x0·x1: round-off ε·|L|/h ≈ 2e-7 swamps the tiny slopes c_i = 1e-9, which a
        // relative criterion cannot judge; the slope of 1 still has to be right to 1e-4.
        double[] c = {1, 1e-9, -3e-9, 2e-9};
        java.util.function.ToDoubleFunction<double[]> f = x -> {
            double s = 1e4;
            for (int i = 0; i < x.length; i++) s += c[i] * x[i];
            return s;
        };
        double[] x0 = {0.5, -0.25, 1.5, 2};
        GradCheckReport ok = GradientChecker.check(f, x -> c.clone(), x0);
        ok.assertPassed();
        assertTrue(ok.maxRelError() > 1e-3, "the old criterion would have failed: " + ok.maxRelError());
        assertTrue(ok.entry("x").verdict().contains("not a bug"), ok.entry("x").verdict());
        GradCheckReport bad = GradientChecker.check(f, x -> new double[] {1 + 1e-4, 1e-9, -3e-9, 2e-9}, x0);
        assertFalse(bad.passed(), bad.toString());
        assertEquals(0, bad.entry("x").worstCol());
    }

    @Test
    void anEntryThatPassesOnlyByRtolIsFlagged() {
        double[] x0 = {0.3, -1.2, 2.5, 0.9};
        GradCheckReport r = GradientChecker.builder().rtol(1e-3).check(GradientCheckerTest::f, x -> {
            double[] g = grad(x);
            g[2] *= 1 + 1e-5; // a small bug, within rtol = 1e-3
            return g;
        }, x0);
        assertTrue(r.passed());
        assertEquals(1, r.entry("x").flagged().size());
        assertTrue(r.entry("x").verdict().startsWith("ok, but look closer"), r.entry("x").verdict());
        assertTrue(GradientChecker.check(GradientCheckerTest::f, GradientCheckerTest::grad, x0).entry("x").flagged().isEmpty());
    }

    @Test
    void aStronglyCurvedLossGetsASmallerStepAndAWrongGradientStillFails() {
        // f(x) = Σ x⁴ at h = 1e-2: the central difference's truncation h²·f‴/6 = 4x·h² ≈ 8e-4 dwarfs the round-off,
        // so every entry is measured again with a smaller step, and the allowance shrinks with it
        java.util.function.ToDoubleFunction<double[]> f = v -> {
            double s = 0;
            for (double a : v) s += a * a * a * a;
            return s;
        };
        double[] x0 = {0.3, -1.2, 2.0};
        GradCheckReport right = GradientChecker.builder().h(1e-2).check(f,
                v -> { double[] g = new double[v.length]; for (int i = 0; i < v.length; i++) g[i] = 4 * v[i] * v[i] * v[i]; return g; },
                x0);
        right.assertPassed();
        assertEquals(3, right.refined());
        assertTrue(right.criterion().contains("3 entries of a strongly curved loss with a smaller step"), right.criterion());
        for (GradCheckReport.Comparison c : right.entry("x").comparisons()) {
            assertTrue(c.step() < 1e-2 && c.step() >= 1e-5, "step " + c.step());
            // the balance z·σ_n ≈ 2t that the refined step aims at, up to the noise in t
            assertTrue(c.absolute() < 1e-6, c.toString());
        }
        assertTrue(right.maxRelError() < 1e-9, right.toString());
        // at the default step nothing needs refining
        assertEquals(0, GradientChecker.check(f, v -> new double[] {4 * v[0] * v[0] * v[0], 4 * v[1] * v[1] * v[1],
                4 * v[2] * v[2] * v[2]}, x0).refined());
        GradCheckReport wrong = GradientChecker.builder().fourthOrder().check(f,
                v -> { double[] g = new double[v.length]; for (int i = 0; i < v.length; i++) g[i] = 3 * v[i] * v[i] * v[i]; return g; },
                x0);
        assertFalse(wrong.passed());
        assertTrue(wrong.entry("x").hint().contains("≈ 0.7500"), wrong.entry("x").hint());
    }

    @Test
    void nothingToCompareIsAnErrorNotAPass() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> GradientChecker.check(List::of, () -> 1.0, () -> { }));
        assertEquals("gradient check: the model has no parameters, nothing to compare", none.getMessage());
        Param empty = new Param("e", new Matrix(0, 3));
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> GradientChecker.check(() -> List.of(empty), () -> 1.0, () -> { }));
        assertTrue(zero.getMessage().contains("no entries"), zero.getMessage());
        IllegalArgumentException vec = assertThrows(IllegalArgumentException.class,
                () -> GradientChecker.check((double[] x) -> 0.0, x -> x, new double[0]));
        assertTrue(vec.getMessage().startsWith("gradient check: x has no entries"), vec.getMessage());
        assertEquals(1, vec.getMessage().lines().count());
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
        assertEquals(4, bad.entry("x").failed());
        // |sin x_i| / (|a| + |n|) is largest (0.52) at x = −1.2
        assertEquals(1, bad.entry("x").worstRelative().col());
        assertEquals(0.52, bad.entry("x").maxRelError(), 0.01);
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
        assertEquals(3, bad.entry("x").failed());
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
            assertEquals(1, r.toString().strip().lines().count(), r.toString());
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
        assertTrue(Double.isNaN(r.maxScore()));
        assertTrue(r.entry("x").hint().contains("NaN"), r.toString());
        GradCheckReport nanLoss = GradientChecker.check((double[] x) -> x[0] > 1.00001 ? Double.NaN : x[0] * x[0],
                x -> new double[] {2 * x[0]}, new double[] {1});
        assertFalse(nanLoss.passed());
        assertTrue(nanLoss.entry("x").hint().contains("loss is not finite"), nanLoss.toString());
    }

    // ---- rendering ---------------------------------------------------------------------------------------

    @Test
    void reportRendersAsTextTableAndHtml() {
        BuggyNet net = new BuggyNet(Bug.SIGN_FLIP_DB2);
        GradCheckReport r = GradientChecker.check(net, net::loss, net::lossAndGrad);
        String text = r.toString();
        assertTrue(text.startsWith("gradient check FAILED: b2(1×5) at (0, "), text);
        assertTrue(text.lines().findFirst().orElseThrow().contains("(5 of 5 entries fail)"), text);
        // summary, header, 4 rows, 4 verdicts, the criterion
        assertEquals(1 + 1 + 4 + 4 + 1, text.lines().count(), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("b2 ") && l.endsWith("FAIL")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("W1 ") && l.endsWith("ok")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("b2(1×5): FAIL: 5 of 5 entries disagree. analytic = "
                + "−numeric on every failing entry (5): the sign is flipped.")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("W1(5×5): ok: all 25 entries agree")), text);
        assertEquals(r.verdicts(), text.lines().filter(l -> l.contains("): ok") || l.contains("): FAIL")).toList());

        Table t = r.table();
        assertEquals(4, t.rowCount());
        assertEquals(List.of("parameter", "shape", "checked", "failed", "i", "j", "analytic", "numeric", "|a − n|",
                "allowed", "score", "max rel. error", "at", "result"), t.columnNames());
        assertEquals("FAIL", t.stringColumn("result").get(3));
        assertEquals(5, t.intColumn("failed").get(3));

        String html = r.html();
        assertTrue(html.contains("<table"), html);
        assertTrue(html.contains("<td>b2</td>"), html);
        assertTrue(html.contains("FAILED"), html);
        assertTrue(html.contains("the sign is flipped"), html);
        assertTrue(html.contains("five-point stencil"), html);

        BuggyNet good = new BuggyNet(Bug.NONE);
        GradCheckReport p = GradientChecker.check(good, good::loss, good::lossAndGrad);
        assertTrue(p.summary().startsWith("gradient check PASSED: 60 entries of 4 parameters agree\n  (worst at "),
                p.summary());
        assertTrue(p.summary().contains("max relative error"), p.summary());
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
        assertThrows(IllegalArgumentException.class, () -> GradientChecker.builder().rtol(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GradientChecker.builder().noiseFactor(0));
        assertThrows(IllegalArgumentException.class, () -> GradientChecker.builder().samplesPerParam(0));
        GradCheckReport r = GradientChecker.builder().threshold(1e-6).noiseFactor(5).check(GradientCheckerTest::f,
                GradientCheckerTest::grad, new double[] {1, 2});
        assertEquals(1e-6, r.rtol());
        assertEquals(1e-6, r.threshold());
        assertEquals(5, r.noiseFactor());
    }
}
