package io.github.lmworkbook.data;

/**
 * A batch of token sequences for next-token prediction, in makemore's layout.
 *
 * <p><b>Row order.</b> Wherever the library turns a batch into matrix rows (embeddings, hidden states, logits), it
 * flattens it <em>batch-major</em>: position t of sequence b is row b·T + t. A recurrent layer sees step t as the
 * rows t, T + t, 2T + t, … (shared, not copied: see {@code Matrix.pickRows}); attention sees sequence b as the
 * rows b·T … b·T + T − 1.
 *
 * @param x input token ids (B × T): x[b][t] is the token seen at position t
 * @param y target token ids (B × T): y[b][t] is the token to predict after x[b][0..t]; {@link #IGNORE} (−1)
 *          marks padding
 */
public record Batch(int[][] x, int[][] y) {
    /** The target of a padded position: it has neither loss nor gradient. */
    public static final int IGNORE = -1;

    /**
     * @param x input token ids (B × T): x[b][t] is the token seen at position t
     * @param y target token ids (B × T): y[b][t] is the token to predict after x[b][0..t]; {@link #IGNORE} (−1) marks
     *     padding
     * @throws IllegalArgumentException naming the row, if x and y differ in rows, a row is missing, rows differ in
     *         length (a batch is B × T, not ragged) or a row's targets differ in length from its inputs
     */
    public Batch {
        if (x == null || y == null) {
            throw new IllegalArgumentException("batch: the " + (x == null ? "inputs x" : "targets y") + " are null");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException("batch: " + x.length + " input rows but " + y.length + " target rows");
        }
        for (int b = 0; b < x.length; b++) {
            if (x[b] == null || y[b] == null) {
                throw new IllegalArgumentException("batch row " + b + ": the " + (x[b] == null ? "inputs" : "targets")
                        + " are null");
            }
            if (x[b].length != x[0].length) {
                throw new IllegalArgumentException("batch row " + b + " has " + x[b].length + " tokens but row 0 has "
                        + x[0].length + ": every row of a batch must have the same length T (pad short rows; a padding target is −1)");
            }
            if (x[b].length != y[b].length) {
                throw new IllegalArgumentException("batch row " + b + ": " + x[b].length + " inputs but "
                        + y[b].length + " targets");
            }
        }
    }

    /** {@return B, the number of sequences} */
    public int size() {
        return x.length;
    }

    /** {@return T, the sequence length (0 for an empty batch)} */
    public int length() {
        return x.length == 0 ? 0 : x[0].length;
    }

    /**
     * The sequences from (inclusive) to to (exclusive) as a batch of their own, sharing their rows with this one: a
     * large batch evaluated in chunks.
     *
     * @param from the first sequence taken
     * @param to one past the last sequence taken
     * @return the ((to − from) × T) batch
     */
    public Batch slice(int from, int to) {
        if (from < 0 || to > x.length || from > to) {
            throw new IllegalArgumentException("batch slice [" + from + ", " + to + ") outside the " + x.length
                    + " sequences");
        }
        return new Batch(java.util.Arrays.copyOfRange(x, from, to), java.util.Arrays.copyOfRange(y, from, to));
    }
}
