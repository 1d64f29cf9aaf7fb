package io.github.lmworkbook.models;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.data.TransductionBatch;
import io.github.lmworkbook.layers.AdditiveAttention;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The RNN encoder–decoder (Sutskever, Vinyals &amp; Le 2014; Cho et al. 2014), with or without attention (Bahdanau,
 * Cho &amp; Bengio 2015): an encoder reads the source, a decoder writes the target, both {@link Recurrence}s over any
 * cell.
 * <pre>
 * x_s = E_x[source_s]                  E_x (V_x × m)                                x (B·S × m)
 * h_s = cell_enc(h_{s−1}, x_s)          h_0 = 0                                     h (B·S × H)
 * s_0 = h_S                            the encoder's final state starts the decoder (h and c for an LSTM)
 * y_0 = ⟨start⟩;  u_t = E_y[y_{t−1}]   teacher forcing: the decoder reads the true previous symbol
 * c_t = attend(s_{t−1}; h_1 … h_S)     with attention ({@link AdditiveAttention}): the context of step t
 * s_t = cell_dec(s_{t−1}, u_t·W_x + b  [+ c_t·W_c])                                  s (B·T × H)
 * z_t = s_t·W_hy + b_y                 logits over the V_y target symbols             z (B·T × V_y)
 * L   = mean over the B·T targets of −log softmax(z_t)[y_t]
 * </pre>
 * Backward runs in the reverse order, backpropagation through time through both recurrences: the loss's dz, the
 * head's ds_t, BPTT through the decoder (with attention, each step t also sends ∂L/∂c_t through the attention to
 * s_{t−1} and to every h_s), the decoder's ∂L/∂s_0 handed to the encoder as ∂L/∂h_S, and BPTT through the encoder.
 * <b>Without attention, the gradient enters the encoder only through its final state</b>: everything the loss says
 * about the first source symbol travels back through S step Jacobians. With attention it also arrives at every h_s
 * directly, through α.
 *
 * <p>Training reads the true previous symbol (teacher forcing); {@link #decode} feeds back the decoder's own most
 * likely symbol instead (greedy, free-running): the gap between the two accuracies ({@link #evaluate}) is the
 * exposure bias. The decoder writes exactly as many symbols as the target has (the tasks here have an output as long
 * as their input; there is no end token).
 *
 * <p>The context enters the decoder as a share of its input, c_t·W_c added to the cell's input projection inside the
 * loop ({@link Recurrence.Feedback}); the readout sees s_t alone (as in d2l's attention decoder). The two cells'
 * parameters are named "enc.…" and "dec.…".
 */
public final class Seq2Seq implements Objective<TransductionBatch> {

    /** The attention of the decoder over the encoder's states. */
    public enum Attention {
        /** The encoder's final state is all the decoder sees of the source. */
        NONE,
        /** Bahdanau's additive score vᵀ tanh(W s_{t−1} + U h_s). */
        ADDITIVE,
        /** Luong's dot score s_{t−1}·h_s. */
        DOT;

        /**
         * The attention named s (case-insensitive: "none", "additive", "dot"), or one line naming the choices.
         *
         * @param s the attention's name
         * @return the attention
         */
        public static Attention of(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown attention '" + s + "'; expected one of "
                        + Arrays.toString(values()).toLowerCase(Locale.ROOT));
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param cell          the cell of the encoder and of the decoder
     * @param sourceVocab   V_x, the source symbols
     * @param targetVocab   V_y, the target symbols (the decoder's outputs; its inputs are these and the start token)
     * @param embed         m, the size of a symbol's vector (both embeddings)
     * @param hidden        H, the hidden size of the encoder and of the decoder
     * @param attention     none, additive or dot
     * @param attentionSize A, the additive score's hidden size (0: A = H; ignored otherwise)
     * @param seed          seed of the initialisation
     */
    public record Config(CellType cell, int sourceVocab, int targetVocab, int embed, int hidden, Attention attention,
                         int attentionSize, long seed) {
        /**
         * Checks the cell, the attention and the sizes.
         *
         * @param cell the cell of the encoder and of the decoder
         * @param sourceVocab V_x, the source symbols
         * @param targetVocab V_y, the target symbols (the decoder's outputs; its inputs are these and the start
         *     token)
         * @param embed m, the size of a symbol's vector (both embeddings)
         * @param hidden H, the hidden size of the encoder and of the decoder
         * @param attention none, additive or dot
         * @param attentionSize A, the additive score's hidden size (0: A = H; ignored otherwise)
         * @param seed seed of the initialisation
         */
        public Config {
            if (cell == null || attention == null) throw new IllegalArgumentException("Seq2Seq: no cell or attention");
            if (sourceVocab < 1 || targetVocab < 1 || embed < 1 || hidden < 1 || attentionSize < 0) {
                throw new IllegalArgumentException("Seq2Seq: sizes must be ≥ 1, got V_x=" + sourceVocab + ", V_y="
                        + targetVocab + ", m=" + embed + ", H=" + hidden + ", A=" + attentionSize);
            }
        }

        /**
         * The same vocabulary on both sides (the transduction tasks), A = H.
         *
         * @param cell the cell of the encoder and of the decoder
         * @param vocab V_x = V_y, the symbols of both sides
         * @param embed m, the size of a symbol's vector
         * @param hidden H, the hidden size
         * @param attention none, additive or dot
         * @param seed seed of the initialisation
         * @return the configuration
         */
        public static Config of(CellType cell, int vocab, int embed, int hidden, Attention attention, long seed) {
            return new Config(cell, vocab, vocab, embed, hidden, attention, 0, seed);
        }

        /** {@return A, the additive score's hidden size (0 without an additive score)} */
        public int scoreSize() {
            return attention == Attention.ADDITIVE ? (attentionSize == 0 ? hidden : attentionSize) : 0;
        }

        /**
         * The number of parameters: both embeddings, both cells, the head; with attention the context's projection
         * W_c (H × G·H), and for the additive score W, U (H × A each) and v (A).
         *
         * @return the number of scalar parameters
         */
        public long numParams() {
            long m = embed, H = hidden, G = cell.gates, A = scoreSize();
            long n = (long) sourceVocab * m + (targetVocab + 1L) * m + 2 * cell.numParams(m, H)
                    + H * targetVocab + targetVocab;
            if (attention != Attention.NONE) n += H * G * H + 2 * H * A + A;
            return n;
        }

        /**
         * A copy with another hidden size (for matching parameter counts).
         *
         * @param H the hidden size
         * @return the new configuration
         */
        public Config withHidden(int H) {
            return new Config(cell, sourceVocab, targetVocab, embed, H, attention, attentionSize, seed);
        }

        /**
         * A copy with another seed.
         *
         * @param s the seed
         * @return the new configuration
         */
        public Config withSeed(long s) {
            return new Config(cell, sourceVocab, targetVocab, embed, hidden, attention, attentionSize, s);
        }
    }

    /**
     * Accuracies on held-out pairs: the share of target symbols and of whole targets right, with teacher forcing
     * (the decoder reads the true previous symbol) and free-running (its own, greedily).
     */
    public record Accuracy(double tokenTeacherForced, double sequenceTeacherForced, double tokenFreeRunning,
                           double sequenceFreeRunning) {
        /**
         * The exposure bias: the per-symbol accuracy lost when the decoder reads its own outputs.
         *
         * @return teacher-forced minus free-running per-symbol accuracy
         */
        public double exposureBias() {
            return tokenTeacherForced - tokenFreeRunning;
        }
    }

    /** The hyper-parameters the model was built from. */
    public final Config config;
    /** V_x, V_y, the source and target symbols; m, a symbol's vector size; H, the hidden size. */
    public final int Vx, Vy, m, H;
    /** The decoder's start token ⟨start⟩ (an input only): V_y. */
    public final int start;
    /** E_x (V_x × m), the source symbols' vectors. */
    public final Embedding sourceEmbedding;      // E_x (V_x × m)
    /** E_y (V_y + 1 × m), the target symbols' vectors and the start token's (the decoder's inputs). */
    public final Embedding targetEmbedding;      // E_y (V_y + 1 × m)
    /** The encoder's and the decoder's cell. */
    public final RecurrentCell<?> encoderCell, decoderCell;
    /** The encoder's and the decoder's recurrence over their cells. */
    public final Recurrence<?> encoder, decoder;
    /** The decoder's attention over the encoder's states; null without attention. */
    public final AdditiveAttention attention;    // null without attention
    /** W_c (H × G·H): the context's share c_t·W_c of the decoder's input projection; null without attention. */
    public final Param Wc;                       // c_t·W_c: (H × G·H), null without attention
    /** The output head: W_hy (H × V_y), b_y (1 × V_y). */
    public final Linear head;                    // W_hy (H × V_y), b_y (1 × V_y)
    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    private final List<Param> params;
    private final int S;                         // the length of a state [h; c]

    private int[] sourceIds = new int[0], inputIds = new int[0], targets = new int[0];
    private int B, Ls, Lt;                       // the last forward pass's batch: B pairs, S and T symbols
    private final RowBuffer s0Buf, ds0Buf, dcBuf, zeroBuf;
    private Matrix lastMemoryGradient;           // (B·S × H) ∂L/∂h_s through the attention, of the last backward
    private final Recurrence.Feedback feedback;

    /**
     * E_x, E_y ~ N(0, 1); each cell as it initialises itself (U(±1/√(m+H))); W_c ~ U(±1/√(m + 2H)) (the decoder's
     * input is [u_t; c_t], m + H numbers); the attention's as {@link AdditiveAttention} says; W_hy, b_y ~ U(±1/√H).
     *
     * @param config the hyper-parameters and seed
     */
    public Seq2Seq(Config config) {
        this.config = config;
        this.Vx = config.sourceVocab();
        this.Vy = config.targetVocab();
        this.m = config.embed();
        this.H = config.hidden();
        this.start = Vy;
        Random rng = new Random(config.seed());
        this.sourceEmbedding = new Embedding("Ex", Vx, m, rng);
        this.encoderCell = config.cell().create(m, H, rng);
        this.encoder = new Recurrence<>(encoderCell, false);
        this.targetEmbedding = new Embedding("Ey", Vy + 1, m, rng);
        this.decoderCell = config.cell().create(m, H, rng);
        this.decoder = new Recurrence<>(decoderCell, false);
        this.S = encoderCell.stateSize();
        int GH = decoderCell.input().out;
        if (config.attention() == Attention.NONE) {
            this.attention = null;
            this.Wc = null;
            this.feedback = null;
        } else {
            this.Wc = new Param("Wc", Matrix.uniform(H, GH, 1.0 / Math.sqrt(m + 2.0 * H), rng));
            this.attention = new AdditiveAttention("att", config.attention() == Attention.ADDITIVE
                    ? AdditiveAttention.Score.ADDITIVE : AdditiveAttention.Score.DOT, H, H, config.scoreSize(), rng);
            this.feedback = new Recurrence.Feedback() {
                @Override
                public void forward(int t, Matrix hPrev, Matrix xw) {
                    Matrix c = attention.forward(t, hPrev);         // c_t = attend(s_{t−1})      (B × H)
                    xw.addMatmul(c, Wc.value);                      // xw_t += c_t·W_c            (B × G·H)
                }

                @Override
                public void backward(int t, Matrix hPrev, Matrix dxw, Matrix dhPrev) {
                    Matrix c = attention.context(t);
                    Wc.grad.addMatmulTransA(c, dxw);                // dW_c += c_tᵀ·dxw_t
                    Matrix dc = dcBuf.rows(dxw.rows).zero();
                    dc.addMatmulTransB(dxw, Wc.value);              // dc_t = dxw_t·W_cᵀ          (B × H)
                    dhPrev.addInPlace(attention.backward(t, dc));   // ds_{t−1} += through the query
                }
            };
        }
        this.head = new Linear("Why", "by", H, Vy, 1.0 / Math.sqrt(H), rng);
        List<Param> ps = new ArrayList<>(sourceEmbedding.params());
        for (Param p : encoder.params()) ps.add(p.named("enc." + p.name));
        ps.addAll(targetEmbedding.params());
        for (Param p : decoder.params()) ps.add(p.named("dec." + p.name));
        if (attention != null) {
            ps.add(Wc);
            ps.addAll(attention.params());
        }
        ps.addAll(head.params());
        this.params = List.copyOf(ps);
        this.s0Buf = new RowBuffer(S);
        this.ds0Buf = new RowBuffer(S);
        this.dcBuf = new RowBuffer(H);
        this.zeroBuf = new RowBuffer(H);
    }

    @Override
    public List<Param> params() {
        return params;
    }

    /** The number of target symbols: a batch's weight in a per-symbol mean. */
    @Override
    public long weight(TransductionBatch batch) {
        return (long) batch.size() * batch.targetLength();
    }

    @Override
    public double loss(TransductionBatch batch) {
        return forward(batch);
    }

    @Override
    public double lossAndGrad(TransductionBatch batch) {
        double loss = forward(batch);
        backward();
        return loss;
    }

    /**
     * The teacher-forced loss of the batch (the decoder reads the true previous symbols); follow with
     * {@link #backward()} for the gradients.
     *
     * @param batch the source and target sequences
     * @return the mean cross-entropy per target symbol, in nats
     */
    public double forward(TransductionBatch batch) {
        flatten(batch);
        Matrix s0 = encode();                                  // s_0 = h_S               (B × S)
        Matrix U = targetEmbedding.forward(inputIds);          // u_t = E_y[y_{t−1}]      (B·T × m)
        Matrix XW = decoderCell.input().forward(U);            // u_t·W_x + b             (B·T × G·H)
        Matrix Sd = decoder.forward(XW, Lt, s0, feedback);     // s_1 … s_T               (B·T × H)
        Matrix logits = head.forward(Sd);                      // z_t                     (B·T × V_y)
        return ce.forward(logits, targets);
    }

    /** BPTT through the decoder, the attention and the encoder, for the last {@link #forward}. */
    public void backward() {
        Matrix dZ = ce.backward();                             //                         (B·T × V_y)
        Matrix dSd = head.backward(dZ);                        // ∂L/∂s_t                 (B·T × H)
        Matrix dXWd = decoder.backward(dSd);                   // BPTT (and attention)    (B·T × G·H)
        targetEmbedding.backward(decoderCell.input().backward(dXWd));     // dW_x, db, dE_y
        Matrix ds0 = decoder.startGradient(ds0Buf.rows(B));    // ∂L/∂s_0 = ∂L/∂h_S       (B × S)
        Matrix dHe = attention != null
                ? attention.memoryBackward()                   // ∂L/∂h_s through α       (B·S × H)
                : zeroBuf.rows(B * Ls).zero();                 // none: only through s_0
        lastMemoryGradient = dHe;
        Matrix dXWe = encoder.backward(dHe, ds0);                          // BPTT through the encoder
        sourceEmbedding.backward(encoderCell.input().backward(dXWe));      // dW_x, db, dE_x
    }

    /** Runs the encoder over the flattened source; sets the attention's memory; returns s_0 for the decoder. */
    private Matrix encode() {
        Matrix X = sourceEmbedding.forward(sourceIds);                     // x_s = E_x[source_s] (B·S × m)
        Matrix He = encoder.forward(encoderCell.input().forward(X), Ls, null);   // h_1 … h_S  (B·S × H)
        if (attention != null) attention.memory(He, Ls);
        return encoder.finalState(s0Buf.rows(B));
    }

    /**
     * Greedy free-running decoding: the decoder starts from the encoder's final state and reads, at step t, its own
     * most likely symbol of step t − 1. Writes T symbols per source row into out (B × T) and returns it. With
     * attention, {@link #alignment} then gives the weights of this pass.
     *
     * @param source the source symbols (B × S)
     * @param T the number of symbols to decode
     * @param out written: the decoded symbols (B × T)
     * @return out
     */
    public int[][] decode(int[][] source, int T, int[][] out) {
        if (T < 1) throw new IllegalArgumentException("Seq2Seq: decode " + T + " symbols, expected ≥ 1");
        if (out.length != source.length) {
            throw new IllegalArgumentException("Seq2Seq: " + out.length + " output rows for " + source.length
                    + " sources");
        }
        for (int b = 0; b < out.length; b++) {
            if (out[b] == null || out[b].length != T) {
                throw new IllegalArgumentException("Seq2Seq: output row " + b + " does not hold " + T + " symbols");
            }
        }
        flattenSource(source);
        Lt = T;
        Matrix s = new Matrix(B, S).setFrom(encode());                     // s_0 = h_S
        int[] tokens = new int[B];
        Arrays.fill(tokens, start);                                        // y_0 = ⟨start⟩
        for (int t = 1; t <= T; t++) {
            int step = t;
            Matrix XW = decoderCell.input().forward(targetEmbedding.forward(tokens));   // (B × G·H)
            Recurrence.Feedback fb = feedback == null ? null : new Recurrence.Feedback() {
                @Override
                public void forward(int ignored, Matrix hPrev, Matrix xw) {
                    feedback.forward(step, hPrev, xw);                     // the attention's step t
                }

                @Override
                public void backward(int ignored, Matrix hPrev, Matrix dxw, Matrix dhPrev) {
                    throw new UnsupportedOperationException("Seq2Seq: free-running decoding has no backward pass");
                }
            };
            Matrix logits = head.forward(decoder.forward(XW, 1, s, fb));  // z_t               (B × V_y)
            decoder.finalState(s);                                         // s_t
            for (int b = 0; b < B; b++) out[b][t - 1] = tokens[b] = argmax(logits.data[b]);
        }
        return out;
    }

    /**
     * Accuracy on held-out pairs, per symbol and per whole target, teacher-forced (the loss's forward pass, the most
     * likely symbol at each step) and free-running ({@link #decode}).
     *
     * @param batches the held-out pairs
     * @return the four accuracies
     */
    public Accuracy evaluate(Iterable<TransductionBatch> batches) {
        long tokens = 0, sequences = 0, rightTf = 0, rightFr = 0, wholeTf = 0, wholeFr = 0;
        for (TransductionBatch batch : batches) {
            int n = batch.size(), T = batch.targetLength();
            forward(batch);
            Matrix p = ce.probs();
            for (int b = 0; b < n; b++) {
                boolean all = true;
                for (int t = 0; t < T; t++) {
                    boolean ok = argmax(p.data[b * T + t]) == batch.target()[b][t];
                    if (ok) rightTf++;
                    all &= ok;
                }
                if (all) wholeTf++;
            }
            int[][] out = decode(batch.source(), T, new int[n][T]);
            for (int b = 0; b < n; b++) {
                boolean all = true;
                for (int t = 0; t < T; t++) {
                    boolean ok = out[b][t] == batch.target()[b][t];
                    if (ok) rightFr++;
                    all &= ok;
                }
                if (all) wholeFr++;
            }
            tokens += (long) n * T;
            sequences += n;
        }
        if (tokens == 0) throw new IllegalArgumentException("Seq2Seq: no pairs to evaluate");
        return new Accuracy((double) rightTf / tokens, (double) wholeTf / sequences, (double) rightFr / tokens,
                (double) wholeFr / sequences);
    }

    /**
     * The alignment of pair b of the last pass (teacher-forced {@link #forward} or {@link #decode}), a new (T × S)
     * matrix: row t − 1 holds α_{t,s}, the weight step t put on source position s.
     *
     * @param b the pair
     * @return the (T × S) alignment
     * @throws IllegalStateException without attention
     */
    public Matrix alignment(int b) {
        if (attention == null) throw new IllegalStateException("Seq2Seq: no attention, no alignment");
        return attention.alignment(b, Lt);
    }

    /**
     * After {@link #backward()}: ‖∂L/∂h_s‖ for every source position s = 1 … S of every pair, (B × S) — the whole
     * gradient that reached the encoder's state h_s (through the recurrence and, with attention, through α).
     *
     * @return the norms (B × S)
     */
    public Matrix sourceStateGradientNorms() {
        Matrix out = new Matrix(B, Ls);
        for (int s = 1; s <= Ls; s++) {
            Matrix dh = encoder.step(s).dh;                                // (B × H) ∂L/∂h_s, complete
            for (int b = 0; b < B; b++) out.data[b][s - 1] = norm(dh.data[b]);
        }
        return out;
    }

    /**
     * After {@link #backward()}: ‖∂L/∂h_s‖ of the share that arrived at h_s directly through the attention
     * (B × S); zero without attention.
     *
     * @return the norms (B × S)
     */
    public Matrix attentionGradientNorms() {
        Matrix out = new Matrix(B, Ls);
        if (lastMemoryGradient == null) throw new IllegalStateException("Seq2Seq: no backward pass yet");
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < Ls; s++) out.data[b][s] = norm(lastMemoryGradient.data[b * Ls + s]);
        }
        return out;
    }

    private void flatten(TransductionBatch batch) {
        int n = batch.size(), T = batch.targetLength();
        flattenSource(batch.source());
        if (inputIds.length != n * T) {
            inputIds = new int[n * T];
            targets = new int[n * T];
        }
        for (int b = 0; b < n; b++) {
            int[] y = batch.target()[b];
            for (int t = 0; t < T; t++) {
                if (y[t] < 0 || y[t] >= Vy) {
                    throw new IllegalArgumentException("Seq2Seq: target symbol " + y[t] + " at row " + b
                            + ", position " + t + " outside [0, " + Vy + ")");
                }
                targets[b * T + t] = y[t];
                inputIds[b * T + t] = t == 0 ? start : y[t - 1];           // teacher forcing: y_{t−1}
            }
        }
        this.Lt = T;
    }

    /** The source ids, batch-major (row b·S + s); sets B and S. */
    private void flattenSource(int[][] source) {
        int n = source.length, S = n == 0 || source[0] == null ? 0 : source[0].length;
        if (n == 0 || S == 0) throw new IllegalArgumentException("Seq2Seq: empty source (" + n + "×" + S + ")");
        if (sourceIds.length != n * S) sourceIds = new int[n * S];
        for (int b = 0; b < n; b++) {
            int[] x = source[b];
            if (x == null || x.length != S) {
                throw new IllegalArgumentException("Seq2Seq: source row " + b + " has " + (x == null ? 0 : x.length)
                        + " symbols, row 0 has " + S);
            }
            for (int s = 0; s < S; s++) {
                if (x[s] < 0 || x[s] >= Vx) {
                    throw new IllegalArgumentException("Seq2Seq: source symbol " + x[s] + " at row " + b
                            + ", position " + s + " outside [0, " + Vx + ")");
                }
                sourceIds[b * S + s] = x[s];
            }
        }
        this.B = n;
        this.Ls = S;
    }

    private static int argmax(double[] z) {
        int best = 0;
        for (int j = 1; j < z.length; j++) if (z[j] > z[best]) best = j;
        return best;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double a : v) s += a * a;
        return Math.sqrt(s);
    }

    @Override
    public String toString() {
        return "Seq2Seq(" + config.cell() + ", attention " + config.attention() + ", V=" + Vx + "→" + Vy + ", m=" + m
                + ", H=" + H + (config.scoreSize() > 0 ? ", A=" + config.scoreSize() : "") + "; " + numParams()
                + " parameters)";
    }
}
