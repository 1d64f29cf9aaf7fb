package io.github.lmworkbook.data;

import io.github.lmworkbook.core.Matrix;

/**
 * A batch of B real-valued sequences of T steps with one target number each (a sequence regression task such as
 * the adding problem).
 *
 * @param x      the inputs (B·T × D), batch-major: row b·T + t is step t of sequence b
 * @param length T, the number of steps
 * @param y      the targets (B)
 */
public record SequenceBatch(Matrix x, int length, double[] y) {
    /**
     * Checks that x holds y.length sequences of length steps.
     *
     * @param x the inputs (B·T × D), batch-major: row b·T + t is step t of sequence b
     * @param length T, the number of steps
     * @param y the targets (B)
     */
    public SequenceBatch {
        if (length < 1 || x.rows != y.length * length) {
            throw new IllegalArgumentException("sequence batch: " + x.rows + " input rows are not " + y.length
                    + " sequences of " + length + " steps");
        }
    }

    /** {@return B, the number of sequences} */
    public int size() {
        return y.length;
    }
}
