package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.layers.Tanh;

import java.util.List;
import java.util.Random;

/**
 * The LSTM cell (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000; no peepholes), one
 * step. The state is the pair (h, c): a hidden state h_t that the layer above reads, and a memory cell c_t that
 * only the gates touch.
 * <pre>
 * a_t = x_t·W_x + b + h_{t−1}·W_h = [a_i a_f a_o a_g]    W_x (D × 4H), b (1 × 4H), W_h (H × 4H), a_t (B × 4H)
 * i_t = σ(a_i)       input gate: how much of the candidate to write
 * f_t = σ(a_f)       forget gate: how much of the old cell to keep
 * o_t = σ(a_o)       output gate: how much of the cell to show
 * g_t = tanh(a_g)    candidate
 * c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                        c_t (B × H)
 * h_t = o_t ⊙ tanh(c_t)                                  h_t (B × H)
 * </pre>
 * and its backward, given dh_t = ∂L/∂h_t and dc_t = ∂L/∂c_t (what the future sent back through c_{t+1}):
 * <pre>
 * dc     = dc_t + dh_t ⊙ o_t ⊙ (1 − tanh²c_t)    all of ∂L/∂c_t: the carried path and the path through h_t
 * da_i   = dc ⊙ g_t ⊙ i_t(1 − i_t)
 * da_f   = dc ⊙ c_{t−1} ⊙ f_t(1 − f_t)
 * da_o   = dh_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
 * da_g   = dc ⊙ i_t ⊙ (1 − g_t²)                  da = [da_i da_f da_o da_g] = ∂L/∂(x_t·W_x + b)
 * dc_{t−1} += dc ⊙ f_t                          the additive path: no matrix, no squashing derivative
 * dW_h   += h_{t−1}ᵀ·da                          summed over time
 * dh_{t−1} += da·W_hᵀ                           through all four gates
 * (dW_x += x_tᵀ·da, db += Σ_rows da, dx_t = da·W_xᵀ: the input projection, for all steps at once)
 * </pre>
 * The step Jacobian ∂(h_t, c_t)/∂(h_{t−1}, c_{t−1}) has the block ∂c_t/∂c_{t−1} = diag(f_t) exactly: without
 * peepholes no gate reads c_{t−1}, so the only way from c_{t−1} to c_t is the product with f_t (the constant error
 * carousel when f_t = 1).
 *
 * <p>The four gate blocks lie side by side in the 4H columns in the order i, f, o, g (CS231n's
 * {@code lstm_step_forward}; PyTorch's {@code nn.LSTM} orders them i, f, g, o). Initialised as makemore initialises
 * its RNN cell, one {@code Linear} over [x; h]: every weight and bias ~ U(±1/√(D+H)). The forget-gate bias b_f —
 * Gers et al.'s and Jozefowicz et al.'s (2015) recommendation is 1 — is set with {@link #setForgetBias}.
 */
public final class LstmCell implements RecurrentCell<LstmCell.LstmStep> {
    /** The column offset of each gate block, in units of H: a[k·H + j] is unit j of gate k. */
    public static final int I = 0, F = 1, O = 2, G = 3;

    /** The input projection x·W_x + b: W_x (D × 4H), b (1 × 4H), the blocks in the order i, f, o, g. */
    public final Linear input;   // x·W_x + b: W_x (D × 4H), b (1 × 4H)
    /** W_x (D × 4H), the input projection's weight. */
    public final Param Wx;       // (D × 4H)
    /** W_h (H × 4H), the recurrent weight of the four blocks. */
    public final Param Wh;       // (H × 4H)
    /** b (1 × 4H), the input projection's bias (b_f is columns H … 2H − 1). */
    public final Param b;        // (1 × 4H)
    private final int D, H;

    /** The cache of one step: the gates and tanh(c_t), besides h_t and c_t. */
    public static final class LstmStep extends Step {
        /** (B × 4H): [i f o g], the gates after their non-linearities (null for step 0). */
        public final Matrix gates;
        /** (B × H): tanh(c_t) (null for step 0). */
        public final Matrix tanhC;

        LstmStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh) {
            super(xw, dxw, h, dh, true);
            this.gates = xw == null ? null : new Matrix(h.rows, xw.cols);
            this.tanhC = xw == null ? null : new Matrix(h.rows, h.cols);
        }

