package io.github.lmworkbook.evidence;

import io.github.lmworkbook.experiments.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The evidence files: written and read back to the same bits; the runner resumes and refuses mixed configurations. */
class EvidenceStoreTest {

    /** A deterministic experiment whose numbers are awkward to print: tiny, huge, negative, NaN, with a curve. */
    static Experiment toy(String config, AtomicInteger calls) {
        return new Experiment("toy", "a toy", "00", Experiment.grid("model", List.of("A", "B C"), "lr",
                List.of("1e-3", "3e-2")), new long[] {1, 2, 3}, new int[] {1, 4}, "1 step", config,
                (c, seed, scale) -> {
                    calls.incrementAndGet();
                    double lr = c.number("lr"), base = c.get("model").equals("A") ? 1 : 2;
                    double v = base + lr * seed / 3.0 + 1e-17 * scale;
                    return new Outcome().metric("loss, \"quoted\"", v).metric("tiny", 4.9e-324 * seed)
                            .metric("huge", 1.7976931348623157e308 / seed).metric("nan", seed == 2 ? Double.NaN : -0.0)
                            .curve("curve", new double[] {0, 0.1, 1e-300}, new double[] {v, -v / 7, Math.PI * scale});
                });
    }

    @Test
    void writtenResultsReadBackToTheSameBits(@TempDir Path dir) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Experiment e = toy("v1", calls);
        new EvidenceRunner(dir, 2, null).run(e, false);
        assertEquals(e.runs(), calls.get());
        Evidence ev = Evidence.load(dir, "toy");
        assertEquals(List.of("model", "lr"), ev.fields());
        assertEquals(e.conditions(), ev.conditions());
        for (Condition c : e.conditions()) {
            for (int s : e.scales()) {
                for (long seed : e.seeds()) {
                    Outcome want = e.run().run(c, seed, s), got = ev.run(c, s, seed);
                    assertEquals(want.metrics().keySet(), got.metrics().keySet());
                    for (String m : want.metrics().keySet()) {
                        assertEquals(Double.doubleToRawLongBits(want.metric(m)), Double.doubleToRawLongBits(got.metric(m)),
                                c + " " + s + " " + seed + " " + m);
                    }
                    assertArrayEquals(want.curve("curve")[0], got.curve("curve")[0]);
                    assertArrayEquals(want.curve("curve")[1], got.curve("curve")[1]);
                }
            }
        }
        assertTrue(Files.readString(dir.resolve("toy.json")).contains("\"config sha-256\""));
        assertEquals(e.runs(), EvidenceStore.at(dir).cpuSeconds("toy").size());
        assertEquals(4 * 3 * 2 * (4 + 3), ev.table().rowCount());
    }

    @Test
    void anInterruptedRunResumesWithTheRunsLeftAndTheSameFile(@TempDir Path a, @TempDir Path b) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Experiment e = toy("v1", calls);
        new EvidenceRunner(a, 1, null).run(e.withSeeds(new long[] {2}), false);       // part of it, "interrupted"
        new EvidenceRunner(a, 1, null).run(e.withScales(new int[] {4}), false);
        int first = calls.get();
        new EvidenceRunner(a, 2, null).run(e, false);
        assertEquals(e.runs(), calls.get(), "each run once: " + first + " before the resume");
        new EvidenceRunner(b, 1, null).run(e, false);                                   // in one go, one at a time
        assertEquals(Files.readString(b.resolve("toy.csv")), Files.readString(a.resolve("toy.csv")));
        new EvidenceRunner(a, 2, null).run(e, false);                                   // nothing left to do
        assertEquals(2 * e.runs(), calls.get());
    }

    @Test
    void resultsOfAnotherConfigurationAreNotMixedIn(@TempDir Path dir) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        new EvidenceRunner(dir, 2, null).run(toy("v1", calls).withSeeds(new long[] {1}), false);
        IllegalStateException x = assertThrows(IllegalStateException.class,
                () -> new EvidenceRunner(dir, 2, null).run(toy("v2", calls), false));
        assertTrue(x.getMessage().contains("another configuration") && x.getMessage().contains("--fresh"), x.getMessage());
        new EvidenceRunner(dir, 2, null).run(toy("v2", calls), true);
        assertEquals(3, Evidence.load(dir, "toy").seeds().length);
    }

    @Test
    void aFailedRunIsReportedAndTheOthersAreKept(@TempDir Path dir) throws Exception {
        Experiment e = new Experiment("flaky", "fails at seed 2", "00", List.of(Condition.of("k", "1")),
                new long[] {1, 2, 3}, new int[] {1}, "none", "c", (c, seed, scale) -> {
                    if (seed == 2) throw new IllegalStateException("boom");
                    return new Outcome().metric("v", seed);
                });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EvidenceRunner.Report r = new EvidenceRunner(dir, 2, new PrintStream(out, true, StandardCharsets.UTF_8))
                .run(e, false);
        assertEquals(1, r.failed().size());
        assertTrue(r.failed().get(0).contains("boom"));
        assertArrayEquals(new long[] {1, 3}, Evidence.load(dir, "flaky").seeds());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("FAILED k = 1 at 1×, seed 2"), out.toString());
    }

    @Test
    void aMissingOrMalformedFileIsOneLine(@TempDir Path dir) throws Exception {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Evidence.load(dir, "none"));
        assertTrue(x.getMessage().contains("no evidence 'none'") && x.getMessage().contains("evidence run none"));
        Files.writeString(dir.resolve("bad.csv"), "a,b\n1,2\n");
        x = assertThrows(IllegalArgumentException.class, () -> Evidence.load(dir, "bad"));
        assertTrue(x.getMessage().contains("expected the columns"), x.getMessage());
        Files.writeString(dir.resolve("bad2.csv"), "m,scale,seed,metric,x,value\nA,1,1,loss,,two\n");
        x = assertThrows(IllegalArgumentException.class, () -> Evidence.load(dir, "bad2"));
        assertTrue(x.getMessage().contains("row 2"), x.getMessage());
    }

    @Test
    void conditionsRefuseWhatTheFileCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> Condition.of("model", "a,b"));
        assertThrows(IllegalArgumentException.class, () -> Condition.of("model", "a|b"));
        assertThrows(IllegalArgumentException.class, () -> Condition.of("model"));
        assertEquals("3e-3", Condition.sci(0.003));
        assertEquals("1e-2", Condition.sci(0.01));
        assertEquals("2.5e-4", Condition.sci(2.5e-4));
        Condition c = Condition.of("model", "GRU", "lr", 0.5);
        assertEquals("model=GRU|lr=0.5", c.key());
        assertTrue(c.matches(Condition.of("lr", "0.5")));
        assertFalse(c.matches(Condition.of("lr", "0.50")));
    }
}
