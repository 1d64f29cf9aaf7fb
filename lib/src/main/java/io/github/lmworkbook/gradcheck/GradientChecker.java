package io.github.lmworkbook.gradcheck;

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
 * in double precision, and judges each difference against the error the numeric estimate is expected to have.
 *
 * <h2>What is computed, for each checked entry θ_k</h2>
 * The loss L is evaluated at θ and at θ_k moved by ±h and ±2h (h = 1e-5):
 * <pre>
 *     n₁ = (L(θ+h) − L(θ−h)) / 2h             central difference, truncation error h²·f‴/6
 *     n₂ = (L(θ+2h) − L(θ−2h)) / 4h           the same with step 2h: four times the truncation error
 *     n  = n₁ + (n₁ − n₂)/3                   Richardson's extrapolation = the five-point stencil, error O(h⁴)
 *     t  = |n₁ − n₂| / 3                      Richardson's estimate of the truncation error of n₁ (an upper
 *                                             estimate for n)
 *     Δ⁴ = L(θ−2h) − 4L(θ−h) + 6L(θ) − 4L(θ+h) + L(θ+2h)
 * </pre>
 * Every computed value of L carries a rounding error, about ε·|L| or more (ε = 2⁻⁵² ≈ 2.2e-16; a mean over
 * many terms carries more). Δ⁴ measures it: its exact value h⁴·f⁗ is negligible at h = 1e-5, so what is left is
 * rounding, with standard deviation √70·σ_L when each evaluation is off by σ_L. The checker pools |Δ⁴| over the
 * entries whose loss moved at all:
 * <pre>
 *     σ_L = max( ε·|L(θ)|,  median|Δ⁴| / (0.6745·√70) over all entries,
 *                           the same over this parameter's entries (when it has ≥ 5) )
 *     σ_n = (√130 / 12) · σ_L / h             the standard deviation of n's round-off (the stencil's weights)
 *     ρ   = 64·ε·max|a|                       round-off of the backward pass itself, at the scale of the gradient
 * </pre>
 * (fewer than 16 moving entries: Δ⁴ is also measured along random ±1 directions over the checked entries, so that
 * the median always has at least 16 samples). An entry passes when
 * <pre>
 *     |a − n|  ≤  allowed  =  z·(σ_n + ρ)  +  t  +  rtol·(|a| + |n|)        z = 10, rtol = 1e-7
 * </pre>
 * and its score is |a − n| / allowed (≤ 1 passes; NaN fails). The first two terms are what the numeric estimate
 * cannot resolve: z standard deviations of its round-off, plus its truncation. They matter for entries that are
 * tiny next to ε·|L|/h: there no finite difference can give a small <em>relative</em> error, at any h. The last
 * term is the classic relative criterion |a − n| / (|a| + |n|) ≤ rtol: it matters for large entries. On correct
 * backward passes the error stays within ~3·(σ_n + t) (measured on the library's models at makemore's sizes,
 * batches of 1 to 256, 20 seeds, saturated and not); a bug of relative size 1e-4 fails on every entry larger
 * than about 1e4·z·σ_n (≈ 1e-5 for a loss near 3).
 *
 * <p>The plain relative error rel = |a − n| / max(1e-8, |a| + |n|) stays in the report (the column
 * "max rel."), as does the worst entry by score. An entry that passes only thanks to rtol (|a − n| above the
 * absolute part) is flagged in the report's verdict: correct code does not do that, a tiny bug can.
 * When entries fail, the report says why in words: analytic/numeric constant (a missing or extra factor), the
 * sign flipped, the analytic gradient 0, a transpose, or else the worst entries.
 *
 * <p>A large parameter is checked on a seeded sample of {@code samplesPerParam} entries (default 100). Each
 * checked entry costs four evaluations of the loss. Every perturbed value is restored bit-exactly (the original
 * double is saved and written back). A model without parameters, or a check that compares no entry at all, is
 * an {@link IllegalArgumentException} (one line), not a pass.
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
 * {@link GradCheckReport.Status#NOT_IMPLEMENTED}, one line is printed, and nothing is thrown.
 */
public final class GradientChecker {
    public static final double DEFAULT_H = 1e-5;
    /** The relative part of the allowance (rtol). */
    public static final double DEFAULT_RTOL = 1e-7;
    /** The same as {@link #DEFAULT_RTOL} (the name of the setting before the absolute part existed). */
    public static final double DEFAULT_THRESHOLD = DEFAULT_RTOL;
    /** z: how many standard deviations of the numeric estimate's round-off are allowed. */
    public static final double DEFAULT_NOISE_FACTOR = 10;
    public static final int DEFAULT_SAMPLES_PER_PARAM = 100;
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

    private GradientChecker() {}

    /** The settings h, rtol, z, samplesPerParam and seed, with the check methods as terminal operations. */
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

    /** The plain relative error |a − n| / max(1e-8, |a| + |n|). */
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
         */
        public Builder fourthOrder() {
            return this;
        }

        /** The step h of the differences (default 1e-5); the stencil also uses 2h. */
        public Builder h(double h) {
            if (!(h > 0) || !Double.isFinite(h)) throw new IllegalArgumentException("h must be > 0, got " + h);
            this.h = h;
            return this;
        }

        /**
         * rtol, the relative part of the allowance: an entry passes when
         * |a − n| ≤ z·(σ_n + ρ) + t + rtol·(|a| + |n|) (default 1e-7).
         */
        public Builder rtol(double rtol) {
            if (!(rtol >= 0) || !Double.isFinite(rtol)) {
                throw new IllegalArgumentException("rtol must be ≥ 0, got " + rtol);
            }
            this.rtol = rtol;
            return this;
        }

        /** The same as {@link #rtol(double)}, under its older name (must be > 0). */
        public Builder threshold(double threshold) {
            if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
            return rtol(threshold);
        }

        /** z, the number of standard deviations of the numeric estimate's round-off that pass (default 10). */
        public Builder noiseFactor(double z) {
            if (!(z > 0) || !Double.isFinite(z)) throw new IllegalArgumentException("noiseFactor must be > 0, got " + z);
            this.noiseFactor = z;
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
         * {@code loss} at θ ± h and θ ± 2h and restores θ exactly. To check a layer's input gradient too, wrap the
         * input in a Param whose grad the backward fills, and list it in the model:
         * {@code check(() -> List.of(layer.W, xParam), loss, lossAndGrad)}.
         *
         * @throws IllegalArgumentException when the model has no parameters or none has an entry
         */
        public GradCheckReport check(Model model, DoubleSupplier loss, Runnable lossAndGrad) {
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

        /** The five loss values of one entry: L(θ + q·h) for q = −2, −1, 1, 2 (and L(θ), shared). */
        private record Probe(int i, int j, double a, double m2, double m1, double p1, double p2) {
            boolean moved(double L0) {
                return m2 != L0 || m1 != L0 || p1 != L0 || p2 != L0;
            }

            double delta4(double L0) {
                return m2 - 4 * m1 + 6 * L0 - 4 * p1 + p2;
            }
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
                    double[] row = tg.v()[i];
                    double old = row[j];
                    double[] L = new double[4];
                    for (int s = 0; s < 4; s++) {
                        row[j] = old + STEPS[s] * h;
                        L[s] = loss.getAsDouble();
                        row[j] = old;
                    }
                    ps[q] = new Probe(i, j, tg.analytic()[i][j], L[0], L[1], L[2], L[3]);
                }
                probes.add(ps);
                total += idx.length;
            }
            if (total == 0) {
                throw new IllegalArgumentException("gradient check: the parameters have no entries, nothing to compare");
            }

            // σ_L: the rounding error of one evaluation of the loss, from Δ⁴ pooled over the entries that moved it
            List<Double> all = new ArrayList<>();
            double[] perTarget = new double[targets.size()];
            for (int p = 0; p < targets.size(); p++) {
                List<Double> mine = new ArrayList<>();
                for (Probe pr : probes.get(p)) if (pr.moved(L0)) mine.add(Math.abs(pr.delta4(L0)));
                all.addAll(mine);
                perTarget[p] = mine.size() >= MIN_PARAM_NOISE_SAMPLES ? noiseOf(mine) : 0;
            }
            if (all.size() < MIN_NOISE_SAMPLES) all.addAll(randomDirectionSamples(targets, probes, loss, L0, all.size()));
            double sigmaAll = Math.max(EPS * Math.abs(L0), all.isEmpty() ? 0 : noiseOf(all));
            double G = 0;
            for (Probe[] ps : probes) for (Probe pr : ps) if (Double.isFinite(pr.a())) G = Math.max(G, Math.abs(pr.a()));
            double rho = ANALYTIC_ULPS * EPS * G;

            List<GradCheckReport.Entry> entries = new ArrayList<>();
            for (int p = 0; p < targets.size(); p++) {
                Target tg = targets.get(p);
                double sigmaN = STENCIL_NOISE * Math.max(sigmaAll, perTarget[p]) / h;
                List<GradCheckReport.Comparison> cs = new ArrayList<>();
                for (Probe pr : probes.get(p)) {
                    double n1 = (pr.p1() - pr.m1()) / (2 * h);
                    double n2 = (pr.p2() - pr.m2()) / (4 * h);
                    double n = n1 + (n1 - n2) / 3;
                    double t = Math.abs(n1 - n2) / 3;
                    double absolute = noiseFactor * (sigmaN + rho) + t;
                    double allowed = absolute + rtol * (Math.abs(pr.a()) + Math.abs(n));
                    cs.add(new GradCheckReport.Comparison(pr.i(), pr.j(), pr.a(), n, sigmaN, t, absolute, allowed));
                }
                entries.add(GradCheckReport.entry(tg.name(), tg.rows(), tg.cols(), cs, rtol, noiseFactor));
            }
            return new GradCheckReport(entries, h, rtol, noiseFactor, L0, null);
        }

        private static final int[] STEPS = {-2, -1, 1, 2};

        /**
         * |Δ⁴| along random ±1 directions over the checked entries (all moved at once by ±h, ±2h), until
         * MIN_NOISE_SAMPLES samples exist in all (or 4·MIN_NOISE_SAMPLES directions were tried).
         */
        private List<Double> randomDirectionSamples(List<Target> targets, List<Probe[]> probes, DoubleSupplier loss,
                                                    double L0, int have) {
            List<Double> out = new ArrayList<>();
            SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
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
                            row[pr.j()] = old[k] + STEPS[s] * h * sign[k];
                            k++;
                        }
                    }
                    L[s] = loss.getAsDouble();
                    k = 0;
                    for (int p = 0; p < targets.size(); p++) {
                        for (Probe pr : probes.get(p)) targets.get(p).v()[pr.i()][pr.j()] = old[k++];
                    }
                }
                Probe d = new Probe(0, 0, 0, L[0], L[1], L[2], L[3]);
                if (d.moved(L0)) out.add(Math.abs(d.delta4(L0)));
            }
            return out;
        }

        /** σ such that |Δ⁴| ~ |N(0, 70σ²)|: median |Δ⁴| / (0.6745·√70). */
        private static double noiseOf(List<Double> absDelta4) {
            double[] v = absDelta4.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).sorted().toArray();
            if (v.length == 0) return 0;
            double med = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            return med / (MEDIAN_ABS_NORMAL * Math.sqrt(70));
        }

        private GradCheckReport notImplemented(UnsupportedOperationException e) {
            GradCheckReport r = GradCheckReport.notImplemented(e, h, rtol, noiseFactor);
            System.out.println(r.summary() + " — skipped; the notebook continues with the reference solution");
            return r;
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
