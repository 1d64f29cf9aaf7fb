package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;

import java.util.List;

/**
 * Gradient clipping by global norm (Pascanu, Mikolov &amp; Bengio 2013, Algorithm 1). With ĝ the gradients of all
 * parameters seen as one vector:
 * <pre>
 *   if ‖ĝ‖ &gt; threshold:   ĝ ← (threshold / ‖ĝ‖) · ĝ
 * </pre>
 * The direction is kept; only the length is capped. (PyTorch's {@code clip_grad_norm_} divides by ‖ĝ‖ + 1e-6;
 * here the norm after clipping is exactly the threshold.)
 */
public final class GradClip {
    private GradClip() {}

    /**
     * ‖ĝ‖ = √(Σ_params Σ g²), the global gradient norm.
     *
     * @param model the model whose parameters' gradients {@code grad} are measured
     * @return ‖ĝ‖, the Euclidean norm of all the gradients taken as one vector
     */
    public static double globalNorm(Model model) {
        List<Param> params = model.params();
        double s = 0;
        for (int k = 0; k < params.size(); k++) s += params.get(k).grad.sumOfSquares();
        return Math.sqrt(s);
    }

    /**
     * Rescales the gradients so that their global norm is at most threshold.
     *
     * @param model the model whose gradients are rescaled in place
     * @param threshold the largest global norm allowed (&gt; 0); gradients with a smaller norm are left as they are
     * @return the norm before clipping (report this: it shows how often and how hard clipping acts)
     */
    public static double clipByGlobalNorm(Model model, double threshold) {
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("clipping threshold " + threshold + " must be finite and > 0");
        }
        double norm = globalNorm(model);
        if (norm > threshold && Double.isFinite(norm)) {
            double scale = threshold / norm;
            List<Param> params = model.params();
            for (int k = 0; k < params.size(); k++) params.get(k).grad.scaleInPlace(scale);
        }
        return norm;
    }
}
