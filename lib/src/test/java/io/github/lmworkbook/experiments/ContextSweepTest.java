package io.github.lmworkbook.experiments;

import io.github.lmworkbook.data.DelayedCopyTask;
import io.github.lmworkbook.models.Mlp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ContextSweepTest {
    @Test
    void aWindowShorterThanTheLagStaysAtChanceALongerOneSolvesIt() {
        DelayedCopyTask task = new DelayedCopyTask(4, 10, 3);
        List<ContextSweep.Run> runs = ContextSweep.run(new int[] {2, 3},
                n -> new Mlp(new Mlp.Config(4, n, 4, 32, false, 1)), n -> task.batches(32, 10 + n), task.fixedSet(4, 64, 99), 300, 1e-2);
        double chance = task.chanceLoss();
        assertEquals(2, runs.get(0).n());
        assertTrue(runs.get(0).devLoss() > 0.95 * chance, "n=2 < k=3: " + runs.get(0));
        assertTrue(runs.get(1).devLoss() < 0.1 * chance, "n=3 = k: " + runs.get(1));
        assertTrue(runs.get(1).params() > runs.get(0).params());
        assertEquals(2, ContextSweep.table("t", runs).rowCount());
    }
}
