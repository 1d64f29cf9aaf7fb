package io.github.lmworkbook.evidence;

import io.github.lmworkbook.experiments.Outcome;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The building blocks of claims: every seed and every budget must pass, and the lines show every number. */
class ChecksTest {
    static Evidence ev() {
        Map<String, Outcome> runs = new LinkedHashMap<>();
        List<Condition> cs = List.of(Condition.of("m", "A", "lr", "1"), Condition.of("m", "A", "lr", "2"),
                Condition.of("m", "B", "lr", "1"));
        for (Condition c : cs) {
            for (int s : new int[] {1, 4}) {
                for (long seed = 1; seed <= 3; seed++) {
                    double v = c.get("m").equals("A") ? 1 + c.number("lr") / 10 + seed / 100.0 : 2 - seed / 100.0;
                    if (c.get("m").equals("B") && s == 4 && seed == 3) v = 1.0;     // B beats A once, at 4×
                    runs.put(Evidence.key(c, s, seed), new Outcome().metric("dev", v).metric("test", v + 0.5));
                }
            }
        }
        return new Evidence("t", List.of("m", "lr"), cs, runs);
    }

    @Test
    void everySeedAtEveryBudgetMustPass() {
        Evidence ev = ev();
        Verdict ok = Checks.every(ev, ev.the("m", "A", "lr", "1"), "dev", Checks.Op.LT, 1.2);
        assertTrue(ok.holds(), ok.toString());
        assertEquals(2, ok.lines().size());
        assertTrue(ok.lines().get(0).startsWith("✓ 1×: A, 1: dev < 1.2 at 3 of 3 seeds (1.11 1.12 1.13)"),
                ok.lines().get(0));
        Verdict no = Checks.every(ev, ev.the("m", "B", "lr", "1"), "dev", Checks.Op.GT, 1.5);
        assertFalse(no.holds());
        assertTrue(no.lines().get(1).startsWith("✗ 4×") && no.lines().get(1).contains("2 of 3"), no.toString());
    }

    @Test
    void oneBudgetIsCheckedAloneAndAMissingBudgetFails() {
        Evidence ev = ev();
        Condition b = ev.the("m", "B", "lr", "1");
        Verdict at1 = Checks.everyAt(ev, 1, b, "dev", Checks.Op.GT, 1.5);
        assertTrue(at1.holds(), at1.toString());
        assertEquals(1, at1.lines().size());
        assertTrue(at1.lines().get(0).startsWith("✓ 1×"), at1.toString());
        assertFalse(Checks.everyAt(ev, 4, b, "dev", Checks.Op.GT, 1.5).holds());
        Verdict none = Checks.everyAt(ev, 16, b, "dev", Checks.Op.GT, 1.5);
        assertFalse(none.holds());
        assertTrue(none.lines().get(0).contains("16×: no results"), none.toString());
    }

    @Test
    void pairsAtOneBudgetCompareSeedBySeedThereOnly() {
        Evidence ev = ev();
        Condition a = ev.the("m", "A", "lr", "1"), b = ev.the("m", "B", "lr", "1");
        Verdict at1 = Checks.pairsAt(ev, 1, a, b, "dev", Checks.Op.LT);
        assertTrue(at1.holds(), at1.toString());
        assertEquals(1, at1.lines().size());
        Verdict at4 = Checks.pairsAt(ev, 4, a, b, "dev", Checks.Op.LT);           // B beats A at 4×, seed 3
        assertFalse(at4.holds());
        assertTrue(at4.lines().get(0).contains("2 of 3 seeds"), at4.toString());
        assertTrue(Checks.pairsAt(ev, 16, a, b, "dev", Checks.Op.LT).lines().get(0).contains("16×: no results"));
    }

    @Test
    void pairsCompareSeedBySeed() {
        Evidence ev = ev();
        Verdict v = Checks.pairs(ev, ev.the("m", "A", "lr", "1"), ev.the("m", "B", "lr", "1"), "test", Checks.Op.LT);
        assertFalse(v.holds(), v.toString());
        assertTrue(v.lines().get(0).startsWith("✓ 1×"));
        assertTrue(v.lines().get(1).startsWith("✗ 4×") && v.lines().get(1).contains("2 of 3 seeds"));
    }

    @Test
    void theBestConditionIsChosenOnTheMeanOfDev() {
        Evidence ev = ev();
        assertEquals(Condition.of("m", "A", "lr", "1"), ev.best(1, "dev", "m", "A"));
        Verdict note = Checks.chosen(ev, "dev", "m", "A");
        assertTrue(note.holds());
        assertTrue(note.lines().get(0).contains("chosen on dev: A, 1"), note.toString());
        Verdict v = Checks.every(ev, Checks.bestOn(ev, "dev", "m", "A"), "test", Checks.Op.LT, 1.7);
        assertTrue(v.holds(), v.toString());
    }

    @Test
    void numbersArePrintedWithFourSignificantDigits() {
        assertEquals("2.139", Checks.fmt(2.13912));
        assertEquals("0.002312", Checks.fmt(0.0023121));
        assertEquals("12", Checks.fmt(12.0));
        assertEquals("1.000e-07", Checks.fmt(1e-7));
        assertEquals("NaN", Checks.fmt(Double.NaN));
    }
}
