package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The vanilla (Elman) recurrent language model, as makemore's {@code --type rnn}.
 *
 * <pre>
 * x_t = C[token_t]                                   embedding           C (V × m), x_t (B × m)
 * z_t = x_t·W_xh + h_{t−1}·W_hh + b                   pre-activation      W_xh (m × H), W_hh (H × H), b (1 × H)
 * h_t = tanh(z_t)                                    hidden state        h_t (B × H)
 * y_t = h_t·W_hy + b_y                               logits              W_hy (H × V), b_y (1 × V)
 * L   = mean over t, b with target ≥ 0 of −log softmax(y_t[b])[target]
 * </pre>
 * Vectors are rows (the library's layout), so the usual column-vector h_t = tanh(W_xh x_t + W_hh h_{t−1} + b)
 * reads here with every matrix transposed; makemore's single Linear over concat[x_t, h_{t−1}] is the same
 * thing as the two blocks W_xh and W_hh stacked. h_0 is a learned parameter {@code h0} (makemore's
 * {@code start}, 1 × H, initialised to zero) or, without it, the zero vector.
 *
 * <h2>Backpropagation through time</h2>
 * <pre>
 * dy_t   = (softmax(y_t) − onehot(target_t)) / N             from the loss (zero on padding)
 * dW_hy += Σ_t h_tᵀ·dy_t,   db_y += Σ_t Σ_rows dy_t
 * dh_t   = dy_t·W_hyᵀ + dz_{t+1}·W_hhᵀ                      the head's gradient plus the one from the future
 * dz_t   = dh_t ⊙ (1 − h_t²)                                 through tanh
 * dW_xh += Σ_t x_tᵀ·dz_t,   dW_hh += Σ_t h_{t−1}ᵀ·dz_t,   db += Σ_t Σ_rows dz_t
 * dC[token_t] += dz_t·W_xhᵀ,   dh0 += Σ_rows dz_1·W_hhᵀ
 * </pre>
 * {@link #stepForward} and {@link #stepBackward} are one step of this, in the CS231n form
 * ({@code rnn_step_forward}/{@code rnn_step_backward}). The sequence loop below computes exactly the same,
 * arranged for speed: rows are stored time-major (row t·B + b is sequence b at step t), the head is one
 * (T·B × H)·(H × V) product after the loop and Σ_t h_{t−1}ᵀ·dz_t one product over all steps. Only
 * h_{t−1}·W_hh (forward) and dz_t·W_hhᵀ (backward) stay in the time loop. The input projection of all
 * steps is not even a product over T·B rows: since x_t = C[token_t],
 * <pre>
 * x_t·W_xh + b = C[token_t]·W_xh + b = P[token_t]       with P = C·W_xh + b     (V × H), once per pass
 * dW_xh = Σ x_tᵀ·dz_t = Cᵀ·G,   dC = G·W_xhᵀ,   db = Σ_v G[v]     with G[v] = Σ_{t,b: token = v} dz_t[b]  (V × H)
 * </pre>
 * (an embedding followed by a linear map is one table lookup; V = 27 rows instead of T·B = 512). All
 * buffers are allocated once per batch shape and reused from step to step.
 *
 * <h2>Truncated BPTT</h2>
 * With {@link #carryState(boolean) carryState(true)}, each call to {@link #lossAndGrad} starts from the final
 * hidden state of the previous call (when it had the same number of rows), treated as a constant: the forward pass sees all of the past, the gradient stops at the chunk boundary. This is how a
 * long text is trained in contiguous chunks, B parallel streams at once. Without it (names), every
 * sequence starts from h_0. {@link #loss} always starts from h_0 (evaluation and the gradient checker see a
 * function of the batch alone); {@link #forward(Batch, Matrix)} starts from any given state.
 */
public final class Rnn implements LanguageModel {
    public final int V; // vocabulary size
    public final int m; // embedding size (makemore's n_embd)
    public final int H; // hidden size (makemore's n_embd2)

    public final Param C;   // (V × m) token embeddings
    public final Param Wxh; // (m × H)
    public final Param Whh; // (H × H)
    public final Param b;   // (1 × H)
    public final Param h0;  // (1 × H) learned initial state, or null for h_0 = 0
    public final Param Why; // (H × V)
    public final Param by;  // (1 × V)
    private final List<Param> params;

    private boolean carry;         // truncated BPTT: start from the last final state
    private Matrix carried;        // (B × H) the final state of the last call, or null

    private final Map<Long, Workspace> workspaces = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Workspace> e) {
            return size() > 4;
        }
    };
    private Workspace last;   // the workspace of the last forward pass (its cache)
    private Workspace recent; // the workspace used most recently

    /**
     * Initialised as makemore (PyTorch defaults): C ~ N(0, 1); W_xh, W_hh, b ~ U(±1/√(m+H)) (one Linear over
     * [x; h]); W_hy, b_y ~ U(±1/√H); h0 = 0.
     *
     * @param learnedStart a learned initial state h0 (makemore's {@code start}); otherwise h_0 = 0
     */
    public Rnn(int vocabSize, int nEmbd, int nHidden, boolean learnedStart, Random rng) {
        if (vocabSize < 1 || nEmbd < 1 || nHidden < 1) {
            throw new IllegalArgumentException("Rnn: sizes must be positive, got V=" + vocabSize + ", m=" + nEmbd
                    + ", H=" + nHidden);
        }
        this.V = vocabSize;
        this.m = nEmbd;
        this.H = nHidden;
        double bound = 1.0 / Math.sqrt(m + H);
        this.C = new Param("C", Matrix.randn(V, m, 1.0, rng));
        this.Wxh = new Param("Wxh", Matrix.uniform(m, H, bound, rng));
        this.Whh = new Param("Whh", Matrix.uniform(H, H, bound, rng));
        this.b = new Param("b", Matrix.uniform(1, H, bound, rng));
        this.h0 = learnedStart ? new Param("h0", new Matrix(1, H)) : null;
        double hb = 1.0 / Math.sqrt(H);
        this.Why = new Param("Why", Matrix.uniform(H, V, hb, rng));
        this.by = new Param("by", Matrix.uniform(1, V, hb, rng));
        List<Param> ps = new ArrayList<>(List.of(C, Wxh, Whh, b));
        if (h0 != null) ps.add(h0);
        ps.add(Why);
        ps.add(by);
        this.params = List.copyOf(ps);
    }

    /** makemore's rnn configuration: n_embd 64, n_embd2 64, learned start state. */
    public static Rnn makemore(int vocabSize, long seed) {
        return new Rnn(vocabSize, 64, 64, true, new Random(seed));
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public int vocabSize() {
        return V;
    }

    // ---------------------------------------------------------------------------------------------------
    // One step, in the CS231n form: clear, allocating, used by the notebook and by the tests.

    /** The gradients of one step: dx (B × m), dhPrev (B × H), dWxh (m × H), dWhh (H × H), db (1 × H). */
    public record StepGrads(Matrix dx, Matrix dhPrev, Matrix dWxh, Matrix dWhh, Matrix db) {}

    /**
     * One step forward: h = tanh(x·W_xh + hPrev·W_hh + b). The cache for {@link #stepBackward} is
     * (x, hPrev, h, W_xh, W_hh).
     *
     * @param x     (B × m)
     * @param hPrev (B × H)
     * @return h (B × H), a new matrix
     */
    public static Matrix stepForward(Matrix x, Matrix hPrev, Matrix Wxh, Matrix Whh, Matrix b) {
        Matrix h = new Matrix(x.rows, Whh.cols);        // (B × H)
        h.addMatmul(x, Wxh).addMatmul(hPrev, Whh).addRowVector(b);
        for (double[] r : h.data) for (int j = 0; j < r.length; j++) r[j] = Math.tanh(r[j]);
        return h;
    }

    /**
     * One step backward, given dh = ∂L/∂h (B × H):
     * <pre>
     * dz     = dh ⊙ (1 − h²)
     * dx     = dz·W_xhᵀ        dhPrev = dz·W_hhᵀ
     * dW_xh  = xᵀ·dz           dW_hh  = hPrevᵀ·dz        db = Σ_rows dz
     * </pre>
     */
    public static StepGrads stepBackward(Matrix dh, Matrix x, Matrix hPrev, Matrix h, Matrix Wxh, Matrix Whh) {
        Matrix dz = new Matrix(h.rows, h.cols);         // (B × H)
        for (int i = 0; i < h.rows; i++) {
            double[] hi = h.data[i], dhi = dh.data[i], dzi = dz.data[i];
            for (int j = 0; j < h.cols; j++) dzi[j] = dhi[j] * (1 - hi[j] * hi[j]);
        }
        Matrix dx = new Matrix(x.rows, x.cols).addMatmulTransB(dz, Wxh);          // (B × m)
        Matrix dhPrev = new Matrix(h.rows, h.cols).addMatmulTransB(dz, Whh);      // (B × H)
        Matrix dWxh = new Matrix(Wxh.rows, Wxh.cols).addMatmulTransA(x, dz);      // (m × H)
        Matrix dWhh = new Matrix(Whh.rows, Whh.cols).addMatmulTransA(hPrev, dz);  // (H × H)
        Matrix db = new Matrix(1, h.cols);                                       // (1 × H)
        dz.addColumnSumsTo(db);
        return new StepGrads(dx, dhPrev, dWxh, dWhh, db);
    }

    // ---------------------------------------------------------------------------------------------------
    // The sequence: forward, loss, backward through time.

    /**
     * Turns truncated BPTT over contiguous chunks on or off (see the class comment). Turning it on or off
     * forgets the carried state.
     */
    public void carryState(boolean on) {
        this.carry = on;
        this.carried = null;
    }

    public boolean carriesState() {
        return carry;
    }

    /** Forgets the carried state: the next call starts from h_0 (e.g. at the start of an epoch). */
    public void resetState() {
        this.carried = null;
    }

    /** A copy of the carried state (B × H), or null. */
    public Matrix carriedState() {
        return carried == null ? null : carried.copy();
    }

    /** Sets the carried state (B × H, copied); null forgets it. */
    public void setCarriedState(Matrix state) {
        if (state != null && state.cols != H) {
            throw new IllegalArgumentException("Rnn: a state must have " + H + " columns, got " + state.shape());
        }
        this.carried = state == null ? null : state.copy();
    }

    @Override
    /** The loss from h_0, forward only; a pure function of the batch (it neither reads nor moves a carried state). */
    public double loss(Batch batch) {
        return run(batch, null, false);
    }

    @Override
    public double lossAndGrad(Batch batch) {
        double loss = run(batch, initialState(batch.size()), carry);
        backward();
        return loss;
    }

    /**
     * The loss of the batch starting from the given state hInit (B × H), or from h_0 when it is null; the
     * carried state is neither read nor written. Follow with {@link #backward()} for the gradients.
     */
    public double forward(Batch batch, Matrix hInit) {
        return run(batch, hInit, false);
    }

    private double run(Batch batch, Matrix hInit, boolean keepFinalState) {
        int B = batch.size(), T = batch.length();
        if (B == 0 || T == 0) throw new IllegalArgumentException("Rnn: empty batch (" + B + "×" + T + ")");
        Workspace w = workspace(B, T);
        states(batch.x(), hInit, w);
        // head over all steps: one (T·B × H)·(H × V) product
        w.Y.setMatmul(w.Hs, Why.value).addRowVector(by.value);
        for (int t = 0; t < T; t++) for (int bb = 0; bb < B; bb++) w.targets[t * B + bb] = batch.y()[bb][t];
        double loss = w.ce.forward(w.Y, w.targets);
        last = w;
        if (keepFinalState) {
            if (carried == null || carried.rows != B) carried = new Matrix(B, H);
            carried.setFrom(w.hs[T - 1]);
        }
        return loss;
    }

    private Matrix initialState(int B) {
        return carry ? carriedOrNull(B) : null;
    }

    private Matrix carriedOrNull(int B) {
        return carried != null && carried.rows == B ? carried : null;
    }

    /** The final hidden state h_T (B × H) of the last forward pass (this model's buffer). */
    public Matrix finalState() {
        if (last == null) throw new IllegalStateException("Rnn: no forward pass yet");
        return last.hs[last.T - 1];
    }

    /** The hidden states of the last forward pass, time-major: row t·B + b is h_{t+1} of sequence b. */
    public Matrix hiddenStates() {
        if (last == null) throw new IllegalStateException("Rnn: no forward pass yet");
        return last.Hs;
    }

    /** Backpropagation through time for the last forward pass; adds into every parameter's gradient. */
    public void backward() {
        Workspace w = last;
        if (w == null) throw new IllegalStateException("Rnn: backward before forward");
        int B = w.B, T = w.T;
        transpose(Whh.value, w.WhhT);
        transpose(Why.value, w.WhyT);
        transpose(Wxh.value, w.WxhT);
        Matrix dY = w.ce.backward();                                  // (T·B × V)
        Why.grad.addMatmulTransA(w.Hs, dY);                          // dW_hy += Hᵀ·dY
        dY.addColumnSumsTo(by.grad);
        w.dHs.setMatmul(dY, w.WhyT);                                 // dH = dY·W_hyᵀ, (T·B × H)
        // the time loop: dh_t = dH_t + dz_{t+1}·W_hhᵀ; dz_t = dh_t ⊙ (1 − h_t²), written over dH_t
        Matrix dhNext = w.dhNext;                                    // (B × H), dz_{t+1}·W_hhᵀ
        dhNext.zero();
        for (int t = T - 1; t >= 0; t--) {
            double[][] hRows = w.hs[t].data, dRows = w.dhs[t].data, nRows = dhNext.data;
            for (int i = 0; i < B; i++) {
                double[] h = hRows[i], dz = dRows[i], dn = nRows[i];
                for (int j = 0; j < H; j++) dz[j] = (dz[j] + dn[j]) * (1 - h[j] * h[j]);
            }
            dhNext.setMatmul(w.dhs[t], w.WhhT);                      // dh_{t−1} from this step
        }
        // weight gradients over all steps at once (dHs now holds dZ)
        Whh.grad.addMatmulTransA(w.Hprev, w.dHs);                    // dW_hh += H_prevᵀ·dZ
        Matrix G = w.G;                                              // (V × H) G[v] = Σ dz over the rows of token v
        G.zero();
        for (int t = 0; t < T; t++) {
            int[] ids = w.ids[t];
            for (int bb = 0; bb < B; bb++) {
                double[] g = G.data[ids[bb]], dz = w.dHs.data[t * B + bb];
                for (int j = 0; j < H; j++) g[j] += dz[j];
            }
        }
        Wxh.grad.addMatmulTransA(C.value, G);                        // dW_xh += Cᵀ·G  (= Σ_t x_tᵀ·dz_t)
        G.addColumnSumsTo(b.grad);                                   // db += Σ_v G[v] (= Σ_t Σ_rows dz_t)
        C.grad.addMatmul(G, w.WxhT);                                 // dC += G·W_xhᵀ  (scatter of dz_t·W_xhᵀ)
        if (h0 != null && w.fromH0) dhNext.addColumnSumsTo(h0.grad); // dh0 = Σ_rows dh_0 (h0 broadcast over rows)
    }

    /** Runs the recurrence over the tokens x from hInit (or h_0), filling w.Hs (and w.h0buf). */
    private void states(int[][] x, Matrix hInit, Workspace w) {
        int B = w.B, T = w.T;
        if (hInit != null) {
            if (hInit.rows != B || hInit.cols != H) {
                throw new IllegalArgumentException("Rnn: initial state " + hInit.shape() + ", expected (" + B + "×"
                        + H + ")");
            }
            w.h0buf.setFrom(hInit);
            w.fromH0 = false;
        } else {
            if (h0 != null) for (double[] r : w.h0buf.data) System.arraycopy(h0.value.data[0], 0, r, 0, H);
            else w.h0buf.zero();
            w.fromH0 = true;
        }
        for (int bb = 0; bb < B; bb++) {
            if (x[bb].length != T) {
                throw new IllegalArgumentException("Rnn: row " + bb + " has " + x[bb].length + " tokens, row 0 has " + T);
            }
        }
        // the input projection of every token: P = C·W_xh + b (V × H); then z_t = P[token_t] for all steps
        w.P.setMatmul(C.value, Wxh.value).addRowVector(b.value);
        for (int t = 0; t < T; t++) {
            for (int bb = 0; bb < B; bb++) {
                int id = x[bb][t];
                if (id < 0 || id >= V) {
                    throw new IllegalArgumentException("Rnn: token id " + id + " at (" + bb + ", " + t + ") outside [0, "
                            + V + ")");
                }
                w.ids[t][bb] = id;
                System.arraycopy(w.P.data[id], 0, w.Hs.data[t * B + bb], 0, H);
            }
        }
        for (int t = 0; t < T; t++) {
            Matrix h = w.hs[t];
            h.addMatmul(w.hprev[t], Whh.value);                      // z_t += h_{t−1}·W_hh
            for (double[] r : h.data) for (int j = 0; j < H; j++) r[j] = tanh(r[j]); // h_t = tanh(z_t)
        }
    }

    /**
     * tanh through one exp (Math.tanh is not an intrinsic on JDK 17 and costs several times more):
     * tanh(z) = sign(z)·(1 − e^(−2|z|)) / (1 + e^(−2|z|)), with the numerator as −expm1(−2|z|) so that
     * small |z| keeps full relative precision.
     */
    static double tanh(double z) {
        double a = Math.abs(z);
        if (a > 20) return Math.copySign(1.0, z);
        double e = Math.expm1(-2 * a);                 // e^(−2|z|) − 1, in (−1, 0]
        return Math.copySign(-e / (2 + e), z);
    }

    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        int B = context.length, T = B == 0 ? 0 : context[0].length;
        if (T == 0) throw new IllegalArgumentException("Rnn: nextLogits needs at least one context token");
        if (logits.rows != B || logits.cols != V) {
            throw new IllegalArgumentException("Rnn: logits " + logits.shape() + ", expected (" + B + "×" + V + ")");
        }
        Workspace w = workspace(B, T);
        states(context, null, w);
        logits.setMatmul(w.hs[T - 1], Why.value).addRowVector(by.value);
        last = null; // the caches no longer match a loss
    }

    /** The embedding rows of a token sequence, (T × m): the inputs x_t of {@link #stepForward}. */
    public Matrix embed(int[] tokens) {
        Matrix x = new Matrix(tokens.length, m);       // (T × m)
        for (int t = 0; t < tokens.length; t++) {
            if (tokens[t] < 0 || tokens[t] >= V) {
                throw new IllegalArgumentException("Rnn: token id " + tokens[t] + " outside [0, " + V + ")");
            }
            System.arraycopy(C.value.data[tokens[t]], 0, x.data[t], 0, m);
        }
        return x;
    }

    /** The initial state h_0 (1 × H), a copy: the learned one, or zeros. */
    public Matrix initialState() {
        return h0 == null ? new Matrix(1, H) : h0.value.copy();
    }

    private static void transpose(Matrix a, Matrix out) {
        for (int i = 0; i < a.rows; i++) {
            double[] r = a.data[i];
            for (int j = 0; j < a.cols; j++) out.data[j][i] = r[j];
        }
    }

    private Workspace workspace(int B, int T) {
        if (recent != null && recent.B == B && recent.T == T) return recent; // the usual case: no lookup, no boxing
        long key = ((long) B << 32) | T;
        Workspace w = workspaces.get(key);
        if (w == null) {
            w = new Workspace(B, T);
            workspaces.put(key, w);
        }
        recent = w;
        return w;
    }

    /** Every buffer of one batch shape (B × T), allocated once. Rows are time-major: row t·B + b. */
    private final class Workspace {
        final int B, T;
        final int[][] ids;          // (T × B) the tokens, time-major
        final int[] targets;        // (T·B)
        final Matrix P;             // (V × H) the input projection of every token, C·W_xh + b
        final Matrix G;             // (V × H) dz summed by token
        final Matrix Hs;            // (T·B × H) hidden states h_1..h_T (z_t before the tanh)
        final Matrix h0buf;         // (B × H) the initial state of this pass
        final Matrix Hprev;         // (T·B × H) h_0..h_{T−1}: rows of h0buf and Hs, shared
        final Matrix[] hs, hprev;   // per step views (B × H) of Hs and Hprev
        final Matrix Y;             // (T·B × V) logits
        final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        final Matrix dHs;           // (T·B × H) dH, then dZ
        final Matrix[] dhs;         // per step views (B × H)
        final Matrix dhNext;        // (B × H)
        final Matrix WhhT, WhyT, WxhT; // (H × H), (V × H), (H × m) transposed weights for the backward products
        boolean fromH0;             // whether this pass started from h_0 (then h0 receives a gradient)

        Workspace(int B, int T) {
            this.B = B;
            this.T = T;
            ids = new int[T][B];
            targets = new int[T * B];
            P = new Matrix(V, H);
            G = new Matrix(V, H);
            Hs = new Matrix(T * B, H);
            h0buf = new Matrix(B, H);
            double[][] prevRows = new double[T * B][];
            System.arraycopy(h0buf.data, 0, prevRows, 0, B);
            System.arraycopy(Hs.data, 0, prevRows, B, (T - 1) * B);
            Hprev = new Matrix(prevRows);
            hs = new Matrix[T];
            hprev = new Matrix[T];
            Y = new Matrix(T * B, V);
            dHs = new Matrix(T * B, H);
            dhs = new Matrix[T];
            for (int t = 0; t < T; t++) {
                hs[t] = new Matrix(Arrays.copyOfRange(Hs.data, t * B, (t + 1) * B));
                hprev[t] = new Matrix(Arrays.copyOfRange(prevRows, t * B, (t + 1) * B));
                dhs[t] = new Matrix(Arrays.copyOfRange(dHs.data, t * B, (t + 1) * B));
            }
            dhNext = new Matrix(B, H);
            WhhT = new Matrix(H, H);
            WhyT = new Matrix(V, H);
            WxhT = new Matrix(H, m);
        }
    }
}
