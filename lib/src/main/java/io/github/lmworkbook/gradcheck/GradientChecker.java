package io.github.lmworkbook.gradcheck;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.core.Param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Compares analytic gradients with central differences in double precision:
 * <pre>
 *     n   = (L(θ + h·e_k) − L(θ − h·e_k)) / 2h          error O(h²) (forward differences: O(h))
 *     rel = |a − n| / max(1e-8, |a| + |n|)               pass when rel ≤ threshold (default 1e-7)
 * </pre>
 * for every entry of a small parameter and a seeded sample of {@code samplesPerParam} entries of a large one.
 *
 * <p>The static methods use the defaults (h = 1e-5, threshold 1e-7, 100 entries per parameter, seed 42);
 * {@link #builder()} changes them:
 * <pre>
 *     GradientChecker.check(model, batch).assertPassed();
 *     GradientChecker.builder().h(1e-6).samplesPerParam(20).seed(7).check(model, batch);
 *     GradientChecker.check(x -> f(x), x -> grad(x), x0);               // a notebook's lambdas
 *     GradientChecker.checkBackward(x -> tanhForward(x), (x, dout) -> tanhBackward(dout, tanhForward(x)), x, dout);
 * </pre>
 * When the analytic gradient code throws {@link UnsupportedOperationException} (an exercise whose body is
 * still {@code throw new UnsupportedOperationException("not implemented yet")}), the report has status
 * {@link GradCheckReport.Status#NOT_IMPLEMENTED}, one line is printed, and nothing is thrown.
 *
 * <p>Every perturbed value is restored bit-exactly (the original double is saved and written back).
 *
 * <p>Check small problems. Rounding error in the loss is about ε·|L|/h in the numeric gradient, while a mean
 * loss over N examples has entries of order 1/N: with h = 1e-5, a {@code TwoLayerNet(7, 4, 6)} on N = 12
 * positions passes with a largest relative error near 1e-8, but {@code TwoLayerNet(27, 10, 64)} on N = 256 has
 * gradient entries near 1e-5 and, on a correct backward pass, a largest relative error above 4e-7 for every h
 * from 1e-6 to 1e-3. Use a
 * small batch and few units to test a backward pass; the threshold is for those.
 */
public final class GradientChecker {
    public static final double DEFAULT_H = 1e-5;
    public static final double DEFAULT_THRESHOLD = 1e-7;
    public static final int DEFAULT_SAMPLES_PER_PARAM = 100;
    public static final long DEFAULT_SEED = 42;

    private GradientChecker() {}

    /** The settings h, threshold, samplesPerParam and seed, with the check methods as terminal operations. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- static conveniences with the default settings -------------------------------------------------

    /** Checks every parameter of a model on one batch of its data (loss = model.loss(data)). */
    public static <D> GradCheckReport check(Objective<D> model, D data) {
        return builder().check(model, data);
    }

    /** Checks every parameter of any model; see {@link Builder#check(Model, DoubleSupplier, Runnable)}. */
    public static GradCheckReport check(Model model, DoubleSupplier loss, Runnable lossAndGrad) {
        return builder().check(model, loss, lossAndGrad);
    }

    /** Checks grad against f at x, a vector; see {@link Builder#check(ToDoubleFunction, Function, double[])}. */
    public static GradCheckReport check(ToDoubleFunction<double[]> f, Function<double[], double[]> grad, double[] x) {
        return builder().check(f, grad, x);
    }

    /** Checks grad against f at x, a matrix; see {@link Builder#check(ToDoubleFunction, Function, double[][])}. */
    public static GradCheckReport check(ToDoubleFunction<double[][]> f, Function<double[][], double[][]> grad,
                                        double[][] x) {
        return builder().check(f, grad, x);
    }

    /** Checks a layer's backward; see {@link Builder#checkBackward(Function, BiFunction, double[][], double[][])}. */
    public static GradCheckReport checkBackward(Function<double[][], double[][]> forward,
                                                BiFunction<double[][], double[][], double[][]> backward,
                                                double[][] x, double[][] dout) {
        return builder().checkBackward(forward, backward, x, dout);
    }

    // ---- the "V shape": error against step size ---------------------------------------------------------

    /**
     * Relative errors of forward differences (f(x+h) − f(x))/h and central differences
     * (f(x+h) − f(x−h))/2h against the exact derivative, for each step h. On log–log axes both fall with h
     * (slopes 1 and 2: truncation error) until rounding error ≈ ε·|f|/h takes over and they rise again.
     *
     * @param h       step sizes
     * @param forward relative error of the forward difference at each h
     * @param central relative error of the central difference at each h
     */
    public record StepErrors(double[] h, double[] forward, double[] central) {
        /** The step with the smallest central-difference error. */
        public double bestCentralStep() {
            return h[argmin(central)];
        }

        /** The step with the smallest forward-difference error. */
        public double bestForwardStep() {
            return h[argmin(forward)];
        }

        private static int argmin(double[] v) {
            int k = 0;
            for (int i = 1; i < v.length; i++) if (v[i] < v[k]) k = i;
            return k;
        }
    }

    /** {@link StepErrors} for f with exact derivative df at x, for each step in hs. */
    public static StepErrors errorVersusStep(DoubleUnaryOperator f, DoubleUnaryOperator df, double x, double[] hs) {
        double exact = df.applyAsDouble(x);
        double fx = f.applyAsDouble(x);
        double[] fwd = new double[hs.length], cen = new double[hs.length];
        for (int k = 0; k < hs.length; k++) {
            double h = hs[k];
            double fp = f.applyAsDouble(x + h), fm = f.applyAsDouble(x - h);
            fwd[k] = relError(exact, (fp - fx) / h);
            cen[k] = relError(exact, (fp - fm) / (2 * h));
        }
        return new StepErrors(hs.clone(), fwd, cen);
    }

    /** The same over h = 10⁻¹, 10^−1.5, …, 10⁻¹⁴ (27 steps, half a decade apart). */
    public static StepErrors errorVersusStep(DoubleUnaryOperator f, DoubleUnaryOperator df, double x) {
        double[] hs = new double[27];
        for (int k = 0; k < hs.length; k++) hs[k] = Math.pow(10, -1 - 0.5 * k);
        return errorVersusStep(f, df, x, hs);
    }

    /** |a − n| / max(1e-8, |a| + |n|). */
    public static double relError(double a, double n) {
        return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    }

    // ---- the configurable checker ----------------------------------------------------------------------

    /** Settings and check methods. Every setter returns this. */
    public static final class Builder {
        private double h = DEFAULT_H;
        private double threshold = DEFAULT_THRESHOLD;
        private int samplesPerParam = DEFAULT_SAMPLES_PER_PARAM;
        private long seed = DEFAULT_SEED;
        private boolean fourthOrder = false;

        private Builder() {}

        /**
         * Use the five-point stencil (8[f(x+h) − f(x−h)] − [f(x+2h) − f(x−2h)]) / 12h, whose truncation error is
         * O(h⁴) instead of O(h²), so a larger step (h ≈ 3e-3) can be taken and the round-off ε·|L|/h shrinks. On a
         * realistic model (a mean loss over 256 positions, V = 27) it brings the largest relative error of a
         * correct backward pass from a few 1e-7 down to about 1e-7; entries whose gradient is tiny next to the
         * loss stay limited by round-off, whatever the stencil. Costs four loss evaluations per entry.
         */
        public Builder fourthOrder() {
            this.fourthOrder = true;
            return this;
        }

        /** ∂f/∂θ at the current θ, where lossAt(δ) is the loss with the entry moved by δ (and put back after). */
        private double numeric(DoubleUnaryOperator lossAt) {
            double central = lossAt.applyAsDouble(h) - lossAt.applyAsDouble(-h);
            if (!fourthOrder) return central / (2 * h);
            double wide = lossAt.applyAsDouble(2 * h) - lossAt.applyAsDouble(-2 * h);
            return (8 * central - wide) / (12 * h);
        }

        /** The step of the central differences (default 1e-5). */
        public Builder h(double h) {
            if (!(h > 0) || !Double.isFinite(h)) throw new IllegalArgumentException("h must be > 0, got " + h);
            this.h = h;
            return this;
        }

        /** The largest relative error that passes (default 1e-7). */
        public Builder threshold(double threshold) {
            if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
            this.threshold = threshold;
            return this;
        }

        /** Entries checked per parameter: all of them when the parameter has at most this many (default 100). */
        public Builder samplesPerParam(int n) {
            if (n < 1) throw new IllegalArgumentException("samplesPerParam must be ≥ 1, got " + n);
            this.samplesPerParam = n;
            return this;
        }

        /** The seed of the entry sample (default 42). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Checks every parameter of a model on one batch of its data (loss = model.loss(data)). */
        public <D> GradCheckReport check(Objective<D> model, D data) {
            return check(model, () -> model.loss(data), () -> model.lossAndGrad(data));
        }

        /**
         * Checks every parameter of a model: zeroes the gradients, runs {@code lossAndGrad} (which must add
         * ∂L/∂θ into each {@code Param.grad}), then for each sampled entry of each {@code Param.value} evaluates
         * {@code loss} at θ ± h and restores θ exactly. To check a layer's input gradient too, wrap the input
         * in a Param whose grad the backward fills, and list it in the model:
         * {@code check(() -> List.of(layer.W, xParam), loss, lossAndGrad)}.
         */
        public GradCheckReport check(Model model, DoubleSupplier loss, Runnable lossAndGrad) {
            List<Param> params = model.params();
            Matrix[] analytic = new Matrix[params.size()];
            try {
                model.zeroGrad();
                lossAndGrad.run();
            } catch (UnsupportedOperationException e) {
                return notImplemented(e);
            }
            for (int p = 0; p < params.size(); p++) analytic[p] = params.get(p).grad.copy();
            List<GradCheckReport.Entry> entries = new ArrayList<>();
            for (int p = 0; p < params.size(); p++) {
                Param param = params.get(p);
                double[][] v = param.value.data;
                int cols = param.value.cols;
                Worst w = new Worst();
                int[] idx = indicesFor(param.name, param.size());
                for (int k : idx) {
                    int i = k / cols, j = k % cols;
                    double old = v[i][j];
                    double n = numeric(delta -> {
                        v[i][j] = old + delta;
                        double f = loss.getAsDouble();
                        v[i][j] = old;
                        return f;
                    });
                    w.offer(analytic[p].data[i][j], n, i, j);
                }
                entries.add(w.entry(param.name, param.value.rows, cols, idx.length, threshold));
            }
            return new GradCheckReport(entries, h, threshold, null);
        }

        /**
         * Checks grad(x) = ∇f(x) for a function of a vector, as a learner writes them in a notebook. Neither f
         * nor grad sees the caller's array (they get copies).
         */
        public GradCheckReport check(ToDoubleFunction<double[]> f, Function<double[], double[]> grad, double[] x) {
            double[][] X = {x.clone()};
            return check(m -> f.applyAsDouble(m[0]), m -> {
                double[] g = grad.apply(m[0]);
                return g == null ? null : new double[][] {g};
            }, X, "x");
        }

        /** Checks grad(X) = ∂f/∂X for a function of a matrix (double[rows][cols]). */
        public GradCheckReport check(ToDoubleFunction<double[][]> f, Function<double[][], double[][]> grad,
                                     double[][] x) {
            return check(f, grad, x, "x");
        }

        /**
         * Checks a layer's backward pass: with the scalar L = Σ dout ⊙ forward(x) (so that ∂L/∂out = dout),
         * compares backward(x, dout) with ∂L/∂x. For example, given {@code tanhForward(z)} and a learner's
         * {@code tanhBackward(dh, h)}:
         * {@code checkBackward(z -> tanhForward(z), (z, dh) -> tanhBackward(dh, tanhForward(z)), z, dh)}.
         */
        public GradCheckReport checkBackward(Function<double[][], double[][]> forward,
                                             BiFunction<double[][], double[][], double[][]> backward,
                                             double[][] x, double[][] dout) {
            double[][] d = copy(dout);
            ToDoubleFunction<double[][]> L = m -> {
                double[][] out = forward.apply(m);
                requireShape("forward output", out, d, "dout");
                double s = 0;
                for (int i = 0; i < d.length; i++) for (int j = 0; j < d[i].length; j++) s += d[i][j] * out[i][j];
                return s;
            };
            return check(L, m -> backward.apply(m, copy(d)), x, "dx");
        }

        private GradCheckReport check(ToDoubleFunction<double[][]> f, Function<double[][], double[][]> grad,
                                      double[][] x, String name) {
            double[][] X = copy(x);
            int rows = X.length, cols = rows == 0 ? 0 : X[0].length;
            for (double[] r : X) {
                if (r.length != cols) throw new IllegalArgumentException("gradient check: x has ragged rows");
            }
            double[][] g;
            try {
                g = grad.apply(copy(X));
                f.applyAsDouble(copy(X));
            } catch (UnsupportedOperationException e) {
                return notImplemented(e);
            }
            if (g == null) {
                return notImplemented(new UnsupportedOperationException("the gradient function returned null"));
            }
            requireShape("gradient", g, X, "x");
            Worst w = new Worst();
            int[] idx = indicesFor(name, rows * cols);
            for (int k : idx) {
                int i = k / cols, j = k % cols;
                double old = X[i][j];
                double n = numeric(delta -> {
                    X[i][j] = old + delta;
                    double fx = f.applyAsDouble(X);
                    X[i][j] = old;
                    return fx;
                });
                w.offer(g[i][j], n, i, j);
            }
            return new GradCheckReport(List.of(w.entry(name, rows, cols, idx.length, threshold)), h, threshold, null);
        }

        /**
         * The flat indices (i·cols + j, ascending) the checker compares for a parameter with the given name and
         * number of entries: all of them when size ≤ samplesPerParam, otherwise samplesPerParam distinct ones
         * drawn with a random source seeded from the seed and the name (so one parameter's sample does not
         * depend on the others).
         */
        public int[] indicesFor(String name, int size) {
            if (size <= samplesPerParam) {
                int[] all = new int[size];
                for (int k = 0; k < size; k++) all[k] = k;
                return all;
            }
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
            // Floyd's algorithm: samplesPerParam distinct values in [0, size)
            Set<Integer> chosen = new HashSet<>();
            for (int r = size - samplesPerParam; r < size; r++) {
                int t = rng.nextInt(r + 1);
                chosen.add(chosen.contains(t) ? r : t);
            }
            int[] idx = chosen.stream().mapToInt(Integer::intValue).toArray();
            Arrays.sort(idx);
            return idx;
        }

        private GradCheckReport notImplemented(UnsupportedOperationException e) {
            return GradCheckReport.notImplemented(e, h, threshold);
        }
    }

    /** Tracks the entry with the largest relative error (a NaN counts as the worst). */
    private static final class Worst {
        double rel = -1, a, n;
        int i, j;

        void offer(double a, double n, int i, int j) {
            double r = relError(a, n);
            if (Double.isNaN(rel)) return;
            if (Double.isNaN(r) || r > rel) {
                this.rel = r;
                this.a = a;
                this.n = n;
                this.i = i;
                this.j = j;
            }
        }

        GradCheckReport.Entry entry(String name, int rows, int cols, int checked, double threshold) {
            double r = checked == 0 ? 0 : rel;
            return new GradCheckReport.Entry(name, rows, cols, checked, r, i, j, a, n, r <= threshold);
        }
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }

    private static void requireShape(String what, double[][] g, double[][] x, String xName) {
        boolean ok = g.length == x.length;
        for (int i = 0; ok && i < g.length; i++) ok = g[i] != null && g[i].length == x[i].length;
        if (!ok) {
            throw new IllegalArgumentException("gradient check: the " + what + " has shape " + shape(g) + " but "
                    + xName + " has shape " + shape(x));
        }
    }

    private static String shape(double[][] m) {
        return "(" + m.length + "×" + (m.length == 0 || m[0] == null ? 0 : m[0].length) + ")";
    }
}
