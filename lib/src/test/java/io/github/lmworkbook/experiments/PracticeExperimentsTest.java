package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentInit;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.train.Decoding;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The experiment functions of the practice notebook at tiny budgets: each a pure function of (condition, seed, steps)
 * — the same arguments give the same outcome, to the bit — with the metrics and curves it promises and no timings;
 * and the facts that hold at initialisation, where no training budget is involved.
 */
class PracticeExperimentsTest {
    static void sameOutcome(Outcome a, Outcome b) {
        assertEquals(a.metrics(), b.metrics());
        assertEquals(a.curves().keySet(), b.curves().keySet());
        for (String k : a.curves().keySet()) assertArrayEquals(a.curves().get(k), b.curves().get(k), k);
        for (String m : a.metrics().keySet()) {
            assertFalse(m.contains("second") || m.contains("time") || m.contains("ms"), "no timings: " + m);
        }
    }

    @Test
    void overfittingIsAPureFunctionWithItsCurves() {
        Overfitting.Config tiny = new Overfitting.Config(1, 2, 8, 16, 4, 600, 300, 1e-2, 2);
        Overfitting.Condition c = new Overfitting.Condition(0.2, 0.1);
        Outcome a = Overfitting.run(c, 1, 10, tiny), b = Overfitting.run(c, 1, 10, tiny);
        sameOutcome(a, b);
        assertArrayEquals(new double[] {0, 5, 10}, a.curve(Overfitting.DEV)[0]);
        assertEquals(a.metric(Overfitting.DEV) - a.metric(Overfitting.TRAIN), a.metric(Overfitting.GAP), 1e-15);
        assertTrue(a.metric(Overfitting.BEST_DEV) <= a.metric(Overfitting.DEV));
        assertNotEquals(a.metric(Overfitting.DEV), Overfitting.run(c, 2, 10, tiny).metric(Overfitting.DEV));
        assertEquals("dropout 0.2, weight decay 0.1", c.toString());
        assertThrows(IllegalArgumentException.class, () -> Overfitting.run(c, 1, 7, tiny));
    }

    @Test
    void orthogonalAndIdentityRecurrencesKeepTheGradientAtInitialisation() {
        double[] factor = new double[3];
        for (RecurrentInit init : RecurrentInit.values()) {
            var c = new RecurrentInitExperiment.Condition(init, CellType.RNN, 32, 30, 3e-3);
            Outcome o = RecurrentInitExperiment.decay(c, 1, 0);
            factor[init.ordinal()] = o.metric(RecurrentInitExperiment.FACTOR_INIT);
            assertEquals(31, o.curve(RecurrentInitExperiment.GRAD_INIT)[1].length);
        }
        // ρ(W_hh) ≈ √(H·Var W) ≈ 0.6 by default: ‖∂L/∂h_t‖ shrinks by about that per step; an orthogonal or an
        // identity W_hh shrinks it only through tanh′ ≤ 1
        assertTrue(factor[0] < 0.8, "default: " + factor[0]);
        assertTrue(factor[1] > factor[0] + 0.15 && factor[2] > factor[0] + 0.15, java.util.Arrays.toString(factor));
    }

    @Test
    void theAddingProblemRunIsAPureFunction() {
        var c = new RecurrentInitExperiment.Condition(RecurrentInit.IDENTITY, CellType.RNN, 8, 10, 1e-2);
        Outcome a = RecurrentInitExperiment.adding(c, 3, 20), b = RecurrentInitExperiment.adding(c, 3, 20);
        sameOutcome(a, b);
        assertEquals(11, a.curve(RecurrentInitExperiment.MSE)[1].length);
        assertEquals(a.metric(RecurrentInitExperiment.MSE) / (1 / 6.0), a.metric(RecurrentInitExperiment.RATIO), 1e-12);
        assertEquals(List.of("rnn default, H = 4, T = 5", "rnn orthogonal, H = 4, T = 5", "rnn identity, H = 4, T = 5"),
                RecurrentInitExperiment.rnn(4, 5, 1e-2).stream().map(Object::toString).toList());
    }

