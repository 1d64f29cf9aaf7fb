package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;

import java.util.Random;

/**
 * Dropout (Srivastava et al. 2014) with inverted scaling: in training every entry is kept with probability
 * q = 1 − p and scaled by 1/q, or set to 0; at evaluation the layer is the identity.
 * <pre>
 * forward:   m_ij = 1/q with probability q, else 0     (drawn from this layer's seeded Random)   m (N × n)
 *            y = x ⊙ m                                                                           x, y (N × n)
 * backward:  dx = dy ⊙ m                                the same mask: y is linear in x
 * </pre>
 * Why 1/q: E[m_ij] = q·(1/q) + p·0 = 1, so E[y] = x — the layer above sees at evaluation (no mask) the same
 * expected input as in training, and nothing has to be rescaled when the model is used. (The original paper
 * scaled the weights by q at test time instead; the two agree in expectation.)
 *
 * <h2>Modes</h2>
 * <ul>
 *   <li>{@link #training(boolean) training(true)} (the default): every forward draws a fresh mask;</li>
 *   <li>{@code training(false)}: the identity — forward returns x itself and backward dy itself;</li>
 *   <li>{@link #freeze(boolean) freeze(true)}: in training, the mask drawn last is kept (it is drawn once for each
 *       shape), so that forward is a fixed function of x: the same mask in every loss the gradient checker
 *       evaluates and in the backward pass it compares them with. {@link #resample()} draws a new one.</li>
 * </ul>
 * The cache is the mask (m is also what backward multiplies by); at p = 0 nothing is drawn and the layer is the
 * identity in every mode.
 */
public final class Dropout implements Layer {
    /** The probability p of dropping an entry (0 ≤ p &lt; 1). */
    public final double p;                 // the probability of dropping an entry
    private final double scale;            // 1/q = 1/(1 − p)
    private final Random rng;
    private boolean training = true, frozen, active;
    private RowBuffer maskBuf, yBuf, dxBuf;
    private Matrix mask;                   // cache: m of the last forward in training (N × n)
    private boolean drawn;                 // a frozen mask exists for mask's shape

    /**
     * @param p    the drop probability, 0 ≤ p &lt; 1
     * @param seed the seed of the masks
     */
    public Dropout(double p, long seed) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p = " + p + " must be in [0, 1)");
        this.p = p;
        this.scale = 1.0 / (1.0 - p);
        this.rng = new Random(seed);
    }

    /**
     * Training (a mask, the default) or evaluation (the identity).
     *
     * @param on true for training, false for evaluation
     * @return this layer, for chaining
     */
    public Dropout training(boolean on) {
        this.training = on;
        return this;
    }

    /**
     * Whether the layer is in training (a mask) or evaluation (the identity).
     *
     * @return true in training
     */
    public boolean training() {
        return training;
    }

    /**
     * Keeps the last mask (true) instead of drawing a new one every forward (false, the default).
     *
     * @param on true to keep the last mask
     * @return this layer, for chaining
     */
    public Dropout freeze(boolean on) {
        this.frozen = on;
        if (!on) drawn = false;
        return this;
    }

    /**
     * With a frozen mask: the next forward draws a new one.
     *
     * @return this layer, for chaining
     */
    public Dropout resample() {
        drawn = false;
        return this;
    }

    /** y = x ⊙ m in training, x itself at evaluation (or when p = 0). */
    @Override
    public Matrix forward(Matrix x) {
        active = training && p > 0;
        if (!active) return x;
        if (maskBuf == null || maskBuf.cols() != x.cols) {
            maskBuf = new RowBuffer(x.cols);
            yBuf = new RowBuffer(x.cols);
            dxBuf = new RowBuffer(x.cols);
            drawn = false;
        }
        Matrix m = maskBuf.rows(x.rows);
        if (!(frozen && drawn && mask == m)) {
            for (int i = 0; i < m.rows; i++) {
                double[] mi = m.data[i];
                for (int j = 0; j < m.cols; j++) {
                    mi[j] = rng.nextDouble() < p ? 0.0 : scale;                // keep w.p. q, ×1/q
                }
            }
            drawn = true;
        }
        mask = m;
        Matrix y = yBuf.rows(x.rows);
        for (int i = 0; i < x.rows; i++) {
            double[] xi = x.data[i], mi = m.data[i], yi = y.data[i];
            for (int j = 0; j < x.cols; j++) yi[j] = xi[j] * mi[j];                    // y = x ⊙ m
        }
        return y;
    }

    /** dx = dy ⊙ m (dy itself at evaluation). */
    @Override
    public Matrix backward(Matrix dy) {
        if (!active) return dy;
        Tanh.requireSame("dropout backward", mask, dy);
        Matrix dx = dxBuf.rows(dy.rows);
        for (int i = 0; i < dy.rows; i++) {
            double[] dyi = dy.data[i], mi = mask.data[i], dxi = dx.data[i];
            for (int j = 0; j < dy.cols; j++) dxi[j] = dyi[j] * mi[j];                 // dx = dy ⊙ m
        }
        return dx;
    }

    /**
     * The mask m of the last forward in training (N × n): 0 or 1/(1 − p); null before one.
     *
     * @return the mask m (N × n), or null
     */
    public Matrix mask() {
        return mask;
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + (training ? "" : ", eval") + (frozen ? ", frozen" : "") + ")";
    }
}
