package io.github.lmworkbook.core;

import java.util.List;

/**
 * Anything with parameters. Optimizers, the gradient checker, save/load and the charts work on this
 * interface, so they work on a model a learner writes in a notebook cell as well as on the library's.
 */
public interface Model {
    /**
     * The parameters, in a fixed order, with unique names.
     *
     * @return the parameters, in the order the model's file and the optimizers use
     */
    List<Param> params();

    /** Sets every parameter's gradient to zero (before a backward pass, which adds into them). */
    default void zeroGrad() {
        for (Param p : params()) p.zeroGrad();
    }

    /**
     * The number of scalar parameters.
     *
     * @return Σ rows × cols over the parameters
     */
    default long numParams() {
        long n = 0;
        for (Param p : params()) n += p.size();
        return n;
    }

    /**
     * Finds a parameter by name.
     *
     * @param name the parameter's name, e.g. "Wx"
     * @return the parameter
     */
    default Param param(String name) {
        for (Param p : params()) if (p.name.equals(name)) return p;
        throw new IllegalArgumentException("no parameter named '" + name + "'; the model has " + params());
    }
}
