package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Transformer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * nanoGPT's CPU recipe: its settings are nanoGPT's, its schedule is get_lr, AdamW's groups are nanoGPT's, a short run
 * estimates both splits where nanoGPT does, is reproducible from its seed, and writes its log.
 */
class NanoGptRecipeTest {
    @AfterEach
    void restore() {
        Kernels.setPrecision(Kernels.Precision.FLOAT64);
    }

    /** A text of 4,000 characters over 20 letters, with some structure to learn. */
    static String text() {
        StringBuilder s = new StringBuilder();
        java.util.Random rng = new java.util.Random(3);
        String[] words = {"to be ", "or not ", "that is ", "the question ", "whether tis ", "nobler\n"};
        while (s.length() < 4000) s.append(words[rng.nextInt(words.length)]);
        return s.toString();
    }

    @Test
    void theCpuRecipeIsNanoGptsReadmeRun() {
        NanoGptRecipe r = NanoGptRecipe.cpu();
        assertEquals(new NanoGptRecipe(4, 4, 128, 64, 12, 2000, 1e-3, 1e-4, 100, 2000, 0.9, 0.99, 0.1, 1.0, 250, 20,
                1337), r);
        String s = r.settings();
        for (String want : new String[] {"n_layer 4, n_head 4, n_embd 128, block_size 64", "no biases", "tied",
            "12 random chunks of 64 characters", "max_iters      2000", "warmup_iters 100", "min_lr 1.0e-4",
            "lr_decay_iters 2000", "betas (0.9, 0.99)", "weight_decay 0.1 on the weight matrices", "1.0 (global norm)",
            "mean loss of 20 random batches", "seed           1337", "float64 products"}) {
            assertTrue(s.contains(want), "settings lack '" + want + "':\n" + s);
        }
        NanoGptRecipe short_ = r.withMaxIters(300);
        assertEquals(300, short_.maxIters());
        assertEquals(300, short_.lrDecayIters());
        assertEquals(30, short_.warmupIters());
        assertEquals(Transformer.Config.nanoGpt(65, 64, 4, 4, 128, 1337), r.config(65));
    }

    /** nanoGPT's get_lr(it) with warmup_iters 100, lr_decay_iters 2000, learning_rate 1e-3, min_lr 1e-4. */
    static double getLr(int it) {
        if (it < 100) return 1e-3 * (it + 1) / (100 + 1);
        if (it > 2000) return 1e-4;
        double ratio = (it - 100) / (double) (2000 - 100);
        return 1e-4 + 0.5 * (1.0 + Math.cos(Math.PI * ratio)) * (1e-3 - 1e-4);
    }

    @Test
    void theScheduleIsNanoGptsGetLr() {
        LrSchedule s = NanoGptRecipe.cpu().schedule();
        for (int it : new int[] {0, 1, 50, 99, 100, 101, 1050, 1999, 2000, 2001, 5000}) {
            assertEquals(getLr(it), s.lr(it), 1e-18, "iteration " + it);
        }
        assertEquals(1e-3 / 101, s.lr(0), 1e-18);
        assertEquals(1e-3, s.lr(100), 1e-18);
        assertEquals(1e-4, s.lr(2000), 1e-18);
    }

    @Test
    void weightDecayGroupsAreNanoGpts() {
        Transformer m = new Transformer(Transformer.Config.nanoGpt(11, 8, 1, 2, 8, 1).withBias(true));
        AdamW opt = NanoGptRecipe.cpu().optimizer(m);
        List<String> decayed = new ArrayList<>(), not = new ArrayList<>();
        for (Param p : m.params()) (opt.decays(p) ? decayed : not).add(p.name);
        assertEquals(List.of("wte", "wpe", "h0.attn.qkv.W", "h0.attn.o.W", "h0.mlp.fc.W", "h0.mlp.proj.W"), decayed);
        assertEquals(List.of("h0.ln1.g", "h0.ln1.b", "h0.attn.qkv.b", "h0.attn.o.b", "h0.ln2.g", "h0.ln2.b",
                "h0.mlp.fc.b", "h0.mlp.proj.b", "ln_f.g", "ln_f.b"), not);
        assertEquals(0.9, opt.beta1());
        assertEquals(0.99, opt.beta2());
        assertEquals(0.1, opt.weightDecay());
    }

    @Test
    void decayOnlyLeavesTheOtherParametersUndecayed() {
        Param w = new Param("W", Matrix.of(new double[][] {{1, 2}, {3, 4}})), b = new Param("b", Matrix.row(5, 6));
        Model model = () -> List.of(w, b);                  // zero gradients: only the decay moves anything
        AdamW opt = new AdamW(model, 0.1, 0.5).decayOnly(AdamW.MATRICES);
        opt.step();
        assertArrayEquals(new double[] {0.95, 1.9}, w.value.data[0], 1e-15);   // ×(1 − ηλ)
        assertArrayEquals(new double[] {5, 6}, b.value.data[0], 0.0);
        assertTrue(opt.decays(w));
        assertFalse(opt.decays(b));
        assertThrows(IllegalArgumentException.class, () -> opt.decays(new Param("x", Matrix.row(1))));
        // the default decays everything, bit for bit as before
        Param w2 = new Param("W", Matrix.row(5, 6));
        new AdamW(() -> List.of(w2), 0.1, 0.5).step();
        assertArrayEquals(new double[] {5 * (1 - 0.05), 6 * (1 - 0.05)}, w2.value.data[0], 0.0);
    }

