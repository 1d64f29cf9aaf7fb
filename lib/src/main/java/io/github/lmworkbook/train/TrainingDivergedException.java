package io.github.lmworkbook.train;

/**
 * Thrown by the {@link Trainer} when the loss or a gradient becomes NaN or infinite. It names the step and what
 * went bad ("loss" or the first parameter, in {@code model.params()} order, with a non-finite gradient), and
 * carries the history up to the step before.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final String culprit;
    private final TrainingHistory history;

    /** Training stopped at this step because culprit became non-finite; the history up to it. */
    public TrainingDivergedException(long step, String culprit, String message, TrainingHistory history) {
        super(message);
        this.step = step;
        this.culprit = culprit;
        this.history = history;
    }

    /** The step (0-based) at which the non-finite value appeared. */
    public long step() {
        return step;
    }

    /** "loss", or the name of the first parameter whose gradient is not finite. */
    public String culprit() {
        return culprit;
    }

    /** What was recorded before the step that diverged. */
    public TrainingHistory history() {
        return history;
    }
}
