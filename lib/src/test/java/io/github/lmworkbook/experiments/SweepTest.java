package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.charts.SeedChart;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.AddingProblem;
import io.github.lmworkbook.data.CountingLanguage;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.SequenceRegressor;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SweepTest {
    @Test
    void resultsComeBackInOrderAndDoNotDependOnTheThreads() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<String> arms = List.of("rnn", "gru");
        Training.Budget budget = new Training.Budget(30, 1e-2, 1.0, 10);
        var one = Training.sweep(arms, new long[] {1, 2}, (arm, seed) -> regressor(arm, seed),
                (arm, seed) -> batches(seed), arm -> List.of(new AddingProblem(8, 99).sample(50)), budget, 1, null);
        var two = Training.sweep(arms, new long[] {1, 2}, (arm, seed) -> regressor(arm, seed),
                (arm, seed) -> batches(seed), arm -> List.of(new AddingProblem(8, 99).sample(50)), budget, 2, out);
        assertEquals(List.of("rnn", "rnn", "gru", "gru"), two.stream().map(Sweep.Run::arm).toList());
        assertEquals(List.of(1L, 2L, 1L, 2L), two.stream().map(Sweep.Run::seed).toList());
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(one.get(i).result().history().devLosses(), two.get(i).result().history().devLosses(), 0.0);
            assertTrue(two.get(i).cpuSeconds() > 0);
        }
        assertEquals(4, one.get(0).result().history().evalSteps().length, "steps 0, 10, 20 and the last");
        assertArrayEquals(new double[] {0, 10, 20, 29}, Training.curve(one.get(0).result())[0], 0.0);
        assertEquals(2, Training.devLosses(two, "gru").length);
        assertEquals(2, Training.models(two, "rnn").size());
        String log = buf.toString(StandardCharsets.UTF_8);
        assertEquals(4, log.lines().count(), log);
        assertTrue(log.contains("[4/4]") && log.contains("held-out loss") && log.contains("s CPU"), log);
    }

    static SequenceRegressor regressor(String cell, long seed) {
        return new SequenceRegressor(new SequenceRegressor.Config(CellType.of(cell), 2, 4, seed));
    }

    static java.util.function.Supplier<io.github.lmworkbook.data.SequenceBatch> batches(long seed) {
        AddingProblem p = new AddingProblem(8, seed);
        return () -> p.sample(8);
    }

    /** A model that counts: it reads the context and predicts what a counter would. */
    static final class Oracle implements LanguageModel {
        final int limit;                                           // counts correctly up to this n

        Oracle(int limit) {
            this.limit = limit;
        }

        public java.util.List<io.github.lmworkbook.core.Param> params() {
            return List.of();
        }

        public double loss(io.github.lmworkbook.data.Batch b) {
            return 0;
        }

        public double lossAndGrad(io.github.lmworkbook.data.Batch b) {
            return 0;
        }

        public int vocabSize() {
            return 3;
        }

        public void nextLogits(int[][] context, Matrix logits) {
            for (int r = 0; r < context.length; r++) {
                int a = 0, b = 0;
                for (int t : context[r]) if (t == 1) a++; else if (t == 2) b++;
                int next = b == 0 ? 1 : (b < Math.min(a, limit) ? 2 : 0);
                java.util.Arrays.fill(logits.data[r], 0);
                logits.data[r][next] = 1;
            }
        }
    }

    @Test
    void aCounterIsAcceptedAsFarAsItCounts() {
        CountingLanguage anbn = new CountingLanguage(2);
        Counting.Score perfect = Counting.score(new Oracle(1000), anbn, 12);
        assertEquals(12, perfect.acceptsUpTo());
        assertEquals(1.0, perfect.accuracy()[12], 0.0);
        Counting.Score upTo5 = Counting.score(new Oracle(5), anbn, 12);
        assertEquals(5, upTo5.acceptsUpTo());
        assertFalse(upTo5.accepted()[6]);
        // at n = 8 it ends after 5 b's: of the 9 determined positions (the first a, the 7 b's after the first b, the
        // end), the first a, 4 b's and the end are right
        assertEquals(6.0 / 9, upTo5.accuracy()[8], 1e-15);
        assertEquals(12, upTo5.curve()[0].length);
    }

    @Test
    void countingRunsTrainAndScoreEveryCellAndSeed() {
        Counting.Setup s = new Counting.Setup(new CountingLanguage(2), 4, 8, 3, 4, 8, new Training.Budget(20, 1e-2, 1.0, 20));
        var runs = Counting.run(s, List.of(CellType.GRU, CellType.RNN), new long[] {1, 2}, 2, null);
        assertEquals(4, runs.size());
        for (var r : runs) {
            assertEquals(9, r.result().score().accuracy().length);
            assertEquals(r.arm(), r.result().model().config.cell());
        }
    }

    @Test
    void theSeedChartDrawsAThinLinePerSeedAndTheMedian() {
        double[][] a = {{0, 1, 2}, {1, 2, 3}}, b = {{0, 1, 2}, {3, 4, 5}}, c = {{0, 1}, {2, 9}};
        assertArrayEquals(new double[] {2, 4, 4}, SeedChart.median(List.of(a, b, c))[1], 0.0);
        var arms = new LinkedHashMap<String, List<double[][]>>();
        arms.put("GRU", List.of(a, b));
        arms.put("RNN", List.<double[][]>of(c));
        BufferedImage img = SeedChart.of("t", "x", "y", true, arms);
        assertEquals(420, img.getHeight());
        assertThrows(IllegalArgumentException.class, () -> SeedChart.of("t", "x", "y", false, new LinkedHashMap<>()));
    }
}
