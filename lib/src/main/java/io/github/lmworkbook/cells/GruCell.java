package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.Sigmoid;
import io.github.lmworkbook.layers.Tanh;

import java.util.List;
import java.util.Random;

/**
 * The gated recurrent unit (Cho et al. 2014, as in makemore), one step:
 * <pre>
 * z_t = σ(a_z),  a_z = x_t·W_xz + b_z + h_{t−1}·W_hz               the update gate     (B × H)
 * r_t = σ(a_r),  a_r = x_t·W_xr + b_r + h_{t−1}·W_hr               the reset gate      (B × H)
 * h̃_t = tanh(a_h), a_h = x_t·W_xh + b_h + (r_t ⊙ h_{t−1})·W_hh     the candidate       (B × H)
 * h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t                           keep or write, unit by unit
 * </pre>
 * The reset gate acts on h_{t−1} <em>before</em> the product with W_hh (PyTorch's {@code nn.GRU} applies it after:
 * r ⊙ (h_{t−1}·W_hh + b_hh)). The blocks sit side by side: the input projection is one {@link Linear}
 * x·[W_xz | W_xr | W_xh] + [b_z | b_r | b_h] (D → 3H), so {@code t.xw} is (B × 3H) with the z, r and h̃ columns in
 * that order, and the two gates share one recurrent product h_{t−1}·[W_hz | W_hr] (H → 2H). The backward, given
 * dh_t = ∂L/∂h_t:
 * <pre>
 * dh_{t−1} += dh_t ⊙ (1 − z_t)                             the additive path: no weight, no derivative
 * da_h     = dh_t ⊙ z_t ⊙ (1 − h̃_t²)                       through the candidate's tanh
 * da_z     = dh_t ⊙ (h̃_t − h_{t−1}) ⊙ z_t ⊙ (1 − z_t)      through the update gate
 * dW_hh   += (r_t ⊙ h_{t−1})ᵀ·da_h
 * d(r⊙h)   = da_h·W_hhᵀ
 * da_r     = d(r⊙h) ⊙ h_{t−1} ⊙ r_t ⊙ (1 − r_t)             through the reset gate
 * dh_{t−1} += d(r⊙h) ⊙ r_t
 * dW_hzr  += h_{t−1}ᵀ·[da_z | da_r]
 * dh_{t−1} += [da_z | da_r]·[W_hz | W_hr]ᵀ
 * (t.dxw = [da_z | da_r | da_h]; dW_x, db and dx_t come from the input projection, for all steps at once)
 * </pre>
 * Vectors are rows, so every weight is the transpose of the textbook's. makemore's three Linear layers over
 * [x_t; h_{t−1}] (for z and r) and [x_t; r ⊙ h_{t−1}] (for h̃) are these blocks stacked.
 */
public final class GruCell implements RecurrentCell<GruCell.GruStep> {
    /** The input projection x·W_x + b, D → 3H: W_x = [W_xz | W_xr | W_xh] (D × 3H), b = [b_z | b_r | b_h]. */
    public final Linear input;   // x·W_x + b, D → 3H: W_x = [W_xz | W_xr | W_xh] (D × 3H), b = [b_z | b_r | b_h]
    /** W_x = [W_xz | W_xr | W_xh] (D × 3H), the input projection's weight. */
    public final Param Wx;       // (D × 3H)
    /** [W_hz | W_hr] (H × 2H), the recurrent weights of the update and reset gates. */
    public final Param Whzr;     // [W_hz | W_hr] (H × 2H)
    /** W_hh (H × H), the recurrent weight of the candidate h̃, applied to r ⊙ h_{t−1}. */
    public final Param Whh;      // (H × H)
    /** b = [b_z | b_r | b_h] (1 × 3H), the input projection's bias. */
    public final Param b;        // (1 × 3H)
    private final int D, H;
    private final RowBuffer dzrBuf, dahBuf, drhBuf;   // backward's scratch, shared by every step

    /**
     * All weights and biases ~ U(±1/√(D+H)): makemore's three Linear layers over [x; h], PyTorch's default.
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param rng the random source of the initial weights
     */
    public GruCell(int D, int H, Random rng) {
        this(D, H, 1.0 / Math.sqrt(D + H), rng);
    }

