package io.github.lmworkbook;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradientChecker;

import java.util.List;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gradient check of every entry of every parameter against the five-point stencil (h = 1e-4, truncation O(h⁴)),
 * for models with gradients that are exactly zero: attention's key bias b_k adds q_i·b_k to every score of row i,
 * which the softmax ignores, so ∂L/∂b_k = 0 — its analytic value is round-off (~1e-17) and its numeric one too
 * (~1e-11), and a relative error of those two means nothing. Nor does it for any entry far smaller than the
 * round-off of the stencil itself: each loss evaluation carries a relative error of a few ε (a sum over many
 * terms), and the stencil multiplies it by (1 + 8 + 8 + 1)/12h, so the numeric value of every entry is uncertain by
 * about 15·ε·|L|/h (7e-11 for a loss near 2). An entry passes when |a − n| ≤ 1e-7·(|a| + |n|) + 15·ε·|L|/h: entries
 * above ~1e-3 are held to 1e-7 relative, smaller ones to the round-off floor.
 */
public final class EveryEntry {
    private EveryEntry() {}

    /**
     * Runs lossAndGrad once (gradients zeroed first), then checks every entry; returns the largest relative error
     * among the entries whose difference is above the round-off floor.
     */
    public static double check(List<Param> params, DoubleSupplier loss, Runnable lossAndGrad) {
        for (Param p : params) p.zeroGrad();
        lossAndGrad.run();
        double floor = 15 * Math.ulp(1.0) * Math.max(1.0, Math.abs(loss.getAsDouble())) / H;
        double worst = 0;
        for (Param p : params) {
            Matrix a = p.grad.copy();
            for (int i = 0; i < p.value.rows; i++) for (int j = 0; j < p.value.cols; j++) {
                double n = numeric(p.value.data[i], j, loss), ai = a.data[i][j];
                double diff = Math.abs(ai - n);
                assertTrue(diff <= 1e-7 * (Math.abs(ai) + Math.abs(n)) + floor, p.name + "[" + i + "][" + j
                        + "]: analytic " + ai + ", numeric " + n + ", difference " + diff + " (allowed "
                        + (1e-7 * (Math.abs(ai) + Math.abs(n)) + floor) + ")");
                if (diff > floor) worst = Math.max(worst, GradientChecker.relError(ai, n));
            }
        }
        return worst;
    }

    /** (−f(θ+2h) + 8f(θ+h) − 8f(θ−h) + f(θ−2h)) / 12h, θ restored bit-exactly. */
    static final double H = 1e-4;

    static double numeric(double[] row, int j, DoubleSupplier f) {
        double h = H, old = row[j];
        row[j] = old + 2 * h;
        double f2 = f.getAsDouble();
        row[j] = old + h;
        double f1 = f.getAsDouble();
        row[j] = old - h;
        double fm1 = f.getAsDouble();
        row[j] = old - 2 * h;
        double fm2 = f.getAsDouble();
        row[j] = old;
        return (-f2 + 8 * f1 - 8 * fm1 + fm2) / (12 * h);
    }
}
