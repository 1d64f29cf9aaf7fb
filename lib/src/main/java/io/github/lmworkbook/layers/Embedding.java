package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;

import java.util.List;
import java.util.Random;

/**
 * A lookup table C (V × m): row C[k] is the vector of token k. Each row of the input holds n token ids (a window
 * of n tokens for the MLP, n = 1 for a recurrent model); the output row is their vectors side by side.
 *
 * <pre>
 * forward:   e[r] = [C[x[r][0]]; C[x[r][1]]; …; C[x[r][n−1]]]         x (N × n) token ids, e (N × n·m)
 * backward:  dC[x[r][k]] += de[r][k·m … k·m+m−1]   for every r, k      a scatter-add: a token that occurs
 *                                                                       twice receives both gradients
 * </pre>
 * A copy passes its gradient back unchanged; the only work is routing it to the right rows. The token ids are
 * the cache. There is no input gradient (the input is integers).
 */
public final class Embedding {
    /** The table C (V × m): row v is token v's vector. */
    public final Param C; // (V × m)
    /** V, the number of tokens; m, the width of a token's vector. */
    public final int V, m;

    private int[] ids = new int[0];  // cache: the ids of the last forward, row r slot k at r·n + k
    private int N, n;                // cache: rows and slots of the last forward
    private RowBuffer e;             // (N × n·m), reused

    /**
     * C ~ N(0, 1), like PyTorch's nn.Embedding.
     *
     * @param name the table's parameter name
     * @param V the number of tokens
     * @param m the width of a token's vector
     * @param rng the random source of the table
     */
    public Embedding(String name, int V, int m, Random rng) {
        if (V < 1 || m < 1) throw new IllegalArgumentException("Embedding " + name + ": sizes must be ≥ 1, got " + V + " × " + m);
        this.V = V;
        this.m = m;
        this.C = new Param(name, Matrix.randn(V, m, 1.0, rng));
    }

    /** {@return the table C, the one parameter} */
    public List<Param> params() {
        return List.of(C);
    }

    /** e[r] = [C[x[r][0]]; …; C[x[r][n−1]]] for the first N rows of x (all rows of x have n ids). */
    public Matrix forward(int[][] x, int N) {
        int n = N == 0 ? 0 : x[0].length;
        cache(N, n);
        for (int r = 0; r < N; r++) {
            if (x[r].length != n) {
                throw new IllegalArgumentException("Embedding " + C.name + ": row " + r + " has "
                        + x[r].length + " tokens, row 0 has " + n);
            }
            for (int k = 0; k < n; k++) ids[r * n + k] = check(x[r][k]);
        }
        return gather();
    }

    /** e[r] = C[x[r]]: one token per row (N = x.length, e is N × m). */
    public Matrix forward(int[] x) {
        cache(x.length, 1);
        for (int r = 0; r < x.length; r++) ids[r] = check(x[r]);
        return gather();
    }

    /** dC[x[r][k]] += de[r][k·m … k·m+m−1]: the scatter-add. */
    public void backward(Matrix de) {
        if (e == null) {
            throw new IllegalStateException("Embedding " + C.name + ": backward before forward");
        }
        if (de.rows != N || de.cols != n * m) {
            throw new IllegalArgumentException("Embedding " + C.name + ": de " + de.shape()
                    + " does not match e (" + N + "×" + n * m + ")");
        }
        double[][] dC = C.grad.data;
        for (int r = 0; r < N; r++) {
            double[] der = de.data[r];
            for (int k = 0; k < n; k++) {
                double[] dCk = dC[ids[r * n + k]];
                for (int j = 0; j < m; j++) dCk[j] += der[k * m + j];
            }
        }
    }

    /**
     * The vector of one token, C[id] (the row itself, not a copy).
     *
     * @param id the token
     * @return the row C[id]
     */
    public double[] vector(int id) {
        return C.value.data[check(id)];
    }

    private void cache(int N, int n) {
        this.N = N;
        this.n = n;
        if (ids.length < N * n) ids = new int[Math.max(N * n, 2 * ids.length)];
        if (e == null || e.cols() != n * m) e = new RowBuffer(n * m);
    }

    private Matrix gather() {
        Matrix out = e.rows(N);                   // (N × n·m)
        double[][] Cv = C.value.data;
        for (int r = 0; r < N; r++) {
            double[] er = out.data[r];
            for (int k = 0; k < n; k++) System.arraycopy(Cv[ids[r * n + k]], 0, er, k * m, m);
        }
        return out;
    }

    private int check(int id) {
        if (id < 0 || id >= V) {
            throw new IllegalArgumentException("Embedding " + C.name + ": token id " + id + " outside [0, " + V + ")");
        }
        return id;
    }
}
