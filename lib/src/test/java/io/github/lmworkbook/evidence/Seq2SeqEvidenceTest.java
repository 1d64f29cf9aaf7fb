package io.github.lmworkbook.evidence;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.data.TransductionBatch;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.models.Seq2Seq;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The encoder–decoder's evidence: the declarations (five seeds, the budget and 4× it, the same conditions with and
 * without attention, equal parameter counts), the measurements on models whose answer is known (no gradient arrives
 * through α without attention; every source state gets some with it), and the seed-by-seed comparison across the two
 * experiments that several claims use.
 */
class Seq2SeqEvidenceTest {

    @Test
    void bothExperimentsHaveFiveSeedsTheirBudgetsThreeRatesAndTheSameConditions() {
        Seq2SeqEvidence topic = new Seq2SeqEvidence();
        List<Experiment> es = topic.experiments();
        assertEquals(List.of(Seq2SeqEvidence.BOTTLENECK, Seq2SeqEvidence.ATTENTION), es.stream().map(Experiment::id)
                .toList());
        for (Experiment e : es) {
            assertTrue(e.seeds().length >= 5, e.id());
            assertArrayEquals(e.id().equals(Seq2SeqEvidence.BOTTLENECK) ? new int[] {1, 4, 16}
                    : Experiment.BUDGETS, e.scales(), e.id() + ": the bottleneck is followed to 16× the budget");
            assertEquals("04b", e.notebook());
            assertEquals(es.get(0).conditions(), e.conditions(), "the fix is the same experiment with attention");
            for (int H : Seq2SeqEvidence.SIZES) {
                assertTrue(e.where(Condition.of("H", H)).size() >= 3, e.id() + ": a learning-rate sweep per model");
            }
        }
        Set<String> ids = new HashSet<>(List.of(Seq2SeqEvidence.BOTTLENECK, Seq2SeqEvidence.ATTENTION));
        for (Claim c : topic.claims()) {
            assertTrue(c.id().startsWith("seq2seq."), c.id());
            assertTrue(ids.containsAll(c.experiments()), c.id() + " reads " + c.experiments());
            assertEquals(c.statement(), Catalog.claim(c.id()).statement(), "registered in the catalog");
        }
    }

    @Test
    void theAttentionModelHasWithinFourPercentOfTheParametersOfTheModelWithout() {
        for (int H : Seq2SeqEvidence.SIZES) {
            int Ha = Seq2SeqEvidence.hidden(H, Seq2Seq.Attention.ADDITIVE);
            assertTrue(Ha < H, "attention costs parameters: fewer hidden units");
            long without = Seq2Seq.Config.of(CellType.GRU, Seq2SeqEvidence.A, Seq2SeqEvidence.EMBED, H,
                    Seq2Seq.Attention.NONE, 1).numParams();
            long with = Seq2Seq.Config.of(CellType.GRU, Seq2SeqEvidence.A, Seq2SeqEvidence.EMBED, Ha,
                    Seq2Seq.Attention.ADDITIVE, 1).numParams();
            assertEquals(without, with, 0.04 * without, "H = " + H + " against attention H = " + Ha);
            assertEquals(with, new Seq2Seq(Seq2Seq.Config.of(CellType.GRU, Seq2SeqEvidence.A, Seq2SeqEvidence.EMBED,
                    Ha, Seq2Seq.Attention.ADDITIVE, 1)).numParams(), "the config counts what the model has");
        }
        assertEquals(Seq2SeqEvidence.hidden(16, Seq2Seq.Attention.NONE), 16);
    }

