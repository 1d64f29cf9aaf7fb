package io.github.lmworkbook.core;

import java.util.Arrays;

/**
 * Scratch rows of a fixed width, lent out as an (N × cols) matrix for any N. The rows grow when a larger N is
 * asked for, and the view for each N is made once and kept, so a layer whose batch size changes from step to
 * step (names of different lengths, padded positions skipped) allocates nothing once every size has been seen.
 *
 * <p>The views share rows: {@code rows(5)} and {@code rows(3)} see the same first three rows. A layer owns its
 * buffers; what it returns is valid until its next call. The rows are kept for as long as the layer lives: a model
 * kept after training holds the buffers of the largest pass it made (the models evaluate large batches in chunks).
 */
public final class RowBuffer {
    private final int cols;
    private double[][] rows = new double[0][];
    private Matrix[] views = new Matrix[1];

    /**
     * A buffer of rows of this width, holding none yet.
     *
     * @param cols the width of every row (≥ 0)
     */
    public RowBuffer(int cols) {
        if (cols < 0) throw new IllegalArgumentException("RowBuffer: negative width " + cols);
        this.cols = cols;
    }

    /**
     * The first N rows, as an (N × cols) matrix (contents left as they were).
     *
     * @param N the number of rows wanted; the buffer grows to hold them, keeping the rows it has
     * @return the (N × cols) view of its first N rows
     */
    public Matrix rows(int N) {
        if (N < 0) throw new IllegalArgumentException("RowBuffer: negative row count " + N);
        if (N > rows.length) {
            // twice as many: the growth history is part of what a run computes (the committed evidence was made with
            // doubling; an eighth more moved an LSTM's states in their 13th digit), so it stays as it was
            double[][] grown = Arrays.copyOf(rows, Math.max(N, 2 * rows.length));
            for (int i = rows.length; i < grown.length; i++) grown[i] = new double[cols];
            rows = grown;
            views = new Matrix[rows.length + 1];
        }
        Matrix v = views[N];
        if (v == null) views[N] = v = new Matrix(Arrays.copyOf(rows, N), cols);
        return v;
    }

    /** {@return the width of every row} */
    public int cols() {
        return cols;
    }
}
