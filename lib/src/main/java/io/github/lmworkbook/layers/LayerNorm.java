package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;

import java.util.List;

/**
 * Layer normalisation (Ba, Kiros &amp; Hinton 2016): every row is standardised over its own n entries, then scaled
 * and shifted by a learned gain γ and bias β — PyTorch's {@code nn.LayerNorm(n)} (biased variance, ε = 1e-5,
 * γ = 1 and β = 0 at the start).
 * <pre>
 * forward:   μ = (1/n) Σ_j x_j        σ² = (1/n) Σ_j (x_j − μ)²        r = 1/√(σ² + ε)      one of each per row
 *            x̂ = (x − μ)·r                                                                x, x̂ (N × n)
 *            y = γ ⊙ x̂ + β                                                                γ, β (1 × n), y (N × n)
 * backward:  dγ += Σ_rows dy ⊙ x̂        dβ += Σ_rows dy
 *            dx̂ = dy ⊙ γ
 *            dx = r·(dx̂ − mean_j(dx̂) − x̂ ⊙ mean_j(dx̂ ⊙ x̂))                              dx (N × n)
 * </pre>
 * The last line is the whole derivation: x̂_j depends on x_k directly (the r·δ_jk term), through μ (−r/n for every
 * k) and through σ (−x̂_j x̂_k r/n), so ∂L/∂x_k = r·(dx̂_k − (1/n)Σ_j dx̂_j − x̂_k (1/n)Σ_j dx̂_j x̂_j). The cache is x̂ and
 * r.
 *
 * <p>Without bias ({@code bias = false}, nanoGPT's {@code LayerNorm(ndim, bias=False)}) there is no β: y = γ ⊙ x̂.
 */
public final class LayerNorm implements Layer {
    /** PyTorch's default ε. */
    public static final double EPS = 1e-5;

    /** γ (1 × n), the gain, named "{name}.g". */
    public final Param gamma;            // γ (1 × n), "{name}.g"
    /** β (1 × n), the shift, named "{name}.b"; null without bias. */
    public final Param beta;             // β (1 × n), "{name}.b"; null without bias
    /** n, the width of a row normalised. */
    public final int n;
    private final double eps;

    private final RowBuffer xHat, y, dx; // (N × n) each
    private double[] r = new double[0];  // cache: 1/√(σ² + ε) of every row (N)
    private Matrix xh;                   // cache: x̂ of the last forward (N × n)

    /**
     * γ = 1, β = 0, ε = 1e-5 (PyTorch's defaults).
     *
     * @param name the prefix of the parameters' names
     * @param n the width of a row
     */
    public LayerNorm(String name, int n) {
        this(name, n, EPS);
    }

    /**
     * γ = 1, β = 0, with the given ε.
     *
     * @param name the prefix of the parameters' names
     * @param n the width of a row
     * @param eps ε, added to the variance under the square root
     */
    public LayerNorm(String name, int n, double eps) {
        this(name, n, eps, true);
    }

    /**
     * γ = 1, β = 0 (no β when bias is false).
     *
     * @param name the prefix of the parameters' names
     * @param n the width of a row
     * @param eps ε, added to the variance under the square root
     * @param bias whether there is a shift β
     */
    public LayerNorm(String name, int n, double eps, boolean bias) {
        if (n < 1) throw new IllegalArgumentException("LayerNorm " + name + ": size must be ≥ 1, got " + n);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm " + name + ": ε must be > 0, got " + eps);
        this.n = n;
        this.eps = eps;
        this.gamma = new Param(name + ".g", new Matrix(1, n).fill(1.0));
        this.beta = bias ? new Param(name + ".b", new Matrix(1, n)) : null;
        this.xHat = new RowBuffer(n);
        this.y = new RowBuffer(n);
        this.dx = new RowBuffer(n);
    }

    @Override
    public List<Param> params() {
        return beta == null ? List.of(gamma) : List.of(gamma, beta);
    }

    /** x̂ = (x − μ)/√(σ² + ε) row by row; y = γ ⊙ x̂ + β. */
    @Override
    public Matrix forward(Matrix x) {
        if (x.cols != n) {
            throw new IllegalArgumentException("LayerNorm " + gamma.name + ": input " + x.shape()
                    + ", expected " + n + " columns");
        }
        int N = x.rows;
        if (r.length < N) r = new double[Math.max(N, 2 * r.length)];
        Matrix xh = xHat.rows(N), out = y.rows(N);
        double[] g = gamma.value.data[0], b = beta == null ? null : beta.value.data[0];
        for (int i = 0; i < N; i++) {
            double[] xi = x.data[i], hi = xh.data[i], yi = out.data[i];
            double mu = 0;
            for (int j = 0; j < n; j++) mu += xi[j];
            mu /= n;                                              // μ
            double var = 0;
            for (int j = 0; j < n; j++) {
                hi[j] = xi[j] - mu;                               // x − μ
                var += hi[j] * hi[j];
            }
            double ri = 1.0 / Math.sqrt(var / n + eps);           // r = 1/√(σ² + ε)
            r[i] = ri;
            for (int j = 0; j < n; j++) {
                hi[j] *= ri;                                      // x̂ = (x − μ)·r
                yi[j] = g[j] * hi[j] + (b == null ? 0 : b[j]);    // y = γ ⊙ x̂ + β
            }
        }
        this.xh = xh;
        return out;
    }

    /**
     * dγ += Σ dy ⊙ x̂, dβ += Σ dy; returns dx = r·(dx̂ − mean(dx̂) − x̂ ⊙ mean(dx̂ ⊙ x̂))
     * with dx̂ = dy ⊙ γ.
     */
    @Override
    public Matrix backward(Matrix dy) {
        if (xh == null) {
            throw new IllegalStateException("LayerNorm " + gamma.name + ": backward before forward");
        }
        if (!xh.sameShape(dy)) {
            throw new IllegalArgumentException("LayerNorm " + gamma.name + ": dy " + dy.shape()
                    + " does not match y " + xh.shape());
        }
        int N = dy.rows;
        Matrix out = dx.rows(N);
        double[] g = gamma.value.data[0], dg = gamma.grad.data[0];
        if (beta != null) dy.addColumnSumsTo(beta.grad);          // dβ += Σ_rows dy
        for (int i = 0; i < N; i++) {
            double[] dyi = dy.data[i], hi = xh.data[i], dxi = out.data[i];
            double mean = 0, meanH = 0;
            for (int j = 0; j < n; j++) {
                dg[j] += dyi[j] * hi[j];                          // dγ += dy ⊙ x̂
                double dh = dyi[j] * g[j];                        // dx̂ = dy ⊙ γ
                dxi[j] = dh;
                mean += dh;
                meanH += dh * hi[j];
            }
            mean /= n;                                            // mean(dx̂)
            meanH /= n;                                           // mean(dx̂ ⊙ x̂)
            double ri = r[i];
            for (int j = 0; j < n; j++) dxi[j] = ri * (dxi[j] - mean - hi[j] * meanH);
        }
        return out;
    }
}
