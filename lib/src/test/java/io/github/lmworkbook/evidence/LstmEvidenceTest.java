package io.github.lmworkbook.evidence;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.LstmCell;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.experiments.Outcome;
import io.github.lmworkbook.models.RecurrentLM;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Notebook 04's measurements on a cell whose answer is known by hand (an LSTM unit that adds exactly 1 per symbol: the
 * counter its experiment must find), and the predicates of its claims on small synthetic evidence: each must fail when
 * one seed at one budget breaks it.
 */
class LstmEvidenceTest {

    /**
     * A counting LM (V = 3, m = 4, H = 3) whose cell ignores its input: every weight 0, only biases. Unit 0 is erased
     * at every step (f = 0) and holds a constant; unit 1 adds 1 per step (i = f = g = 1: c = number of symbols read);
     * unit 2 keeps half and adds 1 (c → 2, a saturating curve).
     */
    static RecurrentLM handSet() {
        int H = 3;
        RecurrentLM m = new RecurrentLM(new RecurrentLM.Config(3, CellType.LSTM, 4, H, false, 1));
        for (var p : m.cell.params()) p.value.zero();
        Matrix b = ((LstmCell) m.cell).b.value;
        double[][] unit = {   // i, f, o, g biases per unit (σ(40) = tanh(40) = 1.0 in double)
            {40, -40, 0, 0.5}, {40, 40, 0, 40}, {40, 0, 0, 40}};
        int[] gate = {LstmCell.I, LstmCell.F, LstmCell.O, LstmCell.G};
        for (int j = 0; j < H; j++) for (int k = 0; k < 4; k++) b.set(0, gate[k] * H + j, unit[j][k]);
        return m;
    }

    @Test
    void theCounterIsTheUnitThatAddsOnePerSymbolAndItIsAnExactLine() {
        RecurrentLM m = handSet();
        double[][][] s = LstmEvidence.states(m, new CountingLanguage(2), 20);
        assertEquals(20, s.length);
        assertEquals(11, s[9].length, "after the start, 10 a's and k = 0 … 10 b's");
        assertEquals(11.0, s[9][0][1], 0.0, "the start and 10 a's: 11 symbols");
        assertEquals(21.0, s[9][10][1], 0.0, "then 10 b's");
        assertEquals(1, LstmEvidence.counterUnit(s, 10));
        double[] a = LstmEvidence.afterA(s, 1);
        assertEquals(1.0, CompareEvidence.r2(a), 1e-15);
        assertEquals(1.0, LstmEvidence.slope(a, 10), 1e-12);
        assertEquals(1.0, LstmEvidence.forget(m, 5, 19, 1), 0.0);     // states() left the words' forward in place
        assertEquals(0.5, LstmEvidence.forget(m, 5, 19, 2), 0.0);
        double[] sat = LstmEvidence.afterA(s, 2);
        assertTrue(CompareEvidence.r2(sat) < 0.5, "a saturating unit is no line: R² " + CompareEvidence.r2(sat));
    }

    // ------------------------------------------------------------------ synthetic evidence for the predicates

    /** Evidence of one experiment from (condition, scale, seed) → outcome, the conditions in the order given. */
    static Evidence evidence(List<String> fields, Map<String, Outcome> runs, List<Condition> order) {
        return Evidence.of("t", fields, runs, order);
    }

