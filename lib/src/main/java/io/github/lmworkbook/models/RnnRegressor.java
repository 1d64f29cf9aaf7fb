package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.AddingProblem;

import java.util.List;
import java.util.Random;

/**
 * The vanilla RNN of {@link Rnn} over real-valued inputs, with one number read out at the end: the model of the
 * adding problem ({@link AddingProblem}).
 *
 * <pre>
 * h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b)        x_t (B × D), h_t (B × H), h_0 = 0
 * ŷ   = h_T·w + c                                w (H × 1), c (1 × 1), ŷ (B × 1)
 * L   = (1/B) Σ_b (ŷ_b − y_b)²                    mean squared error
 * </pre>
 * Backward: dŷ = 2(ŷ − y)/B; dw = h_Tᵀ·dŷ; dc = Σ dŷ; dh_T = dŷ·wᵀ; then for t = T … 1 the step backward of
 * {@link Rnn#stepBackward}: dz_t = dh_t ⊙ (1 − h_t²), dW_xh += x_tᵀ·dz_t, dW_hh += h_{t−1}ᵀ·dz_t,
 * db += Σ_rows dz_t, dh_{t−1} = dz_t·W_hhᵀ. The only gradient that enters is at the last step: everything the
 * model learns about an early input has travelled back through T − t step Jacobians.
 */
public final class RnnRegressor implements Model {
    public final int D, H;
    public final Param Wxh; // (D × H)
    public final Param Whh; // (H × H)
    public final Param b;   // (1 × H)
    public final Param w;   // (H × 1)
    public final Param c;   // (1 × 1)
    private final List<Param> params;

    // cache of the last forward pass, reused while B and T stay the same
    private Matrix[] x;      // T inputs (B × D), the caller's
    private Matrix[] hs;     // T + 1 states (B × H), hs[0] = h_0 = 0
    private Matrix yHat;     // (B × 1)
    private double[] y;      // (B)
    private Matrix dh, dz, dhPrev, dyHat, WhhT; // (B × H), (B × H), (B × H), (B × 1), (H × H)

    /** W_xh, W_hh, b ~ U(±1/√(D+H)); w, c ~ U(±1/√H). */
    public RnnRegressor(int inputSize, int hiddenSize, Random rng) {
        this.D = inputSize;
        this.H = hiddenSize;
        double bound = 1.0 / Math.sqrt(D + H), hb = 1.0 / Math.sqrt(H);
        Wxh = new Param("Wxh", Matrix.uniform(D, H, bound, rng));
        Whh = new Param("Whh", Matrix.uniform(H, H, bound, rng));
        b = new Param("b", Matrix.uniform(1, H, bound, rng));
        w = new Param("w", Matrix.uniform(H, 1, hb, rng));
        c = new Param("c", Matrix.uniform(1, 1, hb, rng));
        params = List.of(Wxh, Whh, b, w, c);
    }

    @Override
    public List<Param> params() {
        return params;
    }

    /** The mean squared error on the sequences (forward only). */
    public double loss(AddingProblem.Sequences s) {
        return forward(s.x(), s.y());
    }

    /** The same, then the backward pass, which adds into the gradients. */
    public double lossAndGrad(AddingProblem.Sequences s) {
        double loss = forward(s.x(), s.y());
        backward();
        return loss;
    }

    /** The predictions ŷ of the last forward pass (B × 1, this model's buffer). */
    public Matrix predictions() {
        return yHat;
    }

    /** L = mean (ŷ − y)², keeping the cache for {@link #backward()}. */
    public double forward(Matrix[] x, double[] y) {
        int T = x.length, B = y.length;
        if (T == 0) throw new IllegalArgumentException("RnnRegressor: empty sequence");
        for (int t = 0; t < T; t++) {
            if (x[t].rows != B || x[t].cols != D) {
                throw new IllegalArgumentException("RnnRegressor: input at step " + t + " is " + x[t].shape()
                        + ", expected (" + B + "×" + D + ")");
            }
        }
        if (hs == null || hs.length != T + 1 || hs[0].rows != B) {
            hs = new Matrix[T + 1];
            for (int t = 0; t <= T; t++) hs[t] = new Matrix(B, H);
            yHat = new Matrix(B, 1);
            dh = new Matrix(B, H);
            dz = new Matrix(B, H);
            dhPrev = new Matrix(B, H);
            dyHat = new Matrix(B, 1);
            WhhT = new Matrix(H, H);
        }
        for (int t = 1; t <= T; t++) {
            Matrix h = hs[t];
            h.setMatmul(x[t - 1], Wxh.value).addMatmul(hs[t - 1], Whh.value).addRowVector(b.value);
            for (double[] r : h.data) for (int j = 0; j < H; j++) r[j] = Rnn.tanh(r[j]);
        }
        yHat.setMatmul(hs[T], w.value).addRowVector(c.value);
        double loss = 0;
        for (int i = 0; i < B; i++) {
            double e = yHat.data[i][0] - y[i];
            loss += e * e;
        }
        this.x = x;
        this.y = y;
        return loss / B;
    }

    /** Backpropagation through time from the loss at the last step. */
    public void backward() {
        if (x == null) throw new IllegalStateException("RnnRegressor: backward before forward");
        int T = x.length, B = y.length;
        for (int i = 0; i < B; i++) dyHat.data[i][0] = 2 * (yHat.data[i][0] - y[i]) / B;
        w.grad.addMatmulTransA(hs[T], dyHat);                       // dw = h_Tᵀ·dŷ
        dyHat.addColumnSumsTo(c.grad);                              // dc = Σ dŷ
        dh.zero().addMatmulTransB(dyHat, w.value);                  // dh_T = dŷ·wᵀ
        for (int i = 0; i < H; i++) for (int j = 0; j < H; j++) WhhT.data[j][i] = Whh.value.data[i][j];
        for (int t = T; t >= 1; t--) {
            Matrix h = hs[t];
            for (int i = 0; i < B; i++) {
                double[] hi = h.data[i], dhi = dh.data[i], dzi = dz.data[i];
                for (int j = 0; j < H; j++) dzi[j] = dhi[j] * (1 - hi[j] * hi[j]);   // dz_t = dh_t ⊙ (1 − h_t²)
            }
            Wxh.grad.addMatmulTransA(x[t - 1], dz);                 // dW_xh += x_tᵀ·dz_t
            Whh.grad.addMatmulTransA(hs[t - 1], dz);                // dW_hh += h_{t−1}ᵀ·dz_t
            dz.addColumnSumsTo(b.grad);                             // db += Σ_rows dz_t
            dhPrev.setMatmul(dz, WhhT);                             // dh_{t−1} = dz_t·W_hhᵀ
            Matrix tmp = dh;
            dh = dhPrev;
            dhPrev = tmp;
        }
    }
}