    /**
     * All weights and biases ~ U(±bound).
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param bound the half-width of the uniform distribution
     * @param rng the random source of the initial weights
     */
    public GruCell(int D, int H, double bound, Random rng) {
        this.D = D;
        this.H = H;
        this.input = new Linear("Wx", "b", D, 3 * H, bound, rng);
        this.Wx = input.W;
        this.b = input.b;
        this.Whzr = new Param("Whzr", Matrix.uniform(H, 2 * H, bound, rng));
        this.Whh = new Param("Whh", Matrix.uniform(H, H, bound, rng));
        this.dzrBuf = new RowBuffer(2 * H);
        this.dahBuf = new RowBuffer(H);
        this.drhBuf = new RowBuffer(H);
    }

    /** One step's buffers and cache: the gates, r ⊙ h_{t−1} and the candidate, each (B × ·). */
    public static final class GruStep extends Step {
        /** [z_t | r_t] (B × 2H): the update gate in columns 0…H−1, the reset gate in H…2H−1. */
        public final Matrix zr;
        /** r_t ⊙ h_{t−1} (B × H). */
        public final Matrix rh;
        /** h̃_t, the candidate (B × H). */
        public final Matrix hTilde;
        /** The backward pass's scratch (shared by every step of a batch shape: one step runs at a time):
         *  [da_z | da_r] (B × 2H), da_h (B × H), d(r ⊙ h_{t−1}) (B × H). */
        public final Matrix dzr, dah, drh;

        GruStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh, Matrix dzr, Matrix dah, Matrix drh) {
            super(xw, dxw, h, dh, false);
            int B = h.rows, H = h.cols;
            boolean first = xw == null;                   // step 0 holds only the start state
            this.zr = first ? null : new Matrix(B, 2 * H);
            this.rh = first ? null : new Matrix(B, H);
            this.hTilde = first ? null : new Matrix(B, H);
            this.dzr = dzr;
            this.dah = dah;
            this.drh = drh;
        }

        /**
         * z_t of row b, unit j.
         *
         * @param b the row (sequence of the batch)
         * @param j the unit
         * @return the update gate z_t[b][j]
         */
        public double z(int b, int j) {
            return zr.data[b][j];
        }

