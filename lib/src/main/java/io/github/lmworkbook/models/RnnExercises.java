package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;

import java.util.List;
import java.util.Random;

/**
 * The checked exercises of the RNN notebook. Each takes the learner's function and runs the gradient checker on a
 * small seeded problem; a body that still throws {@link UnsupportedOperationException} ("not implemented yet")
 * gives a report with status NOT_IMPLEMENTED and the notebook goes on with the library's reference.
 */
public final class RnnExercises {
    private RnnExercises() {}

    /** The signature of {@link Rnn#stepBackward}: (dh, x, hPrev, h, W_xh, W_hh) → (dx, dhPrev, dW_xh, dW_hh, db). */
    @FunctionalInterface
    public interface StepBackward {
        Rnn.StepGrads apply(Matrix dh, Matrix x, Matrix hPrev, Matrix h, Matrix Wxh, Matrix Whh);
    }

    /** Clipping by global norm: rescale every gradient of the model so that their joint norm is at most threshold. */
    @FunctionalInterface
    public interface Clip {
        void apply(Model model, double threshold);
    }

    /**
     * Checks a step backward against central differences of L = Σ dh ⊙ stepForward(x, hPrev, W_xh, W_hh, b) with
     * respect to x, hPrev, W_xh, W_hh and b (B = 3, m = 4, H = 5, seeded).
     */
    public static GradCheckReport checkStepBackward(StepBackward backward) {
        Random rng = new Random(2013);
        int B = 3, m = 4, H = 5;
        Param x = new Param("x", Matrix.randn(B, m, 1.0, rng));          // (B × m)
        Param hPrev = new Param("hPrev", Matrix.randn(B, H, 0.5, rng));  // (B × H)
        Param Wxh = new Param("Wxh", Matrix.randn(m, H, 0.5, rng));      // (m × H)
        Param Whh = new Param("Whh", Matrix.randn(H, H, 0.5, rng));      // (H × H)
        Param b = new Param("b", Matrix.randn(1, H, 0.1, rng));          // (1 × H)
        Matrix dh = Matrix.randn(B, H, 1.0, rng);                        // (B × H) the upstream gradient
        List<Param> ps = List.of(x, hPrev, Wxh, Whh, b);
        return GradientChecker.check(() -> ps, () -> {
            Matrix h = Rnn.stepForward(x.value, hPrev.value, Wxh.value, Whh.value, b.value);
            h.mulInPlace(dh);
            return h.sum();
        }, () -> {
            Matrix h = Rnn.stepForward(x.value, hPrev.value, Wxh.value, Whh.value, b.value);
            Rnn.StepGrads g = backward.apply(dh, x.value, hPrev.value, h, Wxh.value, Whh.value);
            x.grad.addInPlace(g.dx());
            hPrev.grad.addInPlace(g.dhPrev());
            Wxh.grad.addInPlace(g.dWxh());
            Whh.grad.addInPlace(g.dWhh());
            b.grad.addInPlace(g.db());
        });
    }

    /**
     * Checks clipping by global norm with the gradient checker. Clipping multiplies every gradient by one number,
     * s = min(1, τ/‖g‖), computed at the current parameters, so the clipped gradient is the gradient of s·L: the
     * checker compares the learner's clipped gradients with central differences of s·L. It does so twice on a
     * small RNN whose gradient norm is ‖g‖: with τ = 10‖g‖ (nothing may change) and with τ = ‖g‖/10 (clipping
     * active); the report of the first case that fails is returned, otherwise the active one's.
     */
    public static GradCheckReport checkClipping(Clip clip) {
        Rnn rnn = new Rnn(6, 3, 4, true, new Random(1997));
        rnn.Whh.value.scaleInPlace(3.0);
        Batch batch = new Batch(new int[][] {{0, 1, 2, 3, 4}, {0, 5, 4, 3, 2}}, new int[][] {{1, 2, 3, 4, 0}, {5, 4, 3, 2, 0}});
        rnn.zeroGrad();
        rnn.lossAndGrad(batch);
        double norm = 0;
        for (Param p : rnn.params()) norm += p.grad.sumOfSquares();
        norm = Math.sqrt(norm);
        GradCheckReport r = null;
        for (double tau : new double[] {10 * norm, norm / 10}) {
            double s = Math.min(1.0, tau / norm);
            r = GradientChecker.check(rnn, () -> s * rnn.loss(batch), () -> {
                rnn.lossAndGrad(batch);
                clip.apply(rnn, tau);
            });
            if (!r.passed()) return r;
        }
        return r;
    }
}
