package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RecallSweepTest {
    @Test
    void aShortStringIsRecalledALongOneThroughATinyStateIsNot() {
        RecallSweep.Config c = new RecallSweep.Config(4, 8, 400, 32, 1e-2, 1.0, 256);
        SeedResults<RecallSweep.Condition> r = RecallSweep.run(CellType.RNN, new int[] {2, 16}, new int[] {2, 10},
                new long[] {1}, c);
        assertEquals(4, r.conditions().size());
        double shortWide = r.summary(new RecallSweep.Condition(CellType.RNN, 16, 2), RecallSweep.ACCURACY).mean();
        double longNarrow = r.summary(new RecallSweep.Condition(CellType.RNN, 2, 10), RecallSweep.ACCURACY).mean();
        assertTrue(shortWide > 0.95, "H = 16 recalls 2 symbols: " + shortWide);
        assertTrue(longNarrow < 0.6, "H = 2 cannot hold 10 symbols (20 bits): " + longNarrow);
        assertEquals(20.0, r.summary(new RecallSweep.Condition(CellType.RNN, 2, 10), "bits").mean(), 1e-12);
        int[] longest = RecallSweep.longestRecalled(r, new int[] {2, 16}, 0.9);
        assertEquals(2, longest[1]);
    }
}
