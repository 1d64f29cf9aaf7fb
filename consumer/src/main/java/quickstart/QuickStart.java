package quickstart;

import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.Sampler;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Train makemore's MLP on names, check its backward pass, sample names, save and load it. */
public class QuickStart {
    public static void main(String[] args) throws Exception {
        // names.txt: downloaded on first use (or copied from $LMW_DATA_MIRROR), checked by its SHA-256
        List<String> words = Datasets.lines("names");
        Vocabulary vocab = Vocabulary.of(words);                 // '.' and a–z
        Splits splits = Splits.of(words, 42);                    // 80 % train, 10 % dev, 10 % test
        int maxLen = NamesDataset.maxLength(words);
        NamesDataset train = new NamesDataset(splits.train(), vocab, maxLen);
        NamesDataset dev = new NamesDataset(splits.dev(), vocab, maxLen);

        Mlp model = new Mlp(Mlp.Config.makemore(vocab.size(), 42));   // 3 characters of context
        System.out.println(model);

        // the hand-written backward pass against central differences, on one batch
        GradCheckReport check = GradientChecker.check(model, train.randomBatches(8, 1).get());
        System.out.println(check.summary());
        if (!check.passed()) throw new AssertionError("gradient check failed");

        // AdamW, 1,000 steps of 32 names, the dev loss every 250 steps (progress lines on stdout)
        TrainingHistory h = Trainer.of(model, new AdamW(model, 3e-3))
                .data(train.randomBatches(32, 42))
                .steps(1000)
                .eval(dev.inOrder(500), 250)
                .run();
        System.out.printf("dev loss %.3f (uniform guess: %.3f)%n", h.lastDevLoss(), Math.log(vocab.size()));

        System.out.println(new Sampler(model, vocab, 7).names(10));

        // save (written to a temporary file, then renamed), load into a fresh model: the same loss
        Path file = Files.createTempFile("mlp", ".bin");
        ModelIO.save(model, file);
        Mlp loaded = new Mlp(Mlp.Config.makemore(vocab.size(), 0));
        ModelIO.load(loaded, file);
        System.out.printf("loaded from %s: dev loss %.3f%n", file, Trainer.evaluate(loaded, dev.inOrder(500)));
        Files.delete(file);
    }
}
