package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.layers.Dropout;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Layer;
import io.github.lmworkbook.layers.LayerNorm;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.TiedLinear;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A GPT-style decoder-only transformer language model — makemore's {@code --type transformer} (itself GPT-2's
 * architecture at a tiny size), composed of the library's layers as nanoGPT's {@code model.py} composes its blocks:
 * <pre>
 * x_t = wte[token_t] + wpe[t]                      token and learned position embeddings    x (N × C)
 * x   = block_l(x)          for l = 1 … n_layer    pre-LayerNorm blocks ({@link TransformerBlock})
 * z   = ln_f(x)·W_head                             final LayerNorm, head without bias       z (N × V)
 * L   = mean over positions with a target of −log softmax(z_t)[target]
 * </pre>
 * and backward in the reverse order. Initialised as makemore (PyTorch's defaults): wte, wpe ~ N(0, 1), every Linear
 * U(±1/√in), LayerNorm γ = 1, β = 0; the head W_head ~ U(±1/√C) has no bias.
 *
 * <h2>nanoGPT's choices</h2>
 * {@link Config#nanoGpt} builds nanoGPT's GPT instead: no biases in the blocks' Linears and LayerNorms
 * ({@link Config#bias}), the head tied to the token embedding, z = ln_f(x)·wteᵀ ({@link Config#tieWeights},
 * {@link TiedLinear}), and nanoGPT's initialisation ({@link Init#NANOGPT}). nanoGPT's GELU is the exact one,
 * x·Φ(x); the library's is the tanh approximation of GPT-2 and makemore (they differ by at most 5e-4).
 *
 * <h2>Rows</h2>
 * A batch (B × T, makemore's layout) becomes the rows of its sequences laid end to end ({@code layers.SequenceLayer}):
 * each sequence is cut after its last position that has a target, because a causal model's outputs there depend on
 * nothing later — the padding after a short name is never computed, and the loss and every gradient are exactly
 * those of the full B·T rows ({@link #computeIgnoredPositions} computes them anyway, as makemore does). Without
 * padding the rows are batch-major, b·T + t.
 *
 * <h2>Positions</h2>
 * {@link Positions#LEARNED} (makemore, GPT-2), {@link Positions#SINUSOIDAL} (the fixed sines and cosines of Vaswani
 * et al. 2017: P[t][2i] = sin(t/10000^(2i/C)), P[t][2i+1] = cos(t/10000^(2i/C))), or {@link Positions#NONE}: then
 * nothing tells the model where a token is, and self-attention cannot see order (it is permutation-equivariant).
 *
 * <h2>Options of practice</h2>
 * <ul>
 *   <li>{@code dropout = p > 0}: a {@link Dropout} on the embeddings x and on the output of every attention and MLP
 *       before it joins the residual stream (nanoGPT's {@code drop} and {@code resid_dropout}; not on the attention
 *       weights). Active in {@link #lossAndGrad} and {@link #forward}, the identity in {@link #loss} and generation;
 *       {@link #freezeDropout} fixes the masks for a gradient check.</li>
 *   <li>{@code postLayerNorm}: the blocks' LayerNorms after the residual additions (the original transformer;
 *       {@link TransformerBlock}), and then no final ln_f.</li>
 *   <li>{@code scaleResiduals}: GPT-2's initialisation of the projections that write into the residual stream (each
 *       attention's W_o and each MLP's W₂) scaled by 1/√(2·n_layer): the stream is a sum of 2·n_layer such writes,
 *       and with independent writes its variance then stays that of one ({@link Init#NANOGPT} does the same at
 *       its own scale).</li>
 *   <li>{@link #cachedGenerator}: generation with a key–value cache.</li>
 * </ul>
 * With their defaults (0, false, false) the model computes exactly what it computed before they existed.
 */
public final class Transformer implements LanguageModel {

    /** What tells the model where a token is. */
    public enum Positions {
        /** A learned table wpe (blockSize × C), added to the token's vector (makemore, GPT-2). */
        LEARNED,
        /** The fixed sines and cosines of {@link #sinusoids} (the original transformer), added; no parameters. */
        SINUSOIDAL,
        /** Nothing: attention alone cannot tell positions apart (an experiment). */
        NONE
    }

    /** How the parameters are initialised. */
    public enum Init {
        /**
         * makemore's (PyTorch's defaults): wte, wpe ~ N(0, 1); every Linear's W and b ~ U(±1/√in); LayerNorm γ = 1,
         * β = 0.
         */
        MAKEMORE,
        /**
         * nanoGPT's ({@code GPT._init_weights}, after GPT-2): wte, wpe and every Linear's W ~ N(0, 0.02²), biases 0,
         * and the two residual projections of each block (attention's W_o and the MLP's W₂) ~
         * N(0, (0.02/√(2·n_layer))²), so that the residual stream's variance does not grow with depth.
         */
        NANOGPT
    }

    /**
     * @param vocabSize  V
     * @param blockSize  the longest context (makemore: the longest name + 1)
     * @param layers     n_layer, the number of blocks
     * @param heads      n_head, attention heads per block (must divide embed)
     * @param embed      n_embd = C, the width of the residual stream
     * @param positions  how positions enter
     * @param residual   residual connections (true in every transformer; false for an experiment)
     * @param layerNorm  the LayerNorms (true in every transformer; false for an experiment)
     * @param seed       seed of the initialisation
     * @param bias       biases in every Linear of the blocks and β in every LayerNorm (makemore: true; nanoGPT's
     *                   recipe: false). The head never has one.
     * @param tieWeights the head reads the token embedding's table, transposed (nanoGPT, GPT-2: true; makemore:
     *                   false, a head W_head (C × V) of its own)
     * @param init       how the parameters are initialised
     * @param dropout    the drop probability of the dropout layers (0: none), 0 ≤ p &lt; 1
     * @param postLayerNorm the LayerNorms after the residual additions (the original transformer) instead of
     *                   before the sub-layers (GPT-2's pre-LN, the default)
     * @param scaleResiduals GPT-2's 1/√(2·n_layer) on the initial residual projections W_o and W₂ of makemore's
     *                   initialisation ({@link Init#NANOGPT} has it already)
     */
    public record Config(int vocabSize, int blockSize, int layers, int heads, int embed, Positions positions,
                         boolean residual, boolean layerNorm, long seed, boolean bias, boolean tieWeights,
                         Init init, double dropout, boolean postLayerNorm, boolean scaleResiduals) {
        /**
         * Checks the sizes (each ≥ 1, the layers ≥ 0), that the heads divide the width, the positions, the
         * initialisation and the dropout probability.
         *
         * @param vocabSize V
         * @param blockSize the longest context (makemore: the longest name + 1)
         * @param layers n_layer, the number of blocks
         * @param heads n_head, attention heads per block (must divide embed)
         * @param embed n_embd = C, the width of the residual stream
         * @param positions how positions enter
         * @param residual residual connections (true in every transformer; false for an experiment)
         * @param layerNorm the LayerNorms (true in every transformer; false for an experiment)
         * @param seed seed of the initialisation
         * @param bias biases in every Linear of the blocks and β in every LayerNorm (makemore: true; nanoGPT's
         *     recipe: false). The head never has one.
         * @param tieWeights the head reads the token embedding's table, transposed (nanoGPT, GPT-2: true; makemore:
         *     false, a head W_head (C × V) of its own)
         * @param init how the parameters are initialised
         * @param dropout the drop probability of the dropout layers (0: none), 0 ≤ p &lt; 1
         * @param postLayerNorm the LayerNorms after the residual additions (the original transformer) instead of
         *     before the sub-layers (GPT-2's pre-LN, the default)
         * @param scaleResiduals GPT-2's 1/√(2·n_layer) on the initial residual projections W_o and W₂ of makemore's
         *     initialisation ({@link Init#NANOGPT} has it already)
         */
        public Config {
            if (vocabSize < 1 || blockSize < 1 || layers < 0 || heads < 1 || embed < 1) {
                throw new IllegalArgumentException("Transformer: sizes must be ≥ 1 (layers ≥ 0), got V=" + vocabSize
                        + ", block size " + blockSize + ", layers " + layers + ", heads " + heads + ", n_embd " + embed);
            }
            if (embed % heads != 0) {
                throw new IllegalArgumentException("Transformer: n_head " + heads + " must divide n_embd " + embed);
            }
            if (positions == null) throw new IllegalArgumentException("Transformer: positions must be given");
            if (init == null) throw new IllegalArgumentException("Transformer: init must be given");
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("Transformer: dropout " + dropout + " must be in [0, 1)");
            }
            if (scaleResiduals && init == Init.NANOGPT) {
                throw new IllegalArgumentException("Transformer: nanoGPT's initialisation scales the residual "
                        + "projections by 1/√(2·n_layer) already; scaleResiduals is for makemore's");
            }
        }

        /**
         * makemore's choices for the rest: biases, an untied head, makemore's initialisation; no options.
         *
         * @param vocabSize V
         * @param blockSize the longest context (makemore: the longest name + 1)
         * @param layers n_layer, the number of blocks
         * @param heads n_head, attention heads per block (must divide embed)
         * @param embed n_embd = C, the width of the residual stream
         * @param positions how positions enter
         * @param residual residual connections (true in every transformer; false for an experiment)
         * @param layerNorm the LayerNorms (true in every transformer; false for an experiment)
         * @param seed seed of the initialisation
         */
        public Config(int vocabSize, int blockSize, int layers, int heads, int embed, Positions positions,
                      boolean residual, boolean layerNorm, long seed) {
            this(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, true, false,
                    Init.MAKEMORE);
        }

        /**
         * Biases, head and initialisation as given; without dropout, pre-LN, residual projections unscaled.
         *
         * @param vocabSize V
         * @param blockSize the longest context (makemore: the longest name + 1)
         * @param layers n_layer, the number of blocks
         * @param heads n_head, attention heads per block (must divide embed)
         * @param embed n_embd = C, the width of the residual stream
         * @param positions how positions enter
         * @param residual residual connections (true in every transformer; false for an experiment)
         * @param layerNorm the LayerNorms (true in every transformer; false for an experiment)
         * @param seed seed of the initialisation
         * @param bias biases in every Linear of the blocks and β in every LayerNorm (makemore: true; nanoGPT's
         *     recipe: false). The head never has one.
         * @param tieWeights the head reads the token embedding's table, transposed (nanoGPT, GPT-2: true; makemore:
         *     false, a head W_head (C × V) of its own)
         * @param init how the parameters are initialised
         */
        public Config(int vocabSize, int blockSize, int layers, int heads, int embed, Positions positions,
                      boolean residual, boolean layerNorm, long seed, boolean bias, boolean tieWeights, Init init) {
            this(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, bias, tieWeights,
                    init, 0.0, false, false);
        }

        /**
         * makemore's biases, head and initialisation, with the options of practice as given.
         *
         * @param vocabSize V
         * @param blockSize the longest context (makemore: the longest name + 1)
         * @param layers n_layer, the number of blocks
         * @param heads n_head, attention heads per block (must divide embed)
         * @param embed n_embd = C, the width of the residual stream
         * @param positions how positions enter
         * @param residual residual connections (true in every transformer; false for an experiment)
         * @param layerNorm the LayerNorms (true in every transformer; false for an experiment)
         * @param seed seed of the initialisation
         * @param dropout the drop probability of the dropout layers (0: none), 0 ≤ p &lt; 1
         * @param postLayerNorm the LayerNorms after the residual additions (the original transformer) instead of
         *     before the sub-layers (GPT-2's pre-LN, the default)
         * @param scaleResiduals GPT-2's 1/√(2·n_layer) on the initial residual projections W_o and W₂ of makemore's
         *     initialisation ({@link Init#NANOGPT} has it already)
         */
        public Config(int vocabSize, int blockSize, int layers, int heads, int embed, Positions positions,
                      boolean residual, boolean layerNorm, long seed, double dropout, boolean postLayerNorm,
                      boolean scaleResiduals) {
            this(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, true, false,
                    Init.MAKEMORE, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * makemore's transformer: 4 layers, 4 heads, n_embd 64, learned positions, residuals and LayerNorms.
         *
         * @param vocabSize V, the number of tokens
         * @param blockSize the longest context
         * @param seed seed of the initialisation
         * @return makemore's configuration
         */
        public static Config makemore(int vocabSize, int blockSize, long seed) {
            return new Config(vocabSize, blockSize, 4, 4, 64, Positions.LEARNED, true, true, seed);
        }

        /**
         * nanoGPT's GPT ({@code model.py} with {@code bias=False}, as its train.py defaults): learned positions,
         * pre-LN blocks without biases, the head tied to the token embedding, nanoGPT's initialisation.
         *
         * @param vocabSize V, the number of tokens
         * @param blockSize the longest context
         * @param layers n_layer
         * @param heads n_head
         * @param embed n_embd
         * @param seed seed of the initialisation
         * @return nanoGPT's configuration
         */
        public static Config nanoGpt(int vocabSize, int blockSize, int layers, int heads, int embed, long seed) {
            return new Config(vocabSize, blockSize, layers, heads, embed, Positions.LEARNED, true, true, seed, false,
                    true, Init.NANOGPT);
        }

        /**
         * This configuration with other positions.
         *
         * @param p how positions enter
         * @return the new configuration
         */
        public Config withPositions(Positions p) {
            return new Config(vocabSize, blockSize, layers, heads, embed, p, residual, layerNorm, seed, bias,
                    tieWeights, init, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with or without the residual connections.
         *
         * @param on true for the residual connections
         * @return the new configuration
         */
        public Config withResidual(boolean on) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, on, layerNorm, seed, bias,
                    tieWeights, init, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with or without LayerNorm.
         *
         * @param on true for the LayerNorms
         * @return the new configuration
         */
        public Config withLayerNorm(boolean on) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, on, seed, bias,
                    tieWeights, init, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with another seed.
         *
         * @param s the seed
         * @return the new configuration
         */
        public Config withSeed(long s) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, s, bias,
                    tieWeights, init, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with or without the blocks' biases.
         *
         * @param on true for biases
         * @return the new configuration
         */
        public Config withBias(boolean on) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, on,
                    tieWeights, init, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with the head tied to the token embedding, or with a head of its own.
         *
         * @param on true to tie the head to the token embedding
         * @return the new configuration
         */
        public Config withTiedWeights(boolean on) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, bias,
                    on, init, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with another initialisation.
         *
         * @param i the initialisation
         * @return the new configuration
         */
        public Config withInit(Init i) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, bias,
                    tieWeights, i, dropout, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with another dropout probability (0: no dropout layers).
         *
         * @param p the drop probability, 0 ≤ p &lt; 1
         * @return the new configuration
         */
        public Config withDropout(double p) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, bias,
                    tieWeights, init, p, postLayerNorm, scaleResiduals);
        }

        /**
         * This configuration with the LayerNorms after the residual additions (true) or before the sub-layers.
         *
         * @param on true for post-LN
         * @return the new configuration
         */
        public Config withPostLayerNorm(boolean on) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, bias,
                    tieWeights, init, dropout, on, scaleResiduals);
        }

        /**
         * This configuration with or without GPT-2's 1/√(2·n_layer) on the initial residual projections.
         *
         * @param on true to scale the residual projections
         * @return the new configuration
         */
        public Config withScaledResiduals(boolean on) {
            return new Config(vocabSize, blockSize, layers, heads, embed, positions, residual, layerNorm, seed, bias,
                    tieWeights, init, dropout, postLayerNorm, on);
        }

        /**
         * The number of parameters of this configuration (a tied head's table is counted once, as wte).
         *
         * @return the number of scalar parameters
         */
        public long numParams() {
            long V = vocabSize, C = embed, b = bias ? 1 : 0, ln = layerNorm ? (1 + b) * C : 0;
            long block = 2 * ln + (C * 3 * C + b * 3 * C) + (C * C + b * C) + (C * 4 * C + b * 4 * C)
                    + (4 * C * C + b * C);
            long lnF = postLayerNorm ? 0 : ln;                                 // post-LN has no final LayerNorm
            return V * C + (positions == Positions.LEARNED ? (long) blockSize * C : 0) + layers * block + lnF
                    + (tieWeights ? 0 : C * V);
        }
    }

    /**
     * Rows evaluated at once by {@link #loss}: a whole split is evaluated in chunks of whole sequences (the layers
     * keep buffers sized for the largest pass they have seen, for as long as the model lives). 1024, as the committed
     * evidence was computed with: the mean is a sum of chunk means, so another size moves its last bits.
     */
    public static final int MAX_ROWS = 1024;

    /** The configuration the model was built from. */
    public final Config config;
    /** V, the vocabulary size; C, the width (n_embd); the block size, the longest context. */
    public final int V, C, blockSize;
    /** The token embedding wte (V × C). */
    public final Embedding wte;                    // (V × C)
    /** The learned positions wpe (blockSize × C), or null. */
    public final Embedding wpe;                    // (blockSize × C), null unless positions are LEARNED
    /** The fixed sinusoidal positions (blockSize × C), or null. */
    public final Matrix sinusoids;                 // (blockSize × C) fixed, null unless SINUSOIDAL
    /** The blocks, first to last. */
    public final List<TransformerBlock> blocks;
    /** The final LayerNorm ln_f, or null without LayerNorm or with post-LN. */
    public final LayerNorm lnF;                    // null without LayerNorm, or with post-LN
    /** The dropout on x = wte + positions, or null without dropout. */
    public final Dropout drop;                     // on x = wte + positions; null without dropout
    /** The head: a Linear W_head (C × V) without bias, or tied to the token embedding (x·wteᵀ): the logits. */
    public final Layer head;                       // a Linear W_head (C × V) without bias, or tied: x·wteᵀ
    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    private final List<Param> params;

    private boolean computeIgnored;
    private boolean frozen;                        // dropout masks frozen: loss() applies them too
    private final RowBuffer xBuf;                  // (N × C) x = wte + wpe
    private Matrix dX;                             // ∂L/∂x of the last backward (N × C)
    // the rows of the last forward: sequences end to end
    private int[][] tokRows = new int[0][], posRows = new int[0][];  // (N × 1) each: token id, position
    private int[] pos = new int[0];                // (N) positions (for sinusoids)
    private int[][] targetViews = new int[1][];    // exact-length target arrays, one per N (made once each)
    private int[][] lengthViews = new int[1][];    // exact-length length arrays, one per sequence count
    private int N;                                 // rows of the last forward

    /**
     * A transformer initialised from the configuration's seed, as makemore initialises its GPT.
     *
     * @param config the hyper-parameters and seed
     */
    public Transformer(Config config) {
        this.config = config;
        this.V = config.vocabSize();
        this.C = config.embed();
        this.blockSize = config.blockSize();
        Random rng = new Random(config.seed());
        this.wte = new Embedding("wte", V, C, rng);
        this.wpe = config.positions() == Positions.LEARNED ? new Embedding("wpe", blockSize, C, rng) : null;
        this.sinusoids = config.positions() == Positions.SINUSOIDAL ? sinusoids(blockSize, C) : null;
        List<TransformerBlock> bs = new ArrayList<>();
        long dropSeed = config.seed() * 0x9E3779B97F4A7C15L + 0xD50D;       // the masks' own seeds, not rng's draws
        for (int l = 0; l < config.layers(); l++) {
            bs.add(new TransformerBlock("h" + l, C, config.heads(), blockSize, config.residual(), config.layerNorm(),
                    config.bias(), config.postLayerNorm(), config.dropout(), dropSeed + 2 + 2L * l, rng));
        }
        this.blocks = List.copyOf(bs);
        this.lnF = config.layerNorm() && !config.postLayerNorm()
                ? new LayerNorm("ln_f", C, LayerNorm.EPS, config.bias()) : null;
        this.head = config.tieWeights() ? new TiedLinear(wte.C) : new Linear("head", C, V, false, rng);
        this.drop = config.dropout() > 0 ? new Dropout(config.dropout(), dropSeed) : null;
        if (config.scaleResiduals()) {                                          // GPT-2: 1/√(2·n_layer)
            double f = 1.0 / Math.sqrt(2.0 * config.layers());
            for (TransformerBlock b : blocks) {
                b.attn.out.W.value.scaleInPlace(f);
                b.proj.W.value.scaleInPlace(f);
            }
        }
        List<Param> ps = new ArrayList<>(wte.params());
        if (wpe != null) ps.addAll(wpe.params());
        for (TransformerBlock b : blocks) ps.addAll(b.params());
        if (lnF != null) ps.addAll(lnF.params());
        if (!config.tieWeights()) ps.addAll(head.params());     // a tied head's table is wte, listed already
        this.params = List.copyOf(ps);
        this.xBuf = new RowBuffer(C);
        if (config.init() == Init.NANOGPT) initNanoGpt(rng);
    }

    /**
     * nanoGPT's initialisation ({@link Init#NANOGPT}), drawn in the order of {@link #params()}: N(0, 0.02²) for the
     * embeddings and every weight matrix, N(0, (0.02/√(2·n_layer))²) for the residual projections (attention's W_o and
     * the MLP's W₂), zero biases; LayerNorm's γ = 1 and β = 0 as built.
     */
    private void initNanoGpt(Random rng) {
        double std = 0.02, projStd = 0.02 / Math.sqrt(2.0 * config.layers());
        java.util.Set<Param> projections = new java.util.HashSet<>(), biases = new java.util.HashSet<>();
        java.util.Set<Param> norms = new java.util.HashSet<>();
        for (TransformerBlock b : blocks) {
            projections.add(b.attn.out.W);
            projections.add(b.proj.W);
            for (Linear l : List.of(b.attn.qkv, b.attn.out, b.fc, b.proj)) if (l.b != null) biases.add(l.b);
            if (b.ln1 != null) norms.addAll(b.ln1.params());
            if (b.ln2 != null) norms.addAll(b.ln2.params());
        }
        if (lnF != null) norms.addAll(lnF.params());
        for (Param p : params) {
            if (norms.contains(p)) continue;                                       // γ = 1, β = 0 as built
            if (biases.contains(p)) {
                p.value.zero();                                                    // b = 0
                continue;
            }
            double s = projections.contains(p) ? projStd : std;                   // W, wte, wpe ~ N(0, s²)
            for (double[] row : p.value.data) for (int j = 0; j < row.length; j++) row[j] = s * rng.nextGaussian();
        }
    }

    /**
     * P[t][2i] = sin(t / 10000^(2i/C)), P[t][2i+1] = cos(t / 10000^(2i/C))  (T × C).
     *
     * @param T the number of positions
     * @param C the width of a position's vector
     * @return the (T × C) matrix P
     */
    public static Matrix sinusoids(int T, int C) {
        Matrix P = new Matrix(T, C);
        for (int t = 0; t < T; t++) {
            for (int j = 0; j < C; j++) {
                double angle = t / Math.pow(10000, (j - j % 2) / (double) C);
                P.data[t][j] = j % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
            }
        }
        return P;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public int vocabSize() {
        return V;
    }

    /**
     * When true, every position of a batch is computed, also the padding after the last target of a sequence (as
     * makemore does); the loss and the gradients are the same either way. Default false.
     *
     * @param on true to compute every position
     * @return this model
     */
    public Transformer computeIgnoredPositions(boolean on) {
        this.computeIgnored = on;
        return this;
    }

    /**
     * Fixes every dropout mask (true) so that {@link #loss} and {@link #lossAndGrad} compute the same function (a
     * gradient check), or goes back to fresh masks in training and none in {@link #loss} (false, the default).
     *
     * @param on true to fix the masks
     * @return this model
     */
    public Transformer freezeDropout(boolean on) {
        this.frozen = on;
        if (drop != null) drop.freeze(on);
        for (TransformerBlock b : blocks) b.freezeDropout(on);
        return this;
    }

    private void training(boolean on) {
        if (drop == null) return;
        drop.training(on);
        for (TransformerBlock b : blocks) b.training(on);
    }

    @Override
    public double loss(Batch batch) {
        requireNonEmpty(batch);
        training(frozen);                                                       // evaluation: no dropout
        double sum = 0;
        long count = 0;
        for (int from = 0; from < batch.size(); ) {
            int next = pack(batch, from, MAX_ROWS);
            if (N > 0) {
                double l = ce.forward(logits(), targetViews[N]);
                sum += l * ce.count();
                count += ce.count();
            }
            from = next;
        }
        return count == 0 ? 0.0 : sum / count;
    }

    @Override
    public double lossAndGrad(Batch batch) {
        double loss = forward(batch);
        backward();
        return loss;
    }

    /**
     * The loss of the whole batch (one pass, no chunks); follow with {@link #backward()} for the gradients.
     *
     * @param batch the token sequences and their targets
     * @return the mean cross-entropy per target, in nats
     */
    public double forward(Batch batch) {
        requireNonEmpty(batch);
        training(true);
        pack(batch, 0, Integer.MAX_VALUE);
        if (N == 0) return 0.0;                                                 // no targets at all
        return ce.forward(logits(), targetViews[N]);
    }

    /** x = wte[tokens] + positions;  x = blocks(x);  z = ln_f(x)·W_head. */
    private Matrix logits() {
        Matrix x = xBuf.rows(N).setFrom(wte.forward(tokRows, N));     // wte[token_t]   (N × C)
        if (wpe != null) x.addInPlace(wpe.forward(posRows, N));       // + wpe[t]
        if (sinusoids != null) for (int r = 0; r < N; r++) {          // + P[t]
            double[] xr = x.data[r], p = sinusoids.data[pos[r]];
            for (int j = 0; j < C; j++) xr[j] += p[j];
        }
        if (drop != null) x = drop.forward(x);                        // dropout on the embeddings
        int[] lengths = lengthViews[currentCount];
        for (TransformerBlock b : blocks) x = b.forward(x, lengths);  // the blocks
        if (lnF != null) x = lnF.forward(x);                          // ln_f
        return head.forward(x);                                       // z = x·W_head   (N × V)
    }

    /** Backward through the whole model for the last {@link #forward}; adds into every gradient. */
    public void backward() {
        if (N == 0) return;
        Matrix dx = head.backward(ce.backward());                     // (N × C)
        if (lnF != null) dx = lnF.backward(dx);
        for (int l = blocks.size() - 1; l >= 0; l--) dx = blocks.get(l).backward(dx);
        if (drop != null) dx = drop.backward(dx);
        wte.backward(dx);                                             // dwte: scatter-add by token
        if (wpe != null) wpe.backward(dx);                            // dwpe: scatter-add by position
        dX = dx;
    }

    /**
     * ∂L/∂x of the last {@link #backward()} (N × C): the gradient at the input of the first block, x_t = wte[token_t]
     * + position, one row per computed position (sequences end to end, as {@link #rowsOf}). Valid until the next pass.
     *
     * @return ∂L/∂x (N × C), the model's buffer
     */
    public Matrix inputGradient() {
        if (dX == null) throw new IllegalStateException("Transformer: no backward pass yet");
        return dX;
    }

    /**
     * The number of rows of each sequence of the last forward pass, in order (sequences without a target are left
     * out).
     *
     * @return the row counts, one per sequence
     */
    public int[] rowsOf() {
        return lengthViews[currentCount].clone();
    }

    private int currentCount;

    /** An empty batch (no rows, or rows of no tokens) has no loss: an error, as in RecurrentLM, not 0. */
    private static void requireNonEmpty(Batch batch) {
        if (batch.size() == 0 || batch.length() == 0) {
            throw new IllegalArgumentException("Transformer: empty batch (" + batch.size() + "×" + batch.length() + ")");
        }
    }

    /**
     * Packs the sequences from batch row {@code from} on, whole sequences up to maxRows rows (at least one), into the
     * row arrays; returns the batch row where the next chunk starts. Sets N and the lengths.
     */
    private int pack(Batch batch, int from, int maxRows) {
        int[][] bx = batch.x(), by = batch.y();
        int B = batch.size(), T = batch.length();
        int rows = 0, count = 0, b = from;
        int[] lens = lensScratch(B);
        for (; b < B; b++) {
            if (bx[b].length != T) {
                throw new IllegalArgumentException("Transformer: row " + b + " has " + bx[b].length + " tokens, row 0 has " + T);
            }
            int L = computeIgnored ? T : lastTarget(by[b]) + 1;                  // cut after the last target
            if (L == 0) continue;                                               // nothing to predict here
            if (L > blockSize) {
                throw new IllegalArgumentException("Transformer: sequence " + b + " needs " + L + " positions, the "
                        + "block size is " + blockSize);
            }
            if (count > 0 && rows + L > maxRows) break;
            ensureRows(rows + L);
            for (int t = 0; t < L; t++) {
                int id = bx[b][t];
                if (id < 0 || id >= V) {
                    throw new IllegalArgumentException("Transformer: input token " + id + " outside [0, " + V + ")");
                }
                int y = by[b][t];
                if (y != Batch.IGNORE && (y < 0 || y >= V)) {
                    throw new IllegalArgumentException("Transformer: target " + y + " outside [0, " + V + ") (−1 = ignore)");
                }
                tokRows[rows + t][0] = id;
                posRows[rows + t][0] = t;
                pos[rows + t] = t;
                scratchTargets[rows + t] = y;
            }
            lens[count++] = L;
            rows += L;
        }
        N = rows;
        int[] targets = targetView(rows);
        System.arraycopy(scratchTargets, 0, targets, 0, rows);
        int[] lengths = lengthView(count);
        System.arraycopy(lens, 0, lengths, 0, count);
        currentCount = count;
        return b;
    }

    private int[] scratchTargets = new int[0], scratchLens = new int[0];

    private int[] lensScratch(int B) {
        if (scratchLens.length < B) scratchLens = new int[B];
        return scratchLens;
    }

    private static int lastTarget(int[] y) {
        for (int t = y.length - 1; t >= 0; t--) if (y[t] != Batch.IGNORE) return t;
        return -1;
    }

    private void ensureRows(int n) {
        if (tokRows.length >= n) return;
        int cap = Math.max(n, 2 * tokRows.length);
        int[][] tr = java.util.Arrays.copyOf(tokRows, cap), pr = java.util.Arrays.copyOf(posRows, cap);
        for (int i = tokRows.length; i < cap; i++) {
            tr[i] = new int[1];
            pr[i] = new int[1];
        }
        tokRows = tr;
        posRows = pr;
        pos = java.util.Arrays.copyOf(pos, cap);
        scratchTargets = java.util.Arrays.copyOf(scratchTargets, cap);
    }

    private int[] targetView(int n) {
        if (targetViews.length <= n) targetViews = java.util.Arrays.copyOf(targetViews, Math.max(n + 1, 2 * targetViews.length));
        if (targetViews[n] == null) targetViews[n] = new int[n];
        return targetViews[n];
    }

    private int[] lengthView(int n) {
        if (lengthViews.length <= n) lengthViews = java.util.Arrays.copyOf(lengthViews, Math.max(n + 1, 2 * lengthViews.length));
        if (lengthViews[n] == null) lengthViews[n] = new int[n];
        return lengthViews[n];
    }

    /**
     * The logits of the token that follows each row of context (B rows of ≥ 1 tokens, any lengths): each row is cropped
     * to its last blockSize tokens, as makemore's {@code generate} does.
     */
    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        int B = context.length;
        if (logits.rows != B || logits.cols != V) {
            throw new IllegalArgumentException("Transformer: logits " + logits.shape() + ", expected (" + B + "×" + V + ")");
        }
        training(false);
        for (int start = 0; start < B; ) {
            int rows = 0, count = 0;
            int[] lens = lensScratch(B);
            int b = start;
            for (; b < B; b++) {
                int[] row = context[b];
                if (row.length == 0) throw new IllegalArgumentException("Transformer: context row " + b + " is empty");
                int L = Math.min(row.length, blockSize), first = row.length - L;
                if (count > 0 && rows + L > MAX_ROWS) break;
                ensureRows(rows + L);
                for (int t = 0; t < L; t++) {
                    int id = row[first + t];
                    if (id < 0 || id >= V) {
                        throw new IllegalArgumentException("Transformer: input token " + id + " outside [0, " + V + ")");
                    }
                    tokRows[rows + t][0] = id;
                    posRows[rows + t][0] = t;
                    pos[rows + t] = t;
                }
                lens[count++] = L;
                rows += L;
            }
            N = rows;
            int[] lengths = lengthView(count);
            System.arraycopy(lens, 0, lengths, 0, count);
            currentCount = count;
            Matrix z = logits();
            for (int k = 0, r = 0; k < count; r += lengths[k], k++) {
                System.arraycopy(z.data[r + lengths[k] - 1], 0, logits.data[start + k], 0, V);
            }
            start = b;
        }
    }

    /**
     * Generation for B streams: each keeps its last blockSize tokens and every new token re-reads that window (O(T²)
     * attention per token; makemore's {@code generate} does the same, without a key–value cache).
     */
    @Override
    public Generator generator(int B) {
        return new Generator() {
            private final int[][] window = new int[B][blockSize];
            private int n;                                                       // tokens in every window
            private int[][] context = new int[0][];

            @Override
            public void reset() {
                n = 0;
            }

            @Override
            public void next(int[] tokens, Matrix logits) {
                if (tokens.length != B) {
                    throw new IllegalArgumentException("Transformer generator: " + tokens.length + " tokens for " + B
                            + " streams");
                }
                for (int b = 0; b < B; b++) {
                    if (n == blockSize) System.arraycopy(window[b], 1, window[b], 0, blockSize - 1);  // drop the oldest
                    window[b][Math.min(n, blockSize - 1)] = tokens[b];
                }
                n = Math.min(n + 1, blockSize);
                if (context.length != B || (B > 0 && context[0].length != n)) {
                    context = new int[B][n];
                }
                for (int b = 0; b < B; b++) System.arraycopy(window[b], 0, context[b], 0, n);
                nextLogits(context, logits);
            }
        };
    }

    /**
     * Generation for B streams with a key–value cache: each new token goes through the model as one row per stream
     * — its embedding, then every block with {@link TransformerBlock#forwardCached} (attention reads the keys and
     * values of the earlier positions from the cache instead of recomputing them) — for O(t·C + C²) work per token
     * instead of {@link #generator}'s O(t·C² + t²·C). The logits are those of {@link #generator} (the causal mask:
     * nothing of position t depends on a later one; the same numbers up to the products' rounding, which may differ in
     * the last bits between a one-row and a many-row product). Once a stream holds blockSize tokens the window
     * slides, every position shifts by one, and the cache is rebuilt from the window (as costly as no cache).
     *
     * @param B the number of streams
     * @return the generator
     */
    public Generator cachedGenerator(int B) {
        if (B < 1) throw new IllegalArgumentException("Transformer: a generator needs ≥ 1 stream, got " + B);
        return new Generator() {
            private final int[][] window = new int[B][blockSize];
            private final CausalSelfAttention.KvCache[] caches = new CausalSelfAttention.KvCache[blocks.size()];
            private final int[] ids = new int[B], posIds = new int[B];
            private final RowBuffer xOne = new RowBuffer(C);
            private int n;                                                       // tokens in every window

            {
                for (int l = 0; l < caches.length; l++) caches[l] = blocks.get(l).attn.newCache(B);
            }

            @Override
            public void reset() {
                n = 0;
                for (CausalSelfAttention.KvCache c : caches) c.clear();
            }

            @Override
            public void next(int[] tokens, Matrix logits) {
                if (tokens.length != B) {
                    throw new IllegalArgumentException("Transformer generator: " + tokens.length + " tokens for " + B
                            + " streams");
                }
                if (logits.rows != B || logits.cols != V) {
                    throw new IllegalArgumentException("Transformer: logits " + logits.shape() + ", expected (" + B
                            + "×" + V + ")");
                }
                for (int id : tokens) {
                    if (id < 0 || id >= V) {
                        throw new IllegalArgumentException("Transformer: input token " + id + " outside [0, " + V + ")");
                    }
                }
                training(false);
                if (n < blockSize) {
                    for (int b = 0; b < B; b++) window[b][n] = tokens[b];
                    step(n, logits);                                             // position n from the cache
                    n++;
                    return;
                }
                for (int b = 0; b < B; b++) {                                   // the window slides: rebuild
                    System.arraycopy(window[b], 1, window[b], 0, blockSize - 1);
                    window[b][blockSize - 1] = tokens[b];
                }
                for (CausalSelfAttention.KvCache c : caches) c.clear();
                for (int t = 0; t < blockSize; t++) step(t, logits);
            }

            /** Position t of every stream through the model, from the cache of positions 0 … t − 1. */
            private void step(int t, Matrix logits) {
                for (int b = 0; b < B; b++) {
                    ids[b] = window[b][t];
                    posIds[b] = t;
                }
                Matrix x = xOne.rows(B).setFrom(wte.forward(ids));             // wte[token]      (B × C)
                if (wpe != null) x.addInPlace(wpe.forward(posIds));            // + wpe[t]
                if (sinusoids != null) for (int b = 0; b < B; b++) {           // + P[t]
                    double[] xr = x.data[b], p = sinusoids.data[t];
                    for (int j = 0; j < C; j++) xr[j] += p[j];
                }
                for (int l = 0; l < caches.length; l++) x = blocks.get(l).forwardCached(x, caches[l]);
                if (lnF != null) x = lnF.forward(x);
                logits.setFrom(head.forward(x));                               // (B × V)
            }
        };
    }

    @Override
    public String toString() {
        Config c = config;
        return String.format(Locale.ROOT, "Transformer(V=%d, block %d, %d layers, %d heads, n_embd %d, %s positions%s%s%s%s%s%s%s%s; "
                        + "%d parameters)", V, blockSize, c.layers(), c.heads(), C, c.positions().name().toLowerCase(Locale.ROOT),
                c.residual() ? "" : ", no residual", c.layerNorm() ? "" : ", no LayerNorm", c.bias() ? "" : ", no biases",
                c.tieWeights() ? ", head tied to wte" : "", c.init() == Init.MAKEMORE ? "" : ", nanoGPT init",
                c.postLayerNorm() ? ", post-LN" : "", c.dropout() > 0 ? ", dropout " + c.dropout() : "",
                c.scaleResiduals() ? ", residual projections ×1/√(2·n_layer)" : "", numParams());
    }
}
