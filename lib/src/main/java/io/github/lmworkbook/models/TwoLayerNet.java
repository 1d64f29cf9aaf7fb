package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.Tanh;

import java.util.List;
import java.util.Random;

/**
 * The smallest neural language model with a hidden layer: each token predicts the next one (a neural bigram),
 * through an embedding, a tanh layer and a softmax. Every position (b, t) of a batch is one row, so a batch of
 * B sequences of length T is N = B·T independent examples. The backward pass is written out by hand, beside
 * the forward, with the equations of the gradient-checking lesson:
 * <pre>
 * forward                                   backward
 *   e  = C[x]            (N × m)              dz2 = (p − onehot(y)) / N'                 (N × V)
 *   z1 = e·W1 + b1       (N × H)              dW2 = hᵀ·dz2,  db2 = Σ_rows dz2,  dh = dz2·W2ᵀ
 *   h  = tanh(z1)        (N × H)              dz1 = dh ⊙ (1 − h²)
 *   z2 = h·W2 + b2       (N × V)              dW1 = eᵀ·dz1,  db1 = Σ_rows dz1,  de = dz1·W1ᵀ
 *   L  = CE(softmax(z2), y)                   dC[x[n]] += de[n]        (scatter-add)
 * </pre>
 * N' is the number of targets that count (y = −1 marks padding, which has neither loss nor gradient).
 * Buffers are reused from step to step while N stays the same.
 */
public final class TwoLayerNet implements LanguageModel {
    public final int V, m, H;
    public final Param C;  // (V × m) token embeddings
    public final Param W1; // (m × H)
    public final Param b1; // (1 × H)
    public final Param W2; // (H × V)
    public final Param b2; // (1 × V)

    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    // cache of the last forward, shared with backward
    private int[] ids;     // (N) input tokens, flattened
    private int[] targets; // (N) target tokens, flattened
    private Matrix e;      // (N × m)
    private Matrix h;      // (N × H)
    private Matrix z2;     // (N × V)
    // backward buffers
    private Matrix dh;     // (N × H), also holds dz1
    private Matrix de;     // (N × m)

    /**
     * C ~ N(0, 1); W1, W2 ~ N(0, 1/fan_in); b1, b2 = 0.
     *
     * @param V vocabulary size
     * @param m embedding size
     * @param H hidden units
     */
    public TwoLayerNet(int V, int m, int H, long seed) {
        if (V < 1 || m < 1 || H < 1) {
            throw new IllegalArgumentException("TwoLayerNet: sizes must be ≥ 1, got V=" + V + ", m=" + m + ", H=" + H);
        }
        Random rng = new Random(seed);
        this.V = V;
        this.m = m;
        this.H = H;
        this.C = new Param("C", Matrix.randn(V, m, 1.0, rng));
        this.W1 = new Param("W1", Matrix.randn(m, H, 1.0 / Math.sqrt(m), rng));
        this.b1 = new Param("b1", Matrix.zeros(1, H));
        this.W2 = new Param("W2", Matrix.randn(H, V, 1.0 / Math.sqrt(H), rng));
        this.b2 = new Param("b2", Matrix.zeros(1, V));
    }

    @Override
    public List<Param> params() {
        return List.of(C, W1, b1, W2, b2);
    }

    @Override
    public int vocabSize() {
        return V;
    }

    @Override
    public double loss(Batch batch) {
        flatten(batch);
        forward();
        return ce.forward(z2, targets);
    }

    @Override
    public double lossAndGrad(Batch batch) {
        double L = loss(batch);
        backward();
        return L;
    }

    /** The logits z2 of the last token of each context row. */
    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        if (logits.rows != context.length || logits.cols != V) {
            throw new IllegalArgumentException("TwoLayerNet.nextLogits: logits " + logits.shape() + " for "
                    + context.length + " contexts, expected (" + context.length + "×" + V + ")");
        }
        int[] last = new int[context.length];
        for (int b = 0; b < context.length; b++) {
            if (context[b].length == 0) throw new IllegalArgumentException("TwoLayerNet.nextLogits: empty context row " + b);
            last[b] = context[b][context[b].length - 1];
        }
        ids = last;
        forward();
        logits.setFrom(z2);
    }

    /** e, h, z2 from ids. */
    private void forward() {
        int N = ids.length;
        if (e == null || e.rows != N) {
            e = new Matrix(N, m);
            h = new Matrix(N, H);
            z2 = new Matrix(N, V);
            dh = new Matrix(N, H);
            de = new Matrix(N, m);
        }
        for (int n = 0; n < N; n++) {                       // e = C[x]
            int k = ids[n];
            if (k < 0 || k >= V) throw new IllegalArgumentException("TwoLayerNet: token id " + k + " outside [0, " + V + ")");
            System.arraycopy(C.value.data[k], 0, e.data[n], 0, m);
        }
        h.setMatmul(e, W1.value).addRowVector(b1.value);  // z1 = e·W1 + b1
        Tanh.forward(h, h);                                 // h = tanh(z1)
        z2.setMatmul(h, W2.value).addRowVector(b2.value);  // z2 = h·W2 + b2
    }

    /** Adds ∂L/∂θ into every gradient, from the cache of the last loss call. */
    private void backward() {
        Matrix dz2 = ce.backward();                         // (N × V)
        W2.grad.addMatmulTransA(h, dz2);                    // dW2 += hᵀ·dz2
        dz2.addColumnSumsTo(b2.grad);                       // db2 += Σ_rows dz2
        dh.zero().addMatmulTransB(dz2, W2.value);           // dh = dz2·W2ᵀ
        Matrix dz1 = Tanh.backward(h, dh, dh);              // dz1 = dh ⊙ (1 − h²)
        W1.grad.addMatmulTransA(e, dz1);                    // dW1 += eᵀ·dz1
        dz1.addColumnSumsTo(b1.grad);                       // db1 += Σ_rows dz1
        de.zero().addMatmulTransB(dz1, W1.value);           // de = dz1·W1ᵀ
        for (int n = 0; n < ids.length; n++) {              // dC[x[n]] += de[n]
            double[] dC = C.grad.data[ids[n]], den = de.data[n];
            for (int j = 0; j < m; j++) dC[j] += den[j];
        }
    }

    private void flatten(Batch batch) {
        int B = batch.size(), T = batch.length(), N = B * T;
        if (ids == null || ids.length != N) ids = new int[N];
        if (targets == null || targets.length != N) targets = new int[N];
        for (int b = 0; b < B; b++) {
            System.arraycopy(batch.x()[b], 0, ids, b * T, T);
            System.arraycopy(batch.y()[b], 0, targets, b * T, T);
        }
    }
}
