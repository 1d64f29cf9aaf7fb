package io.github.lmworkbook.train;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    /** 400 made-up "names" with a strong bigram structure (a→b→c…), so a bigram model can learn them. */
    static List<String> words() {
        Random rng = new Random(1);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            char c = (char) ('a' + rng.nextInt(3));
            int len = 2 + rng.nextInt(6);
            for (int k = 0; k < len; k++) {
                sb.append(c);
                c = (char) ('a' + (c - 'a' + 1 + (rng.nextInt(10) == 0 ? 1 : 0)) % 6);
            }
            words.add(sb.toString());
        }
        return words;
    }

    @Test
    void lossDecreasesAndHistoryIsRecorded() {
        List<String> words = words();
        Vocabulary vocab = Vocabulary.of(words);
        Splits s = Splits.of(words, 42);
        int maxLen = words.stream().mapToInt(String::length).max().orElseThrow();
        NamesDataset train = new NamesDataset(s.train(), vocab, maxLen);
        NamesDataset dev = new NamesDataset(s.dev(), vocab, maxLen);
        Bigram model = new Bigram(vocab.size(), 7);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Trainer<Batch> trainer = Trainer.of(model, new AdamW(model, 0.05))
                .data(train.randomBatches(16, 3))
                .steps(300)
                .eval(dev.inOrder(25), 100)
                .log(new PrintStream(buf, true, StandardCharsets.UTF_8));
        double before = Trainer.evaluate(model, dev.inOrder(25));
        TrainingHistory h = trainer.run();
        double after = Trainer.evaluate(model, dev.inOrder(25));

        assertEquals(300, h.size());
        assertTrue(after < before - 0.5, "dev loss " + before + " → " + after);
        assertTrue(h.lastTrainLoss(50) < h.trainLoss()[0] - 0.5);
        assertArrayEquals(new int[] {0, 100, 200, 299}, h.evalSteps());
        assertEquals(before, h.devLosses()[0], 1e-12, "the first evaluation happens before any update");

        String log = buf.toString(StandardCharsets.UTF_8);
        long lines = log.lines().count();
        assertTrue(lines >= 10 && lines <= 13, "progress lines: " + lines + "\n" + log);
        assertTrue(log.contains("step    299/300"), log);

        Table t = h.table();
        assertEquals(300, t.rowCount());
        assertEquals(List.of("step", "train_loss", "dev_loss", "grad_norm", "lr"), t.columnNames());
        assertEquals(h.devLosses()[1], t.doubleColumn("dev_loss").get(100), 0);
        assertTrue(t.doubleColumn("dev_loss").isMissing(1));
        assertEquals(4, h.evalTable().rowCount());

        // a second run continues the step count and the history
        trainer.steps(50).quiet().run();
        assertEquals(350, h.size());
        assertEquals(349, h.steps()[349]);
    }

    @Test
    void evaluateIsTheMeanOverEveryTargetWhateverTheBatchSize() {
        List<String> words = words();
        Vocabulary vocab = Vocabulary.of(words);
        NamesDataset ds = new NamesDataset(words.subList(0, 37), vocab);
        Bigram model = new Bigram(vocab.size(), 7);
        double a = Trainer.evaluate(model, ds.inOrder(37));
        double b = Trainer.evaluate(model, ds.inOrder(5));
        double c = Trainer.evaluate(model, ds.inOrder(1));
        assertEquals(a, b, 1e-12);
        assertEquals(a, c, 1e-12);
    }

    @Test
    void nanInAGradientStopsNamingTheStepAndTheParameter() {
        List<String> words = words();
        Vocabulary vocab = Vocabulary.of(words);
        NamesDataset ds = new NamesDataset(words, vocab);
        Bigram model = new Bigram(vocab.size(), 7);
        model.nanAtCall = 7;
        Trainer<Batch> trainer = Trainer.of(model, new Sgd(model, 0.1)).data(ds.randomBatches(8, 1)).steps(20).quiet();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::run);
        assertEquals(7, e.step());
        assertEquals("b", e.culprit());
        assertTrue(e.getMessage().contains("step 7") && e.getMessage().contains("'b'"), e.getMessage());
        assertEquals(7, e.history().size());
    }

    @Test
    void nanGradientIsCaughtBeforeTheHookToo() {
        // a NaN in W before the step makes the loss NaN: the loss check fires first
        List<String> words = words();
        Vocabulary vocab = Vocabulary.of(words);
        NamesDataset ds = new NamesDataset(words, vocab);
        Bigram model = new Bigram(vocab.size(), 7);
        model.W.value.fill(Double.NaN);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Trainer.of(model, new Sgd(model, 0.1)).data(ds.randomBatches(8, 1)).steps(5).quiet().run());
        assertEquals(0, e.step());
        assertEquals("loss", e.culprit());
        assertTrue(e.getMessage().contains("parameter 'W'"), e.getMessage());
    }

    @Test
    void timeBudgetStopsEarly() {
        List<String> words = words();
        Vocabulary vocab = Vocabulary.of(words);
        NamesDataset ds = new NamesDataset(words, vocab);
        Bigram model = new Bigram(vocab.size(), 7);
        java.util.function.Supplier<Batch> slow = new java.util.function.Supplier<>() {
            final java.util.function.Supplier<Batch> inner = ds.randomBatches(4, 1);

            @Override
            public Batch get() {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                return inner.get();
            }
        };
        TrainingHistory h = Trainer.of(model, new Sgd(model, 0.1)).data(slow).steps(1_000_000).quiet()
                .timeBudgetSeconds(0.2).run();
        assertTrue(h.size() > 0 && h.size() < 100, "steps: " + h.size());
        assertTrue(h.stopReason().contains("time budget"), h.stopReason());
    }

    @Test
    void scheduleSetsTheLearningRateEachStep() {
        List<String> words = words();
        Vocabulary vocab = Vocabulary.of(words);
        NamesDataset ds = new NamesDataset(words, vocab);
        Bigram model = new Bigram(vocab.size(), 7);
        TrainingHistory h = Trainer.of(model, new Sgd(model, 1.0)).data(ds.randomBatches(4, 1)).steps(10).quiet()
                .schedule(LrSchedule.stepDecay(0.1, 5, 0.5)).clipGradNorm(0.01).run();
        assertEquals(0.1, h.lrs()[4], 0);
        assertEquals(0.05, h.lrs()[5], 0);
        for (double n : h.gradNorms()) assertTrue(n > 0.01, "norm recorded before clipping: " + n);
    }
}
