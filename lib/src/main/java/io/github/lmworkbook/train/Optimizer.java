package io.github.lmworkbook.train;

/**
 * Updates a model's parameters from their gradients. An optimizer is made for one model and keeps any state it
 * needs (momentum, moments) in buffers allocated once, so {@link #step()} allocates nothing. Zeroing the
 * gradients is the model's job ({@link io.github.lmworkbook.core.Model#zeroGrad()}).
 */
public interface Optimizer {
    /** One update θ ← θ − (step) for every parameter, using the gradients currently in {@code param.grad}. */
    void step();

    /** The learning rate the next step will use. */
    double lr();

    /** Sets the learning rate (a schedule calls this before each step). */
    void setLr(double lr);

    /** The number of steps taken so far. */
    long steps();
}
