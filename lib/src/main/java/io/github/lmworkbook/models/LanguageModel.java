package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.data.Batch;

/**
 * A next-token model over a vocabulary of {@link #vocabSize()} tokens. Training, evaluation, the gradient
 * checker and sampling work through this interface.
 */
public interface LanguageModel extends Model {
    /** The mean cross-entropy of batch.y given batch.x (targets −1 ignored); forward pass only. */
    double loss(Batch batch);

    /**
     * The same loss, followed by the backward pass, which <em>adds</em> ∂loss/∂θ into every parameter's
     * gradient (call {@link #zeroGrad()} first).
     */
    double lossAndGrad(Batch batch);

    int vocabSize();

    /**
     * Writes into logits (B × V) the scores of the token that follows each row of context (B × t token ids,
     * t ≥ 1); used by the sampler.
     */
    void nextLogits(int[][] context, Matrix logits);
}
