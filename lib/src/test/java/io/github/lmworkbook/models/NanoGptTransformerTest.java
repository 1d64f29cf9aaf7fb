package io.github.lmworkbook.models;

import io.github.lmworkbook.EveryEntry;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.TiedLinear;
import io.github.lmworkbook.models.Transformer.Config;
import io.github.lmworkbook.models.Transformer.Init;
import io.github.lmworkbook.models.Transformer.Positions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * nanoGPT's GPT as a {@link Transformer.Config} (no biases, head tied to the token embedding, nanoGPT's
 * initialisation): its parameters, gradients and count; the old constructor unchanged; and the accuracy of the
 * float32 products on a whole model — the loss and every gradient within float's round-off of float64's, and the
 * gradient checker, which runs in float64 whatever the run's precision, passing under float32.
 */
class NanoGptTransformerTest {
    static final int V = 11, BLOCK = 8;

    @AfterEach
    void restore() {
        Kernels.setPrecision(Kernels.Precision.FLOAT64);
    }

    static Batch chunks(Random rng, int B, int T, int V) {
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) {
            int prev = rng.nextInt(V);
            for (int t = 0; t < T; t++) {
                x[b][t] = prev;
                y[b][t] = prev = rng.nextInt(V);
            }
        }
        return new Batch(x, y);
    }

    @Test
    void theOldConstructorKeepsMakemoresChoices() {
        Config c = new Config(V, BLOCK, 2, 2, 8, Positions.LEARNED, true, true, 3);
        assertTrue(c.bias());
        assertFalse(c.tieWeights());
        assertEquals(Init.MAKEMORE, c.init());
        assertEquals(204_544, new Transformer(Config.makemore(27, 16, 42)).numParams());
        // every wither keeps every other component
        Config n = Config.nanoGpt(V, BLOCK, 2, 2, 8, 5);
        assertEquals(n, n.withPositions(Positions.SINUSOIDAL).withPositions(Positions.LEARNED));
        assertEquals(n, n.withSeed(9).withSeed(5));
        assertEquals(n, n.withResidual(false).withResidual(true));
        assertEquals(n, n.withLayerNorm(false).withLayerNorm(true));
        assertFalse(n.withSeed(9).bias());
        assertTrue(n.withLayerNorm(false).tieWeights());
        assertEquals(Init.NANOGPT, n.withResidual(false).init());
        assertThrows(IllegalArgumentException.class, () -> n.withInit(null));
    }

    @Test
    void nanoGptsParametersAreTheMatricesAndTheGainsOnce() {
        Transformer m = new Transformer(Config.nanoGpt(V, BLOCK, 2, 2, 8, 1));
        List<String> names = m.params().stream().map(p -> p.name).toList();
        assertEquals(List.of("wte", "wpe", "h0.ln1.g", "h0.attn.qkv.W", "h0.attn.o.W", "h0.ln2.g", "h0.mlp.fc.W",
                "h0.mlp.proj.W", "h1.ln1.g", "h1.attn.qkv.W", "h1.attn.o.W", "h1.ln2.g", "h1.mlp.fc.W",
                "h1.mlp.proj.W", "ln_f.g"), names);
        assertInstanceOf(TiedLinear.class, m.head);
        assertSame(m.wte.C, ((TiedLinear) m.head).E);
        assertEquals(m.config.numParams(), m.numParams());
        // nanoGPT's recipe: 4 layers, 4 heads, n_embd 128, block 64, V = 65: 0.80 M without the position table
        Transformer r = new Transformer(Config.nanoGpt(65, 64, 4, 4, 128, 1));
        assertEquals(804_096, r.numParams());
        assertEquals(795_904, r.numParams() - 64 * 128);
        for (boolean bias : new boolean[] {false, true}) for (boolean tie : new boolean[] {false, true}) {
            Config c = new Config(V, BLOCK, 2, 2, 8, Positions.LEARNED, true, true, 1).withBias(bias).withTiedWeights(tie);
            assertEquals(c.numParams(), new Transformer(c).numParams(), c.toString());
        }
    }

    @Test
    void everyParameterOfNanoGptsModelIncludingTheTiedTable() {
        Random rng = new Random(4);
        Transformer m = new Transformer(Config.nanoGpt(V, BLOCK, 2, 2, 8, 4).withInit(Init.MAKEMORE));
        TransformerTest.perturbLayerNorms(m, rng);
        Batch batch = chunks(rng, 3, BLOCK, V);
        double worst = EveryEntry.check(m.params(), () -> m.loss(batch), () -> m.lossAndGrad(batch));
        assertTrue(worst <= 1e-7, "worst relative error " + worst);
        // with biases and a tied head too
        Transformer b = new Transformer(new Config(V, BLOCK, 1, 2, 8, Positions.LEARNED, true, true, 5)
                .withTiedWeights(true));
        Batch padded = RecurrentLMTest.paddedBatch(rng, 3, BLOCK);
        EveryEntry.check(b.params(), () -> b.loss(padded), () -> b.lossAndGrad(padded));
    }

    @Test
    void nanoGptsInitialisationHasItsScales() {
        Transformer m = new Transformer(Config.nanoGpt(65, 64, 4, 4, 128, 7).withBias(true));
        double proj = 0.02 / Math.sqrt(2 * 4);
        for (Param p : m.params()) {
            double[] stats = stats(p.value);   // mean, std
            if (p.name.endsWith(".g")) {
                assertEquals(1.0, stats[0], 0.0, p.name);
            } else if (p.name.endsWith(".b")) {
                assertEquals(0.0, stats[1], 0.0, p.name + ": biases (and β) start at 0");
            } else {
                double want = p.name.endsWith("attn.o.W") || p.name.endsWith("mlp.proj.W") ? proj : 0.02;
                assertEquals(want, stats[1], 0.1 * want, p.name);
                assertEquals(0.0, stats[0], 0.1 * want, p.name);
            }
        }
        // makemore's initialisation is unchanged: wte ~ N(0, 1)
        Transformer mm = new Transformer(Config.makemore(65, 16, 7));
        assertEquals(1.0, stats(mm.wte.C.value)[1], 0.05);
    }

    private static double[] stats(Matrix x) {
        double s = 0, ss = 0;
        int n = x.size();
        for (double[] r : x.data) for (double v : r) {
            s += v;
            ss += v * v;
        }
        double mean = s / n;
        return new double[] {mean, Math.sqrt(Math.max(0, ss / n - mean * mean))};
    }

    /**
     * The float32 products' accuracy on nanoGPT's model at the recipe's shapes (one layer fewer): the loss within
     * 1e-5 relative of float64's, every parameter's gradient within 1e-3 relative in norm (float's unit round-off is
     * 6e-8; sums of up to 512 terms and the backward's chain grow it to ~1e-5), and different from float64's (the
     * float path really runs).
     */
    @Test
    void float32GradientsAreWithinFloatsRoundOffOfFloat64s() {
        Random rng = new Random(6);
        Transformer m = new Transformer(Config.nanoGpt(65, 64, 2, 4, 128, 6));
        Batch batch = chunks(rng, 12, 64, 65);
        m.zeroGrad();
        double l64 = m.lossAndGrad(batch);
        List<Matrix> g64 = m.params().stream().map(p -> p.grad.copy()).toList();
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        m.zeroGrad();
        double l32 = m.lossAndGrad(batch);
        assertEquals(l64, l32, 1e-5 * l64);
        assertNotEquals(l64, l32, "the float32 loss should differ from float64's in the last digits");
        double worst = 0;
        for (int k = 0; k < g64.size(); k++) {
            Param p = m.params().get(k);
            double d = 0, n = 0;
            for (int i = 0; i < p.value.rows; i++) for (int j = 0; j < p.value.cols; j++) {
                double a = p.grad.data[i][j], b = g64.get(k).data[i][j];
                d += (a - b) * (a - b);
                n += b * b;
            }
            double rel = Math.sqrt(d / n);
            worst = Math.max(worst, rel);
            assertTrue(rel < 1e-3, p.name + ": relative difference " + rel);
        }
        assertTrue(worst > 1e-9, "largest relative difference " + worst + ": float's round-off, not double's");
    }

    /**
     * The gradient checker runs in float64 under a float32 run: on the nanoGPT model (attention's product path and
     * GELU's polynomial exponential would otherwise run in it) it passes with its default criterion, which float32's
     * gradients would fail by orders of magnitude, and the run's precision is float32 again afterwards.
     */
    @Test
    void theGradientCheckerRunsInFloat64UnderAFloat32Run() {
        Random rng = new Random(8);
        Transformer m = new Transformer(Config.nanoGpt(V, BLOCK, 1, 2, 8, 8).withInit(Init.MAKEMORE));
        Batch batch = chunks(rng, 2, BLOCK, V);
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        boolean[] sawFloat64 = {true};
        GradCheckReport r = GradientChecker.builder().samplesPerParam(20).check(m, () -> {
            sawFloat64[0] &= Kernels.precision() == Kernels.Precision.FLOAT64;
            return m.loss(batch);
        }, () -> m.lossAndGrad(batch));
        r.assertPassed();
        assertTrue(sawFloat64[0], "every loss the checker evaluated ran in float64");
        assertEquals(Kernels.Precision.FLOAT32, Kernels.precision());
        // the lambdas a learner checks in a notebook too
        GradientChecker.check(x -> {
            assertEquals(Kernels.Precision.FLOAT64, Kernels.precision());
            return x[0] * x[0];
        }, x -> new double[] {2 * x[0]}, new double[] {3}).assertPassed();
        assertEquals(Kernels.Precision.FLOAT32, Kernels.precision());
    }
}
