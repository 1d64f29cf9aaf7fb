package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019), exactly as PyTorch's {@code AdamW}. At step t,
 * for every parameter θ with gradient g = ∂L/∂θ (elementwise):
 * <pre>
 *   θ ← θ − η·λ·θ                               decoupled weight decay
 *   m ← β₁·m + (1 − β₁)·g                       first moment (mean of g)
 *   v ← β₂·v + (1 − β₂)·g²                      second moment (uncentred variance of g)
 *   m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)      bias corrections (m, v start at 0)
 *   θ ← θ − η·m̂ / (√v̂ + ε)
 * </pre>
 * Defaults are makemore's: β₁ = 0.9, β₂ = 0.99, ε = 1e-8, λ = 0.01. As in PyTorch, the decay applies to every
 * parameter given (makemore passes all of them, biases included), unless {@link #decayOnly} names the ones it
 * applies to: {@code decayOnly(AdamW.MATRICES)} is nanoGPT's two parameter groups (the weight matrices and
 * embedding tables decay; biases and LayerNorm gains do not). The moment buffers m and v are allocated once.
 * {@link Adam} is this optimizer with λ = 0.
 */
public class AdamW implements Optimizer {
    private final List<Param> params;
    private final double[][][] m;  // per param, (rows × cols) first moment
    private final double[][][] v;  // per param, (rows × cols) second moment
    private final boolean[] decays; // per param: whether the weight decay applies to it
    private double lr, beta1 = 0.9, beta2 = 0.99, eps = 1e-8, weightDecay;
    private long t;

    /**
     * nanoGPT's parameter groups ({@code configure_optimizers}: "any parameter that is 2D will be weight decayed"):
     * every parameter with more than one row — the weight matrices and the embedding tables — and not the
     * vectors, which the library stores as one row (1 × n): biases, LayerNorm's γ and β. (A weight matrix with a
     * single input row, 1 × n, counts as a vector here; nanoGPT would decay it.)
     */
    public static final java.util.function.Predicate<Param> MATRICES = p -> p.value.rows > 1;

    /**
     * AdamW with makemore's defaults (β₁ = 0.9, β₂ = 0.99, ε = 1e-8, λ = 0.01).
     *
     * @param model the model whose every parameter {@link #step()} updates
     * @param lr the learning rate η (finite, &gt; 0)
     */
    public AdamW(Model model, double lr) {
        this(model, lr, 0.01);
    }

    /**
     * AdamW on every parameter of the model at learning rate lr and weight decay λ (β₁ 0.9, β₂ 0.99, ε 1e-8).
     *
     * @param model the model whose every parameter {@link #step()} updates
     * @param lr the learning rate η (finite, &gt; 0)
     * @param weightDecay the decoupled weight decay λ (finite, ≥ 0)
     */
    public AdamW(Model model, double lr, double weightDecay) {
        Optimizer.checkLr(lr, false);  // before the buffers are allocated
        this.params = List.copyOf(model.params());
        this.m = new double[params.size()][][];
        this.v = new double[params.size()][][];
        this.decays = new boolean[params.size()];
        java.util.Arrays.fill(decays, true);
        for (int k = 0; k < params.size(); k++) {
            m[k] = new double[params.get(k).value.rows][params.get(k).value.cols];
            v[k] = new double[params.get(k).value.rows][params.get(k).value.cols];
        }
        this.lr = Optimizer.checkLr(lr, false);
        this.weightDecay = checkWeightDecay(weightDecay);   // not the overridable setter: no `this` escape
    }

    /**
     * Sets β₁ and β₂ (each in [0, 1)).
     *
     * @param beta1 β₁, the decay of the first-moment average m
     * @param beta2 β₂, the decay of the second-moment average v
     * @return this optimizer, for chaining
     */
    public AdamW betas(double beta1, double beta2) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas (" + beta1 + ", " + beta2 + ") must be in [0, 1)");
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    /**
     * Sets ε (finite, &gt; 0).
     *
     * @param eps ε, added to √v̂ in the denominator of the update
     * @return this optimizer, for chaining
     */
    public AdamW eps(double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) throw new IllegalArgumentException("eps " + eps + " must be finite and > 0");
        this.eps = eps;
        return this;
    }

    /**
     * Sets the decoupled weight decay λ (finite, ≥ 0).
     *
     * @param lambda λ, the fraction of θ removed per unit of learning rate (θ ← θ − η·λ·θ)
     * @return this optimizer, for chaining
     */
    public AdamW weightDecay(double lambda) {
        this.weightDecay = checkWeightDecay(lambda);
        return this;
    }

    private static double checkWeightDecay(double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("weight decay " + lambda + " must be finite and ≥ 0");
        }
        return lambda;
    }

    /**
     * Applies the weight decay to the parameters {@code which} accepts and to no other (default: every parameter);
     * {@link #MATRICES} gives nanoGPT's groups.
     *
     * @param which the test a parameter must pass to be decayed (e.g. {@link #MATRICES})
     * @return this optimizer, for chaining
     */
    public AdamW decayOnly(java.util.function.Predicate<Param> which) {
        for (int k = 0; k < params.size(); k++) decays[k] = which.test(params.get(k));
        return this;
    }

    /**
     * Whether the weight decay applies to this parameter of the model.
     *
     * @param p a parameter of the model
     * @return true when {@link #step()} applies the weight decay to p
     */
    public boolean decays(Param p) {
        int k = params.indexOf(p);
        if (k < 0) throw new IllegalArgumentException("AdamW: '" + p.name + "' is not a parameter of this optimizer");
        return decays[k];
    }

    @Override
    public void step() {
        t++;
        double eta = lr, b1 = beta1, b2 = beta2, e = eps;
        double decayAll = 1.0 - eta * weightDecay;              // θ ← θ − ηλθ = (1 − ηλ)·θ
        double bc1 = 1.0 - Math.pow(b1, t);                      // 1 − β₁ᵗ
        double bc2sqrt = Math.sqrt(1.0 - Math.pow(b2, t));       // √(1 − β₂ᵗ)
        double stepSize = eta / bc1;                             // η / (1 − β₁ᵗ)
        // η·m̂/(√v̂ + ε) = (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε), the form PyTorch computes
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            double[][] W = p.value.data, G = p.grad.data, M = m[k], V = v[k];
            double decay = decays[k] ? decayAll : 1.0;
            for (int i = 0; i < W.length; i++) {
                double[] w = W[i], g = G[i], mi = M[i], vi = V[i];
                for (int j = 0; j < w.length; j++) {
                    double gj = g[j];
                    mi[j] = b1 * mi[j] + (1 - b1) * gj;
                    vi[j] = b2 * vi[j] + (1 - b2) * gj * gj;
                    w[j] = w[j] * decay - stepSize * (mi[j] / (Math.sqrt(vi[j]) / bc2sqrt + e));
                }
            }
        }
    }

    @Override
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        this.lr = Optimizer.checkLr(lr, true);
    }

    @Override
    public long steps() {
        return t;
    }

    /** {@return β₁, the decay of the first moment} */
    public double beta1() {
        return beta1;
    }

    /** {@return β₂, the decay of the second moment} */
    public double beta2() {
        return beta2;
    }

    /** {@return ε, added to √v̂} */
    public double eps() {
        return eps;
    }

    /** {@return λ, the decoupled weight decay} */
    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + ", weightDecay=" + weightDecay + ")";
    }
}
