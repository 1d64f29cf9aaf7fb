package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.DelayedCopyTask;
import io.github.lmworkbook.models.Mlp;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ContextSweepTest {
    @Test
    void aWindowShorterThanTheLagStaysAtChanceALongerOneSolvesIt() {
        DelayedCopyTask task = new DelayedCopyTask(4, 10, 3);
        SeedResults<Integer> r = ContextSweep.run(new int[] {2, 3}, new long[] {1, 2},
                (n, seed) -> new Mlp(new Mlp.Config(4, n, 4, 32, false, seed)), (n, seed) -> task.batches(32, 10 * seed + n),
                task.fixedSet(4, 64, 99), 300, 1e-2);
        double chance = task.chanceLoss();
        for (double v : r.values(2, ContextSweep.DEV)) assertTrue(v > 0.95 * chance, "n=2 < k=3: " + v);
        for (double v : r.values(3, ContextSweep.DEV)) assertTrue(v < 0.1 * chance, "n=3 = k: " + v);
        assertTrue(r.summary(3, ContextSweep.PARAMS).mean() > r.summary(2, ContextSweep.PARAMS).mean());
        assertEquals(2, r.table("t", "n", ContextSweep.DEV).rowCount());
    }

    @Test
    void theLearningCurveAddsEvaluationsNotSteps() {
        DelayedCopyTask task = new DelayedCopyTask(4, 10, 3);
        ContextSweep.Factory<Mlp> model = (n, seed) -> new Mlp(new Mlp.Config(4, n, 4, 16, false, seed));
        var dev = task.fixedSet(2, 64, 99);
        SeedResults<Integer> plain = ContextSweep.run(new int[] {3}, new long[] {1, 2}, model,
                (n, seed) -> task.batches(16, seed), dev, 250, 1e-2);
        SeedResults<Integer> curved = ContextSweep.run(new int[] {3}, new long[] {1, 2}, model,
                (n, seed) -> task.batches(16, seed), dev, 250, 1e-2, 100);
        assertArrayEquals(plain.values(3, ContextSweep.DEV), curved.values(3, ContextSweep.DEV), 1e-12,
                "evaluating between the chunks must not change the run");
        double[][] c = curved.outcome(3, 2).curve(ContextSweep.DEV_CURVE);
        assertArrayEquals(new double[] {100, 200, 250}, c[0], 0.0);
        assertEquals(curved.values(3, ContextSweep.DEV)[1], c[1][2], 0.0, "the last point is the final loss");
        assertTrue(c[1][0] > c[1][2], "the loss falls: " + java.util.Arrays.toString(c[1]));
        assertEquals(3, curved.band(3, ContextSweep.DEV_CURVE).mean().length);
        assertThrows(IllegalArgumentException.class, () -> plain.outcome(3, 1).curve(ContextSweep.DEV_CURVE));
    }
}
