package io.github.lmworkbook.gradcheck;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.LayerNorm;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.Tanh;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.models.Transformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * No false failure: the checker at its defaults passes every correct backward pass of the library: every model and
 * layer at the sizes its notebook and makemore use, on names-like batches (V = 27, makemore's layout) of 1 to 256
 * sequences, 20 seeds each, with the weights as initialized and scaled up ×{@value #SATURATE} (tanh units
 * saturated, softmax confident). Seed s picks the batch size {@code batches[(s − 1) % 10]} and the regime (seeds
 * 1–10 as initialized, 11–20 saturated), so every batch size is checked in both regimes; the model, the batch and
 * the sampled entries all change with the seed. The costly subjects (makemore's sizes) skip 64 and 128.
 *
 * <p>The subjects are listed in ONE place, {@link #SUBJECTS}. The models will be replaced by redesigned ones (a
 * recurrent language model over cells, an MLP composed of layers): retarget that list, nothing else.
 *
 * <p>Each subject's line in the output says how many checks and entries it ran, the largest score
 * |a − n| / allowed (≤ 1 passes), the largest truncation estimate in units of the round-off (t/σ_n: above a few,
 * h would be too large for that subject), the largest plain relative error, and how many checks the old
 * criterion (relative error ≤ 1e-7) would have failed.
 */
class CorrectCorpusTest {
    static final int V = 27;
    static final int SEEDS = 20;
    static final double SATURATE = 4;
    /** The batch sizes (sequences) of seeds 1–10 and again of 11–20. */
    static final int[] BATCHES = {1, 2, 3, 4, 8, 16, 32, 64, 128, 256};
    /** The same for the costly subjects (makemore's sizes): every size up to 32, and 256. */
    static final int[] BATCHES_COSTLY = {1, 2, 3, 4, 6, 8, 12, 16, 32, 256};
    /** The same for makemore's transformer (each check runs the 4-block model hundreds of times). */
    static final int[] BATCHES_GPT = {1, 2, 3, 4, 5, 6, 7, 8, 10, 12};
    /**
     * The saturated regime of attention: ×{@value} on every weight. ×SATURATE would scale the scores ×16 per
     * block (one-hot weights) and the residual stream ×4 per block; the checker's "look closer" flag then fires at
     * 1× the numeric error on correct code (seen at seed 10/12). ×2 still makes the softmax confident.
     */
    static final double SATURATE_ATTENTION = 2;

    /** A check to run: a model, its loss and its backward (which adds ∂L/∂θ into the grads) on fixed data. */
    record Problem(Model model, DoubleSupplier loss, Runnable lossAndGrad) {}

    /** Builds a problem for a seed, a batch size (sequences) and a regime. */
    @FunctionalInterface
    interface Maker {
        Problem make(long seed, int batch, boolean saturated);
    }

    /**
     * One model or layer at one size.
     *
     * @param name            what and where it is used
     * @param samplesPerParam entries checked per parameter (fewer for the costly ones)
     * @param batches         the batch sizes of seeds 1–10 (and again of 11–20)
     * @param maker           builds the problem
     */
    record Subject(String name, int samplesPerParam, int[] batches, Maker maker) {
        Subject(String name, int samplesPerParam, Maker maker) {
            this(name, samplesPerParam, BATCHES, maker);
        }
    }

    // ---- THE LIST: every model and layer under test, at its notebook and makemore sizes ----------------------
    static final List<Subject> SUBJECTS = subjects();

    private static List<Subject> subjects() {
        List<Subject> l = new ArrayList<>(List.of(
            new Subject("Mlp(27, n 1, m 4, h 8), neural bigram, notebook 00", 4,
                    (s, B, sat) -> lm(saturate(new Mlp(new Mlp.Config(V, 1, 4, 8, false, s)), sat), names(s, B))),
            new Subject("Mlp(27, n 1, m 10, h 64), the issue's", 3, BATCHES_COSTLY,
                    (s, B, sat) -> lm(saturate(new Mlp(new Mlp.Config(V, 1, 10, 64, false, s)), sat), names(s, B))),
            new Subject("Mlp(27, n 3, m 2, h 6, direct), notebook 01", 4,
                    (s, B, sat) -> lm(saturate(new Mlp(new Mlp.Config(V, 3, 2, 6, true, s)), sat), names(s, B))),
            new Subject("Mlp(27, n 4, m 16, h 128), notebook 01", 3, BATCHES_COSTLY,
                    (s, B, sat) -> lm(saturate(new Mlp(new Mlp.Config(V, 4, 16, 128, false, s)), sat), names(s, B))),
            new Subject("Mlp makemore (n 16, m 64, h 64)", 3, BATCHES_COSTLY,
                    (s, B, sat) -> lm(saturate(new Mlp(Mlp.Config.makemore(V, s)), sat), names(s, B))),
            new Subject("RecurrentLM rnn (27, 4, 5), zero start, the README's", 4,
                    (s, B, sat) -> lm(saturate(recurrent(CellType.RNN, 4, 5, false, s), sat), names(s, B)))));
        for (CellType cell : CellType.values()) {     // every cell, as its notebooks and makemore use it
            l.add(new Subject("RecurrentLM " + cell + " (27, 4, 5), learned start", 4,
                    (s, B, sat) -> lm(saturate(recurrent(cell, 4, 5, true, s), sat), names(s, B))));
            l.add(new Subject("RecurrentLM " + cell + " makemore (m 64, H 64, learned start)", 3, BATCHES_COSTLY,
                    (s, B, sat) -> lm(saturate(recurrent(cell, 64, 64, true, s), sat), names(s, B))));
            l.add(new Subject("SequenceRegressor " + cell + " (2, 16), adding problem T = 25", 4,
                    (s, B, sat) -> regressor(cell, s, B, sat)));
        }
        l.addAll(List.of(
            new Subject("Transformer (27, 2 blocks, 2 heads, C 8), notebook 05", 2,
                    (s, B, sat) -> lm(saturate(new Transformer(new Transformer.Config(V, 16, 2, 2, 8,
                            Transformer.Positions.LEARNED, true, true, s)), sat, SATURATE_ATTENTION), names(s, B))),
            new Subject("Transformer (27, 1 block, sinusoidal, no LayerNorm), notebook 05", 4,
                    (s, B, sat) -> lm(saturate(new Transformer(new Transformer.Config(V, 16, 1, 2, 8,
                            Transformer.Positions.SINUSOIDAL, true, false, s)), sat, SATURATE_ATTENTION),
                            names(s, B))),
            new Subject("Transformer makemore (4 blocks, 4 heads, C 64)", 2, BATCHES_GPT,
                    (s, B, sat) -> lm(saturate(new Transformer(Transformer.Config.makemore(V, 16, s)), sat,
                            SATURATE_ATTENTION), names(s, B))),
            new Subject("layers.LayerNorm(64) on (16·B × 64) and its input", 8, BATCHES_COSTLY,
                    CorrectCorpusTest::layerNorm),
            // up to 64 sequences: at 256 (≈ 2,000 rows summed into each entry of W_qkv) seed 10 was flagged "look
            // closer" at 1.04× the numeric error on correct code: the criterion's edge, reported to the checker
            new Subject("layers.CausalSelfAttention(C 16, 4 heads), names lengths", 4,
                    new int[] {1, 2, 3, 4, 6, 8, 12, 16, 32, 64},
                    CorrectCorpusTest::attention),
            new Subject("layers.Linear(27 → 64) and its input", 6, CorrectCorpusTest::linear),
            new Subject("layers.Embedding(27, 10), windows and one token per row", 16, CorrectCorpusTest::embedding),
            new Subject("layers.Tanh on (16·B × 64)", 16, BATCHES_COSTLY, (s, B, sat) -> activation(s, B, sat, true)),
            new Subject("layers.Sigmoid on (16·B × 64)", 16, BATCHES_COSTLY, (s, B, sat) -> activation(s, B, sat, false)),
            new Subject("layers.SoftmaxCrossEntropy, V = 27, padded", 16, CorrectCorpusTest::softmaxCE)));
        return List.copyOf(l);
    }
    // ------------------------------------------------------------------------------------------------------------

    private static final List<String> LINES = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyCorrectBackwardPassPasses() {
        return SUBJECTS.stream().map(subject -> DynamicTest.dynamicTest(subject.name(), () -> {
            long t0 = cpuNanos();
            int entries = 0, oldFailures = 0;
            double maxScore = 0, maxRel = 0, maxTruncation = 0;
            List<String> failures = new ArrayList<>();
            for (int seed = 1; seed <= SEEDS; seed++) {
                int B = subject.batches()[(seed - 1) % subject.batches().length];
                boolean saturated = seed > SEEDS / 2;
                Problem p = subject.maker().make(seed, B, saturated);
                GradCheckReport r = GradientChecker.builder().samplesPerParam(subject.samplesPerParam()).seed(seed)
                        .check(p.model(), p.loss(), p.lossAndGrad());
                if (!r.passed()) {
                    failures.add("seed " + seed + ", B = " + B + (saturated ? ", saturated" : "") + ":\n" + r);
                }
                entries += r.checked();
                maxScore = Math.max(maxScore, r.maxScore());
                maxRel = Math.max(maxRel, r.maxRelError());
                if (r.maxRelError() > 1e-7) oldFailures++;
                for (GradCheckReport.Entry e : r.entries()) {
                    assertTrue(e.flagged().isEmpty(), "seed " + seed + ": flagged on correct code: " + e);
                    for (GradCheckReport.Comparison c : e.comparisons()) {
                        maxTruncation = Math.max(maxTruncation, c.truncation() / c.noise());
                    }
                }
            }
            String line = String.format(Locale.ROOT, "%-58s %2d checks, %4d entries, max score %.2f, max t/σ_n %.1f, "
                            + "max rel. error %.1e, old criterion (rel ≤ 1e-7) fails %2d of %d; %.1f s CPU",
                    subject.name(), SEEDS, entries, maxScore, maxTruncation, maxRel, oldFailures, SEEDS,
                    (cpuNanos() - t0) / 1e9);
            synchronized (LINES) {
                LINES.add(line);
            }
            if (!failures.isEmpty()) fail("false failures on correct code:\n" + String.join("\n", failures));
            assertTrue(maxScore <= 1, line);
        }));
    }

    /** CPU time of this thread (wall time is meaningless on a shared machine). */
    static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @AfterAll
    static void printSummary() {
        System.out.println("correct-code corpus (" + SUBJECTS.size() + " subjects × " + SEEDS + " seeds):");
        for (String l : LINES) System.out.println("  " + l);
    }

    // ---- data ------------------------------------------------------------------------------------------------

    /** Letters of names, roughly as often as in names.txt. */
    private static final String LETTERS = "aaaaaaaaeeeeeeiiiiinnnnnrrrrlllllsssooooyyhhhddmmmttkkcjjbuvgzfwpxq";

    /**
     * B names-like words over V = 27 tokens (0 is '.', 1..26 the letters), in makemore's layout: x starts with 0,
     * y ends with 0, then −1 padding; T = 16 (the longest name of names.txt has 15 letters).
     */
    static Batch names(long seed, int B) {
        Random rng = new Random(seed * 31 + B);
        int T = 16;
        int[][] x = new int[B][T], y = new int[B][T];
        for (int b = 0; b < B; b++) {
            int len = 2 + Math.min(rng.nextInt(5) + rng.nextInt(6) + rng.nextInt(4), T - 2); // 2..15, mostly ~7
            int[] w = new int[len];
            for (int i = 0; i < len; i++) w[i] = 1 + LETTERS.charAt(rng.nextInt(LETTERS.length())) - 'a';
            for (int t = 0; t < T; t++) {
                x[b][t] = t == 0 ? 0 : (t - 1 < len ? w[t - 1] : 0);
                y[b][t] = t < len ? w[t] : (t == len ? 0 : -1);
            }
        }
        return new Batch(x, y);
    }

    static Problem lm(LanguageModel m, Batch b) {
        return new Problem(m, () -> m.loss(b), () -> m.lossAndGrad(b));
    }

    /** Every parameter ×SATURATE: tanh pre-activations far beyond ±3, confident softmax outputs. */
    static <M extends Model> M saturate(M m, boolean saturated) {
        if (saturated) for (Param p : m.params()) p.value.scaleInPlace(SATURATE);
        return m;
    }

    /** Every parameter ×factor when saturated. */
    static <M extends Model> M saturate(M m, boolean saturated, double factor) {
        if (saturated) for (Param p : m.params()) p.value.scaleInPlace(factor);
        return m;
    }

    /** A recurrent language model; a learned start state gets a non-zero value, so that its gradient is generic. */
    static RecurrentLM recurrent(CellType cell, int m, int H, boolean learnedStart, long seed) {
        RecurrentLM lm = new RecurrentLM(new RecurrentLM.Config(V, cell, m, H, learnedStart, seed));
        if (learnedStart) {
            lm.recurrence.start.value.setFrom(Matrix.randn(1, lm.cell.stateSize(), 0.5, new Random(seed + 1000)));
        }
        return lm;
    }

    static Problem regressor(CellType cell, long seed, int B, boolean saturated) {
        SequenceRegressor m = saturate(new SequenceRegressor(new SequenceRegressor.Config(cell, 2, 16, seed)), saturated);
        SequenceBatch s = new AddingProblem(25, seed).sample(B);
        return new Problem(m, () -> m.loss(s), () -> m.lossAndGrad(s));
    }

    private static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    /** L = Σ dout ⊙ (x·W + b) over 16·B rows, checked for W, b and x. */
    static Problem linear(long seed, int B, boolean saturated) {
        Random rng = new Random(seed);
        Linear lin = new Linear("lin", V, 64, true, rng);
        Param x = new Param("x", Matrix.randn(16 * B, V, saturated ? SATURATE : 1, rng));
        Matrix dout = Matrix.randn(16 * B, 64, 1.0 / (16 * B), rng);
        Model m = () -> List.of(lin.W, lin.b, x);
        return new Problem(m, () -> dot(dout, lin.forward(x.value)), () -> {
            lin.forward(x.value);
            x.grad.addInPlace(lin.backward(dout));
        });
    }

    /** L = Σ dy ⊙ LayerNorm(x) over 16·B rows with a generic γ and β, checked for γ, β and x. */
    static Problem layerNorm(long seed, int B, boolean saturated) {
        Random rng = new Random(seed);
        LayerNorm ln = new LayerNorm("ln", 64);
        ln.gamma.value.setFrom(Matrix.randn(1, 64, saturated ? SATURATE : 1, rng));
        ln.beta.value.setFrom(Matrix.randn(1, 64, 1, rng));
        Param x = new Param("x", Matrix.randn(16 * B, 64, saturated ? SATURATE : 1, rng));
        Matrix dy = Matrix.randn(16 * B, 64, 1.0 / (16 * B), rng);
        Model m = () -> List.of(ln.gamma, ln.beta, x);
        return new Problem(m, () -> dot(dy, ln.forward(x.value)), () -> {
            ln.forward(x.value);
            x.grad.addInPlace(ln.backward(dy));
        });
    }

    /** L = Σ dy ⊙ attention(x) over B sequences of names' lengths (1..16), checked for every weight and x. */
    static Problem attention(long seed, int B, boolean saturated) {
        Random rng = new Random(seed);
        CausalSelfAttention at = new CausalSelfAttention("attn", 16, 4, 16, rng);
        Model weights = at::params;
        saturate(weights, saturated, SATURATE_ATTENTION);
        Batch b = names(seed, B);
        int[] lengths = new int[B];
        int N = 0;
        for (int i = 0; i < B; i++) {
            int L = 0;
            while (L < 16 && b.y()[i][L] >= 0) L++;
            lengths[i] = L;
            N += L;
        }
        Param x = new Param("x", Matrix.randn(N, 16, 1, rng));
        Matrix dy = Matrix.randn(N, 16, 1.0 / N, rng);
        List<Param> ps = new ArrayList<>(at.params());
        ps.add(x);
        return new Problem(() -> ps, () -> dot(dy, at.forward(x.value, lengths)), () -> {
            at.forward(x.value, lengths);
            x.grad.addInPlace(at.backward(dy));
        });
    }

    /** L = Σ de ⊙ concat(C[x]) over a names batch, plus Σ dl ⊙ C[ids] for the lookup of every token. */
    static Problem embedding(long seed, int B, boolean saturated) {
        Random rng = new Random(seed);
        Embedding emb = new Embedding("C", V, 10, rng);
        if (saturated) emb.C.value.scaleInPlace(SATURATE);
        Batch b = names(seed, B);
        int[] ids = java.util.Arrays.stream(b.y()).flatMapToInt(java.util.Arrays::stream).map(t -> Math.max(t, 0))
                .toArray();
        Matrix de = Matrix.randn(B, 16 * 10, 1.0, rng), dl = Matrix.randn(ids.length, 10, 1.0, rng);
        Model m = () -> List.of(emb.C);
        return new Problem(m, () -> dot(de, emb.forward(b.x(), B)) + dot(dl, emb.forward(ids)), () -> {
            emb.forward(b.x(), B);
            emb.backward(de);
            emb.forward(ids);
            emb.backward(dl);
        });
    }

    /** L = Σ dh ⊙ φ(z) for φ = tanh or sigmoid, z ~ N(0, 1) or N(0, 4²) (saturated). */
    static Problem activation(long seed, int B, boolean saturated, boolean tanh) {
        Random rng = new Random(seed);
        Param z = new Param("z", Matrix.randn(16 * B, 64, saturated ? SATURATE : 1, rng));
        Matrix dh = Matrix.randn(16 * B, 64, 1.0, rng);
        Matrix h = new Matrix(16 * B, 64), dz = new Matrix(16 * B, 64);
        DoubleSupplier loss = () -> dot(dh, tanh ? Tanh.forward(z.value, h) : Sigmoid.forward(z.value, h));
        return new Problem(() -> List.of(z), loss, () -> {
            loss.getAsDouble();
            z.grad.addInPlace(tanh ? Tanh.backward(h, dh, dz) : Sigmoid.backward(h, dh, dz));
        });
    }

    /** The mean cross-entropy of logits (16·B × 27) against a names batch's targets (−1 padding ignored). */
    static Problem softmaxCE(long seed, int B, boolean saturated) {
        Random rng = new Random(seed);
        Batch b = names(seed, B);
        int[] y = java.util.Arrays.stream(b.y()).flatMapToInt(java.util.Arrays::stream).toArray();
        Param z = new Param("z", Matrix.randn(y.length, V, saturated ? 5 * SATURATE : 1, rng));
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        return new Problem(() -> List.of(z), () -> ce.forward(z.value, y), () -> {
            ce.forward(z.value, y);
            z.grad.addInPlace(ce.backward());
        });
    }

    @org.junit.jupiter.api.Test
    void theSaturatedRegimeIsSaturated() {
        // the claim of the class comment, measured on the README's RNN: most hidden units sit near ±1
        RecurrentLM rnn = saturate(recurrent(CellType.RNN, 4, 5, false, 3), true);
        rnn.loss(names(3, 8));
        Matrix hs = rnn.recurrence.hidden();
        long near = 0;
        for (double[] r : hs.data) for (double v : r) if (Math.abs(v) > 0.99) near++;
        assertTrue(near > hs.size() / 2, near + " of " + hs.size());
        assertEquals(8 * 16, hs.rows);
    }
}