    @Test
    void anEstimateDrawsFreshBatchesEachTime() {
        String t = text();
        TextDataset d = new TextDataset(t, Vocabulary.ofText(t));
        Iterable<Batch> est = d.randomSample(3, 16, 4, 9);
        List<int[]> first = new ArrayList<>(), second = new ArrayList<>();
        for (Batch b : est) first.add(b.x()[0].clone());
        for (Batch b : est) second.add(b.x()[0].clone());
        assertEquals(4, first.size());
        assertEquals(4, second.size());
        assertFalse(Arrays.equals(first.get(0), second.get(0)), "the random source continues across estimates");
        List<int[]> again = new ArrayList<>();
        for (Batch b : d.randomSample(3, 16, 4, 9)) again.add(b.x()[0].clone());
        for (int i = 0; i < 4; i++) assertArrayEquals(first.get(i), again.get(i), "seeded");
        assertThrows(IllegalArgumentException.class, () -> d.randomSample(3, 16, 0, 9));
    }

    static NanoGptRecipe tiny() {
        return new NanoGptRecipe(1, 2, 16, 16, 4, 30, 3e-3, 3e-4, 5, 30, 0.9, 0.99, 0.1, 1.0, 10, 3, 11);
    }

    @Test
    void aShortRunEstimatesBothSplitsWhereNanoGptDoesAndIsReproducible(@TempDir Path dir) throws Exception {
        String t = text();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        NanoGptRecipe.Run run = tiny().run(t, new java.io.PrintStream(bytes, true, "UTF-8"), 10);
        String log = bytes.toString("UTF-8");
        assertArrayEquals(new int[] {0, 10, 20, 30}, run.evalIters());
        for (int it : run.evalIters()) assertTrue(log.contains("step " + it + ": train loss "), log);
        assertEquals(30, run.history().size());
        assertTrue(run.valLoss()[3] < run.valLoss()[0] - 0.25, Arrays.toString(run.valLoss()));
        assertTrue(run.trainLoss()[3] < run.trainLoss()[0] - 0.25, Arrays.toString(run.trainLoss()));
        assertEquals(run.valLoss()[3], run.finalValLoss());
        double[] lrs = run.history().lrs();
        assertEquals(3e-3 / 6, lrs[0], 1e-18);
        assertEquals(3e-4, lrs[29], 2e-5);
        assertTrue(run.medianIterMs(5) > 0 && run.medianIterCpuMs(5) > 0);
        assertEquals(Kernels.Precision.FLOAT64, run.precision());
        // the same seed, the same run
        NanoGptRecipe.Run again = tiny().run(t, null, 0);
        assertArrayEquals(run.valLoss(), again.valLoss(), 0.0);
        assertArrayEquals(run.history().trainLoss(), again.history().trainLoss(), 0.0);
        assertEquals(run.sample(50, 1), again.sample(50, 1));
        assertTrue(run.sample(50, 1).startsWith("\n"));
        assertEquals(51, run.sample(50, 1).length());
        // the log as CSV
        Path csv = dir.resolve("log.csv");
        run.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("kind,iter,loss,train_loss,val_loss,lr,ms,cpu_ms", lines.get(0));
        assertEquals(1 + 30 + 4, lines.size());
        assertTrue(lines.get(1).startsWith("iter,0,"), lines.get(1));
        assertTrue(lines.get(31).startsWith("eval,0,,"), lines.get(31));
        Table table = run.log();
        assertEquals(34, table.rowCount());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void float32RunsWithinNoiseOfFloat64() {
        String t = text();
        NanoGptRecipe r = new NanoGptRecipe(1, 2, 64, 32, 8, 40, 3e-3, 3e-4, 5, 40, 0.9, 0.99, 0.1, 1.0, 20, 4, 12);
        NanoGptRecipe.Run f64 = r.run(t, null, 0);
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        NanoGptRecipe.Run f32 = r.run(t, null, 0);
        assertEquals(Kernels.Precision.FLOAT32, f32.precision());
        double[] a = f64.history().trainLoss(), b = f32.history().trainLoss();
        assertNotEquals(a[39], b[39], "float32 rounds differently");
        for (int i = 0; i < 40; i++) assertEquals(a[i], b[i], 1e-3 * a[i], "iteration " + i);
        assertEquals(f64.finalValLoss(), f32.finalValLoss(), 1e-3 * f64.finalValLoss());
    }

    @Test
    void badSettingsAreNamed() {
        NanoGptRecipe c = NanoGptRecipe.cpu();
        var e = assertThrows(IllegalArgumentException.class, () -> new NanoGptRecipe(4, 3, 128, 64, 12, 2000, 1e-3,
                1e-4, 100, 2000, 0.9, 0.99, 0.1, 1.0, 250, 20, 1));
        assertEquals("nanoGPT recipe: n_head 3 must divide n_embd 128", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NanoGptRecipe(4, 4, 128, 64, 12, 2000, 1e-3,
                1e-2, 100, 2000, 0.9, 0.99, 0.1, 1.0, 250, 20, 1));
        assertTrue(e.getMessage().contains("min_lr 0.01 in [0, learning_rate]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NanoGptRecipe(4, 4, 128, 64, 12, 2000, 1e-3,
                1e-4, 100, 100, 0.9, 0.99, 0.1, 1.0, 250, 20, 1));
        assertTrue(e.getMessage().contains("warmup_iters 100 must be ≥ 0 and below lr_decay_iters 100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NanoGptRecipe(4, 4, 128, 64, 12, 2000, 1e-3,
                1e-4, 100, 2000, 1.0, 0.99, 0.1, 1.0, 250, 20, 1));
        assertTrue(e.getMessage().contains("betas (1.0, 0.99)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> c.withEval(0, 20));
        assertTrue(e.getMessage().contains("eval_interval 0"), e.getMessage());
    }
}
