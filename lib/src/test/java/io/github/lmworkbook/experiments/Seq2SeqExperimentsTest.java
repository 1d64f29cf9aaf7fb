package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.models.Seq2Seq;
import org.junit.jupiter.api.Test;

import static io.github.lmworkbook.experiments.Seq2SeqExperiments.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoder–decoder's experiments at small sizes: what each returns, that it is a pure function of its arguments,
 * the parameter matching, the alignment of a trained attention model, and where the gradient reaches the encoder.
 */
class Seq2SeqExperimentsTest {
    static final Setup SMALL = new Setup(TransductionTask.Kind.REVERSE, 4, 8, 0, 32, 1e-2, 1.0, 64, 3);

    @Test
    void theBottleneckRunIsAPureFunctionWithCurvesAndEveryMetric() {
        Condition c = new Condition(CellType.GRU, 8, Seq2Seq.Attention.NONE, 5, SMALL);
        Outcome a = bottleneck(c, 3, 60), b = bottleneck(c, 3, 60);
        assertEquals(a.metrics(), b.metrics());
        for (String m : new String[] {TOKEN_FREE, SEQUENCE_FREE, TOKEN_FORCED, SEQUENCE_FORCED, EXPOSURE_BIAS, LOSS,
                TRAIN_LOSS, PARAMETERS, HIDDEN, BITS}) {
            assertTrue(Double.isFinite(a.metric(m)), m + " in " + a);
        }
        assertEquals(TOKEN_FREE, a.metrics().keySet().iterator().next(), "the progress line's metric comes first");
        assertEquals(10.0, a.metric(BITS), 1e-12);                     // 5 symbols of 2 bits
        assertEquals(8.0, a.metric(HIDDEN));
        assertArrayEquals(new double[] {0, 20, 40, 60}, a.curve(LOSS)[0]);
        assertEquals(a.metric(LOSS), a.curve(LOSS)[1][3]);
        assertEquals(a.metric(TOKEN_FREE), a.curve(TOKEN_FREE)[1][3]);
        assertEquals(a.metric(TOKEN_FORCED), a.curve(TOKEN_FORCED)[1][3]);
        assertEquals(a.metric(SEQUENCE_FORCED), a.metric(SEQUENCE_FREE), "a whole string right one way is right the other");
        assertNotEquals(a.metric(LOSS), bottleneck(c, 4, 60).metric(LOSS), "the seed matters");
        assertTrue(a.curve(LOSS)[1][3] < a.curve(LOSS)[1][0], "training lowers the held-out loss");
    }

    @Test
    void attentionIsSizedToTheSameParameterCount() {
        for (CellType cell : CellType.values()) {
            for (Seq2Seq.Attention att : new Seq2Seq.Attention[] {Seq2Seq.Attention.ADDITIVE, Seq2Seq.Attention.DOT}) {
                for (int H : new int[] {8, 16, 32}) {
                    Condition c = new Condition(cell, H, att, 10, Setup.standard());
                    int h = matchedHidden(c);
                    assertTrue(h < H, "attention costs parameters: " + c + " → H = " + h);
                    long ref = new Seq2Seq(new Seq2Seq.Config(cell, 8, 8, 16, H, Seq2Seq.Attention.NONE, 0, 1)).numParams();
                    long got = new Seq2Seq(new Seq2Seq.Config(cell, 8, 8, 16, h, att, 0, 1)).numParams();
                    long above = new Seq2Seq(new Seq2Seq.Config(cell, 8, 8, 16, h + 1, att, 0, 1)).numParams();
                    long below = new Seq2Seq(new Seq2Seq.Config(cell, 8, 8, 16, h - 1, att, 0, 1)).numParams();
                    assertTrue(Math.abs(got - ref) <= Math.abs(above - ref) && Math.abs(got - ref) <= Math.abs(below - ref),
                            c + ": " + got + " against " + ref);
                }
            }
        }
        Condition none = new Condition(CellType.GRU, 8, Seq2Seq.Attention.NONE, 5, SMALL);
        assertThrows(IllegalArgumentException.class, () -> fix(none, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> alignment(none, 1, 10));
    }

    /**
     * Trained on reversal, the attention model's weights sit on the anti-diagonal: step t reads position L + 1 − t.
     * (The vanilla RNN with the dot score: a GRU encoder keeps x_s in h_{s+1} too, and a trained GRU reads one
     * position late, h_{π(t)+1}, from step 2 on — seeds 1 and 2, both scores, 400 steps — so the share on π(t) is not
     * the test there.)
     */
    @Test
    void aTrainedAttentionModelAlignsTheReversal() {
        Condition c = new Condition(CellType.RNN, 16, Seq2Seq.Attention.DOT, 5, SMALL);
        Outcome o = alignment(c, 1, 400);
        assertTrue(o.metric(TOKEN_FREE) > 0.9, o.toString());
        assertEquals(1.0, o.metric(ARGMAX_ON_ALIGNMENT), 1e-12, o.toString());
        assertTrue(o.metric(ON_ALIGNMENT) > 0.5, o.toString());
        double[][] row1 = o.curve(alignmentRow(1));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, row1[0]);
        double sum = 0;
        for (double a : row1[1]) sum += a;
        assertEquals(1.0, sum, 1e-9);
        assertTrue(row1[1][4] > row1[1][0], "the first output reads the last symbol");
        double[][] mean = meanAlignment(o);
        assertEquals(5, mean.length);
        assertArrayEquals(row1[1], mean[0], 0.0);
        assertThrows(IllegalArgumentException.class, () -> meanAlignment(new Outcome()));
        assertTrue(Math.abs(o.metric(PARAMETERS) - o.metric("reference parameters")) < 0.1 * o.metric(PARAMETERS));
    }

