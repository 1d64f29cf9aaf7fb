package io.github.lmworkbook.core;

/**
 * A learnable parameter: a name, its value and the gradient of the loss with respect to it (same shape).
 * Backward passes accumulate into {@link #grad}; optimizers read it and update {@link #value}.
 */
public final class Param {
    public final String name;
    public final Matrix value;
    public final Matrix grad;

    public Param(String name, Matrix value) {
        this(name, value, new Matrix(value.rows, value.cols));
    }

    private Param(String name, Matrix value, Matrix grad) {
        this.name = name;
        this.value = value;
        this.grad = grad;
    }

    /**
     * The same parameter under another name: a view sharing this one's value and gradient (nothing is copied), for a
     * model that holds two parts whose parameters have the same names — an encoder–decoder's two cells are
     * "enc.Wx" and "dec.Wx".
     */
    public Param named(String name) {
        return new Param(name, value, grad);
    }

    public String shape() {
        return value.shape();
    }

    public int size() {
        return value.size();
    }

    public void zeroGrad() {
        grad.zero();
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
