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
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.NanoGptRecipe;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
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
        if (nanoGpt()) {                      // nanoGPT's contiguous 90/10 split; the val split serves as dev and test
            String text = Datasets.text(data);
            Vocabulary vocab = Vocabulary.ofText(text);
            TextDataset[] split = new TextDataset(text, vocab).splitAt(NanoGptRecipe.TRAIN_FRACTION);
            return new Data(vocab, false, blockSize, split[0].randomChunks(batchSize, blockSize, seed),
                    split[0].inOrder(batchSize, blockSize), split[1].inOrder(batchSize, blockSize),
                    split[1].inOrder(batchSize, blockSize));
        }
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
        int shortest = Math.min(trainRest[0].length(), Math.min(devTest[0].length(), devTest[1].length()));
        if (blockSize > shortest - 1) {     // a chunk of T inputs needs T + 1 characters of every split
            throw new Main.BadOption(String.format(java.util.Locale.ROOT, "--block-size %d: longer than %s's "
                    + "shortest split (%,d characters of %,d; train/dev/test are 90/5/5 %%): at most %d", blockSize,
                    data, shortest, all.length(), Math.max(0, shortest - 1)));
        }
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
        if (nanoGpt()) return Transformer.Config.nanoGpt(V, blockSize, nLayer, nHead, nEmbd, seed);
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
        if (nanoGpt() && (dropout > 0 || postLn || scaleResiduals)) {
            throw new IllegalArgumentException((dropout > 0 ? "--dropout " + dropout : postLn ? "--post-ln"
                    : "--scale-residuals") + ": --recipe " + recipe + " trains nanoGPT's GPT as its CPU recipe does"
                    + " (no dropout, pre-LN, nanoGPT's initialisation); leave --recipe out to train with it");
        }
        if (model == ModelKind.transformer) {
            requirePositive("--n-layer", nLayer);
            requirePositive("--n-head", nHead);
            if (nEmbd % nHead != 0) {
                throw new IllegalArgumentException("--n-head " + nHead + " does not divide --n-embd " + nEmbd);
            }
            requireWidth("--n-embd", nEmbd, 4, "the transformer's MLP");          // C → 4C
        } else if (model != ModelKind.mlp) {
            CellType cell = CellType.of(model.name());
            requireWidth("--n-embd2", nEmbd2, cell.gates, "the " + model + " cell's pre-activations");   // D → G·H
            requireWidth("--n-embd2", nEmbd2, cell.cellState ? 2 : 1, "the " + model + " cell's state");
        }
        try {
            Datasets.info(data);                                  // reads the registry only: no download
        } catch (io.github.lmworkbook.data.DatasetException e) {
            throw new IllegalArgumentException("--data " + data + ": " + e.getMessage());
        }
        if (model == ModelKind.mlp && (long) context * nEmbd > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--context " + context + " × --n-embd " + nEmbd + " = "
                    + (long) context * nEmbd + " inputs of the MLP's hidden layer; at most " + (Integer.MAX_VALUE - 8));
        }
    }

    private static void requirePositive(String option, int value) {
        if (value < 1) throw new IllegalArgumentException(option + " " + value + ": must be ≥ 1");
    }

    /** A matrix factor × value wide must have at most Integer.MAX_VALUE − 8 columns (a Java array). */
    private static void requireWidth(String option, int value, int factor, String what) {
        if ((long) factor * value > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(option + " " + value + ": " + what + " would be " + factor + " × "
                    + value + " = " + (long) factor * value + " wide; at most " + (Integer.MAX_VALUE - 8));
        }
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
     * The number of parameters in floating point, from the same formulas as the configurations' numParams() (which
     * overflow a long for absurd sizes): what the memory check uses.
     */
    double approxParams(int V, int blockSize) {
        double v = V, m = nEmbd, H = nEmbd2, n = context;
        if (model == ModelKind.mlp) return (v + 1) * m + n * m * H + H + H * v + v + (direct ? n * m * v : 0);
        if (model == ModelKind.transformer) {
            double C = m, L = nLayer;
            return v * C + (double) blockSize * C + L * (12 * C * C + 13 * C) + 2 * C + C * v;   // LayerNorms on
        }
        CellType cell = CellType.of(model.name());
        return v * m + cell.gates * (m * H + H * H + H) + (cell.cellState ? 2 * H : H) + H * v + v;
    }

    /**
     * Refuses, before the model is built, sizes whose memory this JVM cannot hold: estimated as copies × 8 bytes
     * per parameter (values and gradients; AdamW's two moments when training) plus the activations of
     * batch × blockSize positions. The estimate is rough (buffers differ by model) but of the right size. The
     * line names the options that set the larger part: the model's sizes, or the batch (and the block size).
     *
     * @param V         the vocabulary's size (a lower bound before the data are read)
     * @param blockSize the data's block size (a lower bound before the data are read)
     * @param copies    arrays the size of the parameters: 2 (values, gradients), 4 with AdamW
     * @param batch     the sequences of one batch (B)
     * @param what      what the memory is for, e.g. "training it"
     * @param atLeast   V and blockSize are lower bounds (the data are not read yet): the line says "at least"
     * @throws Main.BadOption naming the options, the parameter count and both memory sizes
     */
    void checkMemory(int V, int blockSize, int copies, long batch, String what, boolean atLeast) {
        double params = approxParams(V, blockSize), positions = (double) batch * blockSize;
        double m = nEmbd, H = nEmbd2, v = V, width = model == ModelKind.mlp ? (double) context * m
                : model == ModelKind.transformer ? 8.0 * nLayer * m + (double) nLayer * nHead * blockSize : m;
        double paramBytes = 8.0 * copies * params, activationBytes = 8.0 * positions * (2 * width + 4 * H + 3 * v);
        double bytes = paramBytes + activationBytes;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > available) {
            String count = params < 9e18 ? String.format(java.util.Locale.ROOT, "%,d", Math.round(params))
                    : String.format(java.util.Locale.ROOT, "%.3g", params);
            String blame = paramBytes >= activationBytes ? sizeOptions() + ": "
                    : batchOptions(batch, blockSize) + String.format(java.util.Locale.ROOT,
                            ": %,.0f positions at once; ", positions);
            throw new Main.BadOption(blame + "the " + model + " model has " + (atLeast ? "at least " : "") + count
                    + " parameters; " + what + " needs " + (atLeast ? "at least " : "about ") + gigabytes(bytes)
                    + " but this JVM can use " + gigabytes(available)
                    + " more; choose smaller sizes (or give java more memory with -Xmx)");
        }
    }

    /** The size options of this model, those above their defaults first, e.g. "--n-embd 1000000 (--n-embd2 64)". */
    private String sizeOptions() {
        List<String> big = new java.util.ArrayList<>(), rest = new java.util.ArrayList<>();
        if (model == ModelKind.mlp) (context > 16 ? big : rest).add("--context " + context);
        if (model == ModelKind.transformer) (nLayer > 4 ? big : rest).add("--n-layer " + nLayer);
        (nEmbd > 64 ? big : rest).add("--n-embd " + nEmbd);
        if (model != ModelKind.transformer) (nEmbd2 > 64 ? big : rest).add("--n-embd2 " + nEmbd2);
        if (model == ModelKind.transformer && !data.equals("names")) {
            (blockSize > 32 ? big : rest).add("--block-size " + blockSize);
        }
        return listed(big, rest);
    }

    /** The options that set the activations' size: --batch-size, and --block-size on running text. */
    private String batchOptions(long batch, int dataBlockSize) {
        List<String> big = new java.util.ArrayList<>(), rest = new java.util.ArrayList<>();
        (batch > 32 ? big : rest).add("--batch-size " + batch);
        if (!data.equals("names")) (dataBlockSize > 32 ? big : rest).add("--block-size " + dataBlockSize);
        return listed(big, rest);
    }

    private static String listed(List<String> big, List<String> rest) {
        if (big.isEmpty()) return String.join(" ", rest);
        return String.join(" ", big) + (rest.isEmpty() ? "" : " (with " + String.join(" ", rest) + ")");
    }

    private static String gigabytes(double bytes) {
        return bytes >= 1e9 ? String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(java.util.Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    // ---- a saved model: its configuration against the options given ------------------------------------------

    /** The configuration component each size option sets (sample compares the options given with the file's). */
    private static final Map<String, String> OPTION_OF_COMPONENT = Map.of("context", "--context", "embed", "--n-embd",
            "hidden", "--n-embd2", "direct", "--direct", "layers", "--n-layer", "heads", "--n-head",
            "blockSize", "--block-size", "dropout", "--dropout", "postLayerNorm", "--post-ln",
            "scaleResiduals", "--scale-residuals");

    /** The --model of a saved configuration (mlp, a cell's name, transformer), or null for another model. */
    static ModelKind kindOf(Record config) {
        if (config instanceof Mlp.Config) return ModelKind.mlp;
        if (config instanceof Transformer.Config) return ModelKind.transformer;
        if (config instanceof RecurrentLM.Config c) {
            for (ModelKind k : ModelKind.values()) if (k.name().equalsIgnoreCase(c.cell().name())) return k;
        }
        return null;
    }

    /**
     * The first model option given on the command line that contradicts the saved model, as one line naming the
     * option, the file's value and the one given; null when none does. Options not given are not compared: the
     * model is built from the file.
     */
    String contradiction(ParseResult given, ModelIO.Saved saved) {
        Record config = saved.config();
        String file = saved.file().toString();
        String hint = " (sample reads the model from the file: leave the model options out)";
        if (given.hasMatchedOption("--model")) {
            ModelKind k = kindOf(config);
            if (k != model) {
                return "--model " + model + ": " + file + " holds a " + (k != null ? k
                        : saved.modelClass().getSimpleName()) + " model" + hint;
            }
        }
        String trainedOn = saved.notes().get("data");
        if (given.hasMatchedOption("--data") && trainedOn != null && !trainedOn.equals(data)) {
            return "--data " + data + ": " + file + " was trained on " + trainedOn + hint;
        }
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            String option = OPTION_OF_COMPONENT.get(c.getName());
            if (option == null || !given.hasMatchedOption(option)) continue;
            Object yours = given.matchedOptionValue(option, null), theirs;
            try {
                theirs = c.getAccessor().invoke(config);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (!String.valueOf(yours).equals(String.valueOf(theirs))) {
                return option + " " + yours + ": " + file + " holds a model with " + option + " " + theirs + hint;
            }
        }
        return null;
    }

    String describe(LanguageModel m) {
        return (nanoGpt() ? "nanoGPT's GPT (--recipe " + recipe + ")" : model) + " on " + data + " ("
                + m.numParams() + " parameters, seed " + seed + ")";
    }
}
