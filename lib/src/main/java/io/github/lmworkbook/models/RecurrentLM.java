package io.github.lmworkbook.models;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.RecurrentInit;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.fused.TokenProjection;
import io.github.lmworkbook.layers.Dropout;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A recurrent language model over any cell — makemore's {@code --type rnn} (and gru) in one composition:
 * <pre>
 * x_t = C[token_t]                         embedding           C (V × m), x_t (B × m)
 * s_t = cell(s_{t−1}, x_t)                 the recurrence      h_t (B × H), s_0 = the learned start (or 0)
 * y_t = h_t·W_hy + b_y                     logits              W_hy (H × V), y_t (B × V)
 * L   = mean over positions with a target of −log softmax(y_t)[target]
 * </pre>
 * and backward in the reverse order: the loss's dy, the head's dh, backpropagation through time
 * ({@link Recurrence}), the input projection's and the embedding's gradients. Positions are rows b·T + t.
 *
 * <h2>The fast path</h2>
 * The embedding followed by the cell's input projection x·W_x + b is, token by token, one row of the table
 * C·W_x + b: with {@link #fused(boolean) fused(true)} (the default) the model looks the rows up
 * ({@link TokenProjection}) instead of multiplying B·T rows; the loss and every gradient are the same to
 * round-off (tested). Everything else is the same code either way.
 *
 * <h2>Truncated BPTT</h2>
 * With {@link #carryState(boolean) carryState(true)}, each {@link #lossAndGrad} call starts from the final state of
 * the previous one (when it had as many rows), as a constant: the forward pass sees all of the past, the gradient
 * stops at the chunk boundary. {@link #loss} always starts from the start state: evaluation is a function of the
 * batch alone.
 *
 * <h2>Options</h2>
 * {@code dropout = p > 0} drops entries of the hidden states on their way to the head, y_t = drop(h_t)·W_hy + b_y
 * — the non-recurrent connection, as Zaremba, Sutskever &amp; Vinyals (2014) regularise recurrent networks; the
 * recurrence itself is untouched. Active in {@link #lossAndGrad} and {@link #forward}, the identity in
 * {@link #loss} and generation; {@link #freezeDropout} fixes the mask for a gradient check. {@code recurrentInit}
 * starts the cell's recurrent matrices orthogonal or at the identity ({@link RecurrentInit}). With the defaults (0,
 * DEFAULT) the model is exactly what it was before these options existed.
 */
public final class RecurrentLM implements LanguageModel {

    /**
     * @param vocabSize    V
     * @param cell         the recurrent cell
     * @param embed        m, the size of a token's vector (makemore's n_embd)
     * @param hidden       H, the hidden size (makemore's n_embd2)
     * @param learnedStart a learned start state (makemore's {@code start}); otherwise s_0 = 0
     * @param seed         seed of the initialisation
     * @param dropout      the drop probability on h_t before the head (0: no dropout), 0 ≤ p &lt; 1
     * @param recurrentInit how the cell's recurrent matrices start
     */
    public record Config(int vocabSize, CellType cell, int embed, int hidden, boolean learnedStart, long seed,
                         double dropout, RecurrentInit recurrentInit) {
        /**
         * No dropout, the cell's own initialisation.
         *
         * @param vocabSize V
         * @param cell the recurrent cell
         * @param embed m, the size of a token's vector (makemore's n_embd)
         * @param hidden H, the hidden size (makemore's n_embd2)
         * @param learnedStart a learned start state (makemore's {@code start}); otherwise s_0 = 0
         * @param seed seed of the initialisation
         */
        public Config(int vocabSize, CellType cell, int embed, int hidden, boolean learnedStart, long seed) {
            this(vocabSize, cell, embed, hidden, learnedStart, seed, 0.0, RecurrentInit.DEFAULT);
        }

        /**
         * Checks the sizes (every one at least 1), the dropout probability and the recurrent initialisation.
         *
         * @param vocabSize V
         * @param cell the recurrent cell
         * @param embed m, the size of a token's vector (makemore's n_embd)
         * @param hidden H, the hidden size (makemore's n_embd2)
         * @param learnedStart a learned start state (makemore's {@code start}); otherwise s_0 = 0
         * @param seed seed of the initialisation
         * @param dropout the drop probability on h_t before the head (0: no dropout), 0 ≤ p &lt; 1
         * @param recurrentInit how the cell's recurrent matrices start
         */
        public Config {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("RecurrentLM: dropout " + dropout + " must be in [0, 1)");
            }
            if (recurrentInit == null) throw new IllegalArgumentException("RecurrentLM: recurrentInit must be given");
            if (vocabSize < 1 || embed < 1 || hidden < 1) {
                throw new IllegalArgumentException("RecurrentLM: sizes must be ≥ 1, got V=" + vocabSize + ", m="
                        + embed + ", H=" + hidden);
            }
        }

        /**
         * The number of parameters: C, the cell, the start state, the head.
         *
         * @return the number of scalar parameters
         */
        public long numParams() {
            long V = vocabSize, m = embed, H = hidden;
            return V * m + cell.numParams(m, H) + (learnedStart ? cell.stateSize(hidden) : 0) + H * V + V;
        }

        /**
         * This configuration with another dropout probability (0: no dropout).
         *
         * @param p the drop probability on h_t, 0 ≤ p &lt; 1
         * @return the new configuration
         */
        public Config withDropout(double p) {
            return new Config(vocabSize, cell, embed, hidden, learnedStart, seed, p, recurrentInit);
        }

        /**
         * This configuration with another initialisation of the recurrent matrices.
         *
         * @param init the initialisation scheme of the recurrent matrices
         * @return the new configuration
         */
        public Config withRecurrentInit(RecurrentInit init) {
            return new Config(vocabSize, cell, embed, hidden, learnedStart, seed, dropout, init);
        }

        /**
         * makemore's configuration for a cell: n_embd 64, n_embd2 64, learned start state.
         *
         * @param cell the recurrent cell
         * @param vocabSize V, the number of tokens
         * @param seed seed of the initialisation
         * @return makemore's configuration
         */
        public static Config makemore(CellType cell, int vocabSize, long seed) {
            return new Config(vocabSize, cell, 64, 64, true, seed);
        }
    }

    /** The configuration the model was built from. */
    public final Config config;
    /** V, the vocabulary size; m, the embedding width; H, the hidden size. */
    public final int V, m, H;
    /** The embedding C (V × m). */
    public final Embedding embedding;       // C (V × m)
    /** The recurrent cell. */
    public final RecurrentCell<?> cell;
    /** The cell over time, with the start state. */
    public final Recurrence<?> recurrence;  // the cell over time, and the start state
    /** The head W_hy (H × V), b_y (1 × V). */
    public final Linear head;               // W_hy (H × V), b_y (1 × V)
    /** The dropout on h_t before the head, or null without dropout. */
    public final Dropout dropout;           // on h_t before the head; null without dropout
    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    private final TokenProjection table;
    private final List<Param> params;

    private boolean fused = true;
    private boolean carry;                  // truncated BPTT
    private boolean frozen;                 // dropout mask frozen: loss() applies it too
    private Matrix carried;                 // (B × S) the final state of the last lossAndGrad, or null
    private int[] ids = new int[0], targets = new int[0];  // (B·T) batch-major, remade when B·T changes

    /**
     * Initialised as makemore (PyTorch's defaults): C ~ N(0, 1); the cell's weights as the cell says (makemore's
     * one Linear over [x; h]: U(±1/√(m+H))); W_hy, b_y ~ U(±1/√H); start = 0.
     *
     * @param config the hyper-parameters and seed
     */
    public RecurrentLM(Config config) {
        this.config = config;
        this.V = config.vocabSize();
        this.m = config.embed();
        this.H = config.hidden();
        Random rng = new Random(config.seed());
        this.embedding = new Embedding("C", V, m, rng);
        this.cell = config.cell().create(m, H, rng);
        this.recurrence = new Recurrence<>(cell, config.learnedStart());
        this.head = new Linear("Why", "by", H, V, 1.0 / Math.sqrt(H), rng);
        this.table = new TokenProjection(embedding, cell.input());
        config.recurrentInit().apply(cell, new Random(config.seed() * 0x9E3779B97F4A7C15L + 0x0127));
        this.dropout = config.dropout() > 0
                ? new Dropout(config.dropout(), config.seed() * 0x9E3779B97F4A7C15L + 0xD50D) : null;
        List<Param> ps = new ArrayList<>(embedding.params());
        ps.addAll(recurrence.params());
        ps.addAll(head.params());
        this.params = List.copyOf(ps);
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
     * Looks the input projection up in the table C·W_x + b (true, the default) or computes it from the layers.
     *
     * @param on true for the table lookup
     * @return this model
     */
    public RecurrentLM fused(boolean on) {
        this.fused = on;
        return this;
    }

    /**
     * The most rows (sequences × positions) one pass of {@link #loss} computes: a larger batch, e.g. a whole dev
     * split, is evaluated in chunks of whole sequences. The layers keep buffers sized for the largest pass they
     * have seen, so without chunks a model evaluated once on 1,000 names would keep ~20× a training batch's
     * memory for as long as it lives.
     */
    public static final int MAX_ROWS = 512;

    /**
     * The mean loss over every target of the batch, forward only, in chunks of whole sequences of at most
     * {@link #MAX_ROWS} rows: each chunk's losses are added to the sum of the chunks before it, in the order of one
     * pass ({@link SoftmaxCrossEntropy#sumFrom}), so the mean is the one pass's to the last bit as long as every
     * product of a chunk takes the same kernel as the whole batch's (products of fewer than {@code Kernels.SMALL}
     * multiply-adds take the plain loops). For names (T = 16, 32 sequences a chunk) that holds from H = 12 for the
     * RNN, H = 7 for the GRU and H = 6 for the LSTM; below, the chunked mean may differ in its last bits.
     */
    @Override
    public double loss(Batch batch) {
        if (dropout != null) dropout.training(frozen);              // evaluation: no dropout
        int B = batch.size(), T = batch.length();
        int per = Math.max(1, MAX_ROWS / Math.max(1, T));           // sequences per chunk
        if (B <= per) return ce.forward(logits(batch, null), targets);
        double sum = 0;
        long count = 0;
        for (int from = 0; from < B; from += per) {
            int to = Math.min(B, from + per);
            sum = ce.sumFrom(logits(batch.slice(from, to), null), targets, sum);
            count += ce.count();
        }
        return count == 0 ? 0.0 : sum / count;
    }

    /**
     * Fixes the dropout mask (true) so that {@link #loss} and {@link #lossAndGrad} compute the same function (a
     * gradient check), or goes back to a fresh mask in training and none in {@link #loss} (false, the default).
     *
     * @param on true to fix the mask
     * @return this model
     */
    public RecurrentLM freezeDropout(boolean on) {
        frozen = on;
        if (dropout != null) dropout.freeze(on);
        return this;
    }

    @Override
    public double lossAndGrad(Batch batch) {
        Matrix s0 = carry && carried != null && carried.rows == batch.size() ? carried : null;
        double loss = forward(batch, s0);
        backward();
        if (carry) carried = recurrence.finalState();
        return loss;
    }

    /**
     * The loss of the batch starting from the state s0 (B × S), a constant, or from the start state
     * when s0 is null; follow with {@link #backward()} for the gradients. Neither reads nor moves the
     * carried state. Dropout, if any, is active (a training pass).
     */
    public double forward(Batch batch, Matrix s0) {
        if (dropout != null) dropout.training(true);
        return ce.forward(logits(batch, s0), targets);
    }

    /** The logits of the batch (B·T × V) from the state s0 (or the start state), the targets flattened beside them. */
    private Matrix logits(Batch batch, Matrix s0) {
        int B = batch.size(), T = batch.length();
        if (B == 0 || T == 0) {
            throw new IllegalArgumentException("RecurrentLM: empty batch (" + B + "×" + T + ")");
        }
        flatten(batch);                                             // ids, targets (B·T), row b·T + t
        Matrix XW = fused
                ? table.forward(ids)                                // x_t·W_x + b, by lookup
                : cell.input().forward(embedding.forward(ids));     // or C[token] then the product
        Matrix Hs = recurrence.forward(XW, T, s0);                  // (B·T × H)
        if (dropout != null) Hs = dropout.forward(Hs);              //   (dropout in training)
        return head.forward(Hs);                                    // (B·T × V)
    }

    /**
     * Backpropagation through the whole model for the last {@link #forward}; adds into every gradient.
     */
    public void backward() {
        Matrix dLogits = ce.backward();                             // (B·T × V)
        Matrix dHs = head.backward(dLogits);                        // (B·T × H)
        if (dropout != null) dHs = dropout.backward(dHs);
        Matrix dXW = recurrence.backward(dHs);                      // (B·T × G·H), through time
        if (fused) table.backward(dXW);
        else embedding.backward(cell.input().backward(dXW));
    }

    /**
     * Turns truncated BPTT on or off (and forgets the carried state).
     *
     * @param on true to carry the final state of a batch into the next
     */
    public void carryState(boolean on) {
        this.carry = on;
        this.carried = null;
    }

    /** Forgets the carried state: the next lossAndGrad starts from the start state. */
    public void resetState() {
        this.carried = null;
    }

    /**
     * A copy of the carried state (B × S), or null.
     *
     * @return the carried state (B × S), or null when there is none
     */
    public Matrix carriedState() {
        return carried == null ? null : carried.copy();
    }

    /**
     * The inputs x_t = C[token_t] of a token sequence (T × m): what the cell reads, for the analysis.
     *
     * @param tokens the token sequence (T)
     * @return the (T × m) embeddings
     */
    public Matrix embed(int[] tokens) {
        Matrix x = new Matrix(tokens.length, m);
        for (int t = 0; t < tokens.length; t++) System.arraycopy(embedding.vector(tokens[t]), 0, x.data[t], 0, m);
        return x;
    }

    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        int B = context.length;
        if (logits.rows != B || logits.cols != V) {
            throw new IllegalArgumentException("RecurrentLM: logits " + logits.shape() + ", expected (" + B + "×" + V + ")");
        }
        Generator g = generator(B);
        int T = B == 0 ? 0 : context[0].length;
        if (T == 0) throw new IllegalArgumentException("RecurrentLM: nextLogits needs at least one context token");
        int[] column = new int[B];
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < B; b++) {
                if (context[b].length != T) {
                    throw new IllegalArgumentException("RecurrentLM: context row " + b + " has " + context[b].length
                            + " tokens, row 0 has " + T);
                }
                column[b] = context[b][t];
            }
            g.next(column, logits);
        }
    }

    /** Generation that carries the state: one step of the cell per token. */
    @Override
    public Generator generator(int B) {
        return new Generator() {
            private Matrix s;                                           // (B × S) the state, null at the start

            @Override
            public void reset() {
                s = null;
            }

            @Override
            public void next(int[] tokens, Matrix logits) {
                Matrix XW = fused ? table.forward(tokens) : cell.input().forward(embedding.forward(tokens));
                logits.setFrom(head.forward(recurrence.forward(XW, 1, s)));
                s = recurrence.finalState();
            }
        };
    }

    private void flatten(Batch batch) {
        int B = batch.size(), T = batch.length(), N = B * T;
        if (ids.length != N) {
            ids = new int[N];
            targets = new int[N];
        }
        for (int b = 0; b < B; b++) {
            if (batch.x()[b].length != T) {
                throw new IllegalArgumentException("RecurrentLM: row " + b + " has " + batch.x()[b].length
                        + " tokens, row 0 has " + T);
            }
            System.arraycopy(batch.x()[b], 0, ids, b * T, T);
            System.arraycopy(batch.y()[b], 0, targets, b * T, T);
        }
    }

    @Override
    public String toString() {
        return "RecurrentLM(" + config.cell() + ", V=" + V + ", m=" + m + ", H=" + H
                + (recurrence.start != null ? ", learned start" : "")
                + (dropout != null ? ", dropout " + dropout.p : "")
                + (config.recurrentInit() != RecurrentInit.DEFAULT ? ", " + config.recurrentInit() + " W_h" : "")
                + "; " + numParams() + " parameters)";
    }
}
