package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.function.Supplier;

/**
 * The options that pick a model and its data, shared by train, sample and gradcheck, so that a saved model is
 * rebuilt with the same shapes it was trained with.
 */
final class ModelOptions {
    @Option(names = "--model", defaultValue = "mlp",
            description = "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    ModelKind model;

    @Option(names = "--data", defaultValue = "names",
            description = "Data set: names (one word per line) or tinyshakespeare (running text). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--n-embd", defaultValue = "64", description = "Embedding size m (default: ${DEFAULT-VALUE}).")
    int nEmbd;

    @Option(names = "--n-embd2", defaultValue = "64", description = "Hidden size H (default: ${DEFAULT-VALUE}).")
    int nEmbd2;

    @Option(names = "--block-size", defaultValue = "32",
            description = "Sequence length T for running text (names use the longest name + 1). Default: ${DEFAULT-VALUE}.")
    int blockSize;

    @Option(names = "--context", defaultValue = "16",
            description = "MLP: how many previous tokens n the model sees (default: ${DEFAULT-VALUE}, makemore's block size).")
    int context;

    @Option(names = "--direct", description = "MLP: add Bengio et al.'s direct connections from the embeddings to the output.")
    boolean direct;

    @Option(names = "--n-layer", defaultValue = "4",
            description = "Transformer: the number of blocks (default: ${DEFAULT-VALUE}).")
    int nLayer;

    @Option(names = "--n-head", defaultValue = "4",
            description = "Transformer: attention heads per block; must divide --n-embd (default: ${DEFAULT-VALUE}).")
    int nHead;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    /**
     * mlp: Bengio et al.'s MLP; transformer: makemore's GPT (--n-layer, --n-head, --n-embd; the block size is the
     * data's); every other kind is a recurrent language model over the cell of that name.
     */
    enum ModelKind { mlp, rnn, transformer }

    /** The data: vocabulary, training batches and held-out batches. */
    record Data(Vocabulary vocab, boolean words, int blockSize, Supplier<Batch> train, Iterable<Batch> dev,
                Iterable<Batch> test) {}

    Data loadData(int batchSize) {
        if (data.equals("names")) {
            List<String> words = Datasets.lines(data).stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
            Vocabulary vocab = Vocabulary.of(words);
            int maxLen = NamesDataset.maxLength(words);
            Splits s = Splits.of(words, seed);
            NamesDataset train = new NamesDataset(s.train(), vocab, maxLen);
            NamesDataset dev = new NamesDataset(s.dev(), vocab, maxLen);
            NamesDataset test = new NamesDataset(s.test(), vocab, maxLen);
            return new Data(vocab, true, train.blockSize(), train.randomBatches(batchSize, seed), dev.inOrder(500),
                    test.inOrder(500));
        }
        String text = Datasets.text(data);
        Vocabulary vocab = Vocabulary.ofText(text);
        TextDataset all = new TextDataset(text, vocab);
        TextDataset[] trainRest = all.splitAt(0.9);
        TextDataset[] devTest = trainRest[1].splitAt(0.5);
        return new Data(vocab, false, blockSize, trainRest[0].randomChunks(batchSize, blockSize, seed),
                devTest[0].inOrder(batchSize, blockSize), devTest[1].inOrder(batchSize, blockSize));
    }

    LanguageModel build(Data d) {
        int V = d.vocab().size();
        if (model == ModelKind.mlp) return new Mlp(new Mlp.Config(V, context, nEmbd, nEmbd2, direct, seed));
        if (model == ModelKind.transformer) {
            return new Transformer(new Transformer.Config(V, d.blockSize(), nLayer, nHead, nEmbd,
                    Transformer.Positions.LEARNED, true, true, seed));
        }
        return new RecurrentLM(new RecurrentLM.Config(V, CellType.of(model.name()), nEmbd, nEmbd2, true, seed));
    }

    String describe(LanguageModel m) {
        return model + " on " + data + " (" + m.numParams() + " parameters, seed " + seed + ")";
    }
}