        /**
         * Gate k (I, F, O or G) of unit j in row r.
         *
         * @param k the gate's block: I, F, O or G
         * @param r the row (sequence of the batch)
         * @param j the unit
         * @return the gate's value after its non-linearity
         */
        public double gate(int k, int r, int j) {
            return gates.data[r][k * h.cols + j];
        }
    }

    /**
     * W_x, W_h, b ~ U(±1/√(D+H)): makemore's one Linear over [x; h], with 4H outputs.
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param rng the random source of the initial weights
     */
    public LstmCell(int D, int H, Random rng) {
        this(D, H, 1.0 / Math.sqrt(D + H), rng);
    }

    /**
     * W_x, W_h, b ~ U(±bound).
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param bound the half-width of the uniform distribution
     * @param rng the random source of the initial weights
     */
    public LstmCell(int D, int H, double bound, Random rng) {
        this.D = D;
        this.H = H;
        this.input = new Linear("Wx", "b", D, 4 * H, bound, rng);
        this.Wx = input.W;
        this.b = input.b;
        this.Wh = new Param("Wh", Matrix.uniform(H, 4 * H, bound, rng));
    }

    /**
     * a = x_t·W_x + b + h_{t−1}·W_h;  i, f, o = σ(·), g = tanh(·);
     * c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙tanh(c_t).
     */
    @Override
    public void forward(LstmStep prev, LstmStep t) {
        Matrix a = t.gates;                   // (B × 4H), pre-activations, then the gates in place
        a.setFrom(t.xw);                      // a = x_t·W_x + b      (computed before the loop)
        a.addMatmul(prev.h, Wh.value);        //   + h_{t−1}·W_h
        for (int r = 0; r < a.rows; r++) {
            double[] ar = a.data[r], cPrev = prev.c.data[r];
            double[] c = t.c.data[r], tanhC = t.tanhC.data[r], h = t.h.data[r];
            Sigmoid.forward(ar, 0, 3 * H);    // [i f o] = σ([a_i a_f a_o])
            Tanh.forward(ar, 3 * H, 4 * H);   // g = tanh(a_g)
            for (int j = 0; j < H; j++) {
                double i = ar[j], f = ar[H + j], g = ar[3 * H + j];
                c[j] = f * cPrev[j] + i * g;  // c_t = f ⊙ c_{t−1} + i ⊙ g
            }
            System.arraycopy(c, 0, tanhC, 0, H);
            Tanh.forward(tanhC, 0, H);        // tanh(c_t)
            for (int j = 0; j < H; j++) {
                double o = ar[2 * H + j];
                h[j] = o * tanhC[j];          // h_t = o ⊙ tanh(c_t)
            }
        }
    }

    /**
     * dc = dc_t + dh_t⊙o⊙(1 − tanh²c_t);  da = [dc⊙g, dc⊙c_{t−1}, dh_t⊙tanh c_t, dc⊙i] through
     * each gate's derivative;  dc_{t−1} += dc⊙f;  dW_h += h_{t−1}ᵀ·da;  dh_{t−1} += da·W_hᵀ.
     */
    @Override
    public void backward(LstmStep prev, LstmStep t) {
        Matrix da = t.dxw;                                   // (B × 4H) = ∂L/∂a = ∂L/∂(x_t·W_x + b)
        for (int r = 0; r < da.rows; r++) {
            double[] gr = t.gates.data[r], tanhC = t.tanhC.data[r], dh = t.dh.data[r],
                    dcr = t.dc.data[r];
            double[] cPrev = prev.c.data[r], dcPrev = prev.dc.data[r], dar = da.data[r];
            for (int j = 0; j < H; j++) {
                double i = gr[j], f = gr[H + j], o = gr[2 * H + j], g = gr[3 * H + j];
                // dc = dc_t + dh⊙o⊙(1 − tanh²c_t)
                double dc = dcr[j] + Tanh.backward(tanhC[j], dh[j] * o);
                dar[j] = Sigmoid.backward(i, dc * g);                    // da_i = dc⊙g⊙i(1 − i)
                dar[H + j] = Sigmoid.backward(f, dc * cPrev[j]);         // da_f = dc⊙c_{t−1}⊙f(1 − f)
                dar[2 * H + j] = Sigmoid.backward(o, dh[j] * tanhC[j]);  // da_o = dh⊙tanh(c_t)⊙o(1 − o)
                dar[3 * H + j] = Tanh.backward(g, dc * i);               // da_g = dc⊙i⊙(1 − g²)
                dcPrev[j] += dc * f;                                     // dc_{t−1} += dc ⊙ f
            }
        }
        Wh.grad.addMatmulTransA(prev.h, da);                 // dW_h += h_{t−1}ᵀ·da
        prev.dh.addMatmulTransB(da, Wh.value);               // dh_{t−1} += da·W_hᵀ
    }

    @Override
    public LstmStep newStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh) {
        return new LstmStep(xw, dxw, h, dh);
    }

    @Override
    public boolean hasCellState() {
        return true;
    }

    @Override
    public int inputSize() {
        return D;
    }

    @Override
    public int hiddenSize() {
        return H;
    }

    @Override
    public Linear input() {
        return input;
    }

    @Override
    public List<Param> params() {
        return List.of(Wx, Wh, b);
    }

    /**
     * Sets the forget gate's bias b_f (columns H … 2H − 1 of b) to v for every unit: σ(1) ≈ 0.73 makes the cell keep
     * most of its content from the start (Gers et al. 2000; Jozefowicz et al. 2015). Returns this cell.
     *
     * @param v the forget-gate bias of every unit
     * @return this cell
     */
    public LstmCell setForgetBias(double v) {
        for (int j = 0; j < H; j++) b.value.data[0][F * H + j] = v;
        return this;
    }

    /**
     * A copy with its own parameter values (for experiments that change the weights).
     *
     * @return the copy
     */
    public LstmCell copy() {
        LstmCell c = new LstmCell(D, H, 0.0, new Random(0));
        c.Wx.value.setFrom(Wx.value);
        c.Wh.value.setFrom(Wh.value);
        c.b.value.setFrom(b.value);
        return c;
    }
}
