package io.github.lmworkbook.analysis;

import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * A least-squares fit of log y_k = a + b·k against the distance k = T − t, i.e. y_k ≈ e^a · (e^b)^k.
 * The per-step factor e^b is the number a gradient is multiplied by, on average, for every step it travels
 * back: &lt; 1 vanishing, &gt; 1 exploding. R² says how well one exponential describes the curve.
 *
 * @param slope     b, the fitted slope of log y per step
 * @param intercept a, the fitted log y at distance 0
 * @param factor    e^b, the per-step factor
 * @param rSquared  R² of the fit (NaN when the points are too few or constant)
 * @param kMin      first distance used
 * @param kMax      last distance used
 * @param points    how many points entered the fit (non-positive or non-finite values are skipped, e.g. an
 *                  underflow to 0)
 */
public record DecayFit(double slope, double intercept, double factor, double rSquared, int kMin, int kMax, int points) {

    /**
     * Fits log y against k for k = kMin..kMax, where {@code byDistance[k]} is the value at distance k.
     * Skips values that are not finite and positive; needs at least 2 points.
     *
     * @param byDistance the value at each distance k (index k)
     * @param kMin the smallest distance fitted
     * @param kMax the largest distance fitted
     * @return the least-squares line of log y against k
     */
    public static DecayFit of(double[] byDistance, int kMin, int kMax) {
        if (kMin < 0 || kMax >= byDistance.length || kMin > kMax) {
            throw new IllegalArgumentException("decay fit: distances " + kMin + ".." + kMax + " outside 0.."
                    + (byDistance.length - 1));
        }
        SimpleRegression reg = new SimpleRegression();
        int n = 0;
        for (int k = kMin; k <= kMax; k++) {
            double y = byDistance[k];
            if (y > 0 && Double.isFinite(y)) {
                reg.addData(k, Math.log(y));
                n++;
            }
        }
        if (n < 2) {
            throw new IllegalArgumentException("decay fit: only " + n + " positive finite values at distances "
                    + kMin + ".." + kMax + ", need at least 2");
        }
        double b = reg.getSlope();
        return new DecayFit(b, reg.getIntercept(), Math.exp(b), reg.getRSquare(), kMin, kMax, n);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "per-step factor %.4f (slope %.4f, R² %.4f, distances %d..%d, %d points)",
                factor, slope, rSquared, kMin, kMax, points);
    }
}
