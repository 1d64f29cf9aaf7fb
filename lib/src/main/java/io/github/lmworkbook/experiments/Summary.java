package io.github.lmworkbook.experiments;

import java.util.Locale;

/**
 * The spread of one number over seeds: how many runs, their mean, the sample standard deviation (n − 1 in the
 * denominator; 0 for one run) and the smallest and largest value. Non-finite values (a diverged run) make the
 * mean and the deviation non-finite too: nothing is hidden.
 */
public record Summary(int n, double mean, double std, double min, double max) {

    /**
     * The summary of the values.
     *
     * @param v the values
     * @return the summary
     */
    public static Summary of(double[] v) {
        if (v.length == 0) throw new IllegalArgumentException("summary of no values");
        double s = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            s += x;
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double mean = s / v.length, ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0.0;
        for (double x : v) {
            if (Double.isNaN(x)) {
                lo = Double.NaN;
                hi = Double.NaN;
            }
        }
        return new Summary(v.length, mean, std, lo, hi);
    }

    /**
     * The same spread in other units, every value times f &gt; 0 (e.g. 1/ln 2: nats to bits); the mean, the standard
     * deviation, the least and the largest value all scale by f.
     *
     * @param f the factor
     * @return the summary in the new units
     */
    public Summary times(double f) {
        if (!(f > 0) || Double.isInfinite(f)) throw new IllegalArgumentException("Summary.times: " + f + " must be > 0");
        return new Summary(n, mean * f, std * f, min * f, max * f);
    }

    /**
     * The number of decimals that shows the mean to the precision the spread allows (two digits of std).
     *
     * @return the number of decimals
     */
    public int decimals() {
        if (!(std > 0) || !Double.isFinite(std)) {
            if (!Double.isFinite(mean) || mean == 0) return 4;
            return Math.max(0, Math.min(8, 3 - (int) Math.floor(Math.log10(Math.abs(mean)))));
        }
        return Math.max(0, Math.min(8, 1 - (int) Math.floor(Math.log10(std))));
    }

    /**
     * "2.1234 ± 0.0042": the mean and the standard deviation at {@link #decimals()} decimals.
     *
     * @return the text
     */
    public String meanPlusMinus() {
        int d = decimals();
        return String.format(Locale.ROOT, "%." + d + "f ± %." + d + "f", mean, std);
    }

    /** v rounded to d decimals (for tables). */
    static double round(double v, int d) {
        if (!Double.isFinite(v)) return v;
        double f = Math.pow(10, d);
        return Math.round(v * f) / f;
    }

    @Override
    public String toString() {
        int d = decimals();
        return String.format(Locale.ROOT, "%s (min %." + d + "f, max %." + d + "f, %d seeds)", meanPlusMinus(), min, max,
                n);
    }
}
