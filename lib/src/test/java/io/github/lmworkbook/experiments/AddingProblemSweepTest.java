package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.models.SequenceRegressor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AddingProblemSweepTest {
    @Test
    void curvesHaveOnePointPerProbeAndTheShortTaskIsLearned() {
        AddingProblemSweep.Config c = new AddingProblemSweep.Config(16, 32, 600, 200, 1e-2, 1.0, 256);
        SeedResults<Integer> r = AddingProblemSweep.run(CellType.RNN, new int[] {6}, new long[] {1, 2}, c);
        SeedResults.Band b = r.band(6, AddingProblemSweep.MSE);
        assertArrayEquals(new double[] {0, 200, 400, 600}, b.x(), 0.0);
        assertTrue(r.summary(6, AddingProblemSweep.MSE).max() < 0.5 * AddingProblem.BASELINE_MSE,
                "T = 6 is learned in 600 steps: " + r.summary(6, AddingProblemSweep.MSE));
        assertEquals(r.summary(6, AddingProblemSweep.MSE).mean() / AddingProblem.BASELINE_MSE,
                r.summary(6, AddingProblemSweep.RATIO).mean(), 1e-12);
        for (double v : r.band(6, AddingProblemSweep.LOG_SHARE).min()) assertTrue(v >= -30 && v < 5, "log share " + v);
        assertThrows(IllegalArgumentException.class, () -> new AddingProblemSweep.Config(16, 32, 500, 200, 1e-2, 1, 8));
    }

    @Test
    void theMarkedShareIsTheRatioOfTheStateGradients() {
        SequenceRegressor m = new SequenceRegressor(new SequenceRegressor.Config(CellType.RNN, 2, 8, 3));
        SequenceBatch one = new AddingProblem(7, 5).sample(1);
        double share = AddingProblemSweep.markedShare(m, one);
        m.lossAndGrad(one);
        int first = -1;
        for (int t = 0; t < 7 && first < 0; t++) if (one.x().data[t][1] == 1.0) first = t;
        Matrix d1 = m.recurrence.step(first + 1).dh, dT = m.recurrence.step(7).dh;
        assertEquals(d1.norm() / dT.norm(), share, 1e-12);
        assertTrue(share > 0 && share < 1e3, "share " + share);
        m.zeroGrad();
    }
}
