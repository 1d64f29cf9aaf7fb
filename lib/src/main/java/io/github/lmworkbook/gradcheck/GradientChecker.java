package io.github.lmworkbook.gradcheck;

import io.github.lmworkbook.core.Kernels;
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
 * Compares analytic gradients a (from a backward pass) with numeric ones n (from the loss alone), entry by entry,
 * in double precision, and judges each difference against the error the numeric estimate itself can have.
 *
 * <h2>The numeric gradient, for each checked entry θ_k</h2>
 * The loss L is evaluated at θ and with θ_k moved by ±h and ±2h (h = 1e-5):
 * <pre>
 *     n₁ = (L(θ+h) − L(θ−h)) / 2h          central difference, truncation error h²·f‴/6
 *     n₂ = (L(θ+2h) − L(θ−2h)) / 4h        the same at 2h: four times the truncation error
 *     n  = n₁ + (n₁ − n₂)/3                Richardson's extrapolation = the five-point stencil, error O(h⁴)
 *     t  = |n₁ − n₂| / 3                   Richardson's estimate of n₁'s truncation error (a bound for n's)
 *     Δ⁴ = L(θ−2h) − 4L(θ−h) + 6L(θ) − 4L(θ+h) + L(θ+2h)
 * </pre>
 *
 * <h2>Its round-off, measured</h2>
 * Every computed value of L carries a rounding error σ_L of about ε·|L| (ε = 2⁻⁵² ≈ 2.2e-16), more or less:
 * 0.2 to 10 ε·|L| measured on the library's models, the most for a mean over many positions. Δ⁴ measures it: its
 * exact part h⁴·f⁗ is negligible at h = 1e-5, what is left is rounding with standard deviation √70·σ_L. Pooled
 * over the entries that moved the loss at all:
 * <pre>
 *     σ_L = max( ε·|L(θ)|,  median|Δ⁴| / (0.6745·√70) over all entries,
 *                           the same over this parameter's entries when it has ≥ 5 )
 *     σ_n = (√130 / 12) · σ_L / h          the standard deviation of n's round-off (from the stencil's weights)
 *     ρ   = 64·ε·max|a|                    round-off of the backward pass itself, at the scale of the gradient
 * </pre>
 * With fewer than 16 such entries, Δ⁴ is also measured along random ±1 directions over the checked entries (at the
 * tiny step h/100, where it is rounding only), so that the median has at least 16 samples.
 *
 * <h2>The step, per entry</h2>
 * Round-off falls like 1/h and truncation grows like h². Where truncation outweighs the allowed round-off
 * (t > z·σ_n: a strongly curved loss, e.g. a saturated or chaotic recurrence), the entry is measured again at the
 * step that minimises z·σ_n·(h/h′) + t·(h′/h)²,
 * <pre>
 *     h′ = h · max(1e-3, (z·σ_n / 2t)^(1/3))
 * </pre>
 * and the measurement with the smaller allowance is kept ({@link GradCheckReport.Comparison#step()}); σ_L is then
 * pooled again, since the refined Δ⁴ carry less curvature.
 *
 * <h2>The criterion</h2>
 * <pre>
 *     pass when  |a − n|  ≤  allowed  =  z·(σ_n + ρ)  +  t  +  rtol·(|a| + |n|)        z = 10, rtol = 1e-7
 *     score      = |a − n| / allowed                                                   (≤ 1 passes; NaN fails)
 * </pre>
 * The first two terms are what the numeric estimate cannot resolve: z standard deviations of its round-off, plus
 * its truncation. They decide for entries below about z·σ_n / 2rtol (≈ 5e-4 to 5e-3 for a loss near 3), where no
 * finite difference gives a small <em>relative</em> error at any h: a correct entry of 1e-6 next to σ_n = 1e-10
 * shows a relative error near 1e-4, and passes. The last term is the classic relative criterion
 * |a − n| / (|a| + |n|) ≤ rtol, which decides for large entries.
 * <ul>
 * <li>No false failure: on correct backward passes |a − n| stays within about 4·σ_n + t. The largest score over
 * the library's models and layers at notebook and makemore sizes, batches of 1 to 256 sequences, 20 seeds,
 * saturated and not, is 0.42 (the tests' CorrectCorpusTest).</li>
 * <li>What it catches: an entry g off by a relative δ fails when δ·|g| > z·σ_n + t + 2·rtol·|g|, about
 * δ > 2e-7 + z·σ_n/|g|. With σ_n ≈ 1e-11 to 1e-10 (a loss near 3, h = 1e-5), δ = 1e-4 is caught on every entry
 * above ~1e-5 and δ = 1e-6 on every entry above ~1e-3 (the tests' BugCorpusTest: 20 planted bugs, down to 5e-5
 * relative on five entries).</li>
 * </ul>
 * An entry that passes only thanks to rtol (|a − n| above the absolute part) is flagged in the report: correct code
 * does not do that, a tiny bug can. The report shows per parameter the worst entry by score and the plain relative
 * error rel = |a − n| / max(1e-8, |a| + |n|), and says why a parameter fails: analytic/numeric constant (a missing
 * or extra factor), the sign flipped, the analytic gradient 0, a transpose, a small missing term, or else the worst
 * entries.
 *
 * <h2>Use</h2>
 * A large parameter is checked on a seeded sample of {@code samplesPerParam} entries (default 100). Each checked
 * entry costs four evaluations of the loss (eight when its step is refined). Every perturbed value is restored
 * bit-exactly (the original double is saved and written back). A model without parameters, or a check that
 * compares no entry at all, is an {@link IllegalArgumentException} (one line), not a pass.
 *
 * <p>The static methods use the defaults (h = 1e-5, rtol = 1e-7, z = 10, 100 entries per parameter, seed 42);
 * {@link #builder()} changes them:
 * <pre>
 *     GradientChecker.check(model, batch).assertPassed();
 *     GradientChecker.builder().samplesPerParam(20).seed(7).check(model, batch);
 *     GradientChecker.check(x -> f(x), x -> grad(x), x0);               // a notebook's lambdas
 *     GradientChecker.checkBackward(x -> tanhForward(x), (x, dout) -> tanhBackward(dout, tanhForward(x)), x, dout);
 * </pre>
 * When the analytic gradient code throws {@link UnsupportedOperationException} (an exercise whose body is
 * still {@code throw new UnsupportedOperationException("not implemented yet")}), the report has status
 * {@link GradCheckReport.Status#NOT_IMPLEMENTED} and nothing is thrown or printed (the exercise that ran it says "not
 * implemented yet" once: {@code exercises.Exercise}).
 *
 * <h2>Precision</h2>
 * Every check runs in float64, whatever the run's precision: finite differences at h = 1e-5 resolve a gradient only
 * with double's 16 digits (float's 7 would leave nothing of them), so the checker runs the model's loss and backward
 * inside {@link Kernels#float64}, which makes the products — and the layers' float32 fast paths — double on the
 * checking thread for the duration of the check, and restores the run's setting afterwards.
 */
public final class GradientChecker {
    /** The step h of the differences by default. */
    public static final double DEFAULT_H = 1e-5;
    /** The relative part of the allowance (rtol). */
    public static final double DEFAULT_RTOL = 1e-7;
    /** The same as {@link #DEFAULT_RTOL} (the name of the setting before the absolute part existed). */
    public static final double DEFAULT_THRESHOLD = DEFAULT_RTOL;
    /** z: how many standard deviations of the numeric estimate's round-off are allowed. */
    public static final double DEFAULT_NOISE_FACTOR = 10;
    /** The entries checked per parameter by default: all of them up to this many. */
    public static final int DEFAULT_SAMPLES_PER_PARAM = 100;
    /** The seed of the entry sample by default. */
    public static final long DEFAULT_SEED = 42;

    /** ε = 2⁻⁵², the spacing of doubles at 1. */
    static final double EPS = Math.ulp(1.0);
    /** ρ = ANALYTIC_ULPS·ε·max|a|: round-off of the backward pass. */
    static final double ANALYTIC_ULPS = 64;
    /** √130 / 12: the standard deviation of the five-point stencil's round-off, in units of σ_L / h. */
    static final double STENCIL_NOISE = Math.sqrt(130) / 12;
    /** median |N(0, 1)|. */
    private static final double MEDIAN_ABS_NORMAL = 0.6745;
    /** Fewest samples of Δ⁴ for the pooled noise estimate; below, random directions add samples. */
    static final int MIN_NOISE_SAMPLES = 16;
    /** Fewest samples of one parameter for its own noise estimate. */
    static final int MIN_PARAM_NOISE_SAMPLES = 5;
    /** The smallest refined step, as a fraction of h. */
    static final double MIN_STEP_RATIO = 1e-3;

    private GradientChecker() {}

    /**
     * The settings h, rtol, z, samplesPerParam and seed, with the check methods as terminal operations.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---- static conveniences with the default settings -------------------------------------------------

    /**
     * Checks every parameter of a model on one batch of its data (loss = model.loss(data)).
     *
     * @param <D> the type of a batch
     * @param model the model
     * @param data the batch
     * @return the report
     */
    public static <D> GradCheckReport check(Objective<D> model, D data) {
        return builder().check(model, data);
    }

    /**
     * Checks every parameter of any model; see {@link Builder#check(Model, DoubleSupplier, Runnable)}.
     *
     * @param model the model: its parameters and their gradients
     * @param loss computes the loss L(θ), forward only
     * @param lossAndGrad computes the loss and adds ∂L/∂θ into every parameter's gradient
     * @return the report
     */
    public static GradCheckReport check(Model model, DoubleSupplier loss, Runnable lossAndGrad) {
        return builder().check(model, loss, lossAndGrad);
    }

    /**
     * Checks grad against f at x, a vector; see {@link Builder#check(ToDoubleFunction, Function, double[])}.
     *
     * @param f the function
     * @param grad its gradient, as the learner wrote it
     * @param x the point
     * @return the report
     */
    public static GradCheckReport check(ToDoubleFunction<double[]> f, Function<double[], double[]> grad, double[] x) {
        return builder().check(f, grad, x);
    }

    /**
     * Checks grad against f at x, a matrix; see {@link Builder#check(ToDoubleFunction, Function, double[][])}.
     *
     * @param f the function
     * @param grad its gradient, as the learner wrote it
     * @param x the point
     * @return the report
     */
    public static GradCheckReport check(ToDoubleFunction<double[][]> f, Function<double[][], double[][]> grad,
                                        double[][] x) {
        return builder().check(f, grad, x);
    }

    /**
     * Checks a layer's backward; see {@link Builder#checkBackward(Function, BiFunction, double[][], double[][])}.
     *
     * @param forward the layer's forward pass, out = forward(x)
     * @param backward the learner's backward pass, dx = backward(x, dout)
     * @param x the input
     * @param dout the upstream gradient ∂L/∂out (the shape of out)
     * @return the report
     */
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
        /**
         * The step with the smallest central-difference error.
         *
         * @return the step
         */
        public double bestCentralStep() {
            return h[argmin(central)];
        }

        /**
         * The step with the smallest forward-difference error.
         *
         * @return the step
         */
        public double bestForwardStep() {
            return h[argmin(forward)];
        }

        private static int argmin(double[] v) {
            int k = 0;
            for (int i = 1; i < v.length; i++) if (v[i] < v[k]) k = i;
            return k;
        }
    }

    /**
     * {@link StepErrors} for f with exact derivative df at x, for each step in hs.
     *
     * @param f the function
     * @param df its exact derivative
     * @param x the point
     * @param hs the steps
     * @return the errors
     */
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

    /**
     * The same over h = 10⁻¹, 10^−1.5, …, 10⁻¹⁴ (27 steps, half a decade apart).
     *
     * @param f the function
     * @param df its exact derivative
     * @param x the point
     * @return the errors
     */
    public static StepErrors errorVersusStep(DoubleUnaryOperator f, DoubleUnaryOperator df, double x) {
        double[] hs = new double[27];
        for (int k = 0; k < hs.length; k++) hs[k] = Math.pow(10, -1 - 0.5 * k);
        return errorVersusStep(f, df, x, hs);
    }

    /**
     * The plain relative error |a − n| / max(1e-8, |a| + |n|).
     *
     * @param a the analytic gradient
     * @param n the numeric gradient
     * @return the relative error
     */
    public static double relError(double a, double n) {
        return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    }

    // ---- the configurable checker ----------------------------------------------------------------------

    /** Settings and check methods. Every setter returns this. */
    public static final class Builder {
        private double h = DEFAULT_H;
        private double rtol = DEFAULT_RTOL;
        private double noiseFactor = DEFAULT_NOISE_FACTOR;
        private int samplesPerParam = DEFAULT_SAMPLES_PER_PARAM;
        private long seed = DEFAULT_SEED;

        private Builder() {}

        /**
         * Kept so that older code compiles: the numeric gradient is now always the five-point stencil
         * (8[f(x+h) − f(x−h)] − [f(x+2h) − f(x−2h)]) / 12h, i.e. Richardson's extrapolation of the central
         * differences at h and 2h (see the class documentation). Does nothing.
         *
         * @return this builder
         */
        public Builder fourthOrder() {
            return this;
        }

        /** The step h of the differences (default 1e-5); the stencil also uses 2h, and an entry of a strongly
         * curved loss may be measured again with a smaller step (see the class documentation).
         *
         * @param h the step
         * @return this builder
         */
        public Builder h(double h) {
            if (!(h > 0) || !Double.isFinite(h)) throw new IllegalArgumentException("h must be > 0, got " + h);
            this.h = h;
            return this;
        }

        /**
         * rtol, the relative part of the allowance: an entry passes when
         * |a − n| ≤ z·(σ_n + ρ) + t + rtol·(|a| + |n|) (default 1e-7).
         *
         * @param rtol the relative part (&gt; 0)
         * @return this builder
         */
        public Builder rtol(double rtol) {
            if (!(rtol >= 0) || !Double.isFinite(rtol)) {
                throw new IllegalArgumentException("rtol must be ≥ 0, got " + rtol);
            }
            this.rtol = rtol;
            return this;
        }

        /**
         * The same as {@link #rtol(double)}, under its older name (must be > 0).
         *
         * @param threshold the relative part (&gt; 0)
         * @return this builder
         */
        public Builder threshold(double threshold) {
            if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
            return rtol(threshold);
        }

        /**
         * z, the number of standard deviations of the numeric estimate's round-off that pass (default 10).
         *
         * @param z the number of standard deviations
         * @return this builder
         */
        public Builder noiseFactor(double z) {
            if (!(z > 0) || !Double.isFinite(z)) {
                throw new IllegalArgumentException("noiseFactor must be > 0, got " + z);
            }
            this.noiseFactor = z;
            return this;
        }

        /**
         * Entries checked per parameter: all of them when the parameter has at most this many (default 100).
         *
         * @param n the number of entries
         * @return this builder
         */
        public Builder samplesPerParam(int n) {
            if (n < 1) throw new IllegalArgumentException("samplesPerParam must be ≥ 1, got " + n);
            this.samplesPerParam = n;
            return this;
        }

        /**
         * The seed of the entry sample (default 42).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Checks every parameter of a model on one batch of its data (loss = model.loss(data)).
         *
         * @param <D> the type of a batch
         * @param model the model
         * @param data the batch
         * @return the report
         */
        public <D> GradCheckReport check(Objective<D> model, D data) {
            return check(model, () -> model.loss(data), () -> model.lossAndGrad(data));
        }

        /**
         * Checks every parameter of a model: zeroes the gradients, runs {@code lossAndGrad} (which must add
         * ∂L/∂θ into each {@code Param.grad}), then for each sampled entry of each {@code Param.value} evaluates
         * {@code loss} at θ ± h and θ ± 2h and restores θ exactly. To check a layer's input gradient too, wrap the
         * input in a Param whose grad the backward fills, and list it in the model:
         * {@code check(() -> List.of(layer.W, xParam), loss, lossAndGrad)}.
         *
         * @param model the model: its parameters and their gradients
         * @param loss computes the loss L(θ), forward only
         * @param lossAndGrad computes the loss and adds ∂L/∂θ into every parameter's gradient
         * @return the report
         * @throws IllegalArgumentException when the model has no parameters or none has an entry
         */
        public GradCheckReport check(Model model, DoubleSupplier loss, Runnable lossAndGrad) {
            return Kernels.float64(() -> checkModel(model, loss, lossAndGrad));
        }

        private GradCheckReport checkModel(Model model, DoubleSupplier loss, Runnable lossAndGrad) {
            List<Param> params = model.params();
            if (params == null || params.isEmpty()) {
                throw new IllegalArgumentException("gradient check: the model has no parameters, nothing to compare");
            }
            try {
                model.zeroGrad();
                lossAndGrad.run();
            } catch (UnsupportedOperationException e) {
                return notImplemented(e);
            }
            List<Target> targets = new ArrayList<>();
            for (Param p : params) {
                targets.add(new Target(p.name, p.value.data, p.value.rows, p.value.cols, p.grad.copy().data));
            }
            return run(targets, loss);
        }

        /**
         * Checks grad(x) = ∇f(x) for a function of a vector, as a learner writes them in a notebook. Neither f
         * nor grad sees the caller's array (they get copies).
         *
         * @param f the function
         * @param grad its gradient, as the learner wrote it
         * @param x the point
         * @return the report
         */
        public GradCheckReport check(ToDoubleFunction<double[]> f, Function<double[], double[]> grad, double[] x) {
            double[][] X = {x.clone()};
            return check(m -> f.applyAsDouble(m[0]), m -> {
                double[] g = grad.apply(m[0]);
                return g == null ? null : new double[][] {g};
            }, X, "x");
        }

        /**
         * Checks grad(X) = ∂f/∂X for a function of a matrix (double[rows][cols]).
         *
         * @param f the function
         * @param grad its gradient, as the learner wrote it
         * @param x the point
         * @return the report
         */
        public GradCheckReport check(ToDoubleFunction<double[][]> f, Function<double[][], double[][]> grad,
                                     double[][] x) {
            return check(f, grad, x, "x");
        }

        /**
         * Checks a layer's backward pass: with the scalar L = Σ dout ⊙ forward(x) (so that ∂L/∂out = dout),
         * compares backward(x, dout) with ∂L/∂x. For example, given {@code tanhForward(z)} and a learner's
         * {@code tanhBackward(dh, h)}:
         * {@code checkBackward(z -> tanhForward(z), (z, dh) -> tanhBackward(dh, tanhForward(z)), z, dh)}.
         *
         * @param forward the layer's forward pass, out = forward(x)
         * @param backward the learner's backward pass, dx = backward(x, dout)
         * @param x the input
         * @param dout the upstream gradient ∂L/∂out (the shape of out)
         * @return the report
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
            return Kernels.float64(() -> checkFunction(f, grad, x, name));
        }

        private GradCheckReport checkFunction(ToDoubleFunction<double[][]> f, Function<double[][], double[][]> grad,
                                              double[][] x, String name) {
            double[][] X = copy(x);
            int rows = X.length, cols = rows == 0 ? 0 : X[0].length;
            for (double[] r : X) {
                if (r.length != cols) throw new IllegalArgumentException("gradient check: x has ragged rows");
            }
            if (rows * cols == 0) {
                throw new IllegalArgumentException("gradient check: x has no entries " + shape(X)
                        + ", nothing to compare");
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
            return run(List.of(new Target(name, X, rows, cols, copy(g))), () -> f.applyAsDouble(X));
        }

        /**
         * The flat indices (i·cols + j, ascending) the checker compares for a parameter with the given name and
         * number of entries: all of them when size ≤ samplesPerParam, otherwise samplesPerParam distinct ones
         * drawn with a random source seeded from the seed and the name (so one parameter's sample does not
         * depend on the others).
         *
         * @param name the parameter's name
         * @param size its number of entries
         * @return the indices
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

        // ---- the comparison itself ------------------------------------------------------------------------

        /** One thing to check: its values (perturbed in place and restored) and its analytic gradient. */
        private record Target(String name, double[][] v, int rows, int cols, double[][] analytic) {}

        /** The loss at θ_k + q·step for q = −2, −1, 1, 2 (L(θ) is shared), and what follows from it. */
        private record Probe(int i, int j, double a, double step, double m2, double m1, double p1, double p2) {
            boolean moved(double L0) {
                return m2 != L0 || m1 != L0 || p1 != L0 || p2 != L0;
            }

            double delta4(double L0) {
                return m2 - 4 * m1 + 6 * L0 - 4 * p1 + p2;
            }

            /** n₁, the central difference at the step. */
            double n1() {
                return (p1 - m1) / (2 * step);
            }

            /** n₂, the central difference at twice the step. */
            double n2() {
                return (p2 - m2) / (4 * step);
            }

            /** n = n₁ + (n₁ − n₂)/3, the five-point stencil. */
            double n() {
                return n1() + (n1() - n2()) / 3;
            }

            /** t = |n₁ − n₂| / 3, Richardson's estimate of n₁'s truncation error. */
            double t() {
                return Math.abs(n1() - n2()) / 3;
            }
        }

        /** The four evaluations of the loss around entry (i, j) of v at the given step; v is restored exactly. */
        private static Probe probe(double[][] v, int i, int j, double a, double step, DoubleSupplier loss) {
            double[] row = v[i];
            double old = row[j];
            double[] L = new double[4];
            for (int s = 0; s < 4; s++) {
                row[j] = old + STEPS[s] * step;
                L[s] = loss.getAsDouble();
                row[j] = old;
            }
            return new Probe(i, j, a, step, L[0], L[1], L[2], L[3]);
        }

        private GradCheckReport run(List<Target> targets, DoubleSupplier loss) {
            double L0 = loss.getAsDouble();
            List<Probe[]> probes = new ArrayList<>();
            int total = 0;
            for (Target tg : targets) {
                int[] idx = indicesFor(tg.name(), tg.rows() * tg.cols());
                Probe[] ps = new Probe[idx.length];
                for (int q = 0; q < idx.length; q++) {
                    int i = idx[q] / tg.cols(), j = idx[q] % tg.cols();
                    ps[q] = probe(tg.v(), i, j, tg.analytic()[i][j], h, loss);
                }
                probes.add(ps);
                total += idx.length;
            }
            if (total == 0) {
                throw new IllegalArgumentException(
                        "gradient check: the parameters have no entries, nothing to compare");
            }
            List<Double> directions = new ArrayList<>();
            if (movedCount(probes, L0) < MIN_NOISE_SAMPLES) {
                directions = randomDirectionSamples(targets, probes, loss, L0, movedCount(probes, L0));
            }
            double[] sigmaL = noise(probes, directions, L0);

            // a smaller step where truncation outweighs the round-off: z·σ_n·(h/h') + t·(h'/h)² is smallest at h*
            for (int p = 0; p < targets.size(); p++) {
                Target tg = targets.get(p);
                Probe[] ps = probes.get(p);
                for (int q = 0; q < ps.length; q++) {
                    Probe pr = ps[q];
                    double sigmaN = STENCIL_NOISE * sigmaL[p] / pr.step();
                    if (!(pr.t() > noiseFactor * sigmaN)) continue;
                    double shrink = Math.max(MIN_STEP_RATIO, Math.cbrt(noiseFactor * sigmaN / (2 * pr.t())));
                    Probe fine = probe(tg.v(), pr.i(), pr.j(), pr.a(), pr.step() * shrink, loss);
                    double before = noiseFactor * sigmaN + pr.t();
                    double after = noiseFactor * sigmaN / shrink + fine.t();
                    if (after < before) ps[q] = fine;
                }
            }
            sigmaL = noise(probes, directions, L0); // Δ⁴ of the refined entries carries less truncation

            double G = 0;
            for (Probe[] ps : probes) {
                for (Probe pr : ps) if (Double.isFinite(pr.a())) G = Math.max(G, Math.abs(pr.a()));
            }
            double rho = ANALYTIC_ULPS * EPS * G;
            List<GradCheckReport.Entry> entries = new ArrayList<>();
            for (int p = 0; p < targets.size(); p++) {
                Target tg = targets.get(p);
                List<GradCheckReport.Comparison> cs = new ArrayList<>();
                for (Probe pr : probes.get(p)) {
                    double sigmaN = STENCIL_NOISE * sigmaL[p] / pr.step();
                    double n = pr.n(), t = pr.t();
                    double absolute = noiseFactor * (sigmaN + rho) + t;
                    double allowed = absolute + rtol * (Math.abs(pr.a()) + Math.abs(n));
                    cs.add(new GradCheckReport.Comparison(pr.i(), pr.j(), pr.a(), n, pr.step(), sigmaN, t, absolute,
                            allowed));
                }
                entries.add(GradCheckReport.entry(tg.name(), tg.rows(), tg.cols(), cs, rtol, noiseFactor));
            }
            return new GradCheckReport(entries, h, rtol, noiseFactor, L0, null);
        }

        private static int movedCount(List<Probe[]> probes, double L0) {
            int n = 0;
            for (Probe[] ps : probes) for (Probe pr : ps) if (pr.moved(L0)) n++;
            return n;
        }

        /**
         * σ_L for each target: max(ε·|L(θ)|, the pooled estimate over all entries (and the random directions), the
         * target's own estimate when it has ≥ MIN_PARAM_NOISE_SAMPLES entries that moved the loss).
         */
        private static double[] noise(List<Probe[]> probes, List<Double> directions, double L0) {
            List<Double> all = new ArrayList<>(directions);
            double[] own = new double[probes.size()];
            for (int p = 0; p < probes.size(); p++) {
                List<Double> mine = new ArrayList<>();
                for (Probe pr : probes.get(p)) if (pr.moved(L0)) mine.add(Math.abs(pr.delta4(L0)));
                all.addAll(mine);
                own[p] = mine.size() >= MIN_PARAM_NOISE_SAMPLES ? noiseOf(mine) : 0;
            }
            double pooled = Math.max(EPS * Math.abs(L0), noiseOf(all));
            double[] sigma = new double[probes.size()];
            for (int p = 0; p < probes.size(); p++) sigma[p] = Math.max(pooled, own[p]);
            return sigma;
        }

        private static final int[] STEPS = {-2, -1, 1, 2};

        /**
         * |Δ⁴| along random ±1 directions over the checked entries (all moved at once by ±δ, ±2δ with a small
         * δ = h/100, so that Δ⁴ is rounding only), until MIN_NOISE_SAMPLES samples exist in all (or
         * 4·MIN_NOISE_SAMPLES directions were tried).
         */
        private List<Double> randomDirectionSamples(List<Target> targets, List<Probe[]> probes, DoubleSupplier loss,
                                                    double L0, int have) {
            List<Double> out = new ArrayList<>();
            SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
            double delta = h / 100;
            int n = 0;
            for (Probe[] ps : probes) n += ps.length;
            double[] old = new double[n];
            double[] sign = new double[n];
            for (int tries = 0; tries < 4 * MIN_NOISE_SAMPLES && have + out.size() < MIN_NOISE_SAMPLES; tries++) {
                for (int k = 0; k < n; k++) sign[k] = rng.nextBoolean() ? 1 : -1;
                double[] L = new double[4];
                for (int s = 0; s < 4; s++) {
                    int k = 0;
                    for (int p = 0; p < targets.size(); p++) {
                        for (Probe pr : probes.get(p)) {
                            double[] row = targets.get(p).v()[pr.i()];
                            old[k] = row[pr.j()];
                            row[pr.j()] = old[k] + STEPS[s] * delta * sign[k];
                            k++;
                        }
                    }
                    L[s] = loss.getAsDouble();
                    k = 0;
                    for (int p = 0; p < targets.size(); p++) {
                        for (Probe pr : probes.get(p)) targets.get(p).v()[pr.i()][pr.j()] = old[k++];
                    }
                }
                Probe d = new Probe(0, 0, 0, delta, L[0], L[1], L[2], L[3]);
                if (d.moved(L0)) out.add(Math.abs(d.delta4(L0)));
            }
            return out;
        }

        /** σ such that |Δ⁴| ~ |N(0, 70σ²)|: median |Δ⁴| / (0.6745·√70). */
        private static double noiseOf(List<Double> absDelta4) {
            double[] v = absDelta4.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted()
                    .toArray();
            if (v.length == 0) return 0;
            double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return med / (MEDIAN_ABS_NORMAL * Math.sqrt(70));
        }

        /** The report of an exercise still to be written; nothing is printed (exercises.Exercise says it once). */
        private GradCheckReport notImplemented(UnsupportedOperationException e) {
            return GradCheckReport.notImplemented(e, h, rtol, noiseFactor);
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
