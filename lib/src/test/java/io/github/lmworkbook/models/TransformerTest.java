package io.github.lmworkbook.models;

import io.github.lmworkbook.EveryEntry;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.Transformer.Positions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The transformer language model: every parameter against the five-point stencil (each way positions enter, and
 * without residuals or LayerNorms), the skipped padding against the full computation, chunked evaluation, next-token
 * logits and generation against the forward pass, no allocation in a training step, makemore's parameter count.
 */
class TransformerTest {
    static final int V = 7, BLOCK = 6;

    static Transformer model(Positions p, boolean residual, boolean layerNorm, long seed) {
        return new Transformer(new Transformer.Config(V, BLOCK, 2, 2, 8, p, residual, layerNorm, seed));
    }

    /** Generic LayerNorm gains and biases (γ = 1, β = 0 would hide terms of the backward). */
    static void perturbLayerNorms(Transformer m, Random rng) {
        for (Param p : m.params()) {
            if (p.name.endsWith(".g")) p.value.setFrom(Matrix.randn(1, p.value.cols, 0.3, rng)).addRowVector(ones(p.value.cols));
            if (p.name.contains("ln") && p.name.endsWith(".b")) p.value.setFrom(Matrix.randn(1, p.value.cols, 0.3, rng));
        }
    }