    /**
     * At initialisation, without attention the gradient reaches the first source position only through the encoder's
     * recurrence (nothing through α); with attention a share arrives at every position directly.
     */
    @Test
    void theGradientReachesEarlySourcePositionsThroughAttention() {
        Condition none = new Condition(CellType.RNN, 16, Seq2Seq.Attention.NONE, 12, SMALL);
        Condition att = new Condition(CellType.RNN, 16, Seq2Seq.Attention.ADDITIVE, 12, SMALL);
        Outcome n = gradientReach(none, 1, 0), a = gradientReach(att, 1, 0);
        double[] direct = n.curve(REACH_ATTENTION + " at initialisation")[1];
        double[] through = a.curve(REACH_ATTENTION + " at initialisation")[1];
        assertEquals(12, direct.length);
        for (int s = 0; s < 12; s++) {
            assertEquals(0.0, direct[s]);
            assertTrue(through[s] > 0);
        }
        double[] total = n.curve(REACH + " at initialisation")[1];
        assertTrue(total[0] < total[11], "without attention the first position hears least: " + java.util.Arrays.toString(total));
        assertTrue(a.metric(FIRST_OVER_LAST + " at initialisation") > n.metric(FIRST_OVER_LAST + " at initialisation"));
        assertEquals(n.curve(REACH + " at initialisation")[1][3], n.curve(REACH + " trained")[1][3], "steps = 0: untrained");
    }

    @Test
    void theBreakIsTheLongestLengthAboveTheThresholdPerHiddenSize() {
        java.util.List<Condition> cs = new java.util.ArrayList<>();
        for (int H : new int[] {8, 16}) for (int L : new int[] {4, 8, 16}) cs.add(new Condition(CellType.GRU, H,
                Seq2Seq.Attention.NONE, L, SMALL));
        // a made-up accuracy: H / (H + L), ± 0.01 by seed
        SeedResults<Condition> r = Seeds.run(cs, Condition::toString, new long[] {1, 2},
                (c, seed) -> new Outcome().metric(TOKEN_FREE, (double) c.hidden() / (c.hidden() + c.length())
                        + (seed == 1 ? 0.01 : -0.01)), null);
        assertArrayEquals(new int[] {8, 16}, longestAbove(r, new int[] {8, 16}, TOKEN_FREE, 0.45));
        assertArrayEquals(new int[] {0, 4}, longestAbove(r, new int[] {8, 16}, TOKEN_FREE, 0.7));
        assertArrayEquals(new int[] {0}, longestAbove(r, new int[] {32}, TOKEN_FREE, 0.1));
    }
}
