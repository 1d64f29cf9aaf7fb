package io.github.lmworkbook.fused;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Linear;

/**
 * An {@link Embedding} followed by a {@link Linear} layer, computed as one table lookup — the fast path of a
 * recurrent language model's input. Since x = C[token],
 * <pre>
 * forward:   x·W + b = C[token]·W + b = P[token]          P = C·W + b  (V × out), once per pass
 * backward:  G[v]  = Σ over the rows r whose token is v of dy[r]                  (V × out)
 *            dW   += Cᵀ·G          db += Σ_v G[v]          dC += G·Wᵀ
 * </pre>
 * because Σ_r x_rᵀ·dy_r groups by token into Σ_v C[v]ᵀ·G[v], and the embedding's scatter-add of dy_r·Wᵀ into
 * dC[token_r] groups into G·Wᵀ. The products have V rows (27 for names) instead of N (512 for a makemore batch).
 * It shares the parameters of the two layers it replaces and gives the same loss and gradients to round-off
 * (held to 1e-12 relative by the tests against the two layers run one after the other).
 */
public final class TokenProjection {
    private final Embedding embedding;
    private final Linear linear;
    private final Matrix P, G;           // (V × out) the table and the gradient summed by token
    private final RowBuffer y;           // (N × out)
    private int[] ids = new int[0];      // cache: the tokens of the last forward
    private int N;

    /**
     * The embedding followed by the linear layer, sharing their parameters.
     *
     * @param embedding the token embedding, C (V × m)
     * @param linear the linear layer that reads it, W (m × out), b (1 × out)
     */
    public TokenProjection(Embedding embedding, Linear linear) {
        if (linear.in != embedding.m) {
            throw new IllegalArgumentException("TokenProjection: the embedding has " + embedding.m
                    + " columns, the linear layer takes " + linear.in);
        }
        this.embedding = embedding;
        this.linear = linear;
        this.P = new Matrix(embedding.V, linear.out);
        this.G = new Matrix(embedding.V, linear.out);
        this.y = new RowBuffer(linear.out);
    }

    /**
     * y[r] = C[ids[r]]·W + b = P[ids[r]] (N × out).
     *
     * @param ids the token of each row (N)
     * @return y (N × out), this object's buffer
     */
    public Matrix forward(int[] ids) {
        P.setMatmul(embedding.C.value, linear.W.value);          // P = C·W
        if (linear.b != null) P.addRowVector(linear.b.value);    //   + b
        int N = ids.length;
        if (this.ids.length < N) this.ids = new int[Math.max(N, 2 * this.ids.length)];
        Matrix out = y.rows(N);
        for (int r = 0; r < N; r++) {
            int id = ids[r];
            if (id < 0 || id >= embedding.V) {
                throw new IllegalArgumentException("TokenProjection: token id " + id + " outside [0, " + embedding.V + ")");
            }
            this.ids[r] = id;
            System.arraycopy(P.data[id], 0, out.data[r], 0, linear.out);
        }
        this.N = N;
        return out;
    }

    /**
     * G = dy summed by token; dW += Cᵀ·G, db += Σ_v G[v], dC += G·Wᵀ.
     *
     * @param dy ∂L/∂y (N × out) of the last forward
     */
    public void backward(Matrix dy) {
        if (dy.rows != N || dy.cols != linear.out) {
            throw new IllegalArgumentException("TokenProjection: dy " + dy.shape() + ", expected (" + N + "×"
                    + linear.out + ")");
        }
        G.zero();
        for (int r = 0; r < N; r++) {
            double[] g = G.data[ids[r]], d = dy.data[r];
            for (int j = 0; j < g.length; j++) g[j] += d[j];
        }
        linear.W.grad.addMatmulTransA(embedding.C.value, G);     // dW += Cᵀ·G
        if (linear.b != null) G.addColumnSumsTo(linear.b.grad);  // db += Σ_v G[v]
        embedding.C.grad.addMatmulTransB(G, linear.W.value);     // dC += G·Wᵀ
    }
}
