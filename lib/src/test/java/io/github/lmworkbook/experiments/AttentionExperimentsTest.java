package io.github.lmworkbook.experiments;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.charts.Heatmaps;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.DelayedCopyTask;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.Trainer;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The instruments of notebook 05: models kept by Seeds, input gradients by distance, attention maps and head statistics. */
class AttentionExperimentsTest {
    static Transformer tiny(long seed) {
        return new Transformer(new Transformer.Config(4, 8, 1, 2, 8, Transformer.Positions.LEARNED, true, true, seed));
    }

    @Test
    void aTrainedModelKeptBySeedsIsTheOneThatWasMeasured() {
        // the notebook's pattern: train per condition and seed, keep the model, look inside it afterwards
        DelayedCopyTask task = new DelayedCopyTask(4, 8, 2);
        List<Batch> dev = task.fixedSet(2, 16, 9);
        SeedResults<String> r = Seeds.run(List.of("a", "b"), String::valueOf, Seeds.THREE, (arm, seed) -> {
            LanguageModel m = tiny(seed);
            Trainer.of(m, new AdamW(m, 1e-2, 0.0)).data(task.batches(8, seed)).steps(20).clipGradNorm(1.0)
                    .quiet().run();
            return new Outcome().metric("dev loss", Trainer.evaluate(m, dev)).keep("model", m);
        }, null);
        for (long seed : Seeds.THREE) {
            Outcome o = r.outcome("a", seed);
            assertEquals(o.metric("dev loss"), Trainer.evaluate(o.kept("model", LanguageModel.class), dev), 0.0);
            // the same seed gives the same run, whatever the condition's name
            assertEquals(o.metric("dev loss"), r.outcome("b", seed).metric("dev loss"), 0.0);
        }
    }

    @Test
    void inputGradientsAgreeWithCentralDifferencesOfTheEmbeddings() {
        // ∂L/∂x_t at the first position of a one-sequence batch, against moving C[token_0] (used once)
        Random rng = new Random(4);
        int[] x = {0, 1, 2, 3, 1, 2}, y = {-1, -1, -1, -1, -1, 3};
        RecurrentLM rnn = new RecurrentLM(new RecurrentLM.Config(4, CellType.RNN, 3, 5, true, 4));
        rnn.recurrence.start.value.setFrom(Matrix.randn(1, 5, 0.5, rng));
        double[] byDistance = InputGradients.recurrent(rnn, List.of(x), List.of(y));
        assertEquals(6, byDistance.length);
        double[] c0 = rnn.embedding.C.value.data[0];
        double[] g = new double[3];
        for (int j = 0; j < 3; j++) {
            double old = c0[j], h = 1e-5;
            c0[j] = old + h;
            double up = rnn.loss(new Batch(new int[][] {x}, new int[][] {y}));
            c0[j] = old - h;
            double down = rnn.loss(new Batch(new int[][] {x}, new int[][] {y}));
            c0[j] = old;
            g[j] = (up - down) / (2 * h);
        }
        assertEquals(Math.sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]), byDistance[5], 1e-8);
        assertEquals(0.0, rnn.embedding.C.grad.norm(), "the gradients are zeroed afterwards");

        Transformer t = new Transformer(new Transformer.Config(4, 6, 1, 1, 4, Transformer.Positions.NONE, true, true, 5));
        double[] tb = InputGradients.transformer(t, List.of(x), List.of(y));
        double[] w0 = t.wte.C.value.data[0], gt = new double[4];
        Batch one = new Batch(new int[][] {x}, new int[][] {y});
        for (int j = 0; j < 4; j++) {
            double old = w0[j], h = 1e-5;
            w0[j] = old + h;
            double up = t.loss(one);
            w0[j] = old - h;
            double down = t.loss(one);
            w0[j] = old;
            gt[j] = (up - down) / (2 * h);
        }
        assertEquals(Math.sqrt(gt[0] * gt[0] + gt[1] * gt[1] + gt[2] * gt[2] + gt[3] * gt[3]), tb[5], 1e-8);
    }

    @Test
    void attentionMapsAndHeadStatistics() {
        Transformer t = new Transformer(new Transformer.Config(5, 6, 2, 2, 8, Transformer.Positions.LEARNED, true, true, 6));
        List<Matrix> maps = AttentionMaps.of(t, new int[] {0, 1, 2, 3});
        assertEquals(4, maps.size());
        for (Matrix m : maps) {
            assertEquals(4, m.rows);
            for (double[] row : m.data) assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-14);
        }
        // the statistics are means of the maps' entries over every position i ≥ 1 of every sequence
        Batch batch = new Batch(new int[][] {{0, 1, 2, 3}, {0, 3, 3, 1}}, new int[][] {{1, 2, 3, 0}, {3, 3, 1, 0}});
        List<AttentionMaps.HeadStats> stats = AttentionMaps.stats(t, List.of(batch));
        assertEquals(4, stats.size());
        double prev = 0;
        for (int b = 0; b < 2; b++) {
            Matrix w = AttentionMaps.of(t, batch.x()[b]).get(3);                 // layer 1, head 1
            for (int i = 1; i < 4; i++) prev += w.data[i][i - 1];
        }
        assertEquals(prev / 6, stats.get(3).previous(), 1e-14);
        assertEquals(new AttentionMaps.HeadStats(0, 0, 0.6, 0.2, 0.1).role(), "previous token");
        assertEquals(new AttentionMaps.HeadStats(0, 0, 0.2, 0.2, 0.2).role(), "mixed");
    }

    @Test
    void heatmapGridsDrawEveryPanel() {
        List<double[][]> maps = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            maps.add(new double[][] {{1, 0, 0}, {0.5, 0.5, 0}, {0.2, 0.3, 0.5}});
            titles.add("head " + k);
        }
        BufferedImage img = Heatmaps.grid("maps", titles, maps, new String[] {".", "a", "a"}, 4, 150);
        assertEquals(600, img.getWidth());
        assertEquals(34 + 2 * 150, img.getHeight());
        var e = assertThrows(IllegalArgumentException.class, () -> Heatmaps.heatmap("x", new double[][] {{1}},
                new String[] {"a", "b"}, new String[] {"a"}, 0, 1, 100, 100));
        assertTrue(e.getMessage().contains("1×1 values for 2 row and 1 column labels"), e.getMessage());
    }
}
