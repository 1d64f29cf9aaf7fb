package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;

import java.util.List;

/**
 * A linear layer without bias whose weight belongs to another layer, used transposed: y = x·Eᵀ with E (out × in).
 * GPT-2's and nanoGPT's <em>weight tying</em> (Press &amp; Wolf 2017): the output head reads the token embedding's
 * table E (V × C), so that the logit of token v is the dot product of x with v's own embedding vector.
 * <pre>
 * forward:   y  = x·Eᵀ             x (N × C), E (V × C), y (N × V)
 * backward:  dE += dyᵀ·x            (V × C)   added to the same gradient as the embedding's scatter-add
 *            dx  = dy·E             (N × C)
 * </pre>
 * E receives two gradients, one from each place it is used; both add into {@code E.grad}, which is all that tying
 * means for backpropagation. {@link #params()} returns E, which its owner also lists: a model lists it once.
 */
public final class TiedLinear implements Layer {
    /** The shared weight E (out × in), e.g. the token embedding's table. */
    public final Param E;
    /** The widths of the input x (N × in, E's columns) and output y (N × out, E's rows). */
    public final int in, out;

    private Matrix x;                 // cache: the last input (N × in)
    private final RowBuffer y, dx;    // (N × out), (N × in)

    /**
     * A layer reading the weight E it is given, which stays its owner's parameter.
     *
     * @param E the shared weight (out × in)
     */
    public TiedLinear(Param E) {
        this.E = E;
        this.out = E.value.rows;
        this.in = E.value.cols;
        this.y = new RowBuffer(out);
        this.dx = new RowBuffer(in);
    }

    @Override
    public List<Param> params() {
        return List.of(E);
    }

    /** y = x·Eᵀ. */
    @Override
    public Matrix forward(Matrix x) {
        if (x.cols != in) {
            throw new IllegalArgumentException("TiedLinear " + E.name + "ᵀ: input " + x.shape()
                    + " does not match " + E.name + " " + E.shape() + " (expected " + in + " columns)");
        }
        this.x = x;
        Matrix y = this.y.rows(x.rows);                    // (N × out)
        y.setMatmulTransB(x, E.value);                     // y = x·Eᵀ
        return y;
    }

    /** dE += dyᵀ·x; returns dx = dy·E. */
    @Override
    public Matrix backward(Matrix dy) {
        if (x == null) throw new IllegalStateException("TiedLinear " + E.name + "ᵀ: backward before forward");
        if (dy.rows != x.rows || dy.cols != out) {
            throw new IllegalArgumentException("TiedLinear " + E.name + "ᵀ: dy " + dy.shape()
                    + " does not match y (" + x.rows + "×" + out + ")");
        }
        E.grad.addMatmulTransA(dy, x);                     // dE += dyᵀ·x
        Matrix dx = this.dx.rows(dy.rows);                 // (N × in)
        dx.setMatmul(dy, E.value);                         // dx = dy·E
        return dx;
    }
}
