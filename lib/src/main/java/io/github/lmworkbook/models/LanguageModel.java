package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.data.Batch;

import java.util.Arrays;

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

    /** {@return V, the number of tokens} */
    int vocabSize();

    /**
     * Writes into logits (B × V) the scores of the token that follows each row of context (B × t token ids,
     * t ≥ 1). Overwrites the caches of the last forward pass.
     *
     * @param context the token ids before each next token (B × t), t ≥ 1
     * @param logits written: the next token's scores (B × V)
     */
    void nextLogits(int[][] context, Matrix logits);

    /**
     * Generation, one token at a time, for B streams at once: feed each stream its next token, read the logits of
     * the token after it. A model that carries a state (a recurrent one) does O(1) work per token; the default
     * re-reads each stream's whole context through {@link #nextLogits} (O(t) per token).
     */
    interface Generator {
        /** Back to the start of every stream. */
        void reset();

        /**
         * Feeds tokens[b] to stream b and writes the next token's logits into logits (B × V).
         *
         * @param tokens the next token of each stream (B)
         * @param logits written: the scores of the token after it (B × V)
         */
        void next(int[] tokens, Matrix logits);
    }

    /**
     * A generator of B streams (see {@link Generator}).
     *
     * @param B the number of streams
     * @return the generator
     */
    default Generator generator(int B) {
        return new Generator() {
            private int[][] context = new int[B][0];

            @Override
            public void reset() {
                context = new int[B][0];
            }

            @Override
            public void next(int[] tokens, Matrix logits) {
                for (int b = 0; b < B; b++) {
                    context[b] = Arrays.copyOf(context[b], context[b].length + 1);
                    context[b][context[b].length - 1] = tokens[b];
                }
                nextLogits(context, logits);
            }
        };
    }
}
