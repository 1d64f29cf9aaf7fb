package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of every layer over generated shapes, batch sizes, seeds and scales (jqwik; each property has a fixed
 * seed and number of tries, so the cases are the same on every run). The values of a case are drawn from its
 * seed: x ~ N(0, scale²) (scale up to 3: tanh and σ saturated, softmax confident), dy ~ N(0, 1).
 *
 * <p>First every backward pass against the {@link GradientChecker} at its defaults, through the one layer
 * contract (the input wrapped in a Param whose grad receives dx; for a layer with output y the loss is
 * L = Σ dy ⊙ y, so that ∂L/∂y = dy). Then the algebraic properties that are sharper than a finite difference:
 * the softmax's rows sum to 1, its backward is orthogonal to 1, it is invariant to a shift of a row; a linear
 * layer is linear in its input; tanh and σ are one function; every backward is linear in its upstream gradient.
 */
class LayerPropertiesTest {
    static final String SEED = "20261201";

    // ---- backward against the gradient checker ----------------------------------------------------------

    @Property(tries = 150, seed = SEED)
    void linearBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 5) int N,
                                        @ForAll @IntRange(min = 1, max = 5) int in,
                                        @ForAll @IntRange(min = 1, max = 5) int out,
                                        @ForAll boolean bias, @ForAll long seed,
                                        @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        Linear lin = new Linear("lin", in, out, bias, rng);
        Param x = new Param("x", Matrix.randn(N, in, scale, rng));
        checkLayer(lin, x, Matrix.randn(N, out, 1.0, rng)).assertPassed();
    }

    @Property(tries = 100, seed = SEED)
    void tanhBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 6) int N,
                                      @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed,
                                      @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        checkLayer(new Tanh(), new Param("z", Matrix.randn(N, n, scale, rng)), Matrix.randn(N, n, 1.0, rng))
                .assertPassed();
    }

    @Property(tries = 100, seed = SEED)
    void sigmoidBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 6) int N,
                                         @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed,
                                         @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        checkLayer(new Sigmoid(), new Param("z", Matrix.randn(N, n, scale, rng)), Matrix.randn(N, n, 1.0, rng))
                .assertPassed();
    }

    @Property(tries = 80, seed = SEED)
    void geluBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 6) int N,
                                      @ForAll @IntRange(min = 1, max = 6) int n, @ForAll long seed,
                                      @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        checkLayer(new Gelu(), new Param("z", Matrix.randn(N, n, scale, rng)), Matrix.randn(N, n, 1.0, rng))
                .assertPassed();
    }

    @Property(tries = 80, seed = SEED)
    void layerNormBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 5) int N,
                                           @ForAll @IntRange(min = 2, max = 6) int n, @ForAll long seed,
                                           @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        LayerNorm ln = new LayerNorm("ln", n);
        for (int j = 0; j < n; j++) {            // γ and β away from 1 and 0, so that their gradients matter
            ln.gamma.value.data[0][j] = 1 + 0.5 * rng.nextGaussian();
            ln.beta.value.data[0][j] = 0.5 * rng.nextGaussian();
        }
        checkLayer(ln, new Param("x", Matrix.randn(N, n, scale, rng)), Matrix.randn(N, n, 1.0, rng))
                .assertPassed();
    }

    @Property(tries = 60, seed = SEED)
    void causalSelfAttentionBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 3) int B,
                                                     @ForAll @IntRange(min = 1, max = 4) int maxLength,
                                                     @ForAll @IntRange(min = 1, max = 2) int heads,
                                                     @ForAll @IntRange(min = 1, max = 3) int d,
                                                     @ForAll boolean scaled, @ForAll long seed) {
        Random rng = new Random(seed);
        int C = heads * d;
        int[] lengths = new int[B];
        int N = 0;
        for (int b = 0; b < B; b++) N += lengths[b] = 1 + rng.nextInt(maxLength);
        CausalSelfAttention att = new CausalSelfAttention("att", C, heads, maxLength, rng).scaled(scaled);
        Param x = new Param("x", Matrix.randn(N, C, 1.0, rng));
        Matrix dout = Matrix.randn(N, C, 1.0, rng);
        List<Param> ps = new ArrayList<>(att.params());
        ps.add(x);
        GradientChecker.check(() -> ps, () -> dot(dout, att.forward(x.value, lengths)), () -> {
            att.forward(x.value, lengths);
            x.grad.addInPlace(att.backward(dout));
        }).assertPassed();
    }

    @Property(tries = 100, seed = SEED)
    void softmaxBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 5) int N,
                                         @ForAll @IntRange(min = 1, max = 7) int n, @ForAll long seed,
                                         @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        checkLayer(new Softmax(), new Param("z", Matrix.randn(N, n, scale, rng)), Matrix.randn(N, n, 1.0, rng))
                .assertPassed();
    }

    /** Few tokens for many slots, so that ids repeat (the scatter-add must add, not overwrite). */
    @Property(tries = 100, seed = SEED)
    void embeddingBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 5) int V,
                                           @ForAll @IntRange(min = 1, max = 4) int m,
                                           @ForAll @IntRange(min = 1, max = 3) int n,
                                           @ForAll @IntRange(min = 1, max = 5) int N,
                                           @ForAll boolean windows, @ForAll long seed) {
        Random rng = new Random(seed);
        Embedding emb = new Embedding("C", V, m, rng);
        int slots = windows ? n : 1;
        int[][] x = new int[N][slots];
        for (int[] row : x) for (int k = 0; k < slots; k++) row[k] = rng.nextInt(V);
        int[] ids = Arrays.stream(x).mapToInt(r -> r[0]).toArray();
        Matrix de = Matrix.randn(N, slots * m, 1.0, rng);
        Matrix e = windows ? emb.forward(x, N) : emb.forward(ids);
        for (int r = 0; r < N; r++) {                  // e[r] = [C[x[r][0]]; …], and vector(k) is C[k]
            for (int k = 0; k < slots; k++) {
                assertArrayEquals(emb.vector(x[r][k]), Arrays.copyOfRange(e.data[r], k * m, k * m + m), 0.0);
            }
        }
        GradientChecker.check(emb::params,
                () -> dot(de, windows ? emb.forward(x, N) : emb.forward(ids)),
                () -> {
                    if (windows) emb.forward(x, N);
                    else emb.forward(ids);
                    emb.backward(de);
                }).assertPassed();
    }

    /** Some targets ignored (padding), at least one counting; logits up to 3·scale (a confident softmax). */
    @Property(tries = 120, seed = SEED)
    void softmaxCrossEntropyBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 6) int N,
                                                     @ForAll @IntRange(min = 2, max = 7) int V,
                                                     @ForAll @DoubleRange(min = 0, max = 0.5) double ignored,
                                                     @ForAll long seed,
                                                     @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        int[] y = targets(N, V, ignored, rng);
        Param z = new Param("z", Matrix.randn(N, V, scale, rng));
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        GradCheckReport r = GradientChecker.check(() -> List.of(z), () -> ce.forward(z.value, y), () -> {
            ce.forward(z.value, y);
            z.grad.addInPlace(ce.backward());
        });
        r.assertPassed();
        long counted = Arrays.stream(y).filter(t -> t != SoftmaxCrossEntropy.IGNORE).count();
        assertEquals(counted, ce.count());
    }

    /** All targets ignored: loss 0, gradient 0 (nothing to learn from a batch of padding). */
    @Property(tries = 30, seed = SEED)
    void softmaxCrossEntropyOfPaddingOnlyIsZero(@ForAll @IntRange(min = 1, max = 6) int N,
                                                @ForAll @IntRange(min = 2, max = 7) int V, @ForAll long seed) {
        Random rng = new Random(seed);
        int[] y = new int[N];
        Arrays.fill(y, SoftmaxCrossEntropy.IGNORE);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        assertEquals(0.0, ce.forward(Matrix.randn(N, V, 2.0, rng), y), 0.0);
        assertEquals(0, ce.count());
        assertEquals(0.0, ce.backward().maxAbs(), 0.0);
    }

    @Property(tries = 100, seed = SEED)
    void meanSquaredErrorBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 8) int N, @ForAll long seed,
                                                  @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        Param yHat = new Param("yHat", Matrix.randn(N, 1, scale, rng));
        double[] y = new double[N];
        for (int r = 0; r < N; r++) y[r] = scale * rng.nextGaussian();
        MeanSquaredError mse = new MeanSquaredError();
        GradientChecker.check(() -> List.of(yHat), () -> mse.forward(yHat.value, y), () -> {
            mse.forward(yHat.value, y);
            yHat.grad.addInPlace(mse.backward());
        }).assertPassed();
    }

    /**
     * One instance used on batches of changing shapes (as a model does between training and evaluation) gives
     * what a fresh instance gives on each: nothing stale from an earlier call leaks into a later one, including
     * the zero gradient of a padded row after that row had a target.
     */
    @Property(tries = 60, seed = SEED)
    void layersReusedOnChangingShapesGiveWhatFreshOnesGive(@ForAll @IntRange(min = 1, max = 4) int N1,
                                                           @ForAll @IntRange(min = 1, max = 4) int N2,
                                                           @ForAll @IntRange(min = 2, max = 5) int n1,
                                                           @ForAll @IntRange(min = 2, max = 5) int n2,
                                                           @ForAll long seed) {
        Random rng = new Random(seed);
        int[][] shapes = {{N1, n1}, {N2, n2}, {N1, n1}};
        Layer[] kept = {new Tanh(), new Sigmoid(), new Softmax()};
        SoftmaxCrossEntropy keptCe = new SoftmaxCrossEntropy();
        for (int k = 0; k < shapes.length; k++) {
            int N = shapes[k][0], n = shapes[k][1];
            Matrix z = Matrix.randn(N, n, 2, rng), dy = Matrix.randn(N, n, 1, rng);
            Layer[] fresh = {new Tanh(), new Sigmoid(), new Softmax()};
            for (int l = 0; l < kept.length; l++) {
                assertClose(fresh[l].forward(z), kept[l].forward(z), 0.0);
                assertClose(fresh[l].backward(dy), kept[l].backward(dy), 0.0);
            }
            int[] y = targets(N, n, k == 0 ? 0.0 : 0.5, rng);   // the first batch has no padding
            SoftmaxCrossEntropy freshCe = new SoftmaxCrossEntropy();
            assertEquals(freshCe.forward(z, y), keptCe.forward(z, y), 0.0);
            assertClose(freshCe.backward(), keptCe.backward(), 0.0);
        }
        // an embedding read as windows of n1 tokens, then one token per row, then windows again
        Embedding emb = new Embedding("C", 4, 3, rng), twin = new Embedding("C", 4, 3, new Random(1));
        twin.C.value.setFrom(emb.C.value);
        for (int k = 0; k < 3; k++) {
            int N = shapes[k][0], slots = k == 1 ? 1 : n1;
            int[][] x = new int[N][slots];
            for (int[] row : x) for (int j = 0; j < slots; j++) row[j] = rng.nextInt(4);
            Embedding fresh = new Embedding("C", 4, 3, new Random(1));
            fresh.C.value.setFrom(emb.C.value);
            assertClose(fresh.forward(x, N), emb.forward(x, N), 0.0);
            Matrix de = Matrix.randn(N, slots * 3, 1, rng);
            fresh.backward(de);
            emb.backward(de);
            twin.C.grad.addInPlace(fresh.C.grad);
            assertClose(twin.C.grad, emb.C.grad, 1e-15);
        }
    }

    /** W, b ~ U(±1/√in) (PyTorch's nn.Linear): inside the bound, and spread over it. */
    @Property(tries = 40, seed = SEED)
    void linearIsInitialisedWithinOneOverRootIn(@ForAll @IntRange(min = 2, max = 12) int in,
                                                @ForAll @IntRange(min = 10, max = 20) int out,
                                                @ForAll long seed) {
        Linear lin = new Linear("lin", in, out, true, new Random(seed));
        double bound = 1 / Math.sqrt(in);
        assertTrue(lin.W.value.maxAbs() <= bound && lin.b.value.maxAbs() <= bound);
        assertTrue(lin.W.value.maxAbs() > bound / 2, "W spread over ±1/√in");
        assertEquals(List.of(lin.W, lin.b), lin.params());
    }

    // ---- algebraic properties ---------------------------------------------------------------------------

    /** p ≥ 0, Σ_j p_j = 1 on every row, and log-normaliser + log p_j = z_j. */
    @Property(tries = 100, seed = SEED)
    void softmaxRowsAreDistributions(@ForAll @IntRange(min = 1, max = 5) int N,
                                     @ForAll @IntRange(min = 1, max = 9) int n, @ForAll long seed,
                                     @ForAll @DoubleRange(min = 0.1, max = 30) double scale) {
        Random rng = new Random(seed);
        Matrix z = Matrix.randn(N, n, scale, rng);
        Matrix p = new Softmax().forward(z);
        for (int i = 0; i < N; i++) {
            double sum = 0;
            for (double v : p.data[i]) {
                assertTrue(v >= 0 && v <= 1, "p = " + v);
                sum += v;
            }
            assertEquals(1.0, sum, 4 * n * Math.ulp(1.0));
            double[] q = new double[n];
            double logZ = Softmax.row(z.data[i], q, n);
            int k = argmax(z.data[i]);     // the largest p: log p is exact enough there to compare
            assertEquals(z.data[i][k] - logZ, Math.log(q[k]), 1e-12 * (1 + Math.abs(z.data[i][k])));
        }
    }

    /**
     * The softmax's backward is orthogonal to 1: Σ_j dz_j = 0 on every row, whatever dp (the Jacobian's rows sum
     * to 0 because the outputs always sum to 1), and adding a constant to dp changes nothing.
     */
    @Property(tries = 100, seed = SEED)
    void softmaxBackwardIsOrthogonalToOnes(@ForAll @IntRange(min = 1, max = 5) int N,
                                           @ForAll @IntRange(min = 1, max = 9) int n, @ForAll long seed,
                                           @ForAll @DoubleRange(min = 0.1, max = 10) double scale,
                                           @ForAll @DoubleRange(min = -5, max = 5) double c) {
        Random rng = new Random(seed);
        Softmax softmax = new Softmax();
        softmax.forward(Matrix.randn(N, n, scale, rng));
        Matrix dp = Matrix.randn(N, n, 1.0, rng);
        Matrix dz = softmax.backward(dp).copy();
        Matrix shifted = dp.copy();
        for (double[] r : shifted.data) for (int j = 0; j < n; j++) r[j] += c;
        Matrix dzShifted = softmax.backward(shifted);
        for (int i = 0; i < N; i++) {
            double sum = 0, size = 0;
            for (double v : dz.data[i]) {
                sum += v;
                size += Math.abs(v);
            }
            assertEquals(0.0, sum, 1e-14 * (1 + size) * n);
            for (int j = 0; j < n; j++) {
                assertEquals(dz.data[i][j], dzShifted.data[i][j], 1e-14 * (1 + Math.abs(c)) * n);
            }
        }
    }

    /** softmax(z + c·1) = softmax(z), and the cross-entropy's loss and gradient do not change either. */
    @Property(tries = 100, seed = SEED)
    void softmaxIsShiftInvariant(@ForAll @IntRange(min = 1, max = 5) int N,
                                 @ForAll @IntRange(min = 2, max = 9) int n, @ForAll long seed,
                                 @ForAll @DoubleRange(min = 0.1, max = 5) double scale,
                                 @ForAll @DoubleRange(min = -50, max = 50) double c) {
        Random rng = new Random(seed);
        Matrix z = Matrix.randn(N, n, scale, rng), zc = z.copy();
        for (double[] r : zc.data) for (int j = 0; j < n; j++) r[j] += c;
        Matrix p = new Softmax().forward(z), pc = new Softmax().forward(zc);
        double tol = 1e-13 * (1 + Math.abs(c));
        for (int i = 0; i < N; i++) assertArrayEquals(p.data[i], pc.data[i], tol);
        int[] y = targets(N, n, 0.2, rng);
        SoftmaxCrossEntropy a = new SoftmaxCrossEntropy(), b = new SoftmaxCrossEntropy();
        assertEquals(a.forward(z, y), b.forward(zc, y), tol * (1 + scale));
        Matrix da = a.backward(), db = b.backward();
        for (int i = 0; i < N; i++) assertArrayEquals(da.data[i], db.data[i], tol);
    }

    /** The loss is −log p[y] averaged over the targets that count; its gradient's rows sum to 0. */
    @Property(tries = 60, seed = SEED)
    void crossEntropyIsTheMeanNegativeLogLikelihood(@ForAll @IntRange(min = 1, max = 6) int N,
                                                    @ForAll @IntRange(min = 2, max = 7) int V,
                                                    @ForAll @DoubleRange(min = 0, max = 0.5) double ignored,
                                                    @ForAll long seed) {
        Random rng = new Random(seed);
        int[] y = targets(N, V, ignored, rng);
        Matrix z = Matrix.randn(N, V, 2.0, rng);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        double loss = ce.forward(z, y);
        Matrix p = new Softmax().forward(z);
        double sum = 0;
        int M = 0;
        for (int r = 0; r < N; r++) {
            if (y[r] == SoftmaxCrossEntropy.IGNORE) continue;
            sum -= Math.log(p.data[r][y[r]]);
            M++;
        }
        assertEquals(sum / M, loss, 1e-12 * (1 + Math.abs(loss)));
        assertArrayEquals(p.data[N - 1], ce.probs().data[N - 1], 1e-15);
        Matrix dz = ce.backward();
        for (int r = 0; r < N; r++) assertEquals(0.0, Arrays.stream(dz.data[r]).sum(), 1e-15);
    }

    /**
     * A linear layer is affine in its input and linear in its upstream gradient:
     * f(αx₁ + βx₂) − b = α(f(x₁) − b) + β(f(x₂) − b); backward(α dy) = α backward(dy), dW and db alike.
     */
    @Property(tries = 100, seed = SEED)
    void linearIsLinearInItsInput(@ForAll @IntRange(min = 1, max = 5) int N,
                                  @ForAll @IntRange(min = 1, max = 5) int in,
                                  @ForAll @IntRange(min = 1, max = 5) int out, @ForAll long seed,
                                  @ForAll @DoubleRange(min = -3, max = 3) double alpha,
                                  @ForAll @DoubleRange(min = -3, max = 3) double beta) {
        Random rng = new Random(seed);
        Linear lin = new Linear("lin", in, out, true, rng);
        Matrix x1 = Matrix.randn(N, in, 1.0, rng), x2 = Matrix.randn(N, in, 1.0, rng);
        Matrix y1 = lin.forward(x1).copy(), y2 = lin.forward(x2).copy();
        Matrix mix = x1.copy().scaleInPlace(alpha).axpy(beta, x2);
        Matrix y = lin.forward(mix).copy();
        double[] b = lin.b.value.data[0];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < out; j++) {
                double expected = alpha * (y1.data[i][j] - b[j]) + beta * (y2.data[i][j] - b[j]) + b[j];
                assertEquals(expected, y.data[i][j], 1e-12 * (1 + Math.abs(expected)) * in);
            }
        }
        Matrix dy = Matrix.randn(N, out, 1.0, rng);
        Matrix dx = lin.backward(dy).copy();
        Matrix dW = lin.W.grad.copy(), db = lin.b.grad.copy();
        lin.W.zeroGrad();
        lin.b.zeroGrad();
        Matrix dxScaled = lin.backward(dy.copy().scaleInPlace(alpha));
        assertClose(dx.scaleInPlace(alpha), dxScaled, 1e-12);
        assertClose(dW.scaleInPlace(alpha), lin.W.grad, 1e-12);
        assertClose(db.scaleInPlace(alpha), lin.b.grad, 1e-12);
    }

    /**
     * Every activation's backward is linear in its upstream gradient, and the static forms on caller-owned
     * matrices give what the layer gives (also in place: the output written over the input).
     */
    @Property(tries = 100, seed = SEED)
    void activationBackwardIsLinearInTheUpstreamGradient(@ForAll @IntRange(min = 0, max = 2) int which,
                                                         @ForAll @IntRange(min = 1, max = 5) int N,
                                                         @ForAll @IntRange(min = 1, max = 6) int n,
                                                         @ForAll long seed,
                                                         @ForAll @DoubleRange(min = -3, max = 3) double alpha) {
        Random rng = new Random(seed);
        Layer layer = switch (which) {
            case 0 -> new Tanh();
            case 1 -> new Sigmoid();
            default -> new Softmax();
        };
        Matrix z = Matrix.randn(N, n, 2.0, rng), dy = Matrix.randn(N, n, 1.0, rng);
        Matrix y = layer.forward(z).copy();
        Matrix dz = layer.backward(dy).copy();
        assertClose(dz.copy().scaleInPlace(alpha), layer.backward(dy.copy().scaleInPlace(alpha)), 1e-14);
        if (which == 2) return;
        Matrix zInPlace = z.copy(), dyInPlace = dy.copy();
        if (which == 0) {
            Tanh.forward(zInPlace, zInPlace);
            Tanh.backward(zInPlace, dyInPlace, dyInPlace);
        } else {
            Sigmoid.forward(zInPlace, zInPlace);
            Sigmoid.backward(zInPlace, dyInPlace, dyInPlace);
        }
        assertClose(y, zInPlace, 0.0);
        assertClose(dz, dyInPlace, 0.0);
    }

    /** tanh(z) = 2σ(2z) − 1 and σ(−z) = 1 − σ(z), so tanh′ = 1 − tanh² and σ′ = σ(1 − σ) are one derivative. */
    @Property(tries = 200, seed = SEED)
    void tanhAndSigmoidAreOneFunction(@ForAll @DoubleRange(min = -40, max = 40) double z) {
        double s = Sigmoid.sigmoid(z), t = Tanh.tanh(z);
        assertEquals(2 * Sigmoid.sigmoid(2 * z) - 1, t, 4 * Math.ulp(1.0));
        assertEquals(1 - s, Sigmoid.sigmoid(-z), 2 * Math.ulp(1.0));
        assertTrue(s >= 0 && s <= 1 && Math.abs(t) <= 1);
        // the derivatives: tanh′(z) = 4σ′(2z), and both from the outputs alone
        assertEquals(4 * Sigmoid.backward(Sigmoid.sigmoid(2 * z), 1.0), Tanh.backward(t, 1.0), 8 * Math.ulp(1.0));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** The layer contract, checked: L = Σ dout ⊙ layer.forward(x) over the layer's parameters and x. */
    static GradCheckReport checkLayer(Layer layer, Param x, Matrix dout) {
        List<Param> ps = new ArrayList<>(layer.params());
        ps.add(x);
        return GradientChecker.check(() -> ps, () -> dot(dout, layer.forward(x.value)), () -> {
            layer.forward(x.value);
            x.grad.addInPlace(layer.backward(dout));
        });
    }

    /** N targets in [0, V), each ignored with probability p, at least one counting. */
    static int[] targets(int N, int V, double p, Random rng) {
        int[] y = new int[N];
        for (int r = 0; r < N; r++) y[r] = rng.nextDouble() < p ? SoftmaxCrossEntropy.IGNORE : rng.nextInt(V);
        y[rng.nextInt(N)] = rng.nextInt(V);
        return y;
    }

    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    static void assertClose(Matrix expected, Matrix actual, double rel) {
        assertEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.rows; i++) {
            for (int j = 0; j < expected.cols; j++) {
                double e = expected.data[i][j];
                assertEquals(e, actual.data[i][j], rel * (1 + Math.abs(e)), "at (" + i + ", " + j + ")");
            }
        }
    }

    private static int argmax(double[] v) {
        int k = 0;
        for (int j = 1; j < v.length; j++) if (v[j] > v[k]) k = j;
        return k;
    }
}
