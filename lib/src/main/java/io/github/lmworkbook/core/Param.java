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
        this.name = name;
        this.value = value;
        this.grad = new Matrix(value.rows, value.cols);
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
