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
}
