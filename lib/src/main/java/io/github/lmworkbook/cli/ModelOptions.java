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
import io.github.lmworkbook.train.NanoGptRecipe;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

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

    @Option(names = "--recipe", paramLabel = "NAME",
            description = "nanogpt-cpu: nanoGPT's CPU recipe (its GPT without biases, head tied to the embedding, nanoGPT's "
                    + "init; n_layer 4, n_head 4, n_embd 128, block 64 on tinyshakespeare; seed 1337). Sizes and "
                    + "--seed given explicitly override it.")
    String recipe;

    /** The one recipe. */
    static final String NANOGPT_CPU = "nanogpt-cpu";

    /** True when --recipe nanogpt-cpu is given. */
    boolean nanoGpt() {
        return NANOGPT_CPU.equals(recipe);
    }

    /**
     * --recipe nanogpt-cpu: the recipe's model and data for every option not given on the command line (called
     * before {@link #validate()}).
     *
     * @throws IllegalArgumentException for an unknown recipe, or an option given that contradicts it
     */
    void applyRecipe(ParseResult given) {
        if (recipe == null) return;
        if (!nanoGpt()) {
            throw new IllegalArgumentException("--recipe " + recipe + ": unknown recipe, expected " + NANOGPT_CPU);
        }
        if (given.hasMatchedOption("--model") && model != ModelKind.transformer) {
            throw new IllegalArgumentException("--model " + model + ": --recipe " + recipe + " trains the transformer");
        }
        if (given.hasMatchedOption("--data") && !data.equals("tinyshakespeare")) {
            throw new IllegalArgumentException("--data " + data + ": --recipe " + recipe + " trains on tinyshakespeare");
        }
        NanoGptRecipe r = NanoGptRecipe.cpu();
        model = ModelKind.transformer;
        data = "tinyshakespeare";
        if (!given.hasMatchedOption("--n-layer")) nLayer = r.layers();
        if (!given.hasMatchedOption("--n-head")) nHead = r.heads();
        if (!given.hasMatchedOption("--n-embd")) nEmbd = r.embed();
        if (!given.hasMatchedOption("--block-size")) blockSize = r.blockSize();
        if (!given.hasMatchedOption("--seed")) seed = r.seed();
    }

    /**
     * mlp: Bengio et al.'s MLP; transformer: makemore's GPT (--n-layer, --n-head, --n-embd; the block size is the
     * data's); every other kind is a recurrent language model over the cell of that name.
     */
    enum ModelKind { mlp, rnn, gru, lstm, transformer }

    /** The data: vocabulary, training batches and held-out batches. */
    record Data(Vocabulary vocab, boolean words, int blockSize, Supplier<Batch> train, Iterable<Batch> dev,
                Iterable<Batch> test) {}

    Data loadData(int batchSize) {
        if (nanoGpt()) {                      // nanoGPT's contiguous 90/10 split; the val split serves as dev and test
            String text = Datasets.text(data);
            Vocabulary vocab = Vocabulary.ofText(text);
            TextDataset[] split = new TextDataset(text, vocab).splitAt(NanoGptRecipe.TRAIN_FRACTION);
            return new Data(vocab, false, blockSize, split[0].randomChunks(batchSize, blockSize, seed),
                    split[1].inOrder(batchSize, blockSize), split[1].inOrder(batchSize, blockSize));
        }
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
        if (model == ModelKind.mlp) return new Mlp(mlpConfig(V));
        if (model == ModelKind.transformer) return new Transformer(transformerConfig(V, d.blockSize()));
        return new RecurrentLM(recurrentConfig(V));
    }

    private Mlp.Config mlpConfig(int V) {
        return new Mlp.Config(V, context, nEmbd, nEmbd2, direct, seed);
    }

    private Transformer.Config transformerConfig(int V, int blockSize) {
        if (nanoGpt()) return Transformer.Config.nanoGpt(V, blockSize, nLayer, nHead, nEmbd, seed);
        return new Transformer.Config(V, blockSize, nLayer, nHead, nEmbd, Transformer.Positions.LEARNED, true, true,
                seed);
    }

    private RecurrentLM.Config recurrentConfig(int V) {
        return new RecurrentLM.Config(V, CellType.of(model.name()), nEmbd, nEmbd2, true, seed);
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
        return (nanoGpt() ? "nanoGPT's GPT (--recipe " + recipe + ")" : model) + " on " + data + " ("
                + m.numParams() + " parameters, seed " + seed + ")";
    }
}
