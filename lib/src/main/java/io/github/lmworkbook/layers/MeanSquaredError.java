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

    public double forward(Matrix yHat, double[] y) {
        if (yHat.cols != 1 || yHat.rows != y.length) {
            throw new IllegalArgumentException("mean squared error: predictions " + yHat.shape() + " for " + y.length
                    + " targets");
        }
        double sum = 0;
        for (int r = 0; r < y.length; r++) {
            double e = yHat.data[r][0] - y[r];
            sum += e * e;
        }
        this.yHat = yHat;
        this.y = y;
        return sum / y.length;
    }

    public Matrix backward() {
        if (y == null) throw new IllegalStateException("mean squared error: backward before forward");
        Matrix d = dyHat.rows(y.length);
        for (int r = 0; r < y.length; r++) d.data[r][0] = 2 * (yHat.data[r][0] - y[r]) / y.length;
        return d;
    }
}