    /** Counting runs of the LSTM at one learning rate: accepts, b's left at the first error, other errors. */
    static Evidence counting(double[][] accepts, double[][] early, double[][] other) {
        Condition c = Condition.of("cell", "LSTM", "lr", "1e-2");
        Map<String, Outcome> runs = new LinkedHashMap<>();
        int[] scales = {1, 4};
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < accepts[s].length; j++) {
                runs.put(Evidence.key(c, scales[s], j + 1), new Outcome().metric(LstmEvidence.ACCEPTS, accepts[s][j])
                        .metric(LstmEvidence.EARLY, early[s][j]).metric(LstmEvidence.OTHER, other[s][j]));
            }
        }
        return evidence(List.of("cell", "lr"), runs, List.of(c));
    }

    @Test
    void anEarlyEndMeansBsLeftAtTheFirstRejectedWordAndNoOtherError() {
        double nan = Double.NaN;
        Evidence ok = counting(new double[][] {{14, 60}, {21, 17}}, new double[][] {{1, nan}, {4, 1}},
                new double[][] {{0, 0}, {0, 0}});
        Verdict v = LstmEvidence.earlyEnd(ok, "cell", "LSTM");
        assertTrue(v.holds(), v.toString());
        assertEquals(2, v.lines().size());
        // the first error is a missed end (one b too many: −1 b's left) at one seed of 4×
        Verdict late = LstmEvidence.earlyEnd(counting(new double[][] {{14, 60}, {21, 17}},
                new double[][] {{1, nan}, {-1, 1}}, new double[][] {{0, 0}, {0, 0}}), "cell", "LSTM");
        assertFalse(late.holds(), late.toString());
        assertTrue(late.lines().get(1).startsWith("✗ 4×") && late.lines().get(1).contains("1 of 2 seeds"),
                late.toString());
        // an a predicted for a b somewhere, in a run that accepts everything
        Verdict other = LstmEvidence.earlyEnd(counting(new double[][] {{14, 60}, {21, 17}},
                new double[][] {{1, nan}, {1, 1}}, new double[][] {{0, 1}, {0, 0}}), "cell", "LSTM");
        assertFalse(other.holds(), other.toString());
    }

    /** Runs with one metric: value(condition index, scale, seed). */
    static Evidence grid(List<Condition> cs, String metric, ValueOf value) {
        Map<String, Outcome> runs = new LinkedHashMap<>();
        for (int i = 0; i < cs.size(); i++) {
            for (int s : new int[] {1, 4}) {
                for (long seed = 1; seed <= 3; seed++) {
                    runs.put(Evidence.key(cs.get(i), s, seed), new Outcome().metric(metric, value.of(i, s, seed)));
                }
            }
        }
        return evidence(cs.get(0).names(), runs, cs);
    }

    @FunctionalInterface
    interface ValueOf {
        double of(int condition, int scale, long seed);
    }

    @Test
    void acrossBudgetsComparesEachSeedsLargerBudgetWithItsSmaller() {
        List<Condition> cs = List.of(Condition.of("lr", "1"), Condition.of("lr", "2"));
        // lr 1 is better at 1× and lr 2 at 4×; every seed gains from 4× except seed 3 when lr 1 is forced at 4×
        Evidence ev = grid(cs, "acc", (i, s, seed) -> s == 1 ? 0.5 + i * 0.01 * -1 + seed / 100.0
                : (i == 1 ? 0.9 : (seed == 3 ? 0.5 : 0.8)));
        Verdict v = Checks.acrossBudgets(ev, s -> ev.the("lr", s == 1 ? "1" : "2"), "acc", Checks.Op.GT);
        assertTrue(v.holds(), v.toString());
        Verdict w = Checks.acrossBudgets(ev, s -> ev.the("lr", "1"), "acc", Checks.Op.GT);
        assertFalse(w.holds(), w.toString());
        assertTrue(w.toString().contains("2 of 3 seeds"), w.toString());
        Verdict step = Checks.eachBudgetStep(ev, s -> ev.the("lr", s == 1 ? "1" : "2"), "acc", Checks.Op.GT);
        assertTrue(step.holds(), step.toString());
        assertEquals(1, step.lines().size(), "one step between two budgets: " + step);
        assertTrue(step.lines().get(0).contains("4× lr=2") || step.lines().get(0).contains("4× 2"), step.toString());
    }

    @Test
    void eachBudgetStepComparesEveryBudgetWithTheOneBelowIt() {
        List<Condition> cs = List.of(Condition.of("lr", "1"));
        Map<String, Outcome> runs = new LinkedHashMap<>();
        for (int s : new int[] {1, 4, 16}) {
            for (long seed = 1; seed <= 3; seed++) {
                // rises from 1× to 4× at every seed; from 4× to 16× at seeds 1 and 2 only
                double v = s == 1 ? 0.5 : s == 4 ? 0.7 : (seed == 3 ? 0.6 : 0.8);
                runs.put(Evidence.key(cs.get(0), s, seed), new Outcome().metric("acc", v));
            }
        }
        Evidence ev = evidence(cs.get(0).names(), runs, cs);
        Verdict v = Checks.eachBudgetStep(ev, s -> cs.get(0), "acc", Checks.Op.GT);
        assertFalse(v.holds(), v.toString());
        assertEquals(2, v.lines().size(), v.toString());
        assertTrue(v.lines().get(0).startsWith("✓") && v.lines().get(0).contains("4×"), v.toString());
        assertTrue(v.lines().get(1).startsWith("✗") && v.lines().get(1).contains("16×")
                && v.lines().get(1).contains("2 of 3 seeds"), v.toString());
        assertTrue(Checks.acrossBudgets(ev, s -> cs.get(0), "acc", Checks.Op.GT).holds(), "1× → 16× rises");
    }

    @Test
    void everyExperimentHasFiveSeedsTheBudgetAndItsFourfoldAndEveryClaimReadsOnlyThem() {
        LstmEvidence topic = new LstmEvidence();
        Set<String> ids = new HashSet<>();
        for (Experiment e : topic.experiments()) {
            assertTrue(e.seeds().length >= 5, e.id());
            assertArrayEquals(Experiment.BUDGETS, e.scales(), e.id());
            assertEquals("04", e.notebook());
            ids.add(e.id());
        }
        assertEquals(Set.of("lstm-flow", "lstm-copy", "lstm-counting", "lstm-recall"), ids);
        for (Claim c : topic.claims()) {
            assertTrue(c.id().startsWith("04."), c.id());
            assertTrue(ids.containsAll(c.experiments()), c.id() + " reads " + c.experiments());
            assertEquals(c.statement(), Catalog.claim(c.id()).statement());
        }
    }
}
