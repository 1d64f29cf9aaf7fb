package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;

import java.util.Random;

/**
 * A lookup table C (V × m): row C[k] is the vector of token k.
 *
 * <pre>
 * forward:   e[b] = concat(C[x[b][0]], …, C[x[b][n−1]])        x (B × n) token ids, e (B × n·m)
 * backward:  dC[x[b][t]] += de[b][t·m … t·m+m−1]   for every b, t   (a scatter-add: a token that occurs
 *            twice in the batch receives both gradients)
 * </pre>
 */
public final class Embedding {
    public final Param C; // (V × m)
    public final int V, m;

    private int[][] x; // cache: the token ids of the last forward, (B × n)
    private Matrix e;  // (B × n·m)

    /** C ~ N(0, 1), like PyTorch's nn.Embedding. */
    public Embedding(String name, int V, int m, Random rng) {
        this.V = V;
        this.m = m;
        this.C = new Param(name, Matrix.randn(V, m, 1.0, rng));
    }

    /** The concatenated embeddings of each row of x. Returns this layer's buffer. */
    public Matrix forward(int[][] x) {
        int B = x.length, n = B == 0 ? 0 : x[0].length;
        if (e == null || e.rows != B || e.cols != n * m) e = new Matrix(B, n * m);
        for (int b = 0; b < B; b++) {
            if (x[b].length != n) {
                throw new IllegalArgumentException("Embedding " + C.name + ": row " + b + " has " + x[b].length
                        + " tokens, row 0 has " + n);
            }
            for (int t = 0; t < n; t++) {
                System.arraycopy(C.value.data[check(x[b][t])], 0, e.data[b], t * m, m);
            }
        }
        this.x = x;
        return e;
    }

    /** Scatter-adds de (B × n·m) into C.grad. */
    public void backward(Matrix de) {
        if (x == null) throw new IllegalStateException("Embedding " + C.name + ": backward before forward");
        if (de.rows != x.length || de.cols != e.cols) {
            throw new IllegalArgumentException("Embedding " + C.name + ": de " + de.shape() + " does not match e "
                    + e.shape());
        }
        int n = e.cols / m;
        for (int b = 0; b < x.length; b++) {
            double[] deb = de.data[b];
            for (int t = 0; t < n; t++) {
                double[] dC = C.grad.data[x[b][t]];
                for (int j = 0; j < m; j++) dC[j] += deb[t * m + j];
            }
        }
    }

    /** out[b] = C[ids[b]]: one token per row, for a recurrent step (ids (B), out (B × m)). */
    public void lookup(int[] ids, Matrix out) {
        if (out.rows != ids.length || out.cols != m) {
            throw new IllegalArgumentException("Embedding " + C.name + ": output " + out.shape() + " for "
                    + ids.length + " ids, expected (" + ids.length + "×" + m + ")");
        }
        for (int b = 0; b < ids.length; b++) System.arraycopy(C.value.data[check(ids[b])], 0, out.data[b], 0, m);
    }

    /** C.grad[ids[b]] += dout[b]: the scatter-add for {@link #lookup}. */
    public void lookupBackward(int[] ids, Matrix dout) {
        if (dout.rows != ids.length || dout.cols != m) {
            throw new IllegalArgumentException("Embedding " + C.name + ": dout " + dout.shape() + " for "
                    + ids.length + " ids, expected (" + ids.length + "×" + m + ")");
        }
        for (int b = 0; b < ids.length; b++) {
            double[] dC = C.grad.data[check(ids[b])], d = dout.data[b];
            for (int j = 0; j < m; j++) dC[j] += d[j];
        }
    }

    private int check(int id) {
        if (id < 0 || id >= V) {
            throw new IllegalArgumentException("Embedding " + C.name + ": token id " + id + " outside [0, " + V + ")");
        }
        return id;
    }
}
