package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.Tanh;

import java.util.List;
import java.util.Random;

/**
 * The vanilla (Elman) RNN cell, one step:
 * <pre>
 * z_t = x_t·W_xh + b + h_{t−1}·W_hh        x_t (B × D), W_xh (D × H), b (1 × H), W_hh (H × H)
 * h_t = tanh(z_t)                          h_t (B × H)
 * </pre>
 * and its backward, given dh_t = ∂L/∂h_t (from the step's own output and from the future):
 * <pre>
 * dz      = dh_t ⊙ (1 − h_t²)               through tanh; also ∂L/∂(x_t·W_xh + b)
 * dW_hh  += h_{t−1}ᵀ·dz                     summed over time: W_hh is shared by every step
 * dh_{t−1} += dz·W_hhᵀ                      the path back to the previous step
 * (dW_xh += x_tᵀ·dz, db += Σ_rows dz, dx_t = dz·W_xhᵀ: the input projection, for all steps at once)
 * </pre>
 * Vectors are rows, so the textbook's h_t = tanh(W_hh h_{t−1} + W_xh x_t + b) reads here with every matrix
 * transposed; makemore's single Linear over [x_t; h_{t−1}] is W_xh and W_hh stacked. The cache of a step is
 * h_t (and h_{t−1}, the previous step's).
 */
public final class RnnCell implements RecurrentCell<Step> {
    /** The input projection x·W_xh + b: W_xh (D × H), b (1 × H). */
    public final Linear input;   // x·W_xh + b: W_xh (D × H), b (1 × H)
    /** W_xh (D × H), the input projection's weight. */
    public final Param Wxh;      // (D × H)
    /** W_hh (H × H), the recurrent weight. */
    public final Param Whh;      // (H × H)
    /** b (1 × H), the input projection's bias. */
    public final Param b;        // (1 × H)
    private final int D, H;

    /**
     * W_xh, W_hh, b ~ U(±1/√(D+H)): makemore's one Linear over [x; h].
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param rng the random source of the initial weights
     */
    public RnnCell(int D, int H, Random rng) {
        this(D, H, 1.0 / Math.sqrt(D + H), rng);
    }

    /**
     * W_xh, W_hh, b ~ U(±bound).
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param bound the half-width of the uniform distribution
     * @param rng the random source of the initial weights
     */
    public RnnCell(int D, int H, double bound, Random rng) {
        this.D = D;
        this.H = H;
        this.input = new Linear("Wxh", "b", D, H, bound, rng);
        this.Wxh = input.W;
        this.b = input.b;
        this.Whh = new Param("Whh", Matrix.uniform(H, H, bound, rng));
    }

    /** h_t = tanh(x_t·W_xh + b + h_{t−1}·W_hh). */
    @Override
    public void forward(Step prev, Step t) {
        Matrix z = t.h;                                  // (B × H), becomes h_t in place
        z.setFrom(t.xw);                                 // z = x_t·W_xh + b  (computed before the loop)
        z.addMatmul(prev.h, Whh.value);                  //   + h_{t−1}·W_hh
        Tanh.forward(z, t.h);                            // h_t = tanh(z)
    }

    /** dz = dh_t ⊙ (1 − h_t²);  dW_hh += h_{t−1}ᵀ·dz;  dh_{t−1} += dz·W_hhᵀ. */
    @Override
    public void backward(Step prev, Step t) {
        Matrix dz = Tanh.backward(t.h, t.dh, t.dxw);     // dz = dh_t ⊙ (1 − h_t²)   (B × H), = ∂L/∂xw
        Whh.grad.addMatmulTransA(prev.h, dz);            // dW_hh += h_{t−1}ᵀ·dz
        prev.dh.addMatmulTransB(dz, Whh.value);          // dh_{t−1} += dz·W_hhᵀ
    }

    @Override
    public Step newStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh) {
        return new Step(xw, dxw, h, dh, false);
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
        return List.of(Wxh, Whh, b);
    }

    /**
     * A copy with its own parameter values (for experiments that change the weights, e.g. rescaling W_hh).
     *
     * @return the copy
     */
    public RnnCell copy() {
        RnnCell c = new RnnCell(D, H, 0.0, new Random(0));
        c.Wxh.value.setFrom(Wxh.value);
        c.Whh.value.setFrom(Whh.value);
        c.b.value.setFrom(b.value);
        return c;
    }
}
