package io.github.lmworkbook.evidence;

import io.github.lmworkbook.core.Kernels;

import io.github.lmworkbook.experiments.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed evidence is real and current: a random sample of committed runs (the cheap ones, about 40 s of CPU
 * in all) is run again and must agree with it — every metric and every point of every curve — to {@value #TOLERANCE}
 * relative, and the test prints how many gave the very same bits. Not all need to: the Vector API's exponential
 * (sigmoid, tanh) is the CPU's vector math library once the JIT has compiled a loop and Math.exp before, and the two
 * may differ in the last bit, which training carries on; at another vector width than the evidence's (its provenance
 * records the kernels) they differ too. A run made by the command in a fresh JVM gives the committed bits. The sample's
 * seed is printed; {@code -Dlmworkbook.replay.seed=N} repeats a sample, {@code -Dlmworkbook.replay.seconds=S}
 * changes its size. A failure names the run and the command that regenerates the experiment.
 */
class EvidenceReplayTest {

    /** A committed run: its experiment, condition, scale and seed, and its CPU seconds when it was made. */
    record Entry(Experiment experiment, Condition condition, int scale, long seed, double seconds) {}

    @Test
    void aRandomSampleOfCommittedRunsGivesTheSameBits() {
        long sampleSeed = Long.getLong("lmworkbook.replay.seed", System.nanoTime() % 1_000_000);
        double budget = Double.parseDouble(System.getProperty("lmworkbook.replay.seconds", "40"));
        EvidenceStore store = EvidenceStore.at(ClaimsTest.dir());
        List<Entry> cheap = new ArrayList<>();
        for (Experiment e : Catalog.experiments()) {
            if (!store.has(e.id())) continue;
            Map<String, Double> cpu = store.cpuSeconds(e.id());
            Evidence ev = store.load(e.id());
            for (Condition c : ev.conditions()) {
                if (!e.conditions().contains(c)) continue;
                for (int s : ev.scales()) {
                    for (long seed : ev.seeds(c, s)) {
                        Double secs = cpu.get(Evidence.key(c, s, seed));
                        if (secs != null && secs <= budget / 4) cheap.add(new Entry(e, c, s, seed, secs));
                    }
                }
            }
        }
        assertFalse(cheap.isEmpty(), "no committed runs cheap enough to replay in " + ClaimsTest.dir());
        Collections.shuffle(cheap, new Random(sampleSeed));
        double spent = 0;
        int replayed = 0, exact = 0;
        List<String> seen = new ArrayList<>();
        for (Entry x : cheap) {
            if (spent + x.seconds() > budget && replayed > 0) continue;
            Outcome want = store.load(x.experiment().id()).run(x.condition(), x.scale(), x.seed());
            Outcome got = x.experiment().run().run(x.condition(), x.seed(), x.scale());
            String where = x.experiment().id() + ": " + x.condition() + " at " + x.scale() + "× seed " + x.seed()
                    + " (replay sample " + sampleSeed + "; regenerate: lmworkbook evidence run " + x.experiment().id()
                    + " --fresh)";
            boolean width = sameKernels(store.provenance(x.experiment().id()).path(EvidenceStore.KERNELS).asText(""));
            if (!width) where += " [made with vector kernels of another width]";
            boolean[] bits = {true};
            assertEquals(want.metrics().keySet(), got.metrics().keySet(), where + ": metrics");
            for (String m : want.metrics().keySet()) {
                assertTrue(same(want.metric(m), got.metric(m), bits),
                        where + ": " + m + " committed " + want.metric(m) + ", now " + got.metric(m));
            }
            assertEquals(want.curves().keySet(), got.curves().keySet(), where + ": curves");
            for (String k : want.curves().keySet()) {
                assertArrayEquals(want.curve(k)[0], got.curve(k)[0], where + ": " + k + " (x)");
                double[] a = want.curve(k)[1], b = got.curve(k)[1];
                assertEquals(a.length, b.length, where + ": " + k);
                for (int i = 0; i < a.length; i++) {
                    assertTrue(same(a[i], b[i], bits), where + ": " + k + "[" + i + "] committed " + a[i] + ", now "
                            + b[i]);
                }
            }
            if (bits[0]) exact++;
            spent += x.seconds();
            replayed++;
            seen.add(x.experiment().id() + " " + x.condition().label() + " " + x.scale() + "× s" + x.seed());
        }
        System.out.printf("replayed %d committed runs (sample %d, ~%.0f s of CPU when made): %s%n", replayed,
                sampleSeed, spent, seen);
        System.out.printf("%d of %d gave the same bits; the others agree to %s relative (kernels here: %s)%n", exact,
                replayed, TOLERANCE, Kernels.active());
    }

    /** How far a replay may differ (the vector exponential's last bit, carried on by training). */
    static final double TOLERANCE = 1e-6;

    private static final java.util.regex.Pattern WIDTH = java.util.regex.Pattern.compile("vector \\((\\d+)-bit");

    /** True if the runs were made with product and exponential kernels of this JVM's kind and vector width. */
    static boolean sameKernels(String made) {
        java.util.regex.Matcher a = WIDTH.matcher(made), b = WIDTH.matcher(Kernels.active());
        if (a.find() && b.find()) return a.group(1).equals(b.group(1));
        return made.startsWith("plain") && Kernels.active().startsWith("plain");
    }

    private static boolean same(double want, double got, boolean[] bits) {
        if (Double.doubleToLongBits(want) == Double.doubleToLongBits(got)) return true;
        bits[0] = false;
        return Math.abs(want - got) <= TOLERANCE * Math.max(Math.abs(want), Math.abs(got));
    }
}
