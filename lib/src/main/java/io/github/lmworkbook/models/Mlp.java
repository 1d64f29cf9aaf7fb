package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.Dropout;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Init;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.Tanh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The neural probabilistic language model of Bengio, Ducharme, Vincent and Jauvin (2003), composed of the library's
 * layers: a shared embedding table, the previous n tokens' embeddings side by side, one tanh hidden layer, a
 * softmax over the vocabulary, and (optionally) the paper's direct connections from the embeddings to the output.
 *
 * <p>In the paper's symbols, with every example a row (so each weight matrix is the transpose of the paper's):
 * <pre>
 * x = [C[w_t]; C[w_{t−1}]; …; C[w_{t−n+1}]]     embedding: the window, most recent first     x (N × n·m)
 * a = tanh(x·H + d)                             hidden: Linear H, d, then Tanh               a (N × h)
 * y = a·U + b  (+ x·W)                          output: Linear U, b (and W, no bias)         y (N × V)
 * L = −(1/N) Σ_r log softmax(y[r])[w_{t+1}]     SoftmaxCrossEntropy
 * </pre>
 * Backward is the same layers in reverse, each one's backward beside its forward in its own class:
 * <pre>
 * dy = (p − onehot(w_{t+1})) / N;   da = dy·Uᵀ (dU, db);   dz = da ⊙ (1 − a²);   dx = dz·Hᵀ (dH, dd)  (+ dy·Wᵀ, dW)
 * dC[w_{t−k}] += dx[r][k·m … k·m+m−1]      the embedding's scatter-add over the window
 * </pre>
 *
 * <h2>Batches</h2>
 * The model consumes {@link Batch}es in makemore's layout: every position t of a sequence predicts y[b][t] from the
 * window x[b][t], x[b][t−1], …, x[b][t−n+1]; positions before the start of the sequence hold the extra token
 * {@code <BLANK>} (index V, so C has V+1 rows). With n = 3 on name batches this is exactly the (context → next
 * character) example set of Karpathy's zero-to-hero MLP; with n = 16, m = 64, h = 64 it is makemore's
 * {@code --type mlp}. Positions whose target is ignored (padding) are not computed at all — their loss and
 * gradient are zero — unless {@link #setComputeIgnoredPositions} asks for makemore's work.
 *
 * <h2>Options</h2>
 * {@code dropout = p > 0} puts a {@link Dropout} on the hidden activations, a = drop(tanh(x·H + d)): active in
 * {@link #lossAndGrad}, the identity in {@link #loss} and sampling ({@link #freezeDropout} fixes the mask for a
 * gradient check). {@code init} draws H, U (and W) by a named scheme ({@link Init}; the hidden layer with tanh's gain
 * 5/3 under Kaiming, every other layer with gain 1) instead of PyTorch's default. With the defaults (0,
 * {@link Init#DEFAULT}) the model is exactly what it was before these options existed.
 */
public final class Mlp implements LanguageModel {

    /**
     * The hyper-parameters.
     *
     * @param vocabSize V, the number of tokens (C gets one more row, for {@code <BLANK>})
     * @param context   n, the number of previous tokens the model sees
     * @param embed     m, the size of a token's vector
     * @param hidden    h, the number of hidden units
     * @param direct    the paper's direct connections W from the embeddings to the output
     * @param seed      seed of the initialisation
     * @param dropout   the drop probability on the hidden activations (0: no dropout), 0 ≤ p &lt; 1
     * @param init      how H, U and W are drawn ({@link Init#DEFAULT}: PyTorch's U(±1/√in))
     */
    public record Config(int vocabSize, int context, int embed, int hidden, boolean direct, long seed,
                         double dropout, Init init) {
        /**
         * No dropout, the default initialisation.
         *
         * @param vocabSize V, the number of tokens (C gets one more row, for {@code <BLANK>})
         * @param context n, the number of previous tokens the model sees
         * @param embed m, the size of a token's vector
         * @param hidden h, the number of hidden units
         * @param direct the paper's direct connections W from the embeddings to the output
         * @param seed seed of the initialisation
         */
        public Config(int vocabSize, int context, int embed, int hidden, boolean direct, long seed) {
            this(vocabSize, context, embed, hidden, direct, seed, 0.0, Init.DEFAULT);
        }

        /**
         * Checks the sizes (every one at least 1), the dropout probability and the initialisation.
         *
         * @param vocabSize V, the number of tokens (C gets one more row, for {@code <BLANK>})
         * @param context n, the number of previous tokens the model sees
         * @param embed m, the size of a token's vector
         * @param hidden h, the number of hidden units
         * @param direct the paper's direct connections W from the embeddings to the output
         * @param seed seed of the initialisation
         * @param dropout the drop probability on the hidden activations (0: no dropout), 0 ≤ p &lt; 1
         * @param init how H, U and W are drawn ({@link Init#DEFAULT}: PyTorch's U(±1/√in))
         */
        public Config {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("Mlp: dropout " + dropout + " must be in [0, 1)");
            }
            if (init == null) throw new IllegalArgumentException("Mlp: init must be given (Init.DEFAULT)");
            if (vocabSize < 1 || context < 1 || embed < 1 || hidden < 1) {
                throw new IllegalArgumentException("Mlp: vocabSize, context, embed and hidden must be ≥ 1, got V="
                        + vocabSize + ", n=" + context + ", m=" + embed + ", h=" + hidden);
            }
        }

        /**
         * makemore's {@code --type mlp} on names: block_size 16, n_embd 64, n_embd2 64, no direct connections.
         *
         * @param vocabSize V, the number of tokens
         * @param seed seed of the initialisation
         * @return makemore's configuration
         */
        public static Config makemore(int vocabSize, long seed) {
            return new Config(vocabSize, 16, 64, 64, false, seed);
        }

        /**
         * This configuration with another dropout probability (0: no dropout).
         *
         * @param p the drop probability on the hidden activations, 0 ≤ p &lt; 1
         * @return the new configuration
         */
        public Config withDropout(double p) {
            return new Config(vocabSize, context, embed, hidden, direct, seed, p, init);
        }

        /**
         * This configuration with another initialisation of H, U and W.
         *
         * @param scheme the initialisation scheme
         * @return the new configuration
         */
        public Config withInit(Init scheme) {
            return new Config(vocabSize, context, embed, hidden, direct, seed, dropout, scheme);
        }

        /**
         * The number of parameters this configuration has.
         *
         * @return (V+1)·m + n·m·h + h + h·V + V, plus n·m·V with direct connections
         */
        public long numParams() {
            long V = vocabSize, n = context, m = embed, h = hidden;
            return (V + 1) * m + n * m * h + h + h * V + V + (direct ? n * m * V : 0);
        }
    }

    /** Positions evaluated at once by {@link #loss}: a whole split is evaluated in chunks of this many. */
    public static final int MAX_ROWS = 2048;

    /** The configuration the model was built from. */
    public final Config config;
    /** V, the vocabulary size; n, the context; m, the embedding width; h, the hidden width. */
    public final int V, n, m, h;
    /** The token id of {@code <BLANK>}, the filler before the start of a sequence (= V). */
    public final int BLANK;

    /** The embedding C (V+1 × m): row V is the padding before a name starts. */
    public final Embedding embedding; // C (V+1 × m)
    /** The hidden layer: H (n·m × h) and d (1 × h). */
    public final Linear hidden;       // H (n·m × h), d (1 × h)
    /** The hidden layer's tanh. */
    public final Tanh tanh = new Tanh();
    /** The output layer: U (h × V) and b (1 × V). */
    public final Linear output;       // U (h × V), b (1 × V)
    /** The direct connections W (n·m × V), no bias; null without them. */
    public final Linear direct;       // W (n·m × V), no bias; null without direct connections
    /** The dropout on the hidden activations a; null without dropout. */
    public final Dropout dropout;     // on a; null without dropout
    /** The parameters under their names in Bengio et al. (2003); W is null without direct connections. */
    public final Param C, H, d, U, b, W;
    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    private final List<Param> params;

    private boolean computeIgnored = false;
    private boolean frozen;                  // dropout mask frozen: loss() applies it too
    private int[][] windows = new int[0][];  // (N × n) the token ids of every computed position's window
    private int[] target = new int[0];       // (N) exact length, remade when N changes

    /**
     * Initialised like PyTorch's defaults (as makemore is): C ~ N(0, 1); H, d ~ U(±1/√(n·m)); U, b ~ U(±1/√h);
     * W ~ U(±1/√(n·m)).
     *
     * @param config the hyper-parameters and seed
     */
    public Mlp(Config config) {
        this.config = config;
        this.V = config.vocabSize();
        this.n = config.context();
        this.m = config.embed();
        this.h = config.hidden();
        this.BLANK = V;
        Random rng = new Random(config.seed());
        double bx = 1.0 / Math.sqrt(n * m), bh = 1.0 / Math.sqrt(h);
        embedding = new Embedding("C", V + 1, m, rng);
        hidden = new Linear("H", "d", n * m, h, bx, rng);
        output = new Linear("U", "b", h, V, bh, rng);
        direct = config.direct() ? new Linear("W", null, n * m, V, bx, rng) : null;
        C = embedding.C;
        H = hidden.W;
        d = hidden.b;
        U = output.W;
        b = output.b;
        W = direct == null ? null : direct.W;
        if (config.init() != Init.DEFAULT) {                 // drawn again by the scheme, from an rng of its own
            Random r = new Random(config.seed() * 0x9E3779B97F4A7C15L + 0x1417);
            config.init().apply(hidden, config.init() == Init.KAIMING ? Init.GAIN_TANH : Init.GAIN_LINEAR, r);
            config.init().apply(output, Init.GAIN_LINEAR, r);
            if (direct != null) config.init().apply(direct, Init.GAIN_LINEAR, r);
        }
        dropout = config.dropout() > 0 ? new Dropout(config.dropout(), config.seed() * 0x9E3779B97F4A7C15L + 0xD50D)
                : null;
        List<Param> ps = new ArrayList<>(List.of(C, H, d, U, b));
        if (W != null) ps.add(W);
        params = List.copyOf(ps);
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
     * The context length n.
     *
     * @return n, the number of previous tokens the model sees
     */
    public int context() {
        return n;
    }

    /**
     * When true, every position of a batch is computed, also those whose target is −1 (as makemore does); the loss
     * and gradients are the same either way. Default false.
     *
     * @param on true to compute every position
     * @return this model
     */
    public Mlp setComputeIgnoredPositions(boolean on) {
        this.computeIgnored = on;
        return this;
    }

    /**
     * Fixes the dropout mask (true) so that {@link #loss} and {@link #lossAndGrad} compute the same function (a
     * gradient check), or goes back to a fresh mask in training and none in {@link #loss} (false, the default).
     *
     * @param on true to fix the mask
     * @return this model
     */
    public Mlp freezeDropout(boolean on) {
        frozen = on;
        if (dropout != null) dropout.freeze(on);
        return this;
    }

    private void training(boolean on) {
        if (dropout != null) dropout.training(on);
    }

    /** The logits y (N × V) of the first N windows: embedding → hidden → tanh → output (+ direct). */
    private Matrix logits(int N) {
        Matrix x = embedding.forward(windows, N);         // x = [C[w_t]; …; C[w_{t−n+1}]]    (N × n·m)
        Matrix a = tanh.forward(hidden.forward(x));       // a = tanh(x·H + d)                (N × h)
        if (dropout != null) a = dropout.forward(a);      //   (dropout in training)
        Matrix y = output.forward(a);                     // y = a·U + b                      (N × V)
        if (direct != null) y.addInPlace(direct.forward(x)); //  + x·W
        return y;
    }

    /**
     * The hidden activations a = tanh(x·H + d) (N × h, a copy) of the batch's first counted positions (at most
     * {@link #MAX_ROWS}): to look at saturation, e.g. the share of |a| &gt; 0.99 at initialisation.
     *
     * @param batch the batch whose positions are read
     * @return a (N × h) copy of the activations
     */
    public Matrix activations(Batch batch) {
        int N = gather(batch, 0, MAX_ROWS);
        Matrix x = embedding.forward(windows, N);         // (N × n·m)
        return tanh.forward(hidden.forward(x)).copy();    // (N × h)
    }

    /** Backward through the same layers, from the loss of the last forward pass. */
    private void backward() {
        Matrix dy = ce.backward();                        // dy = (p − onehot) / N
        // da, dz, dx (and dU, db, dH, dd)
        Matrix da = output.backward(dy);
        if (dropout != null) da = dropout.backward(da);
        Matrix dx = hidden.backward(tanh.backward(da));
        if (direct != null) dx.addInPlace(direct.backward(dy));          //  + dy·Wᵀ (and dW)
        embedding.backward(dx);                           // dC: the scatter-add over the windows
    }

    @Override
    public double lossAndGrad(Batch batch) {
        requireNonEmpty(batch);
        training(true);
        int N = gather(batch, 0, Integer.MAX_VALUE);
        if (N == 0) return 0.0;
        double loss = ce.forward(logits(N), target);
        backward();
        return loss;
    }

    /** The loss over every counted position, forward only, in chunks of at most {@link #MAX_ROWS} positions. */
    @Override
    public double loss(Batch batch) {
        requireNonEmpty(batch);
        training(frozen);                                 // evaluation: no dropout
        double sum = 0;
        long count = 0;
        for (int from = 0; ; ) {
            int N = gather(batch, from, MAX_ROWS);
            if (N == 0) break;
            double chunk = ce.forward(logits(N), target);
            sum += chunk * ce.count();
            count += ce.count();
            from = nextFrom;
        }
        return count == 0 ? 0.0 : sum / count;
    }

    private int nextFrom; // where the next chunk of positions starts (flat index b·T + t)

    /** An empty batch (no rows, or rows of no tokens) has no loss: an error, as in RecurrentLM, not 0. */
    private static void requireNonEmpty(Batch batch) {
        if (batch.size() == 0 || batch.length() == 0) {
            throw new IllegalArgumentException("Mlp: empty batch (" + batch.size() + "×" + batch.length() + ")");
        }
    }

    /**
     * Fills windows and targets with up to max positions from flat position {@code from} on (skipping ignored
     * targets unless they are computed); returns how many, and sets {@link #nextFrom}.
     */
    private int gather(Batch batch, int from, int max) {
        int[][] bx = batch.x(), by = batch.y();
        int B = batch.size(), T = batch.length(), N = 0, p = from;
        int total = 0;
        for (int q = from; q < B * T; q++) if (computeIgnored || by[q / T][q % T] != Batch.IGNORE) total++;
        int size = Math.min(total, max);
        if (windows.length < size) {
            int[][] grown = Arrays.copyOf(windows, Math.max(size, 2 * windows.length));
            for (int i = windows.length; i < grown.length; i++) grown[i] = new int[n];
            windows = grown;
        }
        if (target.length != size) target = new int[size];
        for (; p < B * T && N < size; p++) {
            int bi = p / T, t = p % T;
            int y = by[bi][t];
            if (!computeIgnored && y == Batch.IGNORE) continue;
            if (y != Batch.IGNORE && (y < 0 || y >= V)) {
                throw new IllegalArgumentException("Mlp: target " + y + " outside [0, " + V + ") (−1 = ignore)");
            }
            if (bx[bi].length != T) {
                throw new IllegalArgumentException("Mlp: row " + bi + " has " + bx[bi].length + " tokens, row 0 has " + T);
            }
            target[N] = y;
            window(bx[bi], t, windows[N]);
            N++;
        }
        nextFrom = p;
        return N;
    }

    /** w[k] = seq[t − k] for k = 0 … n−1, or {@code <BLANK>} before the start. */
    private void window(int[] seq, int t, int[] w) {
        for (int k = 0; k < n; k++) w[k] = t - k >= 0 ? checkToken(seq[t - k]) : BLANK;
    }

    /**
     * The logits of the token that follows each row of context (B × t): the window is the last n tokens of the
     * row, filled with {@code <BLANK>} when the row is shorter.
     */
    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        int B = context.length;
        if (logits.rows != B || logits.cols != V) {
            throw new IllegalArgumentException("Mlp.nextLogits: logits " + logits.shape() + " for " + B
                    + " contexts, expected (" + B + "×" + V + ")");
        }
        training(false);
        for (int start = 0; start < B; start += MAX_ROWS) {
            int N = Math.min(MAX_ROWS, B - start);
            if (windows.length < N) {
                int[][] grown = Arrays.copyOf(windows, N);
                for (int i = windows.length; i < N; i++) grown[i] = new int[n];
                windows = grown;
            }
            for (int r = 0; r < N; r++) window(context[start + r], context[start + r].length - 1, windows[r]);
            Matrix y = logits(N);
            for (int r = 0; r < N; r++) System.arraycopy(y.data[r], 0, logits.data[start + r], 0, V);
        }
    }

    private int checkToken(int id) {
        if (id < 0 || id >= V) throw new IllegalArgumentException("Mlp: input token " + id + " outside [0, " + V + ")");
        return id;
    }

    @Override
    public String toString() {
        return "Mlp(V=" + V + ", n=" + n + ", m=" + m + ", h=" + h + (W != null ? ", direct" : "")
                + (dropout != null ? ", dropout " + dropout.p : "")
                + (config.init() != Init.DEFAULT ? ", " + config.init() + " init" : "") + "; "
                + numParams() + " parameters)";
    }
}
