package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;

import java.util.List;

/**
 * The {@link Layer} contract for a layer that mixes positions of a sequence (attention, a transformer block):
 * it must know where each sequence starts and ends, so the sequence lengths travel with the input.
 * <pre>
 * y  = forward(x, lengths)   x (N × in) → y (N × out); the rows are the sequences laid end to end: sequence b is
 *                            the lengths[b] rows after those of sequences 0 … b−1 (N = Σ_b lengths[b])
 * y  = forward(x, T)         the same with every sequence T rows long: the batch-major layout, position t of
 *                            sequence b is row b·T + t (see {@code data.Batch})
 * dx = backward(dy)          as {@link Layer#backward}: ∂L/∂x from ∂L/∂y, adding into every parameter's grad
 * </pre>
 * Sequences of different lengths are what lets a language model skip the padding at the end of short names: a
 * causal layer's output at position t depends on positions 0 … t only, so dropping the positions after the last
 * target of a sequence changes neither the loss nor any gradient. The lengths array is read during the call
 * (the layer copies what it needs), so the caller may reuse it.
 */
public interface SequenceLayer {
    /**
     * y (N × out) for the sequences of the given lengths (Σ lengths = N); keeps the cache for backward.
     *
     * @param x the input (N × in), the sequences laid end to end
     * @param lengths each sequence's length
     * @return y (N × out), the layer's buffer
     */
    Matrix forward(Matrix x, int[] lengths);

    /**
     * y (N × out) for N / T sequences of T positions each (batch-major).
     *
     * @param x the input (N × in)
     * @param T the length of every sequence
     * @return y (N × out), the layer's buffer
     */
    Matrix forward(Matrix x, int T);

    /**
     * dx = ∂L/∂x (N × in) from dy = ∂L/∂y (N × out), for the last forward; adds into the parameters' gradients.
     *
     * @param dy ∂L/∂y (N × out)
     * @return ∂L/∂x (N × in), the layer's buffer
     */
    Matrix backward(Matrix dy);

    /**
     * The learnable parameters.
     *
     * @return the parameters, in a fixed order
     */
    default List<Param> params() {
        return List.of();
    }

    /**
     * Throws one clear line unless the lengths are ≥ 1, at most maxLength, and add up to rows.
     *
     * @param who the layer's name, for the message
     * @param rows N, the rows of the input
     * @param lengths the lengths to check
     * @param count the number of sequences (lengths[0 … count) are checked)
     * @param maxLength the longest sequence allowed (the block size)
     */
    static void checkLengths(String who, int rows, int[] lengths, int count, int maxLength) {
        long sum = 0;
        for (int b = 0; b < count; b++) {
            int L = lengths[b];
            if (L < 1 || L > maxLength) {
                throw new IllegalArgumentException(who + ": sequence " + b + " has " + L + " positions, expected 1…"
                        + maxLength + " (the block size)");
            }
            sum += L;
        }
        if (sum != rows) {
            throw new IllegalArgumentException(who + ": the " + count + " sequence lengths add up to " + sum
                    + ", the input has " + rows + " rows");
        }
    }
}