    @Test
    void withoutAttentionNoGradientArrivesThroughAlphaAndTheFirstStateGetsLittle() {
        TransductionBatch probe = Seq2SeqEvidence.probe();
        assertEquals(Seq2SeqEvidence.PROBE, probe.size());
        assertEquals(Seq2SeqEvidence.L_MAX, probe.sourceLength());
        Seq2Seq none = new Seq2Seq(Seq2Seq.Config.of(CellType.GRU, 8, 16, 16, Seq2Seq.Attention.NONE, 3));
        double[][] r = io.github.lmworkbook.experiments.Seq2SeqExperiments.reach(none, probe);
        for (int s = 0; s < Seq2SeqEvidence.L_MAX; s++) {
            assertEquals(0.0, r[1][s], "no attention: nothing through α at s = " + (s + 1));
            assertTrue(r[0][s] > 0, "the recurrence carries some gradient to s = " + (s + 1));
        }
        assertTrue(r[0][0] < r[0][Seq2SeqEvidence.L_MAX - 1], "the last state gets more than the first");
        for (var p : none.params()) {
            for (double[] row : p.grad.data) for (double g : row) assertEquals(0.0, g, "the probe leaves no gradient");
        }

        Seq2Seq with = new Seq2Seq(Seq2Seq.Config.of(CellType.GRU, 8, 16, 13, Seq2Seq.Attention.ADDITIVE, 3));
        double[][] ra = io.github.lmworkbook.experiments.Seq2SeqExperiments.reach(with, probe);
        for (int s = 0; s < Seq2SeqEvidence.L_MAX; s++) {
            assertTrue(ra[1][s] > 0, "attention: every source state gets gradient through α, s = " + (s + 1));
        }
        assertTrue(ra[0][0] / ra[0][Seq2SeqEvidence.L_MAX - 1] > 10 * r[0][0] / r[0][Seq2SeqEvidence.L_MAX - 1],
                "attention reaches the first source state far better, untrained");
    }

    @Test
    void theHeldOutSetsAreFixedAndTestAndDevDiffer() {
        var test = Seq2SeqEvidence.heldOut(8, true);
        var again = Seq2SeqEvidence.heldOut(8, true);
        var dev = Seq2SeqEvidence.heldOut(8, false);
        assertArrayEquals(test.get(0).source(), again.get(0).source());
        assertFalse(java.util.Arrays.deepEquals(test.get(0).source(), dev.get(0).source()));
        assertEquals(Seq2SeqEvidence.TEST, test.stream().mapToInt(TransductionBatch::size).sum());
        assertEquals(Seq2SeqEvidence.DEV * Seq2SeqEvidence.LENGTHS.length,
                Seq2SeqEvidence.devSet().stream().mapToInt(TransductionBatch::size).sum());
    }

    /** Evidence of one condition (H = 16, lr 1e-2) with a metric's value per scale and seed. */
    static Evidence evidence(String id, double[] at1, double[] at4) {
        Condition c = Condition.of("H", 16, "lr", "1e-2");
        Map<String, Outcome> runs = new LinkedHashMap<>();
        for (int j = 0; j < at1.length; j++) {
            runs.put(Evidence.key(c, 1, j + 1), new Outcome().metric("m", at1[j]).metric(Seq2SeqEvidence.DEV_LOSS, 1));
            runs.put(Evidence.key(c, 4, j + 1), new Outcome().metric("m", at4[j]).metric(Seq2SeqEvidence.DEV_LOSS, 1));
        }
        return Evidence.of(id, c.names(), runs, List.of(c));
    }

    @Test
    void theComparisonAcrossExperimentsGoesSeedBySeedAndFailsOnOneSeed() {
        Evidence a = evidence("a", new double[] {0.9, 0.95, 0.92}, new double[] {0.99, 0.98, 0.97});
        Evidence b = evidence("b", new double[] {0.5, 0.6, 0.55}, new double[] {0.7, 0.96, 0.8});
        var ca = Seq2SeqEvidence.best(a, 16);
        var cb = Seq2SeqEvidence.best(b, 16);
        assertTrue(Seq2SeqEvidence.across(a, ca, b, cb, "m", Checks.Op.GT).holds());
        Verdict v = Seq2SeqEvidence.across(a, ca, 1, b, cb, 4, "m", Checks.Op.GT);
        assertFalse(v.holds(), "seed 2: a at 1× (0.95) is below b at 4× (0.96)");
        assertTrue(v.lines().get(0).contains("at 2 of 3 seeds"), v.lines().get(0));
    }
}
