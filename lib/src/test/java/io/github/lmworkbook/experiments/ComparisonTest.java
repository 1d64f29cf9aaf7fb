package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.Softmax;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ComparisonTest {
    static Comparison result;
    static String progress;

    @BeforeAll
    static void runSmoke() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result = Comparison.run(Contender.defaults(), Comparison.Budget.smoke(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        progress = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyContenderIsSizedWithinAFewPercentOfTheTarget() {
        for (long target : new long[] {3_000, 12_000, 50_000}) {
            for (Contender c : Contender.defaults()) {
                for (int V : new int[] {27, 65}) {
                    Comparison.Sized s = Comparison.match(c, V, 32, target);
                    // the transformer's count grows as ~24·C² (two layers): one width step is up to ~10% at 3,000
                    double tol = c instanceof Contender.TransformerContender ? 0.10 : 0.03;
                    assertEquals(target, s.params(), tol * target, c.name() + " at " + target + ", V = " + V);
                    long other = c.numParams(V, 32, s.width() + c.widthStep());
                    assertTrue(Math.abs(other - target) >= Math.abs(s.params() - target), c.name() + " closest");
                    assertEquals(c.create(V, 32, s.width(), 1).numParams(), s.params(), c.name());
                }
            }
        }
    }

    @Test
    void theTableHasARowPerContenderAndFiniteLanguageModelMetrics() {
        Table t = result.table();
        assertEquals(Contender.defaults().size(), t.rowCount());
        for (String corpus : List.of(Comparison.NAMES, Comparison.SHAKESPEARE)) {
            for (String m : List.of(Comparison.LOSS_STEPS, Comparison.LOSS_TIME, Comparison.MS)) {
                for (int i = 0; i < t.rowCount(); i++) {
                    double v = t.doubleColumn(corpus + ": " + m).get(i);
                    assertTrue(Double.isFinite(v) && v > 0, corpus + ": " + m + " row " + i + " = " + v);
                }
            }
        }
        assertTrue(progress.contains("equal time τ"), progress);
        assertTrue(progress.contains("parameters"), progress);
    }

    @Test
    void theMlpsGradientStopsAtItsWindowAndTheRnnsReachesTheStart() {
        Contender mlp = Contender.defaults().get(0), rnn = Contender.defaults().get(1);
        Contender tf = Contender.defaults().get(Contender.defaults().size() - 1);
        int T = result.budget().block();
        for (double r : result.values(mlp, Comparison.REACH)) assertEquals(7, r);   // n = 8: distances 0 … 7
        for (double r : result.values(rnn, Comparison.REACH)) assertEquals(T - 1, r);
        for (double r : result.values(tf, Comparison.REACH)) assertEquals(T - 1, r);
        assertEquals("Transformer", tf.name());
        double[][] d = result.results().outcome(mlp, 1).curve(Comparison.DECAY);
        for (int k = 8; k < T; k++) assertEquals(0.0, d[1][k]);
        assertTrue(d[1][0] > 0);
    }

    @Test
    void aRunIsAFunctionOfItsSeedExceptForTheTimes() {
        Comparison again = Comparison.run(Contender.defaults().subList(0, 2),
                Comparison.Budget.smoke().withTasks(null), null);
        for (Contender c : again.contenders()) {
            for (String m : List.of("names: " + Comparison.LOSS_STEPS, "tinyshakespeare: " + Comparison.LOSS_STEPS,
                    Comparison.FACTOR)) {
                assertArrayEquals(result.values(c, m), again.values(c, m), c.name() + " " + m);
            }
        }
    }

    @Test
    void theTasksRanForTheCellsOnly() {
        for (Contender c : Contender.defaults()) {
            double[] add = result.values(c, Comparison.ADDING), copy = result.values(c, Comparison.COPY),
                    count = result.values(c, Comparison.COUNTING);
            for (double x : copy) assertTrue(x == 0 || x == 2, c.name() + " copy " + x);
            if (c.cell() == null) {
                assertTrue(Double.isNaN(add[0]) && Double.isNaN(count[0]), c.name());
                continue;
            }
            for (double x : add) assertTrue(x == 0 || x == 5, c.name() + " adding " + x);
            for (double x : copy) assertTrue(x == 0 || x == 2, c.name() + " copy " + x);
            for (double x : count) assertTrue(x >= -2 && x <= 2 && x == Math.rint(x), c.name() + " counting " + x);
        }
        assertTrue(progress.contains("delayed copy H = "), progress);
    }

    @Test
    void chartsAndSamplesAreDrawn() {
        assertNotNull(result.decayChart().image());
        assertNotNull(result.timeChart(Comparison.NAMES).image());
        Table s = result.samples();
        assertEquals(2, s.rowCount());
        assertEquals(1 + Contender.defaults().size(), s.columnCount());
        assertFalse(result.sample(Contender.defaults().get(1), Comparison.SHAKESPEARE, 1).isEmpty());
    }

    @Test
    void theMlpsInputGradientMatchesCentralDifferences() {
        Mlp m = new Mlp(new Mlp.Config(5, 3, 2, 4, false, 3));
        int[] x = {1, 4, 2, 0, 3}, y = {4, 2, 0, 3, 1};
        double[] g = Comparison.mlpInputGradients(m, List.of(x), List.of(y));
        int[][] w = {{3, 0, 2}};                                    // x_4, x_3, x_2: distances 0, 1, 2
        double h = 1e-5;
        for (int k = 0; k < 3; k++) {
            double q = 0;
            for (int j = 0; j < 2; j++) {
                double d = (mlpLoss(m, w, k * 2 + j, h, y[4]) - mlpLoss(m, w, k * 2 + j, -h, y[4])) / (2 * h);
                q += d * d;
            }
            assertEquals(Math.sqrt(q), g[k], 1e-8 * (1 + g[k]), "distance " + k);
        }
        assertEquals(0.0, g[3]);
        assertEquals(0.0, g[4]);
    }

    private static double mlpLoss(Mlp m, int[][] w, int j, double h, int target) {
        Matrix e = m.embedding.forward(w, 1).copy();
        e.data[0][j] += h;
        Matrix z = m.output.forward(m.tanh.forward(m.hidden.forward(e)));
        double[] p = new double[m.V];
        Softmax.row(z.data[0], p, m.V);
        return -Math.log(p[target]);
    }

    @Test
    void tableCellsShowWholeNumbersAsThemselves() {
        assertEquals("25", Comparison.cell(new double[] {25, 25, 25}));
        assertEquals("3.7 ± 1.2 (3, 3, 5)", Comparison.cell(new double[] {3, 3, 5}));
        assertEquals("—", Comparison.cell(new double[] {Double.NaN, Double.NaN}));
        assertEquals(Summary.of(new double[] {2.25, 2.5}).meanPlusMinus(), Comparison.cell(new double[] {2.25, 2.5}));
    }

    @Test
    void equalTimeReadsTheCurveLinearly() {
        double[] x = {0, 1, 3}, y = {4, 2, 1};
        assertEquals(4, Comparison.interpolate(x, y, -1));
        assertEquals(3, Comparison.interpolate(x, y, 0.5));
        assertEquals(1.5, Comparison.interpolate(x, y, 2));
        assertEquals(1, Comparison.interpolate(x, y, 9));
    }

    @Test
    void aBadBudgetIsOneLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> Comparison.Budget.smoke().withSteps(25, 10));
        assertTrue(e.getMessage().contains("multiple"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Comparison.run(List.of(), Comparison.Budget.smoke()));
        assertThrows(IllegalArgumentException.class, () -> Contender.of("cnn"));
    }
}
