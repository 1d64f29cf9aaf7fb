package io.github.lmworkbook.evidence;

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
 * in all) is run again and must give the same bits — every metric and every point of every curve. The sample's
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
        int replayed = 0;
        List<String> seen = new ArrayList<>();
        for (Entry x : cheap) {
            if (spent + x.seconds() > budget && replayed > 0) continue;
            Outcome want = store.load(x.experiment().id()).run(x.condition(), x.scale(), x.seed());
            Outcome got = x.experiment().run().run(x.condition(), x.seed(), x.scale());
            String where = x.experiment().id() + ": " + x.condition() + " at " + x.scale() + "× seed " + x.seed()
                    + " (replay sample " + sampleSeed + "; regenerate: lmworkbook evidence run " + x.experiment().id()
                    + " --fresh)";
            assertEquals(want.metrics().keySet(), got.metrics().keySet(), where + ": metrics");
            for (String m : want.metrics().keySet()) {
                assertEquals(Double.doubleToLongBits(want.metric(m)), Double.doubleToLongBits(got.metric(m)),
                        where + ": " + m + " committed " + want.metric(m) + ", now " + got.metric(m));
            }
            assertEquals(want.curves().keySet(), got.curves().keySet(), where + ": curves");
            for (String k : want.curves().keySet()) {
                assertArrayEquals(want.curve(k)[0], got.curve(k)[0], where + ": " + k + " (x)");
                assertArrayEquals(want.curve(k)[1], got.curve(k)[1], where + ": " + k);
            }
            spent += x.seconds();
            replayed++;
            seen.add(x.experiment().id() + " " + x.condition().label() + " " + x.scale() + "× s" + x.seed());
        }
        System.out.printf("replayed %d committed runs (sample %d, ~%.0f s of CPU when made): %s%n", replayed,
                sampleSeed, spent, seen);
    }
}
