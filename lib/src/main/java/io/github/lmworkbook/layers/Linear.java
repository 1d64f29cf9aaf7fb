package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;

import java.util.List;
import java.util.Random;

/**
 * An affine layer, y = x·W + b.
 *
 * <pre>
 * forward:   y  = x·W + b          x (B × in), W (in × out), b (1 × out), y (B × out)
 * backward:  dW += xᵀ·dy            (in × out)
 *            db += Σ_rows dy        (1 × out)
 *            dx  = dy·Wᵀ            (B × in)
 * </pre>
 * The cache is the input x of the last forward call; the output and dx buffers are reused from step to
 * step while the batch size stays the same.
 */
public final class Linear {
    public final Param W; // (in × out)
    public final Param b; // (1 × out), null without bias
    public final int in, out;

    private Matrix x;  // cache: the last input, (B × in)
    private Matrix y;  // (B × out)
    private Matrix dx; // (B × in)

    /** W ~ U(−1/√in, 1/√in) like PyTorch's nn.Linear; b likewise (zero if bias is false: no b at all). */
    public Linear(String name, int in, int out, boolean bias, Random rng) {
        this.in = in;
        this.out = out;
        double bound = 1.0 / Math.sqrt(in);
        this.W = new Param(name + ".W", Matrix.uniform(in, out, bound, rng));
        this.b = bias ? new Param(name + ".b", Matrix.uniform(1, out, bound, rng)) : null;
    }

    public List<Param> params() {
        return b == null ? List.of(W) : List.of(W, b);
    }

    /** y = x·W + b. The returned matrix is this layer's buffer, overwritten by the next call. */
    public Matrix forward(Matrix x) {
        if (x.cols != in) {
            throw new IllegalArgumentException("Linear " + W.name + ": input " + x.shape() + " does not match W "
                    + W.shape() + " (expected " + in + " columns)");
        }
        this.x = x;
        if (y == null || y.rows != x.rows) y = new Matrix(x.rows, out);
        y.setMatmul(x, W.value);
        if (b != null) y.addRowVector(b.value);
        return y;
    }

    /** Accumulates dW and db, returns dx = dy·Wᵀ (this layer's buffer). */
    public Matrix backward(Matrix dy) {
        if (x == null) throw new IllegalStateException("Linear " + W.name + ": backward before forward");
        if (dy.rows != x.rows || dy.cols != out) {
            throw new IllegalArgumentException("Linear " + W.name + ": dy " + dy.shape() + " does not match y ("
                    + x.rows + "×" + out + ")");
        }
        W.grad.addMatmulTransA(x, dy);
        if (b != null) dy.addColumnSumsTo(b.grad);
        if (dx == null || dx.rows != dy.rows) dx = new Matrix(dy.rows, in);
        dx.zero().addMatmulTransB(dy, W.value);
        return dx;
    }
}
