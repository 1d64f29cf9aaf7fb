package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;

import java.util.List;

/**
 * Stochastic gradient descent, optionally with (heavy-ball) momentum μ, as in PyTorch's {@code SGD}:
 * <pre>
 *   without momentum:  θ ← θ − η·g
 *   with momentum:     b ← μ·b + g,   θ ← θ − η·b          (b starts at 0, so b₁ = g₁)
 * </pre>
 * g = ∂L/∂θ, η the learning rate. The velocity buffers b are allocated once.
 */
public final class Sgd implements Optimizer {
    private final List<Param> params;
    private final double mu;
    private final double[][][] b;  // per param, (rows × cols) velocity; null without momentum
    private double lr;
    private long t;

    /**
     * Plain gradient descent on every parameter of the model, θ ← θ − η·g.
     *
     * @param model the model whose every parameter {@link #step()} updates
     * @param lr the learning rate η (finite, &gt; 0)
     */
    public Sgd(Model model, double lr) {
        this(model, lr, 0.0);
    }

    /**
     * Gradient descent with momentum μ on every parameter of the model.
     *
     * @param model the model whose every parameter {@link #step()} updates
     * @param lr the learning rate η (finite, &gt; 0)
     * @param momentum μ in [0, 1): the velocity b ← μ·b + g replaces g in the update (0: plain descent)
     */
    public Sgd(Model model, double lr, double momentum) {
        Optimizer.checkLr(lr, false);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        this.params = List.copyOf(model.params());
        this.lr = lr;
        this.mu = momentum;
        if (momentum > 0) {
            b = new double[params.size()][][];
            for (int k = 0; k < params.size(); k++) b[k] = new double[params.get(k).value.rows][params.get(k).value.cols];
        } else {
            b = null;
        }
    }

    @Override
    public void step() {
        double eta = lr;
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            double[][] W = p.value.data, G = p.grad.data;
            for (int i = 0; i < W.length; i++) {
                double[] w = W[i], g = G[i];
                if (b == null) {
                    for (int j = 0; j < w.length; j++) w[j] -= eta * g[j];
                } else {
                    double[] v = b[k][i];
                    for (int j = 0; j < w.length; j++) {
                        v[j] = mu * v[j] + g[j];
                        w[j] -= eta * v[j];
                    }
                }
            }
        }
        t++;
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

    /** {@return μ, the momentum (0: none)} */
    public double momentum() {
        return mu;
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + lr + (mu > 0 ? ", momentum=" + mu : "") + ")";
    }
}
