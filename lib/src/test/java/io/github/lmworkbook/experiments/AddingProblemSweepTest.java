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

    @Test
    void aBudgetPerConditionGivesTheSameRunsAtTheSameStepsAndLongerCurvesAtMore() {
        AddingProblemSweep.Config c = new AddingProblemSweep.Config(8, 16, 400, 200, 1e-2, 1.0, 64);
        SeedResults<Integer> plain = AddingProblemSweep.run(CellType.RNN, new int[] {6}, new long[] {1}, c);
        var short6 = new AddingProblemSweep.Budget(6, 400);
        var long6 = new AddingProblemSweep.Budget(6, 800);
        SeedResults<AddingProblemSweep.Budget> r = AddingProblemSweep.run(CellType.RNN, java.util.List.of(short6,
                long6), new long[] {1}, c);
        assertEquals(java.util.List.of("T = 6, 400 steps", "T = 6, 800 steps"), r.labels());
        assertArrayEquals(plain.outcome(6, 1).curve(AddingProblemSweep.MSE)[1],
                r.outcome(short6, 1).curve(AddingProblemSweep.MSE)[1], 0.0, "same T, steps and seed: same run");
        assertArrayEquals(new double[] {0, 200, 400, 600, 800}, r.band(long6, AddingProblemSweep.MSE).x(), 0.0);
        assertNotEquals(r.summary(short6, AddingProblemSweep.MSE).mean(), r.summary(long6, AddingProblemSweep.MSE)
                .mean(), "the longer run is another run (its schedule is stretched)");
        assertEquals(r.outcome(long6, 1).curve(AddingProblemSweep.LOG_SHARE)[1][0],
                AddingProblemSweep.initialLogShare(CellType.RNN, 6, 1, c), 0.0, "step 0 is the untrained model");
        assertThrows(IllegalArgumentException.class, () -> AddingProblemSweep.run(CellType.RNN,
                java.util.List.of(new AddingProblemSweep.Budget(6, 500)), new long[] {1}, c));
    }
}
