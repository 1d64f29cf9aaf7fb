package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Multi-head causal self-attention, as in GPT-2 (and makemore's {@code CausalSelfAttention}): every position
 * retrieves a weighted mix of the values of the positions up to itself, weighted by how well its query matches
 * their keys.
 * <pre>
 * [Q | K | V] = x·W_qkv + b_qkv            x (N × C), W_qkv (C × 3C): W_q, W_k, W_v side by side
 * for every sequence and every head h (its columns h·d … h·d + d − 1 of Q, K and V; d = C / n_head):
 *   s_ij = q_i·k_j / √d         for j ≤ i  (the causal mask: a position sees itself and the past only)
 *   a_i  = softmax(s_i)                     the attention weights of position i, Σ_j a_ij = 1
 *   y_i  = Σ_{j ≤ i} a_ij v_j               (d) head h's columns of y (N × C): the heads side by side
 * out = y·W_o + b_o                         W_o (C × C), out (N × C)
 * </pre>
 * and backward, from dout (N × C): dy = dout·W_oᵀ (W_o's layer), then per sequence and head
 * <pre>
 *   da_ij  = dy_i·v_j                dv_j += a_ij dy_i           (y_i = Σ_j a_ij v_j)
 *   ds_i   = a_i ⊙ (da_i − da_i·a_i)                              the softmax's vector–Jacobian product
 *   dq_i  += Σ_j ds_ij k_j / √d      dk_j += ds_ij q_i / √d       (s_ij = q_i·k_j / √d)
 * </pre>
 * and d[Q | K | V] → dx through W_qkv's layer.
 *
 * <p><b>Heads are column blocks.</b> {@link Matrix} stores one array per row and cannot view a block of columns,
 * so for every sequence and head the head's columns of Q, K, V (and of dy, in backward) are copied into (L × d)
 * buffers q, k, v; the math runs on those rows, and y (dQ, dK, dV) is copied back into the head's columns — so
 * that y is already the concatenation of the heads. The copies cost O(L·d) against the O(L²·d) of the math, and
 * they give every inner loop two arrays indexed alike, which C2 vectorizes ({@link #axpy}; {@link #dot} keeps
 * four partial sums, as C2 leaves floating-point reductions scalar).
 *
 * <p><b>Under float32</b> ({@code Kernels.setPrecision(FLOAT32)}) each head's sums run as matrix products instead —
 * S = q·kᵀ, y = a·v and their four backward products ({@link #headForwardByProducts},
 * {@link #headBackwardByProducts}) — on the product kernels, in float: the same math (the masked half of the square
 * is computed and zeroed), about ten times faster at T = 64, d = 32 than the loops, which stay the float64 path.
 *
 * <p><b>Sequences</b> follow {@link SequenceLayer}: the rows are the sequences laid end to end, with their lengths
 * given (batch-major b·T + t when all have length T), each at most the block size. The causal mask is the loop bound
 * j ≤ i; nothing of the future is ever computed. The cache is [Q | K | V] and the weights a of every head.
 */
public final class CausalSelfAttention implements SequenceLayer {
    /** The projection to queries, keys and values: W_qkv (C × 3C), b_qkv (1 × 3C) (no b without bias). */
    public final Linear qkv;           // W_qkv (C × 3C), b_qkv (1 × 3C) (no b without bias)
    /** The output projection: W_o (C × C), b_o (1 × C) (no b without bias). */
    public final Linear out;           // W_o (C × C), b_o (1 × C) (no b without bias)
    /** C, the width of x; the number of heads; d = C / heads, the width of one head; the longest sequence. */
    public final int C, heads, d, blockSize;
    private final double scale;        // 1/√d
    private boolean scaled = true;

    private Matrix QKV;                                   // cache: [Q | K | V] of the last forward (N × 3C)
    private final Matrix[] A;                             // cache: head h's weights, row i holds a_i[0 … i] (N × blockSize)
    private final RowBuffer[] aBuf;
    private final RowBuffer yBuf, dQKVBuf;                // (N × C), (N × 3C)
    private int[] lengths = new int[0], uniform = new int[0];
    private int count;                                    // cache: the number of sequences
    private final double[] da;                            // (blockSize) scratch: da_i, then ds_i
    private final double[][] ds;                          // (blockSize × blockSize) scratch of the product path
    private final double[][] q, k, v, y, dy, dq, dk, dv;  // (blockSize × d) one head over one sequence
    private final double[][] aRows;                       // (blockSize) views of one sequence's rows of A[h]

    /**
     * W_qkv, b_qkv, W_o, b_o ~ U(±1/√C), PyTorch's nn.Linear default (makemore's initialisation); parameters
     * "{name}.qkv.W", "{name}.qkv.b", "{name}.o.W", "{name}.o.b".
     *
     * @param name the prefix of the parameters' names
     * @param C the width of the input and output (n_embd)
     * @param heads the number of heads (dividing C)
     * @param blockSize the longest sequence the layer takes
     * @param rng the random source of the initial weights
     */
    public CausalSelfAttention(String name, int C, int heads, int blockSize, Random rng) {
        this(name, C, heads, blockSize, true, rng);
    }

    /**
     * As above; without bias ({@code bias = false}, nanoGPT's {@code bias=False}) there are no b_qkv and b_o.
     *
     * @param name the prefix of the parameters' names
     * @param C the width of the input and output (n_embd)
     * @param heads the number of heads (dividing C)
     * @param blockSize the longest sequence the layer takes
     * @param bias whether the projections have biases b_qkv and b_o
     * @param rng the random source of the initial weights
     */
    public CausalSelfAttention(String name, int C, int heads, int blockSize, boolean bias, Random rng) {
        if (C < 1 || heads < 1 || C % heads != 0) {
            throw new IllegalArgumentException("CausalSelfAttention " + name + ": " + heads + " heads must divide the "
                    + "width C = " + C);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("CausalSelfAttention " + name + ": block size must be ≥ 1, got "
                    + blockSize);
        }
        this.C = C;
        this.heads = heads;
        this.d = C / heads;
        this.blockSize = blockSize;
        this.scale = 1.0 / Math.sqrt(d);
        this.qkv = new Linear(name + ".qkv", C, 3 * C, bias, rng);
        this.out = new Linear(name + ".o", C, C, bias, rng);
        this.A = new Matrix[heads];
        this.aBuf = new RowBuffer[heads];
        for (int h = 0; h < heads; h++) aBuf[h] = new RowBuffer(blockSize);
        this.yBuf = new RowBuffer(C);
        this.dQKVBuf = new RowBuffer(3 * C);
        this.da = new double[blockSize];
        this.ds = new double[blockSize][blockSize];
        this.q = new double[blockSize][d];
        this.k = new double[blockSize][d];
        this.v = new double[blockSize][d];
        this.y = new double[blockSize][d];
        this.dy = new double[blockSize][d];
        this.dq = new double[blockSize][d];
        this.dk = new double[blockSize][d];
        this.dv = new double[blockSize][d];
        this.aRows = new double[blockSize][];
    }

    @Override
    public List<Param> params() {
        List<Param> ps = new ArrayList<>(qkv.params());
        ps.addAll(out.params());
        return ps;
    }

    /**
     * Divides the scores by √d (true, the default) or not (false): the only switch of the experiment "why √d".
     *
     * @param on true to divide the scores by √d
     * @return this layer, for chaining
     */
    public CausalSelfAttention scaled(boolean on) {
        this.scaled = on;
        return this;
    }

    @Override
    public Matrix forward(Matrix x, int T) {
        if (T < 1 || x.rows % T != 0) {
            throw new IllegalArgumentException("CausalSelfAttention: " + x.rows
                    + " rows are not sequences of T = " + T + " positions");
        }
        int B = x.rows / T;
        if (uniform.length != B) uniform = new int[B];
        java.util.Arrays.fill(uniform, T);
        return forward(x, uniform);
    }

    /** [Q | K | V] = x·W_qkv + b; every head attends over every sequence; out = y·W_o + b_o. */
    @Override
    public Matrix forward(Matrix x, int[] lengths) {
        SequenceLayer.checkLengths("CausalSelfAttention", x.rows, lengths, lengths.length, blockSize);
        keep(lengths);
        QKV = qkv.forward(x);                                     // [Q | K | V]       (N × 3C)
        Matrix Y = yBuf.rows(x.rows);                             // the heads' y_i    (N × C)
        double s = scaled ? scale : 1.0;
        boolean products = Kernels.precision() == Kernels.Precision.FLOAT32;
        for (int h = 0; h < heads; h++) A[h] = aBuf[h].rows(x.rows);
        for (int b = 0, off = 0; b < count; off += this.lengths[b], b++) {
            int L = this.lengths[b];
            for (int h = 0; h < heads; h++) {
                // head h's columns of Q, K, V (and of y: qc)
                int qc = h * d, kc = C + h * d, vc = 2 * C + h * d;
                copyIn(QKV, off, L, qc, q);
                copyIn(QKV, off, L, kc, k);
                copyIn(QKV, off, L, vc, v);
                if (products) headForwardByProducts(q, k, v, L, s, rowsOf(A[h], off, L), y);
                else headForward(q, k, v, L, s, rowsOf(A[h], off, L), y);
                copyOut(y, L, Y, off, qc);
            }
        }
        return out.forward(Y);                                    // y·W_o + b_o       (N × C)
    }

    /**
     * One head over one sequence of L positions, on (≥ L × d) arrays: for i &lt; L,
     * <pre>
     * s_ij = q_i·k_j · scale  for j ≤ i      a_i = softmax(s_i)      y_i = Σ_{j ≤ i} a_ij v_j
     * </pre>
     * writing a[i][0 … i] (the weights; entries above the diagonal are not touched) and y[i].
     */
    public static void headForward(double[][] q, double[][] k, double[][] v, int L, double scale,
                                   double[][] a, double[][] y) {
        int d = q[0].length;
        for (int i = 0; i < L; i++) {
            double[] ai = a[i];
            // j ≤ i only: the mask
            for (int j = 0; j <= i; j++) ai[j] = dot(q[i], k[j], d) * scale;  // s_ij = q_i·k_j / √d
            Softmax.row(ai, ai, i + 1);                                      // a_i = softmax(s_i)
            java.util.Arrays.fill(y[i], 0, d, 0.0);
            for (int j = 0; j <= i; j++) axpy(ai[j], v[j], y[i], d);        // y_i = Σ_j a_ij v_j
        }
    }

    /**
     * dy = dout·W_oᵀ; per sequence and head: da, dv, ds (softmax VJP), dq, dk;
     * dx = d[Q | K | V]·W_qkvᵀ.
     */
    @Override
    public Matrix backward(Matrix dout) {
        if (QKV == null) {
            throw new IllegalStateException("CausalSelfAttention: backward before forward");
        }
        Matrix dY = out.backward(dout);                           // (N × C)
        // every head's columns of dQKV are written below
        Matrix dQKV = dQKVBuf.rows(dY.rows);                      // (N × 3C)
        double s = scaled ? scale : 1.0;
        boolean products = Kernels.precision() == Kernels.Precision.FLOAT32;
        for (int b = 0, off = 0; b < count; off += lengths[b], b++) {
            int L = lengths[b];
            for (int h = 0; h < heads; h++) {
                int qc = h * d, kc = C + h * d, vc = 2 * C + h * d;
                copyIn(QKV, off, L, qc, q);
                copyIn(QKV, off, L, kc, k);
                copyIn(QKV, off, L, vc, v);
                copyIn(dY, off, L, qc, dy);
                for (int i = 0; i < L; i++) {
                    java.util.Arrays.fill(dq[i], 0.0);
                    java.util.Arrays.fill(dk[i], 0.0);
                    java.util.Arrays.fill(dv[i], 0.0);
                }
                if (products) {
                    headBackwardByProducts(q, k, v, rowsOf(A[h], off, L), dy, L, s, ds, dq, dk, dv);
                } else {
                    headBackward(q, k, v, rowsOf(A[h], off, L), dy, L, s, da, dq, dk, dv);
                }
                copyOut(dq, L, dQKV, off, qc);
                copyOut(dk, L, dQKV, off, kc);
                copyOut(dv, L, dQKV, off, vc);
            }
        }
        return qkv.backward(dQKV);                                // dx (N × C)
    }

    /**
     * The backward pass of {@link #headForward}: from dy (∂L/∂y_i, i &lt; L) and the weights a of
     * the forward pass, adds ∂L/∂q_i, ∂L/∂k_j, ∂L/∂v_j into dq, dk, dv (≥ L × d):
     * <pre>
     * da_ij = dy_i·v_j                 dv_j += a_ij dy_i          for j ≤ i
     * ds_i  = a_i ⊙ (da_i − da_i·a_i)                             the softmax's vector–Jacobian product
     * dq_i += Σ_j ds_ij k_j · scale    dk_j += ds_ij q_i · scale
     * </pre>
     * da is scratch of length ≥ L.
     */
    public static void headBackward(double[][] q, double[][] k, double[][] v, double[][] a,
                                    double[][] dy, int L, double scale, double[] da,
                                    double[][] dq, double[][] dk, double[][] dv) {
        int d = q[0].length;
        for (int i = 0; i < L; i++) {
            double[] ai = a[i];
            for (int j = 0; j <= i; j++) {
                da[j] = dot(dy[i], v[j], d);                  // da_ij = dy_i·v_j
                axpy(ai[j], dy[i], dv[j], d);                 // dv_j += a_ij dy_i
            }
            Softmax.rowBackward(ai, da, da, i + 1);           // ds_i = a_i ⊙ (da_i − da_i·a_i)
            for (int j = 0; j <= i; j++) {
                double g = da[j] * scale;                     // ∂L/∂(q_i·k_j)
                axpy(g, k[j], dq[i], d);                      // dq_i += ds_ij k_j / √d
                axpy(g, q[i], dk[j], d);                      // dk_j += ds_ij q_i / √d
            }
        }
    }

    /**
     * {@link #headForward} with its sums as matrix products, the fast path under float32:
     * <pre>
     * S = q·kᵀ                      (L × L: the whole square; the masked half is computed, then zeroed)
     * a_i = softmax(S_i[0 … i]·scale),  a_ij = 0 for j &gt; i
     * y = a·v                       (L × d)
     * </pre>
     * The same values as headForward up to rounding (the products sum in another order, and in float under
     * float32). Writes a[i][0 … L) and y[i].
     *
     * @param q the queries q_i of one head (≥ L × d)
     * @param k the keys k_j (≥ L × d)
     * @param v the values v_j (≥ L × d)
     * @param L the number of positions
     * @param scale the factor of the scores (1/√d, or 1 unscaled)
     * @param a written: the weights (≥ L × ≥ L), zero above the diagonal
     * @param y written: the head's output y_i (≥ L × d)
     */
    public static void headForwardByProducts(double[][] q, double[][] k, double[][] v, int L, double scale,
                                             double[][] a, double[][] y) {
        int d = q[0].length;
        Kernels.setMatmulTransB(q, k, a, L, d, L);                   // S = q·kᵀ
        for (int i = 0; i < L; i++) {
            double[] ai = a[i];
            for (int j = 0; j <= i; j++) ai[j] *= scale;              // s_ij = q_i·k_j / √d
            Softmax.row(ai, ai, i + 1);                              // a_i = softmax(s_i)
            java.util.Arrays.fill(ai, i + 1, L, 0.0);                // the mask
        }
        Kernels.setMatmul(a, v, y, L, L, d);                         // y = a·v
    }

    /**
     * {@link #headBackward} as matrix products, the fast path under float32: from dy and the weights a (L × L,
     * zero above the diagonal after this call), adds into dq, dk, dv:
     * <pre>
     * dA = dy·vᵀ              dv += aᵀ·dy
     * ds_i = a_i ⊙ (dA_i − dA_i·a_i)·scale   over j ≤ i, 0 above
     * dq += ds·k              dk += dsᵀ·q
     * </pre>
     * ds is (≥ L × ≥ L) scratch.
     *
     * @param q the queries q_i of one head (≥ L × d)
     * @param k the keys k_j (≥ L × d)
     * @param v the values v_j (≥ L × d)
     * @param a the forward's weights (≥ L × ≥ L)
     * @param dy ∂L/∂y_i (≥ L × d)
     * @param L the number of positions
     * @param scale the forward's factor of the scores
     * @param ds scratch (≥ L × ≥ L)
     * @param dq added to: ∂L/∂q (≥ L × d)
     * @param dk added to: ∂L/∂k (≥ L × d)
     * @param dv added to: ∂L/∂v (≥ L × d)
     */
    public static void headBackwardByProducts(double[][] q, double[][] k, double[][] v, double[][] a,
                                              double[][] dy, int L, double scale, double[][] ds,
                                              double[][] dq, double[][] dk, double[][] dv) {
        int d = q[0].length;
        for (int i = 0; i < L; i++) java.util.Arrays.fill(a[i], i + 1, L, 0.0);   // a_ij = 0 above the diagonal
        Kernels.setMatmulTransB(dy, v, ds, L, d, L);                 // dA = dy·vᵀ
        Kernels.addMatmulTransA(a, dy, dv, L, L, d);                 // dv += aᵀ·dy
        for (int i = 0; i < L; i++) {
            double[] dsi = ds[i];
            Softmax.rowBackward(a[i], dsi, dsi, i + 1);              // ds_i = a_i ⊙ (dA_i − dA_i·a_i)
            for (int j = 0; j <= i; j++) dsi[j] *= scale;             // ∂L/∂(q_i·k_j)
            java.util.Arrays.fill(dsi, i + 1, L, 0.0);
        }
        Kernels.addMatmul(ds, k, dq, L, L, d);                       // dq += ds·k
        Kernels.addMatmulTransA(ds, q, dk, L, L, d);                 // dk += dsᵀ·q
    }

    /**
     * The keys and values of the positions generated so far, for B streams: what generation with a key–value cache
     * keeps instead of recomputing them for every new token. k[b][h][j] and v[b][h][j] (d each) are head h's key and
     * value of position j of stream b, j &lt; {@link #length()} ≤ the block size.
     */
    public static final class KvCache {
        final double[][][][] k, v;            // [stream][head][position][d]
        final int B;
        int n;                                // positions cached, the same for every stream

        KvCache(int B, int heads, int blockSize, int d) {
            this.B = B;
            this.k = new double[B][heads][blockSize][d];
            this.v = new double[B][heads][blockSize][d];
        }

        /** {@return the number of positions cached} */
        public int length() {
            return n;
        }

        /**
         * The number of streams.
         *
         * @return B, the number of streams
         */
        public int streams() {
            return B;
        }

        /** Forgets every position (the arrays are kept). */
        public void clear() {
            n = 0;
        }
    }

    /**
     * An empty cache for B streams of up to the block size positions.
     *
     * @param B the number of streams (≥ 1)
     * @return the new cache
     */
    public KvCache newCache(int B) {
        if (B < 1) throw new IllegalArgumentException("CausalSelfAttention: a cache needs ≥ 1 stream, got " + B);
        return new KvCache(B, heads, blockSize, d);
    }

    private RowBuffer yCachedBuf;
    private double[] qRow, scores;

    /**
     * One new position of each of B streams, x (B × C), attending over the cached positions and itself: its q, k, v
     * from x·W_qkv + b_qkv; k and v are appended to the cache; then, per head, exactly {@link #headForward}'s last
     * row — s_j = q·k_j·scale for j ≤ n, a = softmax(s), y = Σ_j a_j v_j — and out = y·W_o + b_o (B × C). The
     * output of position n is the same as {@link #forward}'s over the whole prefix (the causal mask: position n
     * reads nothing later), for O(n·C) work instead of O(n²·C). Overwrites this layer's products' caches (no
     * backward follows generation).
     *
     * @param x the new position of each stream (B × C)
     * @param cache the streams' keys and values so far, appended to
     * @return the output of the new position (B × C), this layer's buffer
     * @throws IllegalStateException when the cache already holds the block size positions
     */
    public Matrix forwardCached(Matrix x, KvCache cache) {
        int B = x.rows, n = cache.n;
        if (cache.B != B || x.cols != C) {
            throw new IllegalArgumentException("CausalSelfAttention: input " + x.shape() + " for a cache of "
                    + cache.B + " streams, expected (" + cache.B + "×" + C + ")");
        }
        if (cache.k[0].length != heads || cache.k[0][0].length != blockSize || cache.k[0][0][0].length != d) {
            throw new IllegalArgumentException("CausalSelfAttention: the cache was made by another layer's shape");
        }
        if (n == blockSize) {
            throw new IllegalStateException("CausalSelfAttention: the cache is full (" + blockSize + " positions, the "
                    + "block size)");
        }
        if (yCachedBuf == null) {
            yCachedBuf = new RowBuffer(C);
            qRow = new double[d];
            scores = new double[blockSize];
        }
        Matrix qkvRows = qkv.forward(x);                          // [q | k | v] of the new positions   (B × 3C)
        Matrix Y = yCachedBuf.rows(B);                            // (B × C)
        double s = scaled ? scale : 1.0;
        for (int b = 0; b < B; b++) {
            double[] row = qkvRows.data[b], yb = Y.data[b];
            for (int h = 0; h < heads; h++) {
                double[][] K = cache.k[b][h], V = cache.v[b][h];
                System.arraycopy(row, h * d, qRow, 0, d);          // q
                System.arraycopy(row, C + h * d, K[n], 0, d);      // k_n, appended
                System.arraycopy(row, 2 * C + h * d, V[n], 0, d);  // v_n, appended
                for (int j = 0; j <= n; j++) scores[j] = dot(qRow, K[j], d) * s;   // s_j = q·k_j / √d
                Softmax.row(scores, scores, n + 1);                               // a = softmax(s)
                java.util.Arrays.fill(yb, h * d, h * d + d, 0.0);
                for (int j = 0; j <= n; j++) {                                    // y = Σ_j a_j v_j
                    double aj = scores[j];
                    double[] vj = V[j];
                    for (int c = 0; c < d; c++) yb[h * d + c] += aj * vj[c];
                }
            }
        }
        cache.n = n + 1;
        return out.forward(Y);                                    // y·W_o + b_o   (B × C)
    }

    /** Rows off … off + L − 1 of M, as the first L entries of the view array (no copy of values). */
    private double[][] rowsOf(Matrix M, int off, int L) {
        System.arraycopy(M.data, off, aRows, 0, L);
        return aRows;
    }

    /** to[i][0 … d) = M[off + i][col … col + d) for i &lt; L: one head's columns of one sequence. */
    private void copyIn(Matrix M, int off, int L, int col, double[][] to) {
        for (int i = 0; i < L; i++) System.arraycopy(M.data[off + i], col, to[i], 0, d);
    }

    /** M[off + i][col … col + d) = from[i][0 … d) for i &lt; L. */
    private void copyOut(double[][] from, int L, Matrix M, int off, int col) {
        for (int i = 0; i < L; i++) System.arraycopy(from[i], 0, M.data[off + i], col, d);
    }

    /** Σ_c a[c]·b[c] over c &lt; n, in four partial sums (independent chains of multiply-adds). */
    static double dot(double[] a, double[] b, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int c = 0;
        for (; c + 3 < n; c += 4) {
            s0 += a[c] * b[c];
            s1 += a[c + 1] * b[c + 1];
            s2 += a[c + 2] * b[c + 2];
            s3 += a[c + 3] * b[c + 3];
        }
        for (; c < n; c++) s0 += a[c] * b[c];
        return (s0 + s1) + (s2 + s3);
    }

    /** y[c] += alpha·x[c] for c &lt; n. */
    static void axpy(double alpha, double[] x, double[] y, int n) {
        for (int c = 0; c < n; c++) y[c] += alpha * x[c];
    }

    /**
     * The attention weights of head h over sequence b of the last forward pass, as a new (L × L) matrix: row i is
     * a_i, zero above the diagonal (the masked future).
     *
     * @param b the sequence
     * @param h the head
     * @return the (L × L) weights
     */
    public Matrix weights(int b, int h) {
        if (QKV == null) throw new IllegalStateException("CausalSelfAttention: no forward pass yet");
        if (b < 0 || b >= count || h < 0 || h >= heads) {
            throw new IllegalArgumentException("CausalSelfAttention: sequence " + b + " of " + count + ", head " + h
                    + " of " + heads);
        }
        int off = 0;
        for (int k = 0; k < b; k++) off += lengths[k];
        int L = lengths[b];
        Matrix w = new Matrix(L, L);
        for (int i = 0; i < L; i++) System.arraycopy(A[h].data[off + i], 0, w.data[i], 0, i + 1);
        return w;
    }

    /** {@return the number of sequences of the last forward pass} */
    public int sequences() {
        return count;
    }

    private void keep(int[] lengths) {
        if (this.lengths.length < lengths.length) this.lengths = new int[Math.max(lengths.length, 2 * this.lengths.length)];
        System.arraycopy(lengths, 0, this.lengths, 0, lengths.length);
        this.count = lengths.length;
    }
}
