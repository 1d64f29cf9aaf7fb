package io.github.lmworkbook.data;

/**
 * A batch of B source sequences and their target sequences, for a sequence-to-sequence model (an encoder reads the
 * source, a decoder writes the target). Every source row has the same length S and every target row the same
 * length T (the two may differ); a batch is rectangular, not ragged.
 *
 * @param source source token ids (B × S)
 * @param target target token ids (B × T), every one of them a target (there is no padding)
 */
public record TransductionBatch(int[][] source, int[][] target) {
    /**
     * @param source source token ids (B × S)
     * @param target target token ids (B × T), every one of them a target (there is no padding)
     * @throws IllegalArgumentException naming the row, if source and target differ in rows, a row is missing or
     *         empty, or rows of one side differ in length
     */
    public TransductionBatch {
        if (source == null || target == null) {
            throw new IllegalArgumentException("transduction batch: the " + (source == null ? "source" : "target")
                    + " is null");
        }
        if (source.length != target.length) {
            throw new IllegalArgumentException("transduction batch: " + source.length + " source rows but "
                    + target.length + " target rows");
        }
        for (int b = 0; b < source.length; b++) {
            check("source", source, b);
            check("target", target, b);
        }
    }

    private static void check(String side, int[][] rows, int b) {
        if (rows[b] == null || rows[b].length == 0) {
            throw new IllegalArgumentException("transduction batch: " + side + " row " + b + " is "
                    + (rows[b] == null ? "null" : "empty"));
        }
        if (rows[b].length != rows[0].length) {
            throw new IllegalArgumentException("transduction batch: " + side + " row " + b + " has " + rows[b].length
                    + " tokens but row 0 has " + rows[0].length + ": every row of a batch has the same length");
        }
    }

    /** {@return B, the number of sequence pairs} */
    public int size() {
        return source.length;
    }

    /** {@return S, the length of every source row (0 for an empty batch)} */
    public int sourceLength() {
        return source.length == 0 ? 0 : source[0].length;
    }

    /** {@return T, the length of every target row (0 for an empty batch)} */
    public int targetLength() {
        return target.length == 0 ? 0 : target[0].length;
    }
}
