package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.Softmax;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Sizing the contenders to a parameter count, and ‖∂L/∂x_t‖ by distance for every kind of model. */
class ComparisonTest {

    static List<Contender> contenders() {
        List<Contender> all = new ArrayList<>(Contender.defaults());
        all.add(Contender.transformerWithHeadSize(2, 16));
        all.add(Contender.lstm(16, 1.0));
        return all;
    }

    @Test
    void everyContenderIsSizedWithinAFewPercentOfTheTarget() {
        for (long target : new long[] {3_000, 12_000, 50_000}) {
            for (Contender c : contenders()) {
                for (int V : new int[] {27, 65}) {
                    Comparison.Sized s = Comparison.match(c, V, 32, target);
                    // the transformer's count grows as ~24·C² (two layers): one width step is up to ~10% at 3,000
                    double tol = c instanceof Contender.TransformerContender || c instanceof Contender.HeadSizeTransformer
                            ? 0.10 : 0.03;
                    assertEquals(target, s.params(), tol * target, c.name() + " at " + target + ", V = " + V);
                    long other = c.numParams(V, 32, s.width() + c.widthStep());
                    assertTrue(Math.abs(other - target) >= Math.abs(s.params() - target), c.name() + " closest");
                    assertEquals(c.create(V, 32, s.width(), 1).numParams(), s.params(), c.name());
                }
            }
        }
    }

    @Test
    void theMlpsGradientStopsAtItsWindowAndTheOthersReachTheStart() {
        int T = 20;
        Random r = new Random(5);
        List<int[]> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            int[] x = new int[T], y = new int[T];
            for (int t = 0; t < T; t++) {
                x[t] = r.nextInt(27);
                y[t] = r.nextInt(27);
            }
            xs.add(x);
            ys.add(y);
        }
        for (Contender c : contenders()) {
            Comparison.Sized s = Comparison.match(c, 27, T, 5_000);
            LanguageModel m = c.create(27, T, s.width(), 1);
            double[] g = Comparison.inputGradients(m, xs, ys);
            assertEquals(T, g.length, c.name());
            int reach = 0;
            for (int k = 0; k < T; k++) if (g[k] > 0) reach = k;
            if (c.name().equals("MLP")) {
                assertEquals(7, reach, "n = 8: distances 0 … 7");
                for (int k = 8; k < T; k++) assertEquals(0.0, g[k]);
            } else {
                assertEquals(T - 1, reach, c.name());
            }
        }
        assertEquals("LSTM", Contender.lstm(16, 1.0).name());
        assertEquals("LSTM b_f=0", Contender.lstm(16, 0.0).name());
        assertEquals(CellType.LSTM, Contender.lstm(16, 1.0).cell());
    }

    @Test
    void theHeadSizeTransformerGivesHeadsOfAboutThatWidth() {
        Contender.HeadSizeTransformer t = (Contender.HeadSizeTransformer) Contender.transformerWithHeadSize(2, 16);
        assertEquals(1, t.heads(18));
        assertEquals(2, t.heads(44));
        assertEquals(2, t.heads(40));
        assertEquals(3, t.heads(48));
        assertEquals(1, t.heads(7));
        assertEquals("2 layers, 2 heads of 22, C = 44", t.sizes(44));
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
}
