package io.github.lmworkbook.core;

/**
 * A learnable parameter: a name, its value and the gradient of the loss with respect to it (same shape).
 * Backward passes accumulate into {@link #grad}; optimizers read it and update {@link #value}.
 */
public final class Param {
    /** The name, as in the derivation ("Whh", "C", "h0.attn.qkv.W"). */
    public final String name;
    /** The parameter's values θ. */
    public final Matrix value;
    /** ∂L/∂θ, the same shape as the value; backward passes add into it. */
    public final Matrix grad;

    /**
     * A parameter holding value (not copied), with a zero gradient of the same shape.
     *
     * @param name the parameter's name, unique in its model (e.g. "Wx", "b")
     * @param value the parameter's values θ
     */
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
     *
     * @param name the other name
     * @return the view
     */
    public Param named(String name) {
        return new Param(name, value, grad);
    }

    /**
     * The shape as text, "(rows×cols)".
     *
     * @return the shape, e.g. "(27×10)"
     */
    public String shape() {
        return value.shape();
    }

    /**
     * The number of entries.
     *
     * @return rows × cols
     */
    public int size() {
        return value.size();
    }

    /** Sets the gradient to 0. */
    public void zeroGrad() {
        grad.zero();
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
