package io.github.lmworkbook.evidence;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.GruCell;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.models.RecurrentLM;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Notebook 03's measurements on cells whose answer is known by hand: a hand-set LSTM counter (c_n = n), a hand-set GRU
 * unit that halves its distance to 1 per step (h_n = 1 − 2⁻ⁿ), a GRU whose update gate is shut (z = 0: the carry path
 * is 1, the measured gradient is 1, the bound of §2 is 1) — and the experiments' declarations.
 */
class GruEvidenceTest {

    /** A counting LM (V = 3, m = 4) over one hand-set unit: every weight 0, the biases given (b's columns). */
    static RecurrentLM handSet(CellType cell, double[] bias) {
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(3, cell, 4, 1, false, 1));
        Matrix b = cell == CellType.LSTM ? ((LstmCell) m.cell).b.value : ((GruCell) m.cell).b.value;
        for (var p : m.cell.params()) p.value.zero();
        for (int k = 0; k < bias.length; k++) b.set(0, k, bias[k]);
        return m;
    }

    @Test
    void anLstmThatAddsOnePerStepIsALinearCounterWhoseGapNeverCollapses() {
        double[] bias = new double[4];
        bias[LstmCell.I] = 40;                        // i = σ(40) = 1.0 in double
        bias[LstmCell.F] = 40;                        // f = 1.0
        bias[LstmCell.G] = 40;                        // g = tanh(40) = 1.0: c_n = n
        Outcome o = GruEvidence.mechanism(handSet(CellType.LSTM, bias), new CountingLanguage(2), 16, new Outcome());
        assertEquals(1.0, o.metric(GruEvidence.COUNTER), 1e-12);
        assertEquals(1.0, o.metric(GruEvidence.COUNTER_F), 1e-12);       // Σ f/100 over 100 f = 1
        assertEquals(1.0, o.metric(GruEvidence.GAP_IN), 0.0);
        assertEquals(1.0, o.metric(GruEvidence.GAP_RATIO), 0.0);
        assertEquals(GruEvidence.COUNT_TEST, o.metric(GruEvidence.COLLAPSE));
        assertEquals(200.0 / 3, o.metric(GruEvidence.SATURATED), 1e-12);   // i and f at 1, o = σ(0) = ½
    }

    @Test
    void aGruUnitThatHalvesItsDistanceToOneCollapsesWhereTheGapFallsBelowATenthOfTheTrainingRange() {
        // b_z = 0 (z = ½), b_h = 30 (h̃ = 1): after the start and n a's h = 1 − 2^−(n+1), the gap to aⁿ⁺¹ 2^−(n+2)
        Outcome o = GruEvidence.mechanism(handSet(CellType.GRU, new double[] {0, 0, 30}), new CountingLanguage(2),
                16, new Outcome());
        assertEquals(Math.pow(2, -17), o.metric(GruEvidence.GAP_IN), 0.0);          // n = 15
        // the first n from which every gap is below 2⁻¹⁷/10: 2^−(n+2) < 2⁻¹⁷/10 ⇔ n + 2 ≥ 21
        assertEquals(19, o.metric(GruEvidence.COLLAPSE));
        assertEquals(Math.pow(2, -52), o.metric(GruEvidence.GAP_FAR), 0.0);        // n = 50; h = 1.0 from n = 53
        assertTrue(o.metric(GruEvidence.COUNTER) < 0.5, "a saturating curve is no line");
    }

    @Test
    void aGruUnitHolds53CountsInDoublePrecision() {
        RecurrentLM m = handSet(CellType.GRU, new double[] {0, 0, 30});
        m.loss(new CountingLanguage(2).batch(80));
        Set<Double> states = new HashSet<>();
        for (int n = 1; n <= 80; n++) states.add(m.recurrence.step(n).h.get(0, 0));      // 1 − 2⁻ⁿ
        assertEquals(54, states.size(), "1 − 2⁻ⁿ for n = 1 … 53, then 1.0");
    }

    @Test
    void aShutUpdateGateCarriesEverythingAndItsBoundIsOne() {
        GruCell cell = new GruCell(2, 16, new Random(3)).setUpdateGateBias(-1000);     // z = 0 exactly
        List<Matrix> probes = new ArrayList<>();
        probes.add(Matrix.randn(GruEvidence.ADD_T, 2, 1.0, new Random(4)));
        GruEvidence.Carry c = GruEvidence.carry(cell, probes);
        assertEquals(100.0, c.keep(), 0.0);
        assertEquals(16, c.keepers());
        assertEquals(1.0, c.ratioMin(), 1e-12);
        assertEquals(1.0, c.ratioMax(), 1e-12);
        assertEquals(100.0, c.notVacuous(), 0.0);
        assertEquals(1.0, c.bound(), 0.0);
        assertEquals(1.0, c.sigmaMin(), 1e-12);
    }

    @Test
    void aGruThatWritesHasAVacuousBoundAndNoKeepers() {
        GruCell cell = new GruCell(2, 16, new Random(3)).setUpdateGateBias(3);          // z ≈ 0.95
        GruEvidence.Carry c = GruEvidence.carry(cell, List.of(Matrix.randn(GruEvidence.ADD_T, 2, 1.0,
                new Random(4))));
        assertEquals(0.0, c.keepers());
        assertTrue(Double.isNaN(c.ratioMin()));
        assertEquals(0.0, c.notVacuous());
        assertEquals(0.0, c.bound());
    }

    @Test
    void theCurveFindsTheFirstStepBelowAThreshold() {
        GruEvidence.Curve c = new GruEvidence.Curve(new double[] {0, 25, 50}, new double[] {0.2, 0.009, 0.001},
                false);
        assertEquals(25, c.firstBelow(0.01));
        assertTrue(Double.isNaN(c.firstBelow(0.0001)));
        assertEquals(1.0, CompareEvidence.r2(new double[] {3, 5, 7, 9}), 1e-15);
    }

    @Test
    void everyExperimentHasFiveSeedsTheBudgetAndItsFourfoldAndEveryClaimReadsOnlyThem() {
        GruEvidence topic = new GruEvidence();
        Set<String> ids = new HashSet<>();
        for (Experiment e : topic.experiments()) {
            assertTrue(e.seeds().length >= 5, e.id());
            assertArrayEquals(Experiment.BUDGETS, e.scales(), e.id());
            assertEquals("03", e.notebook());
            ids.add(e.id());
        }
        for (Claim c : topic.claims()) {
            assertTrue(c.id().startsWith("03."), c.id());
            assertTrue(ids.containsAll(c.experiments()), c.id() + " reads " + c.experiments());
            assertEquals(c.statement(), Catalog.claim(c.id()).statement());
        }
    }
}
