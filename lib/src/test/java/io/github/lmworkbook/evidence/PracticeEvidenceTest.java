package io.github.lmworkbook.evidence;

import io.github.lmworkbook.experiments.Outcome;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Notebook 07's evidence: the declarations (five seeds, the budget and 4× it, a learning-rate sweep per start where
 * the starts are ranked, the untrained control of the sampling), the claims registered under "07." and reading only
 * these experiments, and the one check of its own ({@link PracticeEvidence#within}).
 */
class PracticeEvidenceTest {

    @Test
    void theExperimentsHaveFiveSeedsBothBudgetsAndTheirControls() {
        PracticeEvidence topic = new PracticeEvidence();
        List<Experiment> es = topic.experiments();
        assertEquals(List.of("practice-overfitting", "practice-init", "practice-norm", "practice-sampling"),
                es.stream().map(Experiment::id).toList());
        for (Experiment e : es) {
            assertTrue(e.seeds().length >= 5, e.id());
            assertArrayEquals(Experiment.BUDGETS, e.scales(), e.id());
            assertEquals("07", e.notebook());
            assertEquals(e.config(), Catalog.experiment(e.id()).config(), "registered in the catalog");
        }
        Experiment init = Catalog.experiment("practice-init");
        for (String start : PracticeEvidence.INITS) {
            assertTrue(init.where(Condition.of("init", start)).size() >= 3, start + ": a learning-rate sweep");
        }
        assertEquals(4, Catalog.experiment("practice-overfitting").conditions().size(), "dropout × weight decay");
        assertEquals(1, Catalog.experiment("practice-sampling").where(Condition.of("model", "untrained")).size(),
                "the untrained control");
        List<String> ids = es.stream().map(Experiment::id).toList();
        for (Claim c : topic.claims()) {
            assertTrue(c.id().startsWith("07."), c.id());
            assertTrue(ids.containsAll(c.experiments()), c.id() + " reads " + c.experiments());
            assertEquals(c.statement(), Catalog.claim(c.id()).statement(), "registered in the catalog");
            assertFalse(c.statement().contains("TO BE STATED"), c.id());
        }
    }

    static Evidence twoConditions(double offsetAt4) {
        Map<String, Outcome> runs = new LinkedHashMap<>();
        Condition a = Condition.of("c", "a"), b = Condition.of("c", "b");
        for (int s : new int[] {1, 4}) {
            for (long seed = 1; seed <= 3; seed++) {
                runs.put(Evidence.key(a, s, seed), new Outcome().metric("dev", 2 + seed / 100.0));
                double d = s == 4 && seed == 2 ? offsetAt4 : -0.01;
                runs.put(Evidence.key(b, s, seed), new Outcome().metric("dev", 2 + seed / 100.0 + d));
            }
        }
        return new Evidence("t", List.of("c"), List.of(a, b), runs);
    }

    @Test
    void withinHoldsOnlyWhenEverySeedAtEveryBudgetIsCloseAndPrintsTheDifferences() {
        Evidence close = twoConditions(0.02);
        Condition a = close.the("c", "a"), b = close.the("c", "b");
        Verdict ok = PracticeEvidence.within(close, a, b, "dev", 0.05);
        assertTrue(ok.holds(), ok.toString());
        assertEquals(2, ok.lines().size());
        assertTrue(ok.lines().get(0).contains("[0.01 0.01 0.01]") && ok.lines().get(0).contains("3 of 3"),
                ok.lines().get(0));
        Evidence far = twoConditions(-0.2);                 // one seed at 4× is 0.2 apart, on the other side
        Verdict no = PracticeEvidence.within(far, far.the("c", "a"), far.the("c", "b"), "dev", 0.05);
        assertFalse(no.holds());
        assertTrue(no.lines().get(1).contains("0.2") && no.lines().get(1).contains("2 of 3"), no.toString());
    }
}
