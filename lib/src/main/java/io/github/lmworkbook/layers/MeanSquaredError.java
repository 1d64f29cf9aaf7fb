package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.RowBuffer;

/**
 * The mean squared error of one prediction per row.
 * <pre>
 * forward:   L  = (1/N) Σ_r (ŷ[r] − y[r])²        ŷ (N × 1), y (N)
 * backward:  dŷ = 2 (ŷ − y) / N                    (N × 1)
 * </pre>
 * The cache is ŷ and y.
 */
public final class MeanSquaredError {
    private Matrix yHat;               // cache (N × 1)
    private double[] y;                // cache (N)
    private final RowBuffer dyHat = new RowBuffer(1);

    /**
     * The forward pass: L = (1/N) Σ_r (ŷ[r] − y[r])²; keeps ŷ and y for the backward pass.
     *
     * @param yHat the predictions ŷ (N × 1)
     * @param y the targets (N)
     * @return the mean squared error L
     */
    public double forward(Matrix yHat, double[] y) {
        if (yHat.cols != 1 || yHat.rows != y.length) {
            throw new IllegalArgumentException("mean squared error: predictions " + yHat.shape() + " for " + y.length
                    + " targets");
        }
        return sumFrom(yHat, y, 0.0) / y.length;
    }

    /**
     * The forward pass without the mean: Σ_r (ŷ[r] − y[r])² added, row by row, to {@code start}. Chunks of a batch
     * evaluated one after the other, each from the sum of the ones before, give exactly one pass's sum.
     *
     * @param yHat the predictions ŷ (N × 1)
     * @param y the targets (N)
     * @param start the sum of the chunks before
     * @return start + Σ_r (ŷ[r] − y[r])²
     */
    public double sumFrom(Matrix yHat, double[] y, double start) {
        if (yHat.cols != 1 || yHat.rows != y.length) {
            throw new IllegalArgumentException("mean squared error: predictions " + yHat.shape() + " for " + y.length
                    + " targets");
        }
        double sum = start;
        for (int r = 0; r < y.length; r++) {
            double e = yHat.data[r][0] - y[r];
            sum += e * e;
        }
        this.yHat = yHat;
        this.y = y;
        return sum;
    }

    /**
     * The backward pass: dŷ = 2 (ŷ − y) / N, for the last forward.
     *
     * @return dŷ (N × 1), this loss's buffer
     */
    public Matrix backward() {
        if (y == null) throw new IllegalStateException("mean squared error: backward before forward");
        Matrix d = dyHat.rows(y.length);
        for (int r = 0; r < y.length; r++) d.data[r][0] = 2 * (yHat.data[r][0] - y[r]) / y.length;
        return d;
    }
}
