package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class OptimizerTest {
    /** One parameter θ = [1, −2, 0.5] with gradient g = [0.1, −0.3, 2]. */
    static Model model(double[] theta, double[] g) {
        Param p = new Param("theta", Matrix.row(theta));
        p.grad.data[0] = g.clone();
        return () -> List.of(p);
    }

    static double[] theta(Model m) {
        return m.params().get(0).value.data[0];
    }

    @Test
    void sgdStep() {
        Model m = model(new double[] {1, -2, 0.5}, new double[] {0.1, -0.3, 2});
        new Sgd(m, 0.1).step();
        assertArrayEquals(new double[] {0.99, -1.97, 0.3}, theta(m), 1e-15);
    }

    @Test
    void sgdMomentum() {
        Model m = model(new double[] {1}, new double[] {2});
        Sgd opt = new Sgd(m, 0.1, 0.9);
        opt.step();                  // b = 2, θ = 1 − 0.2 = 0.8
        assertEquals(0.8, theta(m)[0], 1e-15);
        opt.step();                  // b = 0.9·2 + 2 = 3.8, θ = 0.8 − 0.38 = 0.42
        assertEquals(0.42, theta(m)[0], 1e-15);
        assertEquals(2, opt.steps());
    }

    @Test
    void adamWFirstStepMovesEachWeightByAboutLrTimesSignOfG() {
        // t = 1: m̂ = g, v̂ = g², so θ ← θ(1 − ηλ) − η·g/(|g| + ε)
        double eta = 0.01, lambda = 0.01, eps = 1e-8;
        double[] th = {1, -2, 0.5}, g = {0.1, -0.3, 2};
        Model m = model(th, g);
        new AdamW(m, eta).step();
        for (int j = 0; j < 3; j++) {
            double expected = th[j] * (1 - eta * lambda) - eta * g[j] / (Math.abs(g[j]) + eps);
            assertEquals(expected, theta(m)[j], 1e-15);
        }
        // hand-computed: 1·(1 − 1e-4) − 0.01·0.1/(0.1 + 1e-8) = 0.9999 − 0.0099999990000001
        assertEquals(0.9899000009999999, theta(m)[0], 1e-15);
    }

    @Test
    void adamWTwoStepsAgainstTheFormulas() {
        double eta = 0.1, b1 = 0.8, b2 = 0.9, eps = 1e-6, lambda = 0.05;
        double theta = 0.7, m = 0, v = 0;
        double[] gs = {0.5, -1.5};
        Model model = model(new double[] {theta}, new double[] {gs[0]});
        AdamW opt = new AdamW(model, eta).betas(b1, b2).eps(eps).weightDecay(lambda);
        for (int t = 1; t <= 2; t++) {
            double g = gs[t - 1];
            model.params().get(0).grad.data[0][0] = g;
            opt.step();
            theta = theta - eta * lambda * theta;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mhat = m / (1 - Math.pow(b1, t)), vhat = v / (1 - Math.pow(b2, t));
            theta = theta - eta * mhat / (Math.sqrt(vhat) + eps);
            assertEquals(theta, theta(model)[0], 1e-14, "step " + t);
        }
    }

    @Test
    void adamHasNoDecay() {
        Model m = model(new double[] {1}, new double[] {0});
        new Adam(m, 0.1).step();        // g = 0: Adam leaves θ, AdamW would shrink it
        assertEquals(1.0, theta(m)[0], 0);
        Model m2 = model(new double[] {1}, new double[] {0});
        new AdamW(m2, 0.1).step();
        assertEquals(1 - 0.1 * 0.01, theta(m2)[0], 1e-15);
    }

    @Test
    void clippingCapsTheGlobalNormAndKeepsTheDirection() {
        Param a = new Param("a", Matrix.row(0, 0)), b = new Param("b", Matrix.row(0));
        a.grad.data[0] = new double[] {3, 0};
        b.grad.data[0] = new double[] {4};
        Model m = () -> List.of(a, b);
        assertEquals(5.0, GradClip.globalNorm(m), 0);
        assertEquals(5.0, GradClip.clipByGlobalNorm(m, 1.0), 0, "returns the norm before clipping");
        assertEquals(1.0, GradClip.globalNorm(m), 1e-15);
        assertArrayEquals(new double[] {0.6, 0}, a.grad.data[0], 1e-15);
        assertArrayEquals(new double[] {0.8}, b.grad.data[0], 1e-15);
        // below the threshold: unchanged
        assertEquals(1.0, GradClip.clipByGlobalNorm(m, 2.0), 1e-15);
        assertArrayEquals(new double[] {0.6, 0}, a.grad.data[0], 1e-15);
    }

    @Test
    void schedules() {
        assertEquals(0.3, LrSchedule.constant(0.3).lr(12345), 0);
        LrSchedule s = LrSchedule.stepDecay(0.1, 100, 0.1);
        assertEquals(0.1, s.lr(99), 1e-15);
        assertEquals(0.01, s.lr(100), 1e-15);
        assertEquals(0.001, s.lr(250), 1e-15);
        LrSchedule d = LrSchedule.dropAt(0.1, 1000, 0.1);
        assertEquals(0.1, d.lr(999), 0);
        assertEquals(0.01, d.lr(1000), 1e-15);
        LrSchedule c = LrSchedule.warmupCosine(1.0, 10, 110, 0.1);
        assertEquals(1.0 / 11, c.lr(0), 1e-15);
        assertEquals(10.0 / 11, c.lr(9), 1e-15);
        assertEquals(1.0, c.lr(10), 1e-15);
        assertEquals(0.55, c.lr(60), 1e-15);    // halfway: 0.1 + ½·(1 + cos(π/2))·0.9
        assertEquals(0.1, c.lr(110), 1e-15);
        assertEquals(0.1, c.lr(5000), 0);
        for (long t = 10; t < 110; t++) assertTrue(c.lr(t + 1) <= c.lr(t), "decreasing after warmup");
    }

    /** The message names the bad value and what it must be. */
    static void assertRefused(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
    }

    @Test
    void learningRatesMustBeFiniteAndPositive() {
        Model m = model(new double[] {1}, new double[] {2});
        for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, -1e-3, 0}) {
            String want = "learning rate " + bad + " must be finite and > 0";
            assertRefused(want, () -> new Sgd(m, bad));
            assertRefused(want, () -> new Sgd(m, bad, 0.9));
            assertRefused(want, () -> new AdamW(m, bad));
            assertRefused(want, () -> new AdamW(m, bad, 0.0));
            assertRefused(want, () -> new Adam(m, bad));
        }
        // setLr (a schedule) may reach 0 but never NaN, ∞ or a negative rate
        for (Optimizer opt : new Optimizer[] {new Sgd(m, 0.1), new AdamW(m, 0.1), new Adam(m, 0.1)}) {
            for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NaN, -0.5}) {
                assertRefused("learning rate " + bad + " must be finite and ≥ 0", () -> opt.setLr(bad));
            }
            opt.setLr(0);
            assertEquals(0, opt.lr());
        }
        double before = theta(m)[0];
        Sgd zero = new Sgd(m, 0.1);
        zero.setLr(0);
        zero.step();
        assertEquals(before, theta(m)[0], 0, "η = 0 leaves θ");
    }

    @Test
    void adamWHyperparametersMustBeFinite() {
        Model m = model(new double[] {1}, new double[] {2});
        assertRefused("weight decay Infinity must be finite and ≥ 0", () -> new AdamW(m, 0.1, Double.POSITIVE_INFINITY));
        assertRefused("weight decay NaN must be finite and ≥ 0", () -> new AdamW(m, 0.1).weightDecay(Double.NaN));
        assertRefused("eps Infinity must be finite and > 0", () -> new AdamW(m, 0.1).eps(Double.POSITIVE_INFINITY));
        assertRefused("momentum NaN must be in [0, 1)", () -> new Sgd(m, 0.1, Double.NaN));
    }

    @Test
    void clippingThresholdMustBeFiniteAndPositive() {
        Model m = model(new double[] {1}, new double[] {2});
        for (double bad : new double[] {Double.NaN, -1, 0, Double.POSITIVE_INFINITY}) {
            assertRefused("clipping threshold " + bad + " must be finite and > 0",
                    () -> GradClip.clipByGlobalNorm(m, bad));
        }
        assertEquals(2.0, GradClip.clipByGlobalNorm(m, 1.0), 0);
        assertEquals(1.0, m.params().get(0).grad.data[0][0], 0);
    }
}
