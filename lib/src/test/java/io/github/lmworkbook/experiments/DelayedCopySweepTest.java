package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DelayedCopySweepTest {
    @Test
    void aShortLagIsLearnedAndTheLstmsForgetGatesAreMeasured() {
        var c = new DelayedCopySweep.Config(4, 1, 6, 8, 8, 32, 300, 100, 1e-2, 1.0, 64);
        var arms = List.of(DelayedCopySweep.Arm.of(CellType.RNN), DelayedCopySweep.Arm.lstm(1));
        SeedResults<DelayedCopySweep.Arm> r = DelayedCopySweep.run(arms, new long[] {1}, c);
        assertEquals(List.of("RNN", "LSTM, b_f = 1"), r.labels());
        for (var a : arms) {
            double loss = r.summary(a, DelayedCopySweep.LOSS).mean();
            assertTrue(loss < 0.3 * Math.log(4), a + " copies the token it has just read: loss " + loss);
            assertEquals(4, r.outcome(a, 1).curve(DelayedCopySweep.LOSS)[0].length);   // steps 0, 100, 200, 300
        }
        assertTrue(Double.isNaN(r.summary(arms.get(0), DelayedCopySweep.KEEPING).mean()), "no forget gate in an RNN");
        double tau = r.summary(arms.get(1), DelayedCopySweep.TAU).mean();
        assertTrue(tau > 0 && Double.isFinite(tau), "memory time " + tau);
    }

    @Test
    void aForgetBiasNeedsAnLstmAndTheConfigIsChecked() {
        var c = new DelayedCopySweep.Config(4, 1, 6, 8, 8, 32, 100, 100, 1e-2, 1.0, 64);
        var e = assertThrows(IllegalStateException.class, () -> DelayedCopySweep.run(
                List.of(new DelayedCopySweep.Arm(CellType.RNN, 1.0)), new long[] {1}, c));
        assertTrue(e.getMessage().contains("needs an LSTM"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DelayedCopySweep.Config(4, 5, 5, 8, 8, 32, 100, 100,
                1e-2, 1.0, 64));
        assertThrows(IllegalArgumentException.class, () -> new DelayedCopySweep.Config(4, 1, 6, 8, 8, 32, 150, 100,
                1e-2, 1.0, 64));
        assertEquals("LSTM, b_f = 0.5", DelayedCopySweep.Arm.lstm(0.5).toString());
    }
}