    @Test
    void postLayerNormGradientsGrowWithTheLayerAtInitialisationPreLayerNormsDoNot() {
        Random rng = new Random(1);
        List<Batch> batches = new java.util.ArrayList<>();
        for (int k = 0; k < 3; k++) {
            int[][] x = new int[8][10], y = new int[8][10];
            for (int[] r : x) for (int t = 0; t < 10; t++) r[t] = rng.nextInt(27);
            for (int[] r : y) for (int t = 0; t < 10; t++) r[t] = rng.nextInt(27);
            batches.add(new Batch(x, y));
        }
        Transformer.Config pre = new Transformer.Config(27, 10, 6, 4, 32, Transformer.Positions.LEARNED, true, true, 1);
        double[] a = NormPlacement.gradientNormsAtInit(pre, batches);
        double[] b = NormPlacement.gradientNormsAtInit(pre.withPostLayerNorm(true), batches);
        assertEquals(6, a.length);
        String both = "post-LN " + java.util.Arrays.toString(b) + " vs pre-LN " + java.util.Arrays.toString(a);
        // measured: pre-LN 0.27, 0.25, 0.26, 0.25, 0.26, 0.25; post-LN 0.38, 0.36, 0.39, 0.39, 0.42, 0.45
        double preMax = java.util.Arrays.stream(a).max().orElseThrow(), preMin = java.util.Arrays.stream(a).min().orElseThrow();
        assertTrue(preMax / preMin < 1.15, "pre-LN level: " + both);
        assertTrue(b[5] / b[0] > 1.1 && b[5] / b[0] > a[5] / a[0] + 0.1, "post-LN grows with the layer: " + both);
    }

    @Test
    void aNormPlacementRunRecordsDivergenceInsteadOfThrowing() {
        NormPlacement.Config tiny = new NormPlacement.Config(2, 2, 8, 8, 1e-2, 2);
        Outcome a = NormPlacement.run(new NormPlacement.Condition(true, false), 1, 6, tiny);
        sameOutcome(a, NormPlacement.run(new NormPlacement.Condition(true, false), 1, 6, tiny));
        assertEquals(0.0, a.metric(NormPlacement.DIVERGED));
        assertEquals(2, a.curve(NormPlacement.GRAD_NORMS)[1].length);
        Outcome big = NormPlacement.run(new NormPlacement.Condition(false, true), 1, 2,
                new NormPlacement.Config(1, 1, 4, 4, 1e300, 2));
        assertEquals(1.0, big.metric(NormPlacement.DIVERGED), big.toString());
        assertTrue(Double.isNaN(big.metric(NormPlacement.DEV)));
        assertEquals(4, NormPlacement.all().size());
    }

    @Test
    void theSamplingTradeOffCountsWhatItSays() {
        Vocabulary v = Vocabulary.of(List.of("abc"));
        Mlp m = new Mlp(new Mlp.Config(v.size(), 2, 3, 8, false, 1));
        m.U.value.zero();                                  // the same next-token logits (3, 2, 1, 0) after any context:
        m.b.value.setFrom(Matrix.row(3, 2, 1, 0));          // the end token '.' most likely
        Set<String> training = Set.of("a", "b", "c", "ab");
        SamplingTradeoff.Measure greedy = SamplingTradeoff.measure(m, v, training, Decoding.greedy(), 50, 1);
        assertEquals(1.0 / 50, greedy.distinct(), 1e-15, "greedy: one name, fifty times");
        assertEquals(0.0, greedy.entropyBits(), 0.0);
        SamplingTradeoff.Measure hot = SamplingTradeoff.measure(m, v, training, Decoding.temperature(3), 400, 1);
        SamplingTradeoff.Measure cold = SamplingTradeoff.measure(m, v, training, Decoding.temperature(0.3), 400, 1);
        assertTrue(hot.distinct() > cold.distinct() && hot.entropyBits() > cold.entropyBits(), hot + " vs " + cold);
        assertTrue(hot.novel() <= hot.distinct() && hot.inTraining() + hot.novel() <= 1 + 1e-12);
        assertEquals(SamplingTradeoff.measure(m, v, training, Decoding.topP(0.9), 100, 7),
                SamplingTradeoff.measure(m, v, training, Decoding.topP(0.9), 100, 7));
        assertEquals(List.of("decoding", "in training set", "distinct", "new and distinct", "entropy (bits)",
                "mean length"), SamplingTradeoff.table(List.of(hot, cold)).columnNames());
        Outcome o = SamplingTradeoff.run(new SamplingTradeoff.Condition(List.of(Decoding.greedy(),
                Decoding.temperature(1)), 20), 1, 0);
        assertEquals(0.05, o.metric(SamplingTradeoff.metric(Decoding.greedy(), SamplingTradeoff.DISTINCT)), 1e-15);
        assertEquals(2, o.curve("in training set against distinct")[0].length);
    }

    @Test
    void theCacheCostHasOneRowPerContextLength() {
        Transformer m = new Transformer(new Transformer.Config(7, 12, 1, 2, 8, Transformer.Positions.LEARNED, true,
                true, 1));
        KvCacheCost.Cost c = KvCacheCost.measure(m, new int[] {1, 6, 12}, 3, 1);
        assertEquals(3, c.table().rowCount());
        for (int i = 0; i < 3; i++) assertTrue(c.uncached()[i] >= 0 && c.cached()[i] >= 0);
        assertThrows(IllegalArgumentException.class, () -> KvCacheCost.measure(m, new int[] {13}, 1, 1));
    }
}
