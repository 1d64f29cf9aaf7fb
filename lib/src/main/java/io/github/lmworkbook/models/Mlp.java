package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.Tanh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The neural probabilistic language model of Bengio, Ducharme, Vincent and Jauvin (2003), written by hand:
 * a shared embedding table, the previous n tokens' embeddings concatenated, one tanh hidden layer, a
 * softmax over the vocabulary, and (optionally) the paper's direct connections from the embeddings to
 * the output.
 *
 * <p>In the paper's symbols, with every example a row (so each weight matrix is the transpose of the
 * paper's, and the products read x·H instead of Hx):
 * <pre>
 * x = [C[w_t]; C[w_{t−1}]; …; C[w_{t−n+1}]]     the window, most recent token first     x (N × n·m)
 * z = x·H + d                                                                           z (N × h)
 * a = tanh(z)                                                                           a (N × h)
 * y = b + x·W + a·U          (x·W only with direct connections)                         y (N × V)
 * p = softmax(y),  L = −(1/N) Σ_r log p[r][w_{t+1}]
 * </pre>
 * and backward, piece by piece:
 * <pre>
 * dy = (p − onehot(w_{t+1})) / N
 * dU = aᵀ·dy,   db = Σ_r dy,   dW = xᵀ·dy
 * da = dy·Uᵀ
 * dz = da ⊙ (1 − a²)                          tanh′ = 1 − tanh²
 * dH = xᵀ·dz,   dd = Σ_r dz
 * dx = dz·Hᵀ + dy·Wᵀ
 * dC[w_{t−k}] += dx[r][k·m … k·m+m−1]          a scatter-add over the window: every occurrence adds
 * </pre>
 *
 * <h2>One code path for examples and sequences</h2>
 * The model consumes {@link Batch}es in makemore's layout: x and y are B × T, every position t predicts
 * y[b][t] from the window x[b][t], x[b][t−1], …, x[b][t−n+1]; positions before the start of the sequence
 * hold the extra token {@code <BLANK>} (index V, so C has V+1 rows); targets of −1 (padding) are ignored.
 * With n = 3 on name batches this is exactly the (context → next character) example set of Karpathy's
 * zero-to-hero MLP; with n = 16, m = 64, h = 64 it is makemore's {@code --type mlp}.
 *
 * <h2>Speed</h2>
 * All rows of the batch go through one product per weight ((N × n·m)·(n·m × h) and so on), so the work
 * lands in {@link Matrix}'s product kernels. Rows whose target is ignored are not computed at all (the loss
 * and gradient do not depend on them); {@link #setComputeIgnoredPositions(boolean)} turns that off to do the
 * same work as makemore (which computes every position). Buffers are kept from step to step; a batch with
 * more than {@link #MAX_ROWS} positions is processed in chunks.
 *
 * <h2>Exercises</h2>
 * The embedding backward and the hidden layer's backward are replaceable ({@link #embeddingBackward},
 * {@link #hiddenBackward}), so a learner's version can run inside the model under the gradient checker.
 * The defaults are {@link #referenceEmbeddingBackward} and {@link #referenceHiddenBackward}.
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
     * @param seed      seed of the initialization
     */
    public record Config(int vocabSize, int context, int embed, int hidden, boolean direct, long seed) {
        public Config {
            if (vocabSize < 1 || context < 1 || embed < 1 || hidden < 1) {
                throw new IllegalArgumentException("Mlp: vocabSize, context, embed and hidden must be ≥ 1, got V="
                        + vocabSize + ", n=" + context + ", m=" + embed + ", h=" + hidden);
            }
        }

        /** makemore's {@code --type mlp} on names: block_size 16, n_embd 64, n_embd2 64, no direct connections. */
        public static Config makemore(int vocabSize, long seed) {
            return new Config(vocabSize, 16, 64, 64, false, seed);
        }

        /** The number of parameters this configuration has. */
        public long numParams() {
            long V = vocabSize, n = context, m = embed, h = hidden;
            return (V + 1) * m + n * m * h + h + h * V + V + (direct ? n * m * V : 0);
        }
    }

    /** dC[ids[r][k]] += dx[r][k·m … k·m+m−1] for every row r and window slot k. */
    @FunctionalInterface
    public interface EmbeddingBackward {
        void apply(int[][] ids, Matrix dx, Matrix dC);
    }

    /**
     * The hidden layer's backward: given the cache (x, a), the weights H and the upstream gradient da,
     * add xᵀ·dz into dH and Σ_r dz into dd, and write dz·Hᵀ into dx, where dz = da ⊙ (1 − a²).
     * da may be overwritten (with dz); dx arrives zeroed.
     */
    @FunctionalInterface
    public interface HiddenBackward {
        void apply(Matrix x, Matrix a, Matrix H, Matrix da, Matrix dH, Matrix dd, Matrix dx);
    }

    /** Positions processed at once; a larger batch (e.g. a whole split in {@link #loss}) runs in chunks. */
    public static final int MAX_ROWS = 2048;

    public final Config config;
    public final int V, n, m, h;
    /** The token id of {@code <BLANK>}, the filler before the start of a sequence (= V). */
    public final int BLANK;

    public final Param C; // (V+1 × m)    embedding table, row V = <BLANK>
    public final Param H; // (n·m × h)    hidden weights
    public final Param d; // (1 × h)      hidden bias
    public final Param U; // (h × V)      output weights
    public final Param b; // (1 × V)      output bias
    public final Param W; // (n·m × V)    direct connections, null without
    private final List<Param> params;

    /** The embedding backward in use; a learner may replace it (null restores the reference). */
    public EmbeddingBackward embeddingBackward = Mlp::referenceEmbeddingBackward;
    /** The hidden layer's backward in use; a learner may replace it (null restores the reference). */
    public HiddenBackward hiddenBackward = Mlp::referenceHiddenBackward;

    private boolean computeIgnored = false;

    // buffers, sized for MAX_ROWS positions; a step uses a view of the first N rows (see Rows)
    private final Rows xBuf, zaBuf, yBuf, dxBuf, daBuf;
    private final int[][] ids;  // (MAX_ROWS × n) cache: token id in each window slot
    private final int[][][] idViews = new int[MAX_ROWS + 1][][];
    private final int[] target; // (MAX_ROWS)     cache: the target of each computed row
    private final int[] rowB, rowT; // where each computed row comes from in the batch

    /**
     * Initialized like PyTorch's defaults (as makemore is): C ~ N(0, 1); H, d ~ U(±1/√(n·m));
     * U, b ~ U(±1/√h); W ~ U(±1/√(n·m)).
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
        C = new Param("C", Matrix.randn(V + 1, m, 1.0, rng));
        H = new Param("H", Matrix.uniform(n * m, h, bx, rng));
        d = new Param("d", Matrix.uniform(1, h, bx, rng));
        U = new Param("U", Matrix.uniform(h, V, bh, rng));
        b = new Param("b", Matrix.uniform(1, V, bh, rng));
        W = config.direct() ? new Param("W", Matrix.uniform(n * m, V, bx, rng)) : null;
        List<Param> ps = new ArrayList<>(List.of(C, H, d, U, b));
        if (W != null) ps.add(W);
        params = Collections.unmodifiableList(ps);

        xBuf = new Rows(n * m);
        zaBuf = new Rows(h);
        yBuf = new Rows(V);
        dxBuf = new Rows(n * m);
        daBuf = new Rows(h);
        ids = new int[MAX_ROWS][n];
        target = new int[MAX_ROWS];
        rowB = new int[MAX_ROWS];
        rowT = new int[MAX_ROWS];
    }

    public Mlp(int vocabSize, int context, int embed, int hidden, boolean direct, long seed) {
        this(new Config(vocabSize, context, embed, hidden, direct, seed));
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public int vocabSize() {
        return V;
    }

    /** The context length n. */
    public int context() {
        return n;
    }

    /**
     * When true, every position of a batch is computed, also those whose target is −1 (as makemore does);
     * the loss and gradients are the same either way. Default false.
     */
    public Mlp setComputeIgnoredPositions(boolean on) {
        this.computeIgnored = on;
        return this;
    }

    @Override
    public double loss(Batch batch) {
        return run(batch, false);
    }

    @Override
    public double lossAndGrad(Batch batch) {
        return run(batch, true);
    }

    /** The loss over all counted positions of the batch, in chunks of at most MAX_ROWS positions. */
    private double run(Batch batch, boolean backward) {
        int[][] bx = batch.x(), by = batch.y();
        int T = batch.length();
        long total = 0; // N, the number of targets that count
        for (int[] row : by) {
            for (int t = 0; t < T; t++) {
                int y = row[t];
                if (y == SoftmaxCrossEntropy.IGNORE) continue;
                if (y < 0 || y >= V) {
                    throw new IllegalArgumentException("Mlp: target " + y + " outside [0, " + V + ") (−1 = ignore)");
                }
                total++;
            }
        }
        if (total == 0) return 0.0;
        double lossSum = 0;
        int rows = 0;
        for (int bi = 0; bi < bx.length; bi++) {
            for (int t = 0; t < T; t++) {
                if (!computeIgnored && by[bi][t] == SoftmaxCrossEntropy.IGNORE) continue;
                rowB[rows] = bi;
                rowT[rows] = t;
                rows++;
                if (rows == MAX_ROWS) {
                    lossSum += chunk(bx, by, rows, total, backward);
                    rows = 0;
                }
            }
        }
        if (rows > 0) lossSum += chunk(bx, by, rows, total, backward);
        return lossSum / total;
    }

    /**
     * Forward (and backward) over the N rows listed in rowB/rowT. Returns the summed loss of those rows;
     * gradients are scaled by 1/total, the number of counted targets in the whole batch.
     */
    private double chunk(int[][] bx, int[][] by, int N, long total, boolean backward) {
        // ---- gather the windows: x[r] = [C[w_t]; C[w_{t−1}]; …; C[w_{t−n+1}]]
        Matrix x = xBuf.view(N); // (N × n·m)
        for (int r = 0; r < N; r++) {
            int[] seq = bx[rowB[r]];
            int t = rowT[r];
            target[r] = by[rowB[r]][t];
            for (int k = 0; k < n; k++) ids[r][k] = t - k >= 0 ? checkToken(seq[t - k]) : BLANK;
        }
        gather(ids, N, x);

        // ---- forward
        Matrix a = zaBuf.view(N);  // (N × h)
        a.setMatmul(x, H.value).addRowVector(d.value); // z = x·H + d
        Tanh.forward(a, a);                              // a = tanh(z), in place: backward needs only a
        Matrix y = yBuf.view(N);   // (N × V) logits, then probabilities, then dy
        y.setMatmul(a, U.value).addRowVector(b.value);   // y = b + a·U
        if (W != null) y.addMatmul(x, W.value);          //     + x·W
        double lossSum = softmaxInPlace(y, target, N);   // y ← p = softmax(y)
        if (!backward) return lossSum;

        // ---- backward
        double inv = 1.0 / total;
        for (int r = 0; r < N; r++) {                    // dy = (p − onehot) / total
            double[] yr = y.data[r];
            if (target[r] == SoftmaxCrossEntropy.IGNORE) {
                java.util.Arrays.fill(yr, 0.0);
                continue;
            }
            for (int j = 0; j < V; j++) yr[j] *= inv;
            yr[target[r]] -= inv;
        }
        Matrix dy = y;
        U.grad.addMatmulTransA(a, dy);                   // dU += aᵀ·dy
        dy.addColumnSumsTo(b.grad);                      // db += Σ_r dy
        Matrix da = daBuf.view(N); // (N × h)
        da.zero().addMatmulTransB(dy, U.value);          // da = dy·Uᵀ
        Matrix dx = dxBuf.view(N); // (N × n·m)
        dx.zero();
        HiddenBackward hb = hiddenBackward != null ? hiddenBackward : Mlp::referenceHiddenBackward;
        hb.apply(x, a, H.value, da, H.grad, d.grad, dx);     // dz, dH, dd, dx = dz·Hᵀ
        if (W != null) {
            W.grad.addMatmulTransA(x, dy);               // dW += xᵀ·dy
            dx.addMatmulTransB(dy, W.value);             // dx += dy·Wᵀ
        }
        EmbeddingBackward eb = embeddingBackward != null ? embeddingBackward : Mlp::referenceEmbeddingBackward;
        eb.apply(idsView(N), dx, C.grad);                  // dC[w_{t−k}] += dx[r][k·m …]
        return lossSum;
    }

    /** The first N rows of ids, as an array of exactly N rows (made once per N). */
    private int[][] idsView(int N) {
        int[][] v = idViews[N];
        if (v == null) idViews[N] = v = java.util.Arrays.copyOf(ids, N);
        return v;
    }

    /** x[r][k·m …] = C[ids[r][k]] for the first N rows. */
    private void gather(int[][] ids, int N, Matrix x) {
        double[][] Cv = C.value.data;
        for (int r = 0; r < N; r++) {
            double[] xr = x.data[r];
            int[] id = ids[r];
            for (int k = 0; k < n; k++) System.arraycopy(Cv[id[k]], 0, xr, k * m, m);
        }
    }

    /**
     * Replaces each logit row by its softmax, p = exp(y − max y) / Σ exp(y − max y), and returns
     * Σ_r −log p[r][target[r]] over the rows whose target is not −1 (log p computed as y − logsumexp y).
     */
    private static double softmaxInPlace(Matrix y, int[] target, int N) {
        double loss = 0;
        int V = y.cols;
        for (int r = 0; r < N; r++) {
            double[] yr = y.data[r];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < V; j++) max = Math.max(max, yr[j]);
            int t = target[r];
            double yt = t >= 0 ? yr[t] : 0;
            double sum = 0;
            for (int j = 0; j < V; j++) {
                double e = Math.exp(yr[j] - max);
                yr[j] = e;
                sum += e;
            }
            double s = 1.0 / sum;
            for (int j = 0; j < V; j++) yr[j] *= s;
            if (t >= 0) loss -= yt - max - Math.log(sum);
        }
        return loss;
    }

    /** dC[ids[r][k]] += dx[r][k·m … k·m+m−1]: the embedding gradient is a scatter-add over the window. */
    public static void referenceEmbeddingBackward(int[][] ids, Matrix dx, Matrix dC) {
        int m = dC.cols;
        for (int r = 0; r < dx.rows; r++) {
            double[] dxr = dx.data[r];
            int[] id = ids[r];
            for (int k = 0; k < id.length; k++) {
                double[] dCrow = dC.data[id[k]];
                int o = k * m;
                for (int j = 0; j < m; j++) dCrow[j] += dxr[o + j];
            }
        }
    }

    /**
     * The hidden layer's backward, for a = tanh(x·H + d):
     * dz = da ⊙ (1 − a²) (written into da), dH += xᵀ·dz, dd += Σ_r dz, dx += dz·Hᵀ.
     */
    public static void referenceHiddenBackward(Matrix x, Matrix a, Matrix H, Matrix da, Matrix dH, Matrix dd,
                                               Matrix dx) {
        Matrix dz = Tanh.backward(a, da, da); // dz = da ⊙ (1 − a²)
        dH.addMatmulTransA(x, dz);            // dH += xᵀ·dz
        dz.addColumnSumsTo(dd);               // dd += Σ_r dz
        dx.addMatmulTransB(dz, H);            // dx += dz·Hᵀ
    }

    /**
     * The logits of the token that follows each row of context (B × t): the window is the last n tokens
     * of the row, filled with {@code <BLANK>} when the row is shorter.
     */
    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        int B = context.length;
        if (logits.rows != B || logits.cols != V) {
            throw new IllegalArgumentException("Mlp.nextLogits: logits " + logits.shape() + " for " + B
                    + " contexts, expected (" + B + "×" + V + ")");
        }
        for (int start = 0; start < B; start += MAX_ROWS) {
            int N = Math.min(MAX_ROWS, B - start);
            for (int r = 0; r < N; r++) {
                int[] seq = context[start + r];
                int t = seq.length - 1;
                for (int k = 0; k < n; k++) ids[r][k] = t - k >= 0 ? checkToken(seq[t - k]) : BLANK;
            }
            Matrix x = xBuf.view(N);
            gather(ids, N, x);
            Matrix a = zaBuf.view(N);
            a.setMatmul(x, H.value).addRowVector(d.value);
            Tanh.forward(a, a);
            Matrix y = yBuf.view(N);
            y.setMatmul(a, U.value).addRowVector(b.value);
            if (W != null) y.addMatmul(x, W.value);
            for (int r = 0; r < N; r++) System.arraycopy(y.data[r], 0, logits.data[start + r], 0, V);
        }
    }

    private int checkToken(int id) {
        if (id < 0 || id >= V) {
            throw new IllegalArgumentException("Mlp: input token " + id + " outside [0, " + V + ")");
        }
        return id;
    }

    @Override
    public String toString() {
        return "Mlp(V=" + V + ", n=" + n + ", m=" + m + ", h=" + h + (W != null ? ", direct" : "") + "; "
                + numParams() + " parameters)";
    }

    /**
     * A buffer of MAX_ROWS rows of a fixed width, lent out as a matrix of its first N rows. The view for
     * each N is made once and kept, so steps allocate nothing once every batch size has been seen.
     */
    private static final class Rows {
        private final int cols;
        private double[][] rows = new double[0][];
        private Matrix[] views = new Matrix[0];

        Rows(int cols) {
            this.cols = cols;
        }

        Matrix view(int N) {
            if (N > rows.length) { // grow the backing rows lazily, up to MAX_ROWS
                double[][] grown = java.util.Arrays.copyOf(rows, Math.min(MAX_ROWS, Math.max(N, 2 * rows.length)));
                for (int i = rows.length; i < grown.length; i++) grown[i] = new double[cols];
                rows = grown;
                views = new Matrix[rows.length + 1];
            }
            Matrix v = views[N];
            if (v == null) views[N] = v = new Matrix(java.util.Arrays.copyOf(rows, N));
            return v;
        }
    }
}
