package io.github.lmworkbook.train;

import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Mlp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The MLP with a context of one token (a neural bigram): train, sample, save, load — the pieces together on a
 * library model: split, batches, AdamW + schedule + clipping, eval, sample, save/load.
 */
class NeuralBigramTrainingTest {
    @Test
    void trainSampleSaveLoad(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        List<String> words = TrainerTest.words();
        Vocabulary vocab = Vocabulary.of(words);
        Splits s = Splits.of(words, 42);
        int maxLen = NamesDataset.maxLength(words);
        NamesDataset train = new NamesDataset(s.train(), vocab, maxLen), dev = new NamesDataset(s.dev(), vocab, maxLen);
        Mlp net = new Mlp(new Mlp.Config(vocab.size(), 1, 8, 32, false, 3L));
        TrainingHistory h = Trainer.of(net, new AdamW(net, 1e-2)).data(train.randomBatches(16, 1)).steps(400)
                .schedule(LrSchedule.warmupCosine(1e-2, 20, 400, 1e-3)).clipGradNorm(1.0)
                .eval(dev.inOrder(64), 200).quiet().run();
        double[] dl = h.devLosses();
        assertTrue(dl[dl.length - 1] < dl[0] - 0.5, "dev loss " + dl[0] + " → " + dl[dl.length - 1]);

        List<String> samples = new Sampler(net, vocab, 9).names(5);
        Path f = dir.resolve("net.bin");
        ModelIO.save(net, f);
        Mlp copy = new Mlp(new Mlp.Config(vocab.size(), 1, 8, 32, false, 99L));
        ModelIO.load(copy, f);
        assertEquals(Trainer.evaluate(net, dev.inOrder(64)), Trainer.evaluate(copy, dev.inOrder(64)), 0);
        assertEquals(samples, new Sampler(copy, vocab, 9).names(5));
    }
}