        /**
         * r_t of row b, unit j.
         *
         * @param b the row (sequence of the batch)
         * @param j the unit
         * @return the reset gate r_t[b][j]
         */
        public double r(int b, int j) {
            return zr.data[b][h.cols + j];
        }
    }

    /**
     * z = σ(a_z), r = σ(a_r), h̃ = tanh(a_h), h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃
     * (see the class comment).
     */
    @Override
    public void forward(GruStep prev, GruStep t) {
        int B = t.h.rows;
        for (int n = 0; n < B; n++) System.arraycopy(t.xw.data[n], 0, t.zr.data[n], 0, 2 * H);
        t.zr.addMatmul(prev.h, Whzr.value);         // [a_z | a_r] = x·[W_xz | W_xr] + [b_z | b_r]
                                                    //               + h_{t−1}·[W_hz | W_hr]   (B × 2H)
        for (int n = 0; n < B; n++) {
            double[] zr = t.zr.data[n], hp = prev.h.data[n], rh = t.rh.data[n];
            for (int j = 0; j < H; j++) {
                zr[j] = Sigmoid.sigmoid(zr[j]);                     // z = σ(a_z)
                zr[H + j] = Sigmoid.sigmoid(zr[H + j]);             // r = σ(a_r)
                rh[j] = zr[H + j] * hp[j];                          // r ⊙ h_{t−1}
            }
        }
        for (int n = 0; n < B; n++) System.arraycopy(t.xw.data[n], 2 * H, t.hTilde.data[n], 0, H);
        t.hTilde.addMatmul(t.rh, Whh.value);        // a_h = x·W_xh + b_h + (r ⊙ h_{t−1})·W_hh  (B × H)
        for (int n = 0; n < B; n++) {
            double[] z = t.zr.data[n], hp = prev.h.data[n], hTilde = t.hTilde.data[n], h = t.h.data[n];
            for (int j = 0; j < H; j++) {
                hTilde[j] = Tanh.tanh(hTilde[j]);                   // h̃ = tanh(a_h)
                h[j] = (1 - z[j]) * hp[j] + z[j] * hTilde[j];       // h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃
            }
        }
    }

    /**
     * From dh_t: the additive path, the candidate, the update gate, the reset gate
     * (see the class comment).
     */
    @Override
    public void backward(GruStep prev, GruStep t) {
        int B = t.h.rows;
        for (int n = 0; n < B; n++) {
            double[] dh = t.dh.data[n], z = t.zr.data[n], hTilde = t.hTilde.data[n],
                    hp = prev.h.data[n], dhp = prev.dh.data[n],
                    dzr = t.dzr.data[n], dah = t.dah.data[n];
            for (int j = 0; j < H; j++) {
                dhp[j] += dh[j] * (1 - z[j]);                      // dh_{t−1} += dh ⊙ (1 − z)
                dah[j] = Tanh.backward(hTilde[j], dh[j] * z[j]);   // da_h = (dh ⊙ z) ⊙ (1 − h̃²)
                // da_z = dh ⊙ (h̃ − h_{t−1}) ⊙ z(1 − z)
                dzr[j] = Sigmoid.backward(z[j], dh[j] * (hTilde[j] - hp[j]));
            }
        }
        Whh.grad.addMatmulTransA(t.rh, t.dah);              // dW_hh += (r ⊙ h_{t−1})ᵀ·da_h
        t.drh.zero().addMatmulTransB(t.dah, Whh.value);     // d(r ⊙ h_{t−1}) = da_h·W_hhᵀ   (B × H)
        for (int n = 0; n < B; n++) {
            double[] drh = t.drh.data[n], zr = t.zr.data[n], hp = prev.h.data[n], dhp = prev.dh.data[n],
                    dzr = t.dzr.data[n];
            for (int j = 0; j < H; j++) {
                double r = zr[H + j];
                dzr[H + j] = Sigmoid.backward(r, drh[j] * hp[j]);  // da_r = d(r⊙h) ⊙ h_{t−1} ⊙ r(1 − r)
                dhp[j] += drh[j] * r;                              // dh_{t−1} += d(r⊙h) ⊙ r
            }
        }
        Whzr.grad.addMatmulTransA(prev.h, t.dzr);           // dW_hzr += h_{t−1}ᵀ·[da_z | da_r]
        prev.dh.addMatmulTransB(t.dzr, Whzr.value);         // dh_{t−1} += [da_z | da_r]·[W_hz | W_hr]ᵀ
        for (int n = 0; n < B; n++) {                       // t.dxw = [da_z | da_r | da_h]
            System.arraycopy(t.dzr.data[n], 0, t.dxw.data[n], 0, 2 * H);
            System.arraycopy(t.dah.data[n], 0, t.dxw.data[n], 2 * H, H);
        }
    }

    @Override
    public GruStep newStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh) {
        int B = h.rows;
        return new GruStep(xw, dxw, h, dh, dzrBuf.rows(B), dahBuf.rows(B), drhBuf.rows(B));
    }

    /**
     * Sets the update gate's bias b_z to the value bz for every unit. With h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃, a
     * negative bz starts every unit carrying (z = σ(bz) small, e.g. σ(−3) ≈ 0.047): the step Jacobian starts near
     * the identity; bz = 0 is neutral (z ≈ ½).
     *
     * @param bz the bias of every unit's update gate
     * @return this cell
     */
    public GruCell setUpdateGateBias(double bz) {
        java.util.Arrays.fill(b.value.data[0], 0, H, bz);
        return this;
    }

    /**
     * Opens the reset gate for good, r ≡ 1 (the ablation "a GRU without a reset gate"): W_xr = 0, W_hr = 0,
     * b_r = 100. Then σ(100) is 1 exactly in double precision, so r(1 − r) = 0 and every gradient into these
     * parameters is exactly 0: an optimizer without weight decay (or with any realistic one: b_r would have to
     * fall below about 37) leaves them where they are, and h̃ = tanh(x·W_xh + b_h + h_{t−1}·W_hh).
     *
     * @return this cell
     */
    public GruCell openResetGate() {
        for (double[] row : Wx.value.data) java.util.Arrays.fill(row, H, 2 * H, 0.0);
        for (double[] row : Whzr.value.data) java.util.Arrays.fill(row, H, 2 * H, 0.0);
        java.util.Arrays.fill(b.value.data[0], H, 2 * H, 100.0);
        return this;
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
        return List.of(Wx, Whzr, Whh, b);
    }
}
