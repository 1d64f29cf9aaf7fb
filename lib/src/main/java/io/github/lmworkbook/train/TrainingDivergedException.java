package io.github.lmworkbook.train;

/**
 * Thrown by the {@link Trainer} when the loss or a gradient becomes NaN or infinite. It names the step and what
 * went bad ("loss" or the first parameter, in {@code model.params()} order, with a non-finite gradient), and
 * carries the history up to the step before.
 */
public final class TrainingDivergedException extends RuntimeException {
    /** The 0-based step at which the non-finite value appeared. */
    private final long step;
    /** "loss", or the name of the first parameter whose gradient is not finite. */
    private final String culprit;
    /** What was recorded before the step that diverged. */
    private final TrainingHistory history;

    /**
     * Training stopped at this step because culprit became non-finite; the history up to it.
     *
     * @param step the 0-based step at which the non-finite value appeared
     * @param culprit "loss", or the name of the first parameter whose gradient is not finite
     * @param message the one-line message (step, culprit, the value)
     * @param history the training history up to the step
     */
    public TrainingDivergedException(long step, String culprit, String message, TrainingHistory history) {
        super(message);
        this.step = step;
        this.culprit = culprit;
        this.history = history;
    }

    /** {@return the step (0-based) at which the non-finite value appeared} */
    public long step() {
        return step;
    }

    /**
     * "loss", or the name of the first parameter whose gradient is not finite.
     *
     * @return "loss", or the name of the first parameter whose gradient is not finite
     */
    public String culprit() {
        return culprit;
    }

    /** {@return what was recorded before the step that diverged} */
    public TrainingHistory history() {
        return history;
    }
}
