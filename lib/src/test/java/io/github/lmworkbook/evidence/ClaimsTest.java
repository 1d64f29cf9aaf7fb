package io.github.lmworkbook.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed evidence against its declarations: every experiment has results for every declared condition, budget
 * and seed, made under the declared configuration; and every claim holds on them. A claim that no longer holds fails
 * here with the numbers of every seed and budget.
 */
class ClaimsTest {
    static Path dir() {
        return Path.of(System.getProperty("lmworkbook.root", ".."), "notebooks", "evidence");
    }

    @TestFactory
    List<DynamicTest> everyExperimentHasItsDeclaredRuns() {
        List<DynamicTest> tests = new ArrayList<>();
        EvidenceStore store = EvidenceStore.at(dir());
        for (Experiment e : Catalog.experiments()) {
            tests.add(DynamicTest.dynamicTest(e.id(), () -> {
                assertTrue(store.has(e.id()), "no committed results of " + e.id() + " in " + dir().toAbsolutePath()
                        + " (lmworkbook evidence run " + e.id() + ")");
                assertTrue(e.seeds().length >= 5, e.id() + ": at least 5 seeds");
                Set<Integer> scales = new HashSet<>();
                for (int s : e.scales()) scales.add(s);
                assertTrue(scales.contains(1) && scales.contains(4), e.id() + ": the budget and its 4× control");
                ObjectNode prov = store.provenance(e.id());
                assertEquals(EvidenceStore.sha256(e.config()), prov.path("config sha-256").asText(),
                        e.id() + ": the results were made under another configuration; regenerate them");
                Evidence ev = store.load(e.id());
                List<String> missing = new ArrayList<>();
                for (Condition c : e.conditions()) {
                    for (int s : e.scales()) {
                        for (long seed : e.seeds()) if (!ev.has(c, s, seed)) missing.add(c + " " + s + "× seed " + seed);
                    }
                }
                assertTrue(missing.isEmpty(), e.id() + ": " + missing.size() + " declared runs have no results, e.g. "
                        + (missing.isEmpty() ? "" : missing.get(0)));
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyClaimHolds() {
        List<DynamicTest> tests = new ArrayList<>();
        Claim.Sources sources = new Claim.Sources(dir());
        for (Claim c : Catalog.claims()) {
            tests.add(DynamicTest.dynamicTest(c.id(), () -> {
                Verdict v = c.verify(sources);
                assertTrue(v.holds(), "[" + c.id() + "] " + c.statement() + "\n" + v);
            }));
        }
        return tests;
    }

    @Test
    void claimsReadDeclaredExperimentsAndIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (Experiment e : Catalog.experiments()) ids.add(e.id());
        for (Claim c : Catalog.claims()) {
            for (String e : c.experiments()) assertTrue(ids.contains(e), c.id() + " reads an undeclared " + e);
        }
        assertEquals(Catalog.claims().size(), Catalog.claims().stream().map(Claim::id).distinct().count());
    }
}
