package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.data.Batch;

/**
 * A next-token model over a vocabulary of {@link #vocabSize()} tokens. Training, evaluation, the gradient
 * checker and sampling work through this interface.
 */
public interface LanguageModel extends Objective<Batch> {
    /** The mean cross-entropy of batch.y given batch.x (targets −1 ignored); forward pass only. */
    @Override
    double loss(Batch batch);

    /** The number of targets that count (≥ 0) in the batch: its weight in a per-token mean. */
    @Override
    default long weight(Batch batch) {
        long n = 0;
        for (int[] row : batch.y()) for (int t : row) if (t >= 0) n++;
        return n;
    }

    int vocabSize();

    /**
     * Writes into logits (B × V) the scores of the token that follows each row of context (B × t token ids,
     * t ≥ 1); used by the sampler.
     */
    void nextLogits(int[][] context, Matrix logits);
}
