package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentInit;
import io.github.lmworkbook.layers.Init;
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

    @Option(names = "--dropout", defaultValue = "0",
            description = "Dropout probability p in training, 0 ≤ p < 1: the MLP's hidden layer, a recurrent model's h_t "
                    + "before the head, the transformer's embeddings and residual branches (default: ${DEFAULT-VALUE}, none).")
    double dropout;

    @Option(names = "--init", defaultValue = "default",
            description = "MLP: how H and U are drawn: default (PyTorch's U(±1/√in)), xavier or kaiming.")
    String init = "default";             // also when built without picocli

    @Option(names = "--recurrent-init", defaultValue = "default",
            description = "rnn, gru, lstm: the recurrent matrices: default, orthogonal or identity (IRNN).")
    String recurrentInit = "default";

    @Option(names = "--post-ln",
            description = "Transformer: LayerNorm after each residual addition (the original transformer) instead of "
                    + "before each sub-layer (GPT-2's pre-LN).")
    boolean postLn;

    @Option(names = "--scale-residuals",
            description = "Transformer: GPT-2's 1/√(2·n_layer) on the initial residual projections.")
    boolean scaleResiduals;

    /**
     * mlp: Bengio et al.'s MLP; transformer: makemore's GPT (--n-layer, --n-head, --n-embd; the block size is the
     * data's); every other kind is a recurrent language model over the cell of that name.
     */
    enum ModelKind { mlp, rnn, gru, lstm, transformer }

    /**
     * The data: vocabulary, training batches (random, and the whole training split in order: for the count
     * baselines) and held-out batches.
     */
    record Data(Vocabulary vocab, boolean words, int blockSize, Supplier<Batch> train, Iterable<Batch> trainInOrder,
                Iterable<Batch> dev, Iterable<Batch> test) {
        /** Without the training split in order (no baselines). */
        Data(Vocabulary vocab, boolean words, int blockSize, Supplier<Batch> train, Iterable<Batch> dev,
             Iterable<Batch> test) {
            this(vocab, words, blockSize, train, null, dev, test);
        }
    }

    Data loadData(int batchSize) {
        if (data.equals("names")) {
            List<String> words = Datasets.lines(data).stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
            Vocabulary vocab = Vocabulary.of(words);
            int maxLen = NamesDataset.maxLength(words);
            Splits s = Splits.of(words, seed);
            NamesDataset train = new NamesDataset(s.train(), vocab, maxLen);
            NamesDataset dev = new NamesDataset(s.dev(), vocab, maxLen);
            NamesDataset test = new NamesDataset(s.test(), vocab, maxLen);
            return new Data(vocab, true, train.blockSize(), train.randomBatches(batchSize, seed), train.inOrder(500),
                    dev.inOrder(500), test.inOrder(500));
        }
        String text = Datasets.text(data);
        Vocabulary vocab = Vocabulary.ofText(text);
        TextDataset all = new TextDataset(text, vocab);
        TextDataset[] trainRest = all.splitAt(0.9);
        TextDataset[] devTest = trainRest[1].splitAt(0.5);
        return new Data(vocab, false, blockSize, trainRest[0].randomChunks(batchSize, blockSize, seed),
                trainRest[0].inOrder(batchSize, blockSize), devTest[0].inOrder(batchSize, blockSize),
                devTest[1].inOrder(batchSize, blockSize));
    }

    LanguageModel build(Data d) {
        int V = d.vocab().size();
        if (model == ModelKind.mlp) return new Mlp(mlpConfig(V));
        if (model == ModelKind.transformer) return new Transformer(transformerConfig(V, d.blockSize()));
        return new RecurrentLM(recurrentConfig(V));
    }

    private Mlp.Config mlpConfig(int V) {
        return new Mlp.Config(V, context, nEmbd, nEmbd2, direct, seed, dropout, Init.of(init));
    }

    private Transformer.Config transformerConfig(int V, int blockSize) {
        return new Transformer.Config(V, blockSize, nLayer, nHead, nEmbd, Transformer.Positions.LEARNED, true, true,
                seed, dropout, postLn, scaleResiduals);
    }

    private RecurrentLM.Config recurrentConfig(int V) {
        return new RecurrentLM.Config(V, CellType.of(model.name()), nEmbd, nEmbd2, true, seed, dropout,
                RecurrentInit.of(recurrentInit));
    }

    // ---- validation (before any data is loaded or any model is built) ---------------------------------------

    /**
     * Checks the sizes before anything is loaded or built.
     *
     * @throws IllegalArgumentException naming the option and its value
     */
    void validate() {
        requirePositive("--n-embd", nEmbd);
        requirePositive("--n-embd2", nEmbd2);
        requirePositive("--block-size", blockSize);
        requirePositive("--context", context);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("--dropout " + dropout + ": must be in [0, 1)");
        }
        try {
            Init.of(init);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--init " + init + ": expected default, xavier or kaiming");
        }
        try {
            RecurrentInit.of(recurrentInit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--recurrent-init " + recurrentInit
                    + ": expected default, orthogonal or identity");
        }
        boolean recurrent = model != ModelKind.mlp && model != ModelKind.transformer;
        if (Init.of(init) != Init.DEFAULT && model != ModelKind.mlp) {
            throw new IllegalArgumentException("--init " + init + ": only the MLP has it (--model is " + model + ")");
        }
        if (RecurrentInit.of(recurrentInit) != RecurrentInit.DEFAULT && !recurrent) {
            throw new IllegalArgumentException("--recurrent-init " + recurrentInit + ": only rnn, gru and lstm have it "
                    + "(--model is " + model + ")");
        }
        if ((postLn || scaleResiduals) && model != ModelKind.transformer) {
            throw new IllegalArgumentException((postLn ? "--post-ln" : "--scale-residuals") + ": only the transformer "
                    + "has it (--model is " + model + ")");
        }
        if (model == ModelKind.transformer) {
            requirePositive("--n-layer", nLayer);
            requirePositive("--n-head", nHead);
            if (nEmbd % nHead != 0) {
                throw new IllegalArgumentException("--n-head " + nHead + " does not divide --n-embd " + nEmbd);
            }
        }
        if (model == ModelKind.mlp && (long) context * nEmbd > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--context " + context + " × --n-embd " + nEmbd + " = "
                    + (long) context * nEmbd + " inputs of the MLP's hidden layer; at most " + (Integer.MAX_VALUE - 8));
        }
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " " + value + ": must be ≥ 1");
    }

    /**
     * The number of parameters of the model these options build for a vocabulary of V tokens, from its
     * configuration, without building it (a test keeps each configuration's count equal to its model's).
     *
     * @param blockSize the data's block size (the transformer's learned positions)
     */
    long estimateParams(int V, int blockSize) {
        if (model == ModelKind.mlp) return mlpConfig(V).numParams();
        if (model == ModelKind.transformer) return transformerConfig(V, blockSize).numParams();
        return recurrentConfig(V).numParams();
    }

    /**
     * Refuses, before the model is built, sizes whose memory this JVM cannot hold: estimated as copies × 8 bytes
     * per parameter (values and gradients; AdamW's two moments when training) plus the activations of
     * positions = B·T rows. The estimate is rough (buffers differ by model) but of the right size.
     *
     * @param blockSize the data's block size
     * @param copies    arrays the size of the parameters: 2 (values, gradients), 4 with AdamW
     * @param positions rows of activations in one batch (B·T)
     * @param what      what the memory is for, e.g. "training it"
     * @throws IllegalArgumentException naming the size options, the parameter count and both memory sizes
     */
    void checkMemory(int V, int blockSize, int copies, long positions, String what) {
        long params = estimateParams(V, blockSize);
        long m = nEmbd, H = nEmbd2, v = V, width = model == ModelKind.mlp ? (long) context * m
                : model == ModelKind.transformer ? 8L * nLayer * m + (long) nLayer * nHead * blockSize : m;
        double bytes = 8.0 * ((double) copies * params + (double) positions * (2 * width + 4 * H + 3 * v));
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > available) {
            throw new IllegalArgumentException(sizeOptions() + ": the " + model + " model has "
                    + String.format(java.util.Locale.ROOT, "%,d", params) + " parameters; " + what + " needs about " + gigabytes(bytes) + " but this JVM can use "
                    + gigabytes(available) + " more; choose smaller sizes (or give java more memory with -Xmx)");
        }
    }

    /** The size options of this model, those above their defaults first, e.g. "--n-embd 1000000 (--n-embd2 64)". */
    private String sizeOptions() {
        List<String> big = new java.util.ArrayList<>(), rest = new java.util.ArrayList<>();
        if (model == ModelKind.mlp) (context > 16 ? big : rest).add("--context " + context);
        if (model == ModelKind.transformer) (nLayer > 4 ? big : rest).add("--n-layer " + nLayer);
        (nEmbd > 64 ? big : rest).add("--n-embd " + nEmbd);
        (nEmbd2 > 64 ? big : rest).add("--n-embd2 " + nEmbd2);
        if (big.isEmpty()) return String.join(" ", rest);
        return String.join(" ", big) + (rest.isEmpty() ? "" : " (with " + String.join(" ", rest) + ")");
    }

    private static String gigabytes(double bytes) {
        return bytes >= 1e9 ? String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(java.util.Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    String describe(LanguageModel m) {
        return model + " on " + data + " (" + m.numParams() + " parameters, seed " + seed + ")";
    }
}
