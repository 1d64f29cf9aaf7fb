package io.github.lmworkbook.core;

/**
 * A model with a loss on data of type D: a language model on a {@code Batch}, a sequence regressor on its
 * sequences, a learner's model in a notebook. The trainer, the gradient checker and the evaluation work on this
 * interface, so they work on any of them.
 *
 * @param <D> what one step of training consumes (a batch)
 */
public interface Objective<D> extends Model {
    /**
     * The loss on the data, forward pass only; a pure function of the parameters and the data.
     *
     * @param data one batch
     * @return the loss on it (for a language model: the mean cross-entropy per target, in nats)
     */
    double loss(D data);

    /**
     * The same loss, followed by the backward pass, which <em>adds</em> ∂loss/∂θ into every parameter's
     * gradient (call {@link #zeroGrad()} first).
     *
     * @param data one batch
     * @return the loss on it, as {@link #loss}
     */
    double lossAndGrad(D data);

    /**
     * How much the data counts in a mean over several batches (default 1): a language model returns the number
     * of targets that count, so that a split's loss is the per-token mean whatever the batch sizes.
     *
     * @param data one batch
     * @return its weight in a mean over batches (≥ 0)
     */
    default long weight(D data) {
        return 1;
    }
}
