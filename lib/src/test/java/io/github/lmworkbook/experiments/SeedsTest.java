package io.github.lmworkbook.experiments;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SeedsTest {
    /** A run that depends on its condition and seed only, and takes a little time so that runs overlap. */
    private static Outcome run(int c, long seed) {
        Random rng = new Random(seed * 31 + c);
        double v = c + rng.nextGaussian();
        double[] x = {0, 1, 2}, y = {v, v / 2, v / 4};
        long until = System.nanoTime() + 2_000_000L * (4 - seed);          // later seeds finish first
        while (System.nanoTime() < until) Thread.onSpinWait();
        return new Outcome().metric("v", v).metric("twice", 2 * v).curve("c", x, y);
    }

    private static SeedResults<Integer> runWith(int threads, PrintStream out) {
        int old = Seeds.threads();
        Seeds.threads(threads);
        try {
            return Seeds.run(List.of(1, 2, 3), c -> "c = " + c, new long[] {1, 2, 3, 4}, SeedsTest::run, out);
        } finally {
            Seeds.threads(old);
        }
    }

    @Test
    void parallelRunsGiveTheResultsOfSequentialOnes() {
        SeedResults<Integer> one = runWith(1, null), two = runWith(2, null);
        for (int c : List.of(1, 2, 3)) assertArrayEquals(one.values(c, "v"), two.values(c, "v"), 0.0);
        assertArrayEquals(new long[] {1, 2, 3, 4}, two.seeds());
        assertEquals(List.of("c = 1", "c = 2", "c = 3"), two.labels());
    }

    @Test
    void summariesAreMeanSampleStdMinMax() {
        Summary s = Summary.of(new double[] {1, 2, 6});
        assertEquals(3.0, s.mean(), 1e-15);
        assertEquals(Math.sqrt((4 + 1 + 9) / 2.0), s.std(), 1e-15);
        assertEquals(1.0, s.min());
        assertEquals(6.0, s.max());
        assertEquals(3, s.n());
        assertEquals("3.0 ± 2.6", s.meanPlusMinus());
        assertEquals("2.1234 ± 0.0042", new Summary(3, 2.123449, 0.00421, 2.1, 2.2).meanPlusMinus());
        assertEquals(0.0, Summary.of(new double[] {5}).std());
        assertTrue(Double.isNaN(Summary.of(new double[] {1, Double.NaN}).mean()), "a diverged run is not hidden");
    }

    @Test
    void tableCurvesAndProgress() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SeedResults<Integer> r = runWith(2, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("c = 1 · v ") && lines[0].contains("4 seeds"), lines[0]);
        assertTrue(lines[2].startsWith("c = 3"), "in the order of the conditions: " + lines[2]);
        assertTrue(lines[3].startsWith("12 runs (3 conditions × 4 seeds): ") && lines[3].contains("s CPU"), lines[3]);

        Table t = r.table("t", "condition", "v");
        assertEquals(List.of("condition", "v (mean)", "± std", "min", "max", "seed 1", "seed 2", "seed 3", "seed 4",
                "seeds"), t.columnNames());
        assertEquals(3, t.rowCount());
        Summary s = r.summary(2, "v");
        assertEquals(s.mean(), t.doubleColumn("v (mean)").get(1), Math.pow(10, -s.decimals()));
        assertEquals(List.of("condition", "v", "v ± std", "twice", "twice ± std", "seeds"),
                r.table("t", "condition", "v", "twice").columnNames());

        SeedResults.Band b = r.band(3, "c");
        assertArrayEquals(new double[] {0, 1, 2}, b.x(), 0.0);
        assertEquals(r.summary(3, "v").mean() / 2, b.mean()[1], 1e-12);
        assertEquals(r.summary(3, "v").min() / 4, b.min()[2], 1e-12);
        assertNotNull(r.curveChart("c", "x", "y", "c").image());
        assertNotNull(r.metricChart("v", "c", "v", "v", c -> c, c -> "all").image());
    }

    @Test
    void verboseProgressHasALinePerRunInTheOrderOfTheRuns() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int old = Seeds.threads();
        Seeds.threads(2);
        SeedResults<Integer> r;
        try {          // later seeds finish first (see run): the lines must still come seed by seed
            r = Seeds.run(List.of(1, 2), c -> "c = " + c, new long[] {1, 2, 3}, SeedsTest::run,
                    new PrintStream(buf, true, StandardCharsets.UTF_8), true);
        } finally {
            Seeds.threads(old);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2 * 3 + 2 + 1, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("  c = 1, seed 1 · v ") && lines[0].endsWith("s CPU (run 1 of 6)"), lines[0]);
        assertTrue(lines[1].startsWith("  c = 1, seed 2 · v "), lines[1]);
        assertTrue(lines[2].startsWith("  c = 1, seed 3 · v ") && lines[2].endsWith("(run 3 of 6)"), lines[2]);
        assertTrue(lines[3].startsWith("c = 1 · v ") && lines[3].contains("3 seeds"), "then the condition: " + lines[3]);
        assertTrue(lines[4].startsWith("  c = 2, seed 1"), lines[4]);
        assertTrue(lines[8].startsWith("6 runs (2 conditions × 3 seeds)"), lines[8]);
        double v = r.values(1, "v")[1];
        String own = String.format(java.util.Locale.ROOT, " · v %." + Summary.of(new double[] {v}).decimals() + "f ·", v);
        assertTrue(lines[1].contains(own), "the run's own value, not a mean: " + lines[1] + " vs " + own);
        assertArrayEquals(Seeds.run(List.of(2), c -> "c = " + c, new long[] {1, 2, 3}, SeedsTest::run, null)
                .values(2, "v"), r.values(2, "v"), 0.0, "the same results as without the lines");
    }

    @Test
    void aFailingRunIsNamedByConditionAndSeed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Seeds.run(List.of(1, 2),
                c -> "c = " + c, new long[] {7, 8}, (c, seed) -> {
                    if (c == 2 && seed == 8) throw new IllegalArgumentException("boom");
                    return new Outcome().metric("v", 1);
                }, null));
        assertEquals("c = 2, seed 8: IllegalArgumentException: boom", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Outcome().metric("nope"));
    }

    @Test
    void laterConditionsJoinTheControlAndRunsKeepWhatTheyTrained() {
        SeedResults<Integer> control = Seeds.run(List.of(1), String::valueOf, new long[] {1, 2, 3},
                (c, seed) -> run(c, seed).keep("seed", seed), null);
        SeedResults<Integer> more = Seeds.run(List.of(2, 3), String::valueOf, new long[] {1, 2, 3},
                (c, seed) -> run(c, seed).keep("seed", seed), null);
        SeedResults<Integer> all = control.and(more);
        assertEquals(List.of(1, 2, 3), all.conditions());
        assertEquals(List.of("1", "2", "3"), all.labels());
        assertArrayEquals(more.values(3, "v"), all.values(3, "v"));
        assertArrayEquals(control.values(1, "v"), all.values(1, "v"));
        assertEquals(3, all.table("t", "c", "v").rowCount());
        assertEquals(2L, all.outcome(2, 2).kept("seed", Long.class));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> all.outcome(2, 2).kept("seed", String.class));
        assertEquals("'seed' is a Long, not a String", type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> all.outcome(2, 2).kept("model", Object.class));
        assertThrows(IllegalArgumentException.class, () -> control.and(control));
        SeedResults<Integer> twoSeeds = Seeds.run(List.of(4), String::valueOf, new long[] {1, 2},
                SeedsTest::run, null);
        assertThrows(IllegalArgumentException.class, () -> control.and(twoSeeds));
    }
}
