package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Attention of a decoder over the states of an encoder, as Bahdanau, Cho &amp; Bengio (2015) introduced it: at step t
 * the decoder scores every source position s by how well its previous state s_{t−1} matches the encoder's state h_s,
 * and reads the context c_t, the encoder's states mixed by the softmax of the scores. Per source sequence of L
 * positions and per query (vectors are rows, so every weight is the transpose of the textbook's):
 * <pre>
 * k_s = h_s·U                  U (H × A)   the keys, once per source sequence       k (L × A)
 * q   = s_{t−1}·W              W (Q × A)   the query of step t                      q (A)
 * z_s = tanh(q + k_s)                                                                z (L × A)
 * e_s = z_s·v                  v (A)       e_{t,s} = vᵀ tanh(W s_{t−1} + U h_s)       e (L)
 * α   = softmax(e)                         the alignment of step t, Σ_s α_s = 1      α (L)
 * c_t = Σ_s α_s h_s                        the context                               c (H)
 * </pre>
 * and the backward pass, from dc = ∂L/∂c_t:
 * <pre>
 * dα_s  = dc·h_s                 dh_s += α_s dc               (c = Σ_s α_s h_s)
 * de    = α ⊙ (dα − dα·α)                                     the softmax's vector–Jacobian product
 * dv   += Σ_s de_s z_s           da_s  = de_s v ⊙ (1 − z_s²)   (e_s = z_s·v; through tanh)
 * dq    = Σ_s da_s               dk_s += da_s                 (z_s = tanh(q + k_s))
 * dW   += s_{t−1}ᵀ·dq            ds_{t−1} = dq·Wᵀ
 * </pre>
 * and, once per source sequence after every step's backward, through the keys: dU += hᵀ·dk, dh += dk·Uᵀ.
 *
 * <p><b>Luong's dot score</b> ({@link Score#DOT}; Luong, Pham &amp; Manning 2015) has no parameters: the query is
 * the state itself and the key the encoder's state, e_s = s_{t−1}·h_s (Q = H), and backward
 * ds_{t−1} = Σ_s de_s h_s, dh_s += de_s s_{t−1} besides the α path. Divided by √H it is the score of the
 * transformer's scaled dot-product attention (the next notebook): retrieval by a dot product of a query and a key.
 *
 * <h2>The contract</h2>
 * The layer has two inputs, the encoder's states (the memory, once per source batch) and one query per decoder step,
 * so it keeps the shape of the one contract with a step index (as a cell keeps a cache per step):
 * <pre>
 * memory(h, lengths)     h (N × H): the source sequences end to end, sequence b is lengths[b] rows (batch-major
 *                        b·L + s when every length is L); computes the keys k = h·U; starts a new pass
 * c = forward(t, sPrev)  sPrev (B × Q), B = lengths.length, the queries s_{t−1}; c_t (B × H); keeps step t's cache
 * ds = backward(t, dc)   dc = ∂L/∂c_t (B × H) → ∂L/∂s_{t−1} (B × Q); ADDS into dW and dv, and into the memory's
 *                        gradient (through α, and through the keys, kept as dk)
 * dh = memoryBackward()  ∂L/∂h (N × H) gathered by the steps' backward since memory() (or the last call), with the
 *                        keys' share dk·Uᵀ; ADDS dU += hᵀ·dk
 * </pre>
 * Steps t = 1, 2, … may go backward in any order (BPTT goes T … 1). The matrices returned are this layer's buffers,
 * valid until its next call of the same method (a step's context stays valid until that step is run again).
 * Sequences may differ in length (the ragged layout of {@link SequenceLayer}); the softmax runs over each sequence's
 * own positions.
 */
public final class AdditiveAttention {
    /** The score e_{t,s} of a query s_{t−1} against a source state h_s. */
    public enum Score {
        /** Bahdanau's: vᵀ tanh(W s_{t−1} + U h_s). */
        ADDITIVE,
        /** Luong's: s_{t−1}·h_s (needs Q = H; no parameters). */
        DOT;

        /**
         * The score named s (case-insensitive: "additive", "dot"), or one line naming the choices.
         *
         * @param s the score's name
         * @return the score
         */
        public static Score of(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown attention score '" + s + "'; expected one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The score this layer computes, additive (Bahdanau) or dot (Luong). */
    public final Score score;
    /** Q, H, A: the sizes of a query, of a source state, of the scores' hidden layer (A = 0 for the dot score). */
    public final int Q, H, A;
    /** W (Q × A), the queries' projection of the additive score; null for the dot score. */
    public final Param W;        // (Q × A), null for the dot score
    /** U (H × A), the source states' projection (the keys k = h·U), no bias; null for the dot score. */
    public final Linear U;       // h·U: U (H × A), no bias; null for the dot score
    /** v (1 × A), the vector that turns tanh(q + k_s) into the score e_s; null for the dot score. */
    public final Param v;        // (1 × A), null for the dot score
    private final List<Param> params;

    private final RowBuffer hBuf, dhBuf, dkBuf, outBuf;
    private Matrix h, K;                        // cache of the pass: the memory (N × H), the keys h·U (N × A)
    private Matrix dH, dK;                      // the memory's gradient through α (N × H), through the keys (N × A)
    private int[] lengths = new int[0], offsets = new int[0];
    private int count, maxL, N;
    private final List<StepCache> steps = new ArrayList<>();
    private final RowBuffer dqBuf, dsBuf;       // backward's scratch: dq (B × A), ds_{t−1} (B × Q)
    private double[] de = new double[0];        // (maxL) scratch: dα, then de
    private double[][] hv = new double[0][], kv = new double[0][], zv = new double[0][], dhv = new double[0][],
            dkv = new double[0][];              // (maxL) views of one sequence's rows

    /** One step's cache: the query input s_{t−1}, the query q, tanh(q + k), α, the context. */
    private static final class StepCache {
        Matrix sPrev;    // (B × Q)
        Matrix q;        // (B × A)
        Matrix z;        // (N × A): row off_b + s is z_s of sequence b
        Matrix alpha;    // (B × ≥ maxL): row b holds α over sequence b's positions
        Matrix c;        // (B × H)
        final RowBuffer sBuf, qBuf, zBuf, cBuf;
        RowBuffer alphaBuf;
        boolean run;     // whether step t has a forward pass in this pass

        StepCache(int Q, int A, int H) {
            sBuf = new RowBuffer(Q);
            qBuf = new RowBuffer(Math.max(1, A));
            zBuf = new RowBuffer(Math.max(1, A));
            cBuf = new RowBuffer(H);
        }
    }

    /**
     * W ~ U(±1/√Q), U ~ U(±1/√H), v ~ U(±1/√A) (PyTorch's nn.Linear default); parameters "{name}.W", "{name}.U",
     * "{name}.v". The dot score has none (Q must equal H, A is ignored).
     *
     * @param Q the size of a query (the decoder's hidden state)
     * @param H the size of a source state (the encoder's hidden state)
     * @param A the size of the additive score's hidden layer (Bahdanau's n′)
     * @param name the prefix of the parameters' names
     * @param score the score, additive or dot
     * @param rng the random source of the initial W, U and v
     */
    public AdditiveAttention(String name, Score score, int Q, int H, int A, Random rng) {
        if (score == null) throw new IllegalArgumentException("AdditiveAttention " + name + ": no score");
        if (Q < 1 || H < 1 || (score == Score.ADDITIVE && A < 1)) {
            throw new IllegalArgumentException("AdditiveAttention " + name + ": sizes must be ≥ 1, got Q=" + Q + ", H="
                    + H + ", A=" + A);
        }
        if (score == Score.DOT && Q != H) {
            throw new IllegalArgumentException("AdditiveAttention " + name + ": the dot score needs queries as long as"
                    + " the source states, got Q=" + Q + ", H=" + H);
        }
        this.score = score;
        this.Q = Q;
        this.H = H;
        this.A = score == Score.ADDITIVE ? A : 0;
        if (score == Score.ADDITIVE) {
            this.W = new Param(name + ".W", Matrix.uniform(Q, A, 1.0 / Math.sqrt(Q), rng));
            this.U = new Linear(name + ".U", null, H, A, 1.0 / Math.sqrt(H), rng);
            this.v = new Param(name + ".v", Matrix.uniform(1, A, 1.0 / Math.sqrt(A), rng));
            this.params = List.of(W, U.W, v);
        } else {
            this.W = null;
            this.U = null;
            this.v = null;
            this.params = List.of();
        }
        this.hBuf = new RowBuffer(H);
        this.dhBuf = new RowBuffer(H);
        this.dkBuf = new RowBuffer(Math.max(1, this.A));
        this.outBuf = new RowBuffer(H);
        this.dqBuf = new RowBuffer(Math.max(1, this.A));
        this.dsBuf = new RowBuffer(Q);
    }

    /**
     * W, U, v (none for the dot score).
     *
     * @return the parameters in the order W, U, v (empty for the dot score)
     */
    public List<Param> params() {
        return params;
    }

    // ---- the memory -----------------------------------------------------------------------------------------

    /**
     * The memory of N / L source sequences of L positions each (batch-major: row b·L + s).
     *
     * @param h the source states (N × H), batch-major
     * @param L the length of every source sequence (N / L sequences)
     */
    public void memory(Matrix h, int L) {
        if (L < 1 || h.rows % L != 0 || h.rows == 0) {
            throw new IllegalArgumentException("AdditiveAttention: " + h.rows + " rows are not sequences of L = " + L
                    + " positions");
        }
        int B = h.rows / L;
        int[] ls = new int[B];
        Arrays.fill(ls, L);
        memory(h, ls);
    }

    /**
     * The memory h (N × H): sequence b is the lengths[b] rows after those of sequences 0 … b − 1. Copies h, computes
     * the keys k = h·U, and starts a new pass (the steps' caches and the memory's gradient are cleared).
     *
     * @param h the source states (N × H), the sequences laid end to end
     * @param lengths the length L_b ≥ 1 of each source sequence (Σ lengths = N)
     */
    public void memory(Matrix h, int[] lengths) {
        if (h.cols != H) {
            throw new IllegalArgumentException("AdditiveAttention: memory " + h.shape() + ", expected " + H
                    + " columns (the source states' size)");
        }
        if (lengths.length == 0) throw new IllegalArgumentException("AdditiveAttention: no source sequence");
        SequenceLayer.checkLengths("AdditiveAttention", h.rows, lengths, lengths.length, Integer.MAX_VALUE);
        count = lengths.length;
        N = h.rows;
        if (this.lengths.length < count) {
            this.lengths = new int[count];
            this.offsets = new int[count];
        }
        maxL = 0;
        for (int b = 0, off = 0; b < count; off += lengths[b], b++) {
            this.lengths[b] = lengths[b];
            this.offsets[b] = off;
            maxL = Math.max(maxL, lengths[b]);
        }
        if (de.length < maxL) {
            de = new double[maxL];
            hv = new double[maxL][];
            kv = new double[maxL][];
            zv = new double[maxL][];
            dhv = new double[maxL][];
            dkv = new double[maxL][];
        }
        this.h = hBuf.rows(N).setFrom(h);                                  // the memory       (N × H)
        if (score == Score.ADDITIVE) K = U.forward(this.h);                // k = h·U          (N × A)
        dH = dhBuf.rows(N).zero();
        dK = score == Score.ADDITIVE ? dkBuf.rows(N).zero() : null;
        for (StepCache st : steps) st.run = false;
    }

    // ---- one step: forward and backward -------------------------------------------------------------------------

    /**
     * The context c_t (B × H) for the queries s_{t−1} (B × Q) of step t ≥ 1: for every sequence
     * b, q = s_{t−1}·W, z_s = tanh(q + k_s), e_s = z_s·v, α = softmax(e), c_t = Σ_s α_s h_s.
     * Keeps step t's cache.
     */
    public Matrix forward(int t, Matrix sPrev) {
        requireMemory();
        if (sPrev.rows != count || sPrev.cols != Q) {
            throw new IllegalArgumentException("AdditiveAttention: queries " + sPrev.shape()
                    + ", expected (" + count + "×" + Q + "): one per source sequence");
        }
        StepCache st = step(t);
        st.sPrev.setFrom(sPrev);
        if (score == Score.ADDITIVE) st.q.setMatmul(st.sPrev, W.value);    // q = s_{t−1}·W    (B × A)
        for (int b = 0; b < count; b++) {
            int off = offsets[b], L = lengths[b];
            double[] alpha = st.alpha.data[b], c = st.c.data[b];
            if (score == Score.ADDITIVE) {
                additiveForward(st.q.data[b], rows(K, off, L, kv), v.value.data[0],
                        rows(h, off, L, hv), L, rows(st.z, off, L, zv), alpha, c);
            } else {
                dotForward(st.sPrev.data[b], rows(h, off, L, hv), L, alpha, c);
            }
        }
        st.run = true;
        return st.c;
    }

    /**
     * From dc = ∂L/∂c_t (B × H), for step t of this pass: returns ∂L/∂s_{t−1} (B × Q); adds
     * into dW and dv, and into the memory's gradient (returned by {@link #memoryBackward()}).
     */
    public Matrix backward(int t, Matrix dc) {
        StepCache st = ranStep(t);
        if (dc.rows != count || dc.cols != H) {
            throw new IllegalArgumentException("AdditiveAttention: dc " + dc.shape() + ", expected ("
                    + count + "×" + H + ")");
        }
        Matrix ds = dsBuf.rows(count).zero();                              // ∂L/∂s_{t−1}      (B × Q)
        if (score == Score.ADDITIVE) {
            Matrix dq = dqBuf.rows(count).zero();                          // ∂L/∂q            (B × A)
            for (int b = 0; b < count; b++) {
                int off = offsets[b], L = lengths[b];
                additiveBackward(dc.data[b], rows(h, off, L, hv), rows(st.z, off, L, zv),
                        v.value.data[0], st.alpha.data[b], L, de, dq.data[b], rows(dK, off, L, dkv),
                        v.grad.data[0], rows(dH, off, L, dhv));
            }
            W.grad.addMatmulTransA(st.sPrev, dq);                          // dW += s_{t−1}ᵀ·dq
            ds.addMatmulTransB(dq, W.value);                               // ds_{t−1} = dq·Wᵀ
        } else {
            for (int b = 0; b < count; b++) {
                int off = offsets[b], L = lengths[b];
                dotBackward(dc.data[b], st.sPrev.data[b], rows(h, off, L, hv), st.alpha.data[b], L, de,
                        ds.data[b], rows(dH, off, L, dhv));
            }
        }
        return ds;
    }

    /**
     * ∂L/∂h (N × H): what the steps' backward gathered since {@link #memory} (or the last
     * call), through α and the context, plus the keys' share dk·Uᵀ; adds dU += hᵀ·dk. The
     * gathered gradient is then cleared.
     */
    public Matrix memoryBackward() {
        requireMemory();
        Matrix out = outBuf.rows(N).setFrom(dH);                       // the α path (and dot scores')
        if (score == Score.ADDITIVE) {
            out.addInPlace(U.backward(dK));                                // dh += dk·Uᵀ;  dU += hᵀ·dk
            dK.zero();
        }
        dH.zero();
        return out;
    }

    // ---- one query over one sequence, on arrays: the equations ----------------------------------------------

    /**
     * The additive score for one query over one source sequence of L positions:
     * <pre>
     * z_s = tanh(q + k_s)      e_s = z_s·v      α = softmax(e)      c = Σ_s α_s h_s
     * </pre>
     * q (A), k (≥ L × A), v (A), h (≥ L × H); writes z (≥ L × A), α[0 … L) and c (H).
     */
    public static void additiveForward(double[] q, double[][] k, double[] v, double[][] h, int L,
                                       double[][] z, double[] alpha, double[] c) {
        int A = q.length;
        for (int s = 0; s < L; s++) {
            double[] zs = z[s], ks = k[s];
            for (int j = 0; j < A; j++) zs[j] = q[j] + ks[j];
            Tanh.forward(zs, 0, A);                                        // z_s = tanh(q + k_s)
            alpha[s] = CausalSelfAttention.dot(zs, v, A);                  // e_s = z_s·v
        }
        Softmax.row(alpha, alpha, L);                                      // α = softmax(e)
        context(alpha, h, L, c);                                           // c = Σ_s α_s h_s
    }

    /**
     * The backward pass of {@link #additiveForward}, from dc = ∂L/∂c (H), given the forward's
     * z and α: adds ∂L/∂q into dq (A), ∂L/∂k_s into dk (≥ L × A), ∂L/∂v into dv (A) and
     * ∂L/∂h_s through the context into dh (≥ L × H):
     * <pre>
     * dα_s = dc·h_s          dh_s += α_s dc
     * de   = α ⊙ (dα − dα·α)                          the softmax's vector–Jacobian product
     * dv  += Σ_s de_s z_s    da_s = de_s v ⊙ (1 − z_s²)
     * dq  += Σ_s da_s        dk_s += da_s
     * </pre>
     * de is scratch of length ≥ L.
     */
    public static void additiveBackward(double[] dc, double[][] h, double[][] z, double[] v,
                                        double[] alpha, int L, double[] de, double[] dq,
                                        double[][] dk, double[] dv, double[][] dh) {
        int A = v.length;
        contextBackward(dc, h, alpha, L, de, dh);                          // dα; dh_s += α_s dc
        Softmax.rowBackward(alpha, de, de, L);                             // de = α ⊙ (dα − dα·α)
        for (int s = 0; s < L; s++) {
            double[] zs = z[s], dks = dk[s];
            double des = de[s];
            for (int j = 0; j < A; j++) {
                dv[j] += des * zs[j];                                      // dv += de_s z_s
                double da = Tanh.backward(zs[j], des * v[j]);              // da_s = de_s v ⊙ (1 − z_s²)
                dq[j] += da;                                               // dq += da_s
                dks[j] += da;                                              // dk_s += da_s
            }
        }
    }

    /**
     * Luong's dot score for one query over one source sequence: e_s = q·h_s, α = softmax(e), c = Σ_s α_s h_s;
     * q (H), h (≥ L × H); writes α[0 … L) and c (H).
     *
     * @param q the query s_{t−1} (H)
     * @param h the source states (≥ L × H)
     * @param L the number of source positions
     * @param alpha written: the weights α_s (≥ L)
     * @param c written: the context Σ_s α_s h_s (H)
     */
    public static void dotForward(double[] q, double[][] h, int L, double[] alpha, double[] c) {
        for (int s = 0; s < L; s++) alpha[s] = CausalSelfAttention.dot(q, h[s], q.length);   // e_s = q·h_s
        Softmax.row(alpha, alpha, L);                                      // α = softmax(e)
        context(alpha, h, L, c);                                           // c = Σ_s α_s h_s
    }

    /**
     * The backward pass of {@link #dotForward} from dc (H): adds ∂L/∂q into dq (H) and ∂L/∂h_s (through the scores
     * and the context) into dh (≥ L × H):
     * <pre>
     * dα_s = dc·h_s      dh_s += α_s dc      de = α ⊙ (dα − dα·α)      dq += Σ_s de_s h_s      dh_s += de_s q
     * </pre>
     *
     * @param dc ∂L/∂c (H)
     * @param q the query of the forward (H)
     * @param h the source states (≥ L × H)
     * @param alpha the forward's weights α (≥ L)
     * @param L the number of source positions
     * @param de scratch (≥ L) for ∂L/∂e
     * @param dq added to: ∂L/∂q (H)
     * @param dh added to: ∂L/∂h_s (≥ L × H)
     */
    public static void dotBackward(double[] dc, double[] q, double[][] h, double[] alpha, int L, double[] de,
                                   double[] dq, double[][] dh) {
        contextBackward(dc, h, alpha, L, de, dh);                          // dα; dh_s += α_s dc
        Softmax.rowBackward(alpha, de, de, L);                             // de = α ⊙ (dα − dα·α)
        for (int s = 0; s < L; s++) {
            CausalSelfAttention.axpy(de[s], h[s], dq, q.length);           // dq += de_s h_s
            CausalSelfAttention.axpy(de[s], q, dh[s], q.length);           // dh_s += de_s q
        }
    }

    /** c = Σ_s α_s h_s over s &lt; L. */
    private static void context(double[] alpha, double[][] h, int L, double[] c) {
        Arrays.fill(c, 0.0);
        for (int s = 0; s < L; s++) CausalSelfAttention.axpy(alpha[s], h[s], c, c.length);
    }

    /** dα_s = dc·h_s into dAlpha; dh_s += α_s dc. */
    private static void contextBackward(double[] dc, double[][] h, double[] alpha, int L, double[] dAlpha,
                                        double[][] dh) {
        for (int s = 0; s < L; s++) {
            dAlpha[s] = CausalSelfAttention.dot(dc, h[s], dc.length);      // dα_s = dc·h_s
            CausalSelfAttention.axpy(alpha[s], dc, dh[s], dc.length);      // dh_s += α_s dc
        }
    }

    // ---- what the pass computed --------------------------------------------------------------------------------

    /**
     * The weights α of step t for sequence b (a new array of its L_b entries).
     *
     * @param t the decoder step, ≥ 1
     * @param b the sequence
     * @return the weights α_{t,s}, s &lt; L_b
     */
    public double[] weights(int t, int b) {
        StepCache st = ranStep(t);
        checkSequence(b);
        return Arrays.copyOf(st.alpha.data[b], lengths[b]);
    }

    /**
     * The alignment of sequence b over steps 1 … T of this pass, a new (T × L_b) matrix: row t − 1 holds α_{t,·}, the
     * weights step t put on each source position (Bahdanau et al.'s Figure 3).
     *
     * @param b the sequence
     * @param T the number of decoder steps
     * @return the (T × L_b) alignment
     */
    public Matrix alignment(int b, int T) {
        checkSequence(b);
        Matrix a = new Matrix(T, lengths[b]);
        for (int t = 1; t <= T; t++) System.arraycopy(ranStep(t).alpha.data[b], 0, a.data[t - 1], 0, lengths[b]);
        return a;
    }

    /**
     * The context c_t of step t (B × H), this layer's buffer.
     *
     * @param t the decoder step, ≥ 1
     * @return c_t (B × H)
     */
    public Matrix context(int t) {
        return ranStep(t).c;
    }

    /**
     * The number of source sequences of the pass (B).
     *
     * @return B, the number of source sequences
     */
    public int sequences() {
        return count;
    }

    /**
     * L_b, the length of source sequence b.
     *
     * @param b the sequence
     * @return L_b
     */
    public int length(int b) {
        checkSequence(b);
        return lengths[b];
    }

    // ---- buffers -----------------------------------------------------------------------------------------------

    private StepCache step(int t) {
        if (t < 1) throw new IllegalArgumentException("AdditiveAttention: step " + t + " must be ≥ 1");
        while (steps.size() < t) steps.add(new StepCache(Q, A, H));
        StepCache st = steps.get(t - 1);
        st.sPrev = st.sBuf.rows(count);                                    // views of buffers that only grow:
        st.q = st.qBuf.rows(count);                                        // nothing is allocated once every
        st.z = st.zBuf.rows(N);                                            // batch shape has been seen
        st.c = st.cBuf.rows(count);
        if (st.alphaBuf == null || st.alphaBuf.cols() < maxL) st.alphaBuf = new RowBuffer(maxL);
        st.alpha = st.alphaBuf.rows(count);
        return st;
    }

    private StepCache ranStep(int t) {
        requireMemory();
        if (t < 1 || t > steps.size() || !steps.get(t - 1).run) {
            throw new IllegalStateException("AdditiveAttention: step " + t + " has no forward pass since memory()");
        }
        return steps.get(t - 1);
    }

    private void requireMemory() {
        if (h == null) throw new IllegalStateException("AdditiveAttention: no memory yet (call memory(h, lengths))");
    }

    private void checkSequence(int b) {
        requireMemory();
        if (b < 0 || b >= count) {
            throw new IllegalArgumentException("AdditiveAttention: sequence " + b + " of " + count);
        }
    }

    /** Rows off … off + L − 1 of M as the first L entries of view (no copy of values). */
    private static double[][] rows(Matrix M, int off, int L, double[][] view) {
        System.arraycopy(M.data, off, view, 0, L);
        return view;
    }

    @Override
    public String toString() {
        return "AdditiveAttention(" + score + ", Q=" + Q + ", H=" + H + (score == Score.ADDITIVE ? ", A=" + A : "")
                + ")";
    }
}
