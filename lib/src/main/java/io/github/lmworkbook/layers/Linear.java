package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;

import java.util.List;
import java.util.Random;

/**
 * An affine layer, y = x·W + b.
 *
 * <pre>
 * forward:   y  = x·W + b          x (N × in), W (in × out), b (1 × out), y (N × out)
 * backward:  dW += xᵀ·dy            (in × out)
 *            db += Σ_rows dy        (1 × out)
 *            dx  = dy·Wᵀ            (N × in)
 * </pre>
 * The cache is the input x of the last forward call. Vectors are rows, so W is the transpose of the
 * textbook's column-vector W in y = Wx + b.
 */
public final class Linear implements Layer {
    /** W (in × out), the weights. */
    public final Param W; // (in × out)
    /** b (1 × out), the bias; null without bias. */
    public final Param b; // (1 × out), null without bias
    /** The widths of the input x (N × in) and output y (N × out). */
    public final int in, out;

    private Matrix x;                 // cache: the last input, (N × in)
    private final RowBuffer y, dx;    // (N × out), (N × in)

    /**
     * W, b ~ U(−bound, bound).
     *
     * @param wName the name of W (as the derivation calls it: "H", "Wxh", …)
     * @param bName the name of b, or null for no bias
     * @param in the width of the input
     * @param out the width of the output
     * @param bound the half-width of the uniform distribution of W and b
     * @param rng the random source
     */
    public Linear(String wName, String bName, int in, int out, double bound, Random rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear " + wName + ": sizes must be ≥ 1, got " + in + " × " + out);
        }
        this.in = in;
        this.out = out;
        this.W = new Param(wName, Matrix.uniform(in, out, bound, rng));
        this.b = bName == null ? null : new Param(bName, Matrix.uniform(1, out, bound, rng));
        this.y = new RowBuffer(out);
        this.dx = new RowBuffer(in);
    }

    /**
     * Parameters {name}.W and {name}.b ~ U(±1/√in), PyTorch's nn.Linear default; no b if bias is false.
     *
     * @param name the prefix of the parameters' names
     * @param in the width of the input
     * @param out the width of the output
     * @param bias whether there is a bias b
     * @param rng the random source
     */
    public Linear(String name, int in, int out, boolean bias, Random rng) {
        this(name + ".W", bias ? name + ".b" : null, in, out, 1.0 / Math.sqrt(in), rng);
    }

    @Override
    public List<Param> params() {
        return b == null ? List.of(W) : List.of(W, b);
    }

    /** y = x·W + b. */
    @Override
    public Matrix forward(Matrix x) {
        if (x.cols != in) {
            throw new IllegalArgumentException("Linear " + W.name + ": input " + x.shape()
                    + " does not match W " + W.shape() + " (expected " + in + " columns)");
        }
        this.x = x;
        Matrix y = this.y.rows(x.rows);                    // (N × out)
        y.setMatmul(x, W.value);                           // y = x·W
        if (b != null) y.addRowVector(b.value);            //   + b
        return y;
    }

    /** dW += xᵀ·dy, db += Σ_rows dy; returns dx = dy·Wᵀ. */
    @Override
    public Matrix backward(Matrix dy) {
        if (x == null) {
            throw new IllegalStateException("Linear " + W.name + ": backward before forward");
        }
        if (dy.rows != x.rows || dy.cols != out) {
            throw new IllegalArgumentException("Linear " + W.name + ": dy " + dy.shape()
                    + " does not match y (" + x.rows + "×" + out + ")");
        }
        W.grad.addMatmulTransA(x, dy);                     // dW += xᵀ·dy
        if (b != null) dy.addColumnSumsTo(b.grad);         // db += Σ_rows dy
        Matrix dx = this.dx.rows(dy.rows);                 // (N × in)
        dx.zero().addMatmulTransB(dy, W.value);            // dx = dy·Wᵀ
        return dx;
    }
}
