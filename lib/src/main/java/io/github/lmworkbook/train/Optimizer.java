package io.github.lmworkbook.train;

/**
 * Updates a model's parameters from their gradients. An optimizer is made for one model and keeps any state it
 * needs (momentum, moments) in buffers allocated once, so {@link #step()} allocates nothing. Zeroing the
 * gradients is the model's job ({@link io.github.lmworkbook.core.Model#zeroGrad()}).
 */
public interface Optimizer {
    /** One update θ ← θ − (step) for every parameter, using the gradients currently in {@code param.grad}. */
    void step();

    /** {@return the learning rate the next step will use} */
    double lr();

    /**
     * Sets the learning rate (a schedule calls this before each step): finite and ≥ 0 (a schedule may end at 0;
     * the constructors take only rates &gt; 0).
     *
     * @param lr the new learning rate η
     * @throws IllegalArgumentException for NaN, ±∞ or a negative rate, naming it
     */
    void setLr(double lr);

    /** {@return the number of steps taken so far} */
    long steps();

    /**
     * Checks a learning rate η: finite and &gt; 0 (or ≥ 0 when zero is allowed, as for {@link #setLr}).
     *
     * @param lr the learning rate η to check
     * @param zeroAllowed whether η = 0 is accepted (a schedule's last step) or rejected (a constructor's rate)
     * @return lr
     * @throws IllegalArgumentException naming the rate and what it must be
     */
    static double checkLr(double lr, boolean zeroAllowed) {
        if (!Double.isFinite(lr) || lr < 0 || (lr == 0 && !zeroAllowed)) {
            throw new IllegalArgumentException("learning rate " + lr + " must be finite and "
                    + (zeroAllowed ? "≥ 0" : "> 0"));
        }
        return lr;
    }
}
