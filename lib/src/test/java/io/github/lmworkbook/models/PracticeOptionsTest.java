package io.github.lmworkbook.models;

import io.github.lmworkbook.EveryEntry;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentInit;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.Init;
import io.github.lmworkbook.models.Transformer.Positions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The options of practice in the models — dropout, named initialisations, the recurrent initialisations, post-LN,
 * GPT-2's residual scaling, the key–value cache — and the causal mask: each gradient-checked, each default exactly
 * the model it was before the option existed.
 */
class PracticeOptionsTest {
    static final int V = 7, BLOCK = 6;

    static Batch batch() {
        Random rng = new Random(5);
        int B = 3, T = 6;
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                x[b][t] = rng.nextInt(V);
                y[b][t] = (b == 2 && t > 3) ? -1 : rng.nextInt(V);
            }
        }
        return new Batch(x, y);
    }

    /** The loss, the sum of squared gradients, of squared parameters and of squared generated logits, as bits. */
    static long[] fingerprint(LanguageModel m) {
        Batch b = batch();
        m.zeroGrad();
        double l = m.lossAndGrad(b), g = 0, w = 0;
        for (Param p : m.params()) {
            g += p.grad.sumOfSquares();
            w += p.value.sumOfSquares();
        }
        Matrix logits = new Matrix(1, m.vocabSize());
        LanguageModel.Generator gen = m.generator(1);
        gen.reset();
        gen.next(new int[] {0}, logits);
        gen.next(new int[] {3}, logits);
        return new long[] {Double.doubleToLongBits(l), Double.doubleToLongBits(g), Double.doubleToLongBits(w),
                Double.doubleToLongBits(logits.sumOfSquares())};
    }

    /** a and b within k units in the last place of the larger. */
    static void assertUlps(long a, long b, int k, String what) {
        double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
        assertTrue(Math.abs(x - y) <= k * Math.ulp(Math.max(Math.abs(x), Math.abs(y))), what + ": " + x + " vs " + y);
    }

    /**
     * Recorded with the library as it was before these options existed (commit 58ff3b4), on JDK 17 and 25, both
     * product kernels (these sizes take the plain path): the defaults compute exactly what the models computed then.
     * The GRU's and the LSTM's gates go through {@code Kernels.expm1}, whose Vector API lanes are C2's intrinsic once
     * compiled and {@code Math.expm1} before (each within 1 ulp of e^x − 1): the same code gives results a few ulp
     * apart depending on what the JIT has compiled so far, so those are held to 4 ulp; the rest to the bit.
     */
    @Test
    void theDefaultsAreBitIdenticalToTheModelsBeforeTheOptions() {
        assertArrayEquals(new long[] {4612473944265738772L, 4604924604205994348L, 4637862359492227299L,
                4614623667188152697L}, fingerprint(new Transformer(new Transformer.Config(V, BLOCK, 2, 2, 4,
                Positions.LEARNED, true, true, 3, 0.0, false, false))));
        assertArrayEquals(new long[] {4611324662549927585L, 4610781857686247914L, 4632487658551553971L,
                4621373800592067298L}, fingerprint(new Mlp(new Mlp.Config(V, 3, 4, 10, true, 3, 0.0, Init.DEFAULT))));
        long[][] cells = {
                {4611548551166754257L, 4591433330985816359L, 4629151891924899195L, 4609756874515723815L},
                {4611504617935723160L, 4586021002837067792L, 4629946056637970696L, 4605643504554212428L},
                {4611367835474821027L, 4580426290518958814L, 4630201771346353588L, 4602418619674261804L}};
        for (CellType c : CellType.values()) {
            long[] f = fingerprint(new RecurrentLM(new RecurrentLM.Config(V, c, 4, 5, true, 3, 0.0,
                    RecurrentInit.DEFAULT)));
            if (c == CellType.RNN) assertArrayEquals(cells[c.ordinal()], f, c.toString());
            else for (int k = 0; k < f.length; k++) assertUlps(cells[c.ordinal()][k], f[k], 4, c + " " + k);
        }
        SequenceRegressor s = new SequenceRegressor(new SequenceRegressor.Config(CellType.LSTM, 2, 5, 3,
                RecurrentInit.DEFAULT));
        SequenceBatch ap = new AddingProblem(8, 3).sample(4);
        s.zeroGrad();
        double l = s.lossAndGrad(ap), g = 0;
        for (Param p : s.params()) g += p.grad.sumOfSquares();
        assertUlps(4607495610814202304L, Double.doubleToLongBits(l), 4, "regressor loss");
        assertUlps(4616956727541708662L, Double.doubleToLongBits(g), 4, "regressor gradient");
        // the old constructors are the defaults
        assertEquals(new Transformer.Config(V, BLOCK, 2, 2, 4, Positions.LEARNED, true, true, 3),
                new Transformer.Config(V, BLOCK, 2, 2, 4, Positions.LEARNED, true, true, 3, 0.0, false, false));
        assertEquals(new Mlp.Config(V, 3, 4, 10, true, 3), new Mlp.Config(V, 3, 4, 10, true, 3, 0.0, Init.DEFAULT));
    }

    // ---- dropout ------------------------------------------------------------------------------------------------

    static Transformer transformer(double dropout, boolean postLN, long seed) {
        return new Transformer(new Transformer.Config(V, BLOCK, 2, 2, 8, Positions.LEARNED, true, true, seed, dropout,
                postLN, false));
    }

    @Test
    void dropoutWithFrozenMasksIsGradientChecked() {
        Random rng = new Random(1);
        Batch batch = RecurrentLMTest.paddedBatch(rng, 4, BLOCK);
        for (boolean post : new boolean[] {false, true}) {
            Transformer t = transformer(0.3, post, 1).freezeDropout(true);
            TransformerTest.perturbLayerNorms(t, rng);
            GradientChecker.check(t, batch).assertPassed();
        }
        // with nanoGPT's choices too: no biases (LayerNorm without β), the head tied to wte
        for (boolean post : new boolean[] {false, true}) {
            Transformer t = new Transformer(Transformer.Config.nanoGpt(V, BLOCK, 2, 2, 8, 5).withDropout(0.3)
                    .withPostLayerNorm(post)).freezeDropout(true);
            TransformerTest.perturbLayerNorms(t, rng);
            GradientChecker.check(t, batch).assertPassed();
        }
        assertThrows(IllegalArgumentException.class, () -> Transformer.Config.nanoGpt(V, BLOCK, 2, 2, 8, 5)
                .withScaledResiduals(true), "nanoGPT's initialisation scales the residual projections already");
        Mlp mlp = new Mlp(new Mlp.Config(V, 3, 4, 10, true, 2, 0.4, Init.DEFAULT)).freezeDropout(true);
        GradientChecker.check(mlp, batch).assertPassed();
        for (CellType c : CellType.values()) {
            RecurrentLM r = new RecurrentLM(new RecurrentLM.Config(V, c, 4, 5, true, 3, 0.5, RecurrentInit.DEFAULT))
                    .freezeDropout(true);
            GradientChecker.check(r, batch).assertPassed();
        }
    }

    @Test
    void dropoutIsActiveInTrainingAndTheIdentityInEvaluation() {
        Batch batch = batch();
        Transformer with = transformer(0.3, false, 4), without = transformer(0.0, false, 4);
        // the masks have seeds of their own: the parameters are the same, and evaluation is the same function
        for (int i = 0; i < with.params().size(); i++) {
            assertArrayEquals(without.params().get(i).value.data, with.params().get(i).value.data);
        }
        assertEquals(without.loss(batch), with.loss(batch), 0.0);
        double a = with.lossAndGrad(batch), b = with.lossAndGrad(batch);
        assertNotEquals(a, b, "a fresh mask every training step");
        assertNotEquals(without.lossAndGrad(batch), a);
        Matrix l1 = new Matrix(1, V), l2 = new Matrix(1, V);
        with.nextLogits(new int[][] {{0, 1, 2}}, l1);
        without.nextLogits(new int[][] {{0, 1, 2}}, l2);
        assertArrayEquals(l2.data[0], l1.data[0], 0.0, "sampling: no dropout");

        Mlp m1 = new Mlp(new Mlp.Config(V, 3, 4, 10, false, 5).withDropout(0.5)), m0 = new Mlp(new Mlp.Config(V, 3, 4, 10, false, 5));
        assertEquals(m0.loss(batch), m1.loss(batch), 0.0);
        assertNotEquals(m0.lossAndGrad(batch), m1.lossAndGrad(batch));
        RecurrentLM r1 = new RecurrentLM(new RecurrentLM.Config(V, CellType.GRU, 4, 5, true, 6).withDropout(0.5)),
                r0 = new RecurrentLM(new RecurrentLM.Config(V, CellType.GRU, 4, 5, true, 6));
        assertEquals(r0.loss(batch), r1.loss(batch), 0.0);
        assertNotEquals(r0.lossAndGrad(batch), r1.lossAndGrad(batch));
        assertTrue(r1.toString().contains("dropout 0.5"), r1.toString());
        assertThrows(IllegalArgumentException.class, () -> new Mlp.Config(V, 3, 4, 10, false, 5).withDropout(1.0));
    }

    // ---- initialisation -------------------------------------------------------------------------------------------

    @Test
    void theMlpDrawsItsLayersByTheNamedScheme() {
        for (Init s : Init.values()) {
            Mlp m = new Mlp(new Mlp.Config(27, 8, 16, 300, false, 1).withInit(s));
            double gain = s == Init.KAIMING ? Init.GAIN_TANH : 1;
            double vH = m.H.value.sumOfSquares() / m.H.size(), sH = s.std(8 * 16, 300, gain);
            assertEquals(sH * sH, vH, 0.03 * sH * sH, s + ": Var(H)");                // 38,400 entries
            double vU = m.U.value.sumOfSquares() / m.U.size(), sU = s.std(300, 27, 1);
            assertEquals(sU * sU, vU, 0.05 * sU * sU, s + ": Var(U)");
            if (s != Init.DEFAULT) assertEquals(0.0, m.d.value.maxAbs() + m.b.value.maxAbs(), 0.0);
        }
        Mlp def = new Mlp(new Mlp.Config(27, 8, 16, 30, false, 1)), named = new Mlp(new Mlp.Config(27, 8, 16, 30, false, 1)
                .withInit(Init.XAVIER));
        assertArrayEquals(def.C.value.data, named.C.value.data, "the embedding keeps N(0, 1)");
        GradientChecker.check(named, batch()).assertPassed();
    }

    @Test
    void recurrentInitialisationReachesTheModels() {
        RecurrentLM r = new RecurrentLM(new RecurrentLM.Config(V, CellType.RNN, 4, 6, true, 1)
                .withRecurrentInit(RecurrentInit.IDENTITY));
        Param Whh = r.param("Whh");
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) assertEquals(i == j ? 1.0 : 0.0, Whh.value.get(i, j), 0.0);
        RecurrentLM d = new RecurrentLM(new RecurrentLM.Config(V, CellType.RNN, 4, 6, true, 1));
        assertArrayEquals(d.param("C").value.data, r.param("C").value.data, "the rest as the default draws it");
        assertArrayEquals(d.param("Why").value.data, r.param("Why").value.data);
        SequenceRegressor s = new SequenceRegressor(new SequenceRegressor.Config(CellType.LSTM, 2, 5, 1)
                .withRecurrentInit(RecurrentInit.ORTHOGONAL));
        Matrix Wh = s.cell.params().get(1).value, Q = new Matrix(5, 5);
        for (int i = 0; i < 5; i++) System.arraycopy(Wh.data[i], 10, Q.data[i], 0, 5);       // the forget block
        Matrix QtQ = Matrix.matmul(Q.transpose(), Q);
        for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) assertEquals(i == j ? 1 : 0, QtQ.get(i, j), 1e-12);
        assertTrue(r.toString().contains("identity W_h"), r.toString());
    }

    @Test
    void gpt2ScalesTheResidualProjectionsOnly() {
        Transformer.Config c = new Transformer.Config(V, BLOCK, 3, 2, 8, Positions.LEARNED, true, true, 9);
        Transformer plain = new Transformer(c), scaled = new Transformer(c.withScaledResiduals(true));
        double f = 1 / Math.sqrt(2 * 3);
        for (int i = 0; i < plain.params().size(); i++) {
            Param p = plain.params().get(i), q = scaled.params().get(i);
            boolean residual = p.name.endsWith(".attn.o.W") || p.name.endsWith(".mlp.proj.W");
            for (int r = 0; r < p.value.rows; r++) {
                for (int j = 0; j < p.value.cols; j++) {
                    assertEquals(residual ? p.value.data[r][j] * f : p.value.data[r][j], q.value.data[r][j], 0.0, p.name);
                }
            }
        }
    }

    // ---- post-LN --------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Positions.class)
    void postLayerNormEveryEntry(Positions p) {
        Random rng = new Random(2);
        Transformer m = new Transformer(new Transformer.Config(V, BLOCK, 2, 2, 8, p, true, true, 2).withPostLayerNorm(true));
        TransformerTest.perturbLayerNorms(m, rng);
        Batch batch = RecurrentLMTest.paddedBatch(rng, 4, BLOCK);
        EveryEntry.check(m.params(), () -> m.loss(batch), () -> m.lossAndGrad(batch));
        assertNull(m.lnF, "post-LN has no final LayerNorm");
        assertEquals(m.config.numParams(), m.numParams());
        assertEquals(new Transformer(m.config.withPostLayerNorm(false)).numParams() - 2 * 8, m.numParams());
        // without residuals too
        Transformer n = new Transformer(m.config.withResidual(false));
        EveryEntry.check(n.params(), () -> n.loss(batch), () -> n.lossAndGrad(batch));
    }

    @Test
    void aPostLayerNormBlockEndsInALayerNorm() {
        Random rng = new Random(3);
        TransformerBlock b = new TransformerBlock("b", 8, 2, 5, true, true, true, 0.0, 0, rng);
        Matrix y = b.forward(Matrix.randn(10, 8, 3.0, rng), 5);
        for (double[] row : y.data) {                    // γ = 1, β = 0: every row has mean 0 and variance 1 − ε-ish
            double mu = 0, var = 0;
            for (double v : row) mu += v / 8;
            for (double v : row) var += (v - mu) * (v - mu) / 8;
            assertEquals(0.0, mu, 1e-12);
            assertEquals(1.0, var, 1e-3);
        }
    }

    // ---- the key–value cache and the causal mask --------------------------------------------------------------------

    /** max over rows of max_j |a_ij − b_ij| / max_j |a_ij|: the difference relative to the row's scale. */
    static double maxRelDiff(Matrix a, Matrix b) {
        double worst = 0;
        for (int i = 0; i < a.rows; i++) {
            double scale = 1e-300, diff = 0;
            for (int j = 0; j < a.cols; j++) {
                scale = Math.max(scale, Math.abs(a.data[i][j]));
                diff = Math.max(diff, Math.abs(a.data[i][j] - b.data[i][j]));
            }
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }

    /**
     * The cache computes every row as the uncached pass does, in the same order of operations — but a one-row product
     * takes the plain kernel where the many-row one may take the Vector API's (fused multiply-adds): the same to the
     * bit on the plain path (measured: 432 of 432 logits of a 4-layer, n_embd 64 model), within a few ulp of the
     * scale on the vector path (measured: 2.8e-13 relative to a logit at worst). Held to 1e-12, and to the bit when
     * the plain kernel runs.
     */
    @Test
    void cachedAndUncachedGenerationGiveTheSameLogits() {
        Random rng = new Random(6);
        for (Transformer.Config c : List.of(
                new Transformer.Config(V, BLOCK, 2, 2, 8, Positions.LEARNED, true, true, 6),
                new Transformer.Config(V, BLOCK, 3, 4, 16, Positions.SINUSOIDAL, true, true, 7),
                new Transformer.Config(V, BLOCK, 2, 1, 8, Positions.NONE, true, true, 8).withPostLayerNorm(true),
                new Transformer.Config(V, BLOCK, 2, 2, 8, Positions.LEARNED, false, false, 9).withDropout(0.5),
                Transformer.Config.nanoGpt(V, BLOCK, 2, 2, 8, 10).withPostLayerNorm(true))) {   // tied, no biases
            Transformer m = new Transformer(c);
            TransformerTest.perturbLayerNorms(m, rng);
            int B = 3;
            LanguageModel.Generator plain = m.generator(B), cached = m.cachedGenerator(B);
            Matrix a = new Matrix(B, V), b = new Matrix(B, V);
            for (int round = 0; round < 2; round++) {                 // reset() starts every stream again
                plain.reset();
                cached.reset();
                for (int t = 0; t < 2 * BLOCK + 1; t++) {                 // past the block size: the window slides
                    int[] tokens = new int[B];
                    for (int s = 0; s < B; s++) tokens[s] = rng.nextInt(V);
                    plain.next(tokens, a);
                    cached.next(tokens, b);
                    assertTrue(maxRelDiff(a, b) <= 1e-12, c + ", token " + t + ": " + maxRelDiff(a, b));
                    if (!Kernels.vectorActive()) assertArrayEquals(a.data, b.data);
                }
            }
        }
    }

    /**
     * Small enough that every product of the uncached pass (at most 3·6 rows, n_embd 4) stays under the Vector API's
     * threshold: both generators then run the same kernels, and their logits are identical to the bit whichever kernel
     * path this JVM selected — pre- and post-LN, every kind of positions, past the block size.
     */
    @Test
    void cachedAndUncachedGenerationAreBitIdenticalOnTheSameKernels() {
        Random rng = new Random(11);
        for (Transformer.Config c : List.of(
                new Transformer.Config(V, BLOCK, 2, 2, 4, Positions.LEARNED, true, true, 12),
                new Transformer.Config(V, BLOCK, 1, 1, 4, Positions.SINUSOIDAL, true, true, 13),
                new Transformer.Config(V, BLOCK, 2, 2, 4, Positions.NONE, true, true, 14).withPostLayerNorm(true))) {
            Transformer m = new Transformer(c);
            TransformerTest.perturbLayerNorms(m, rng);
            int B = 3;
            LanguageModel.Generator plain = m.generator(B), cached = m.cachedGenerator(B);
            Matrix a = new Matrix(B, V), b = new Matrix(B, V);
            for (int t = 0; t < 2 * BLOCK + 1; t++) {
                int[] tokens = new int[B];
                for (int s = 0; s < B; s++) tokens[s] = rng.nextInt(V);
                plain.next(tokens, a);
                cached.next(tokens, b);
                for (int s = 0; s < B; s++) assertArrayEquals(a.data[s], b.data[s], c + ", token " + t);
            }
        }
    }

    @Test
    void theCacheRefusesWhatItCannotHold() {
        Transformer m = transformer(0, false, 1);
        var cache = m.blocks.get(0).attn.newCache(2);
        assertEquals(0, cache.length());
        assertThrows(IllegalArgumentException.class, () -> m.blocks.get(0).attn.forwardCached(new Matrix(3, 8), cache));
        for (int t = 0; t < BLOCK; t++) m.blocks.get(0).attn.forwardCached(new Matrix(2, 8), cache);
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> m.blocks.get(0).attn.forwardCached(new Matrix(2, 8), cache));
        assertTrue(full.getMessage().contains("the cache is full"), full.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.cachedGenerator(2).next(new int[] {0, V}, new Matrix(2, V)));
    }

    /**
     * The causal mask, end to end: changing the token at position t₀ leaves every output at positions &lt; t₀ exactly as
     * it was — the block's rows, and the model's loss at each earlier position, computed with every position present
     * (computeIgnoredPositions) so that the future is in the pass and only the mask keeps it out.
     */
    @Test
    void aFutureTokenMovesNoEarlierOutput() {
        Random rng = new Random(7);
        TransformerBlock block = new TransformerBlock("b", 8, 2, BLOCK, true, true, rng);
        int T = BLOCK, t0 = 3;
        Matrix x = Matrix.randn(2 * T, 8, 1.0, rng), y = block.forward(x, T).copy();
        Matrix x2 = x.copy();
        for (int j = 0; j < 8; j++) x2.data[T + t0][j] += 10 * rng.nextGaussian();   // sequence 1, position t₀
        Matrix y2 = block.forward(x2, T);
        for (int r = 0; r < 2 * T; r++) {
            boolean moved = r >= T + t0;
            assertEquals(!moved, java.util.Arrays.equals(y.data[r], y2.data[r]), "row " + r);
        }
        for (boolean post : new boolean[] {false, true}) {
            Transformer m = transformer(0, post, 7).computeIgnoredPositions(true);
            int[] seq = {0, 3, 1, 4, 2, 5};
            for (int t = 0; t < T; t++) {
                int[][] yOnly = {{-1, -1, -1, -1, -1, -1}};
                yOnly[0][t] = 2;                                                       // a target at t only
                double before = m.loss(new Batch(new int[][] {seq.clone()}, yOnly));
                int[] changed = seq.clone();
                changed[t0] = 6;
                double after = m.loss(new Batch(new int[][] {changed}, yOnly));
                if (t < t0) assertEquals(before, after, 0.0, "position " + t + " sees no later token");
                else assertNotEquals(before, after, "position " + t + " sees position " + t0);
            }
        }
    }
}