    /** makemore's layout over V tokens: x = 0 then the word then 0s, y = the word, 0, then −1 padding. */
    static Batch padded(Random rng, int B, int T, int V) {
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) {
            int len = 1 + rng.nextInt(T - 1);
            for (int t = 0; t < T; t++) {
                int w = 1 + rng.nextInt(V - 1);
                y[b][t] = t < len ? w : (t == len ? 0 : -1);
                if (t + 1 < T) x[b][t + 1] = t < len ? w : 0;
            }
        }
        return new Batch(x, y);
    }

    static Matrix ones(int n) {
        return new Matrix(1, n).fill(1.0);
    }

    @ParameterizedTest
    @EnumSource(Positions.class)
    void everyParameterOnAPaddedBatch(Positions p) {
        Random rng = new Random(1);
        Transformer m = model(p, true, true, 1);
        perturbLayerNorms(m, rng);
        Batch batch = RecurrentLMTest.paddedBatch(rng, 4, BLOCK);
        double worst = EveryEntry.check(m.params(), () -> m.loss(batch), () -> m.lossAndGrad(batch));
        assertTrue(worst <= 1e-7);
        assertTrue(m.params().stream().allMatch(q -> q.name.endsWith("qkv.b") || q.grad.norm() > 0),
                "every parameter but the key biases receives a gradient");
    }

    @Test
    void everyParameterWithoutResidualsOrLayerNorms() {
        Random rng = new Random(2);
        for (boolean[] v : new boolean[][] {{false, true}, {true, false}, {false, false}}) {
            Transformer m = model(Positions.LEARNED, v[0], v[1], 2);
            Batch batch = RecurrentLMTest.paddedBatch(rng, 3, BLOCK);
            EveryEntry.check(m.params(), () -> m.loss(batch), () -> m.lossAndGrad(batch));
        }
        assertEquals(model(Positions.LEARNED, true, false, 1).numParams() + 2 * (2 * 2 * 8) + 2 * 8,
                model(Positions.LEARNED, true, true, 1).numParams());
    }

    @Test
    void skippingThePaddingChangesNeitherLossNorGradients() {
        Random rng = new Random(3);
        Transformer a = model(Positions.LEARNED, true, true, 3), b = model(Positions.LEARNED, true, true, 3)
                .computeIgnoredPositions(true);
        Batch batch = RecurrentLMTest.paddedBatch(rng, 6, BLOCK);
        a.zeroGrad();
        b.zeroGrad();
        double la = a.lossAndGrad(batch), lb = b.lossAndGrad(batch);
        assertEquals(lb, la, 1e-13 * lb);
        assertTrue(a.inputGradient().rows < b.inputGradient().rows, "the padding was computed");
        for (int k = 0; k < a.params().size(); k++) {
            Matrix ga = a.params().get(k).grad, gb = b.params().get(k).grad;
            double scale = Math.max(gb.maxAbs(), 1e-300);
            for (int i = 0; i < ga.rows; i++) for (int j = 0; j < ga.cols; j++) {
                assertEquals(gb.data[i][j], ga.data[i][j], 1e-12 * scale, a.params().get(k).name);
            }
        }
    }

    @Test
    void evaluationInChunksIsTheMeanOverAllTargets() {
        Random rng = new Random(4);
        Transformer m = model(Positions.LEARNED, true, true, 4);
        Batch big = RecurrentLMTest.randomBatch(rng, 300, BLOCK);    // 1800 rows > MAX_ROWS: two chunks
        double chunked = m.loss(big), whole = m.forward(big);
        assertEquals(whole, chunked, 1e-12 * whole);
    }

    @Test
    void nextLogitsAndGenerationAgreeWithTheForwardPass() {
        Random rng = new Random(5);
        Transformer m = model(Positions.LEARNED, true, true, 5);
        int[][] context = {{0, 3, 1, 4}, {0, 1, 6, 2}};
        Matrix whole = new Matrix(2, V);
        m.nextLogits(context, whole);
        // the loss with a target at the last position only is −log softmax(those logits)[target]
        for (int b = 0; b < 2; b++) {
            int[][] y = {{-1, -1, -1, 5}};
            double expected = -(whole.data[b][5] - io.github.lmworkbook.layers.Softmax.row(whole.data[b].clone(),
                    new double[V], V));
            assertEquals(expected, m.loss(new Batch(new int[][] {context[b]}, y)), 1e-13);
        }
        // one token at a time through the generator
        LanguageModel.Generator g = m.generator(2);
        Matrix logits = new Matrix(2, V);
        for (int t = 0; t < 4; t++) g.next(new int[] {context[0][t], context[1][t]}, logits);
        for (int b = 0; b < 2; b++) assertArrayEquals(whole.data[b], logits.data[b], 1e-13);
        // beyond the block size the context is cropped to its last BLOCK tokens
        int[] longer = {0, 1, 2, 3, 4, 5, 6, 1, 2};
        g.reset();
        for (int id : longer) g.next(new int[] {id, id}, logits);
        Matrix cropped = new Matrix(1, V);
        m.nextLogits(new int[][] {java.util.Arrays.copyOfRange(longer, longer.length - BLOCK, longer.length)}, cropped);
        assertArrayEquals(cropped.data[0], logits.data[1], 1e-13);
        Matrix viaLong = new Matrix(1, V);
        m.nextLogits(new int[][] {longer}, viaLong);
        assertArrayEquals(cropped.data[0], viaLong.data[0], 0.0);
    }

    @Test
    void inputGradientSummedByTokenIsTheEmbeddingGradient() {
        Random rng = new Random(6);
        Transformer m = model(Positions.NONE, true, true, 6);
        Batch batch = RecurrentLMTest.paddedBatch(rng, 3, BLOCK);
        m.zeroGrad();
        m.lossAndGrad(batch);
        Matrix dX = m.inputGradient(), byToken = new Matrix(V, m.C);
        int[] lengths = m.rowsOf();
        for (int b = 0, r = 0; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++, r++) byToken.data[batch.x()[b][t]] = add(byToken.data[batch.x()[b][t]], dX.data[r]);
        }
        for (int v = 0; v < V; v++) assertArrayEquals(byToken.data[v], m.wte.C.grad.data[v], 1e-15);
    }

    private static double[] add(double[] a, double[] b) {
        for (int j = 0; j < a.length; j++) a[j] += b[j];
        return a;
    }

    @Test
    void withoutPositionsOneCausalLayerSeesTheSetOfThePastAndTwoSeeItsOrder() {
        // one layer: position i attends over the set of tokens 0 … i, so shuffling the past changes nothing there
        Transformer one = new Transformer(new Transformer.Config(V, BLOCK, 1, 2, 8, Positions.NONE, true, true, 7));
        Matrix a = new Matrix(1, V), b = new Matrix(1, V);
        one.nextLogits(new int[][] {{0, 3, 1, 4, 2}}, a);
        one.nextLogits(new int[][] {{1, 4, 0, 3, 2}}, b);
        assertArrayEquals(a.data[0], b.data[0], 1e-13);
        // two layers: the first layer's output at an earlier position depends on *its* prefix, so the mask itself
        // lets order through (causal transformers without positions still see some of it)
        Transformer two = model(Positions.NONE, true, true, 7);
        two.nextLogits(new int[][] {{0, 3, 1, 4, 2}}, a);
        two.nextLogits(new int[][] {{1, 4, 0, 3, 2}}, b);
        assertTrue(Math.abs(a.data[0][0] - b.data[0][0]) > 1e-6);
        // and learned positions make even one layer see order
        Transformer learned = new Transformer(new Transformer.Config(V, BLOCK, 1, 2, 8, Positions.LEARNED, true, true, 7));
        learned.nextLogits(new int[][] {{0, 3, 1, 4, 2}}, a);
        learned.nextLogits(new int[][] {{1, 4, 0, 3, 2}}, b);
        assertTrue(Math.abs(a.data[0][0] - b.data[0][0]) > 1e-6);
    }

    @Test
    void sinusoidsAreThoseOfVaswaniEtAl() {
        Matrix P = Transformer.sinusoids(10, 8);
        assertEquals(Math.sin(3 / Math.pow(10000, 4 / 8.0)), P.get(3, 4), 1e-15);
        assertEquals(Math.cos(3 / Math.pow(10000, 4 / 8.0)), P.get(3, 5), 1e-15);
        assertEquals(1.0, P.get(0, 1), 0.0);
    }

    @Test
    void trainingStepAllocatesNothingAfterWarmUp() {
        Transformer m = new Transformer(Transformer.Config.makemore(27, 16, 1));
        Random rng = new Random(8);
        Batch batch = padded(rng, 32, 16, 27);
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        // Warm up until C2 has compiled the product kernels: Vector API code allocates an object per vector until
        // then, and on a loaded machine the compiler thread may need many steps (at most 400 steps here).
        for (int chunk = 0; chunk < 40; chunk++) {
            long start = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10; i++) {
                m.zeroGrad();
                m.lossAndGrad(batch);
            }
            if (mx.getCurrentThreadAllocatedBytes() - start < 10 * 256) break;
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10; i++) {
            m.zeroGrad();
            m.lossAndGrad(batch);
        }
        long perStep = (mx.getCurrentThreadAllocatedBytes() - before) / 10;
        assertTrue(perStep < 256, perStep + " bytes allocated per training step");
    }

    @Test
    void makemoresTransformerHasItsParameterCount() {
        Transformer m = new Transformer(Transformer.Config.makemore(27, 16, 42));
        assertEquals(204_544, m.numParams());
        assertEquals(m.config.numParams(), m.numParams());
        for (Positions p : Positions.values()) {
            Transformer.Config c = Transformer.Config.makemore(27, 16, 1).withPositions(p).withLayerNorm(p != Positions.NONE);
            assertEquals(c.numParams(), new Transformer(c).numParams(), c.toString());
        }
        List<String> names = m.params().stream().map(q -> q.name).toList();
        assertEquals(List.of("wte", "wpe", "h0.ln1.g", "h0.ln1.b", "h0.attn.qkv.W", "h0.attn.qkv.b", "h0.attn.o.W",
                "h0.attn.o.b", "h0.ln2.g", "h0.ln2.b", "h0.mlp.fc.W", "h0.mlp.fc.b", "h0.mlp.proj.W", "h0.mlp.proj.b"),
                names.subList(0, 14));
        assertEquals(List.of("ln_f.g", "ln_f.b", "head.W"), names.subList(names.size() - 3, names.size()));
    }

    @Test
    void badInputIsNamed() {
        Transformer m = model(Positions.LEARNED, true, true, 9);
        var e = assertThrows(IllegalArgumentException.class,
                () -> m.loss(new Batch(new int[][] {{0, 9}}, new int[][] {{1, 1}})));
        assertTrue(e.getMessage().contains("input token 9 outside [0, 7)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> m.loss(new Batch(new int[][] {new int[BLOCK + 1]}, new int[][] {new int[BLOCK + 1]})));
        assertTrue(e.getMessage().contains("needs 7 positions, the block size is 6"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Transformer.Config(V, BLOCK, 2, 3, 8, Positions.LEARNED, true, true, 1));
        assertTrue(e.getMessage().contains("n_head 3 must divide n_embd 8"), e.getMessage());
        assertEquals(0.0, m.loss(new Batch(new int[][] {{0, 1}}, new int[][] {{-1, -1}})));
    }

    @Test
    void anEmptyBatchIsAnErrorNotALossOfZero() {
        Transformer m = new Transformer(Transformer.Config.makemore(5, 4, 1));
        for (Batch empty : new Batch[] {new Batch(new int[0][], new int[0][]), new Batch(new int[2][0], new int[2][0])}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loss(empty));
            assertTrue(e.getMessage().startsWith("Transformer: empty batch ("), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.lossAndGrad(empty));
            Mlp mlp = new Mlp(Mlp.Config.makemore(5, 1));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> mlp.loss(empty)).getMessage()
                    .startsWith("Mlp: empty batch ("));
            assertThrows(IllegalArgumentException.class, () -> mlp.lossAndGrad(empty));
        }
    }
}
