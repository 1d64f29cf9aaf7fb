package io.github.lmworkbook.evidence;

import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Notebook 05's evidence: the contenders are the models the notebook describes, the peak of a gradient is found
 * beyond distance 0, the learning rate of the copy claims is chosen on dev (never on test), a claim on the distance of
 * attention's peak fails when one seed looks elsewhere — and the experiments' declarations.
 */
class AttentionEvidenceTest {

    @Test
    void thePeakIsTheLargestGradientBeyondDistanceZero() {
        assertEquals(2, AttentionEvidence.peak(new double[] {9, 1, 5, 2}));      // distance 0 (the loss's own) ignored
        assertEquals(1, AttentionEvidence.peak(new double[] {9, 3, 3, 3}));      // ties: the nearest
    }

    @Test
    void theCopyContendersAreTheCellsOfTheNotebookAndOneAttentionBlock() {
        RecurrentLM lstm = (RecurrentLM) AttentionEvidence.copyModel("LSTM", 3);
        LstmCell cell = (LstmCell) lstm.cell;
        int H = cell.Wh.value.rows;
        assertEquals(64, H);
        for (int j = 0; j < H; j++) assertEquals(1.0, cell.b.value.data[0][LstmCell.F * H + j], 0.0);
        assertNotEquals(1.0, cell.b.value.data[0][LstmCell.I * H], "only the forget gate's bias is set");
        Transformer attn = (Transformer) AttentionEvidence.copyModel("attention", 3);
        assertEquals(1, attn.blocks.size());
        assertEquals(2, attn.blocks.get(0).attn.heads);
        assertEquals(AttentionEvidence.COPY_T, attn.blockSize);
        assertThrows(IllegalArgumentException.class, () -> AttentionEvidence.copyModel("Mamba", 3));
    }

    @Test
    void theAblationsRemoveWhatTheyNameAndNothingElse() {
        Transformer.Config control = AttentionEvidence.small(27, 16, "learned positions", 1);
        assertEquals(Transformer.Positions.LEARNED, control.positions());
        assertTrue(control.residual() && control.layerNorm());
        assertEquals(Transformer.Positions.NONE, AttentionEvidence.small(27, 16, "no positions", 1).positions());
        assertEquals(Transformer.Positions.SINUSOIDAL,
                AttentionEvidence.small(27, 16, "sinusoidal positions", 1).positions());
        Transformer.Config noRes = AttentionEvidence.small(27, 16, "no residual", 1);
        assertFalse(noRes.residual());
        assertTrue(noRes.layerNorm());
        Transformer.Config noLn = AttentionEvidence.small(27, 16, "no LayerNorm", 1);
        assertFalse(noLn.layerNorm());
        assertTrue(noLn.residual());
        assertEquals(control.withLayerNorm(false), noLn);
        assertThrows(IllegalArgumentException.class, () -> AttentionEvidence.small(27, 16, "no MLP", 1));
    }

    /** Attention at one lag, two learning rates, two budgets, seeds 1–3: dev and test ratio and the peak. */
    static Evidence copyEvidence(double[][] dev, double[][] test, double[][] peak) {
        List<Condition> order = new ArrayList<>();
        Map<String, Outcome> runs = new LinkedHashMap<>();
        String[] lrs = {"1e-2", "3e-2"};
        for (int l = 0; l < lrs.length; l++) {
            Condition c = Condition.of("model", "attention", "lag", "12", "lr", lrs[l]);
            order.add(c);
            for (int scale : new int[] {1, 4}) {
                for (int s = 0; s < 3; s++) {
                    runs.put(Evidence.key(c, scale, s + 1), new Outcome().metric(AttentionEvidence.DEV_RATIO,
                            dev[l][s]).metric(AttentionEvidence.TEST_RATIO, test[l][s])
                            .metric(AttentionEvidence.PEAK, peak[l][s]));
                }
            }
        }
        return Evidence.of("attention-copy", List.of("model", "lag", "lr"), runs, order);
    }

    @Test
    void theLearningRateIsChosenOnDevAndThePeakMustSitAtTheAnswerInEverySeed() {
        double[][] dev = {{0.01, 0.01, 0.01}, {0.5, 0.5, 0.5}};        // 1e-2 is better on dev …
        double[][] test = {{0.9, 0.9, 0.9}, {0.001, 0.001, 0.001}};     // … and worse on test: dev decides
        double[][] peak = {{11, 11, 10}, {11, 11, 11}};
        Evidence ev = copyEvidence(dev, test, peak);
        var chosen = AttentionEvidence.bestCopy(ev, "attention", 12);
        assertEquals("1e-2", chosen.apply(1).get("lr"));
        assertEquals("1e-2", chosen.apply(4).get("lr"));
        Verdict v = AttentionEvidence.exactly(ev, chosen, AttentionEvidence.PEAK, 11);
        assertFalse(v.holds(), "seed 3 peaks at 10: " + v);
        assertTrue(v.toString().contains("at 2 of 3 seeds"), v.toString());
        assertTrue(AttentionEvidence.exactly(ev, s -> ev.the("lr", "3e-2"), AttentionEvidence.PEAK, 11).holds());
        assertFalse(Checks.every(ev, chosen, AttentionEvidence.TEST_RATIO, Checks.Op.LT, 0.01).holds());
    }

    @Test
    void aMetricAgainstAFactorOfAnotherIsCheckedSeedBySeed() {
        double[][] dev = {{0.01, 0.01, 0.01}, {0.5, 0.5, 0.5}};
        double[][] test = {{0.2, 0.2, 0.2}, {0, 0, 0}};
        double[][] peak = {{1, 1, 1}, {0, 0, 0}};
        Evidence ev = copyEvidence(dev, test, peak);
        var c = AttentionEvidence.bestCopy(ev, "attention", 12);
        // test = 0.2 > 10 × dev = 0.1 at every seed; > 30 × dev = 0.3 at none
        assertTrue(AttentionEvidence.runs(ev, c, AttentionEvidence.TEST_RATIO, Checks.Op.GT, 10,
                AttentionEvidence.DEV_RATIO).holds());
        assertFalse(AttentionEvidence.runs(ev, c, AttentionEvidence.TEST_RATIO, Checks.Op.GT, 30,
                AttentionEvidence.DEV_RATIO).holds());
    }

    @Test
    void everyExperimentHasFiveSeedsTheBudgetAndItsFourfoldAndEveryClaimReadsOnlyThem() {
        AttentionEvidence topic = new AttentionEvidence();
        Set<String> ids = new HashSet<>();
        for (Experiment e : topic.experiments()) {
            assertTrue(e.seeds().length >= 5, e.id());
            assertArrayEquals(Experiment.BUDGETS, e.scales(), e.id());
            assertEquals("05", e.notebook());
            ids.add(e.id());
        }
        assertFalse(topic.claims().isEmpty());
        for (Claim c : topic.claims()) {
            assertTrue(c.id().startsWith("05."), c.id());
            assertTrue(ids.containsAll(c.experiments()), c.id() + " reads " + c.experiments());
            assertEquals(c.statement(), Catalog.claim(c.id()).statement());
        }
    }
}
