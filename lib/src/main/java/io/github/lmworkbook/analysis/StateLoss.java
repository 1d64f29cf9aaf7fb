package io.github.lmworkbook.analysis;

import java.util.Random;

/**
 * A loss on the states of a trajectory, L = Σ_{t=1..T} ℓ_t(s_t), that seeds the backward pass of
 * {@link GradientFlow}. A loss "at the end" has ℓ_t = 0 for t &lt; T; a loss "at every step" has a term at each t,
 * as a language model's per-token cross-entropy does.
 *
 * <p>Backpropagation through time then reads, for t = T down to 0,
 * <pre>
 *   ∂L/∂s_T = ∂ℓ_T/∂s_T
 *   ∂L/∂s_t = ∂ℓ_t/∂s_t + J_{t+1}ᵀ · ∂L/∂s_{t+1}        (ℓ_0 = 0)
 * </pre>
 *
 * <p>The factories cover the cases the analysis needs; the upstream vectors stand in for whatever a real
 * output layer would send back, so that the measurement isolates the recurrence.
 */
public interface StateLoss {

    /**
     * ℓ_t(s), the term of the loss at step t of a trajectory of T steps (0 when there is none).
     *
     * @param t the step, 0 … T
     * @param T the number of steps
     * @param s the state s_t (S)
     * @return ℓ_t(s)
     */
    double value(int t, int T, double[] s);

    /**
     * ds += ∂ℓ_t/∂s at step t (leaves ds alone when there is no term at t).
     *
     * @param t the step, 0 … T
     * @param T the number of steps
     * @param s the state s_t (S)
     * @param ds the gradient ∂L/∂s_t (S), added to
     */
    void addGradient(int t, int T, double[] s, double[] ds);

    /**
     * L = ½‖s_T‖², so ∂L/∂s_T = s_T.
     *
     * @return the loss
     */
    static StateLoss halfSquaredNormAtEnd() {
        return new StateLoss() {
            public double value(int t, int T, double[] s) {
                return t == T ? 0.5 * dot(s, s) : 0.0;
            }

            public void addGradient(int t, int T, double[] s, double[] ds) {
                if (t == T) for (int j = 0; j < s.length; j++) ds[j] += s[j];
            }
        };
    }

    /**
     * L = Σ_t ½‖s_t‖², so ∂ℓ_t/∂s_t = s_t at every step.
     *
     * @return the loss
     */
    static StateLoss halfSquaredNormEveryStep() {
        return new StateLoss() {
            public double value(int t, int T, double[] s) {
                return t >= 1 ? 0.5 * dot(s, s) : 0.0;
            }

            public void addGradient(int t, int T, double[] s, double[] ds) {
                if (t >= 1) for (int j = 0; j < s.length; j++) ds[j] += s[j];
            }
        };
    }

    /**
     * L = g · s_T for a fixed upstream vector g, so ∂L/∂s_T = g and ∂L/∂s_t = (∂s_T/∂s_t)ᵀ g.
     *
     * @param g the upstream vector (S)
     * @return the loss
     */
    static StateLoss projectionAtEnd(double[] g) {
        double[] gc = g.clone();
        return new StateLoss() {
            public double value(int t, int T, double[] s) {
                checkLength(gc, s);
                return t == T ? dot(gc, s) : 0.0;
            }

            public void addGradient(int t, int T, double[] s, double[] ds) {
                checkLength(gc, s);
                if (t == T) for (int j = 0; j < s.length; j++) ds[j] += gc[j];
            }
        };
    }

    /**
     * L = g · s_T with g a random unit vector of length S drawn with the seed.
     *
     * @param S the state size
     * @param seed the seed of g
     * @return the loss
     */
    static StateLoss randomUnitAtEnd(int S, long seed) {
        return projectionAtEnd(randomUnit(S, new Random(seed)));
    }

    /**
     * L = Σ_t g_t · s_t with a fresh random unit vector g_t at every step t = 1..T (drawn from the seed and t,
     * so the same t always gets the same g_t).
     *
     * @param S the state size
     * @param seed the seed of the g_t
     * @return the loss
     */
    static StateLoss randomUnitEveryStep(int S, long seed) {
        return new StateLoss() {
            private double[] g(int t) {
                return randomUnit(S, new Random(seed * 1_000_003L + t));
            }

            public double value(int t, int T, double[] s) {
                return t >= 1 ? dot(g(t), s) : 0.0;
            }

            public void addGradient(int t, int T, double[] s, double[] ds) {
                if (t < 1) return;
                double[] g = g(t);
                checkLength(g, s);
                for (int j = 0; j < s.length; j++) ds[j] += g[j];
            }
        };
    }

    /**
     * A unit vector of length n with a uniformly random direction (normalized Gaussian).
     *
     * @param n the length
     * @param rng the random source
     * @return the unit vector
     */
    static double[] randomUnit(int n, Random rng) {
        if (n < 1) throw new IllegalArgumentException("random unit vector: length must be ≥ 1, got " + n);
        double[] g = new double[n];
        for (int j = 0; j < n; j++) g[j] = rng.nextGaussian();
        double norm = Math.sqrt(dot(g, g));
        for (int j = 0; j < n; j++) g[j] /= norm;
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += a[j] * b[j];
        return s;
    }

    private static void checkLength(double[] g, double[] s) {
        if (g.length != s.length) {
            throw new IllegalArgumentException("state loss: upstream vector has length " + g.length
                    + " but the state has length " + s.length);
        }
    }
}
