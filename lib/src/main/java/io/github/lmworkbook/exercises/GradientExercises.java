package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.layers.Tanh;

import java.util.Random;

/**
 * The exercises of notebook 00 (how we know a gradient is right): two backward passes on plain arrays, each
 * checked against central differences of the library's forward pass. Grade them with {@link Exercise#grade}.
 */
public final class GradientExercises {
    private GradientExercises() {}

    /** dz = dh ⊙ (1 − h²), given the cached h = tanh(z).   dh, h, dz (B × n) */
    @FunctionalInterface
    public interface TanhBackward {
        /**
         * The learner's tanh backward.
         *
         * @param dh ∂L/∂h (B × n)
         * @param h the cached h = tanh(z) (B × n)
         * @return dz = ∂L/∂z (B × n)
         */
        double[][] apply(double[][] dh, double[][] h);
    }

    /** dz = (p − onehot(y)) / N, given the cached p = softmax(z).   p, dz (N × V); y (N) */
    @FunctionalInterface
    public interface SoftmaxCrossEntropyBackward {
        /**
         * The learner's softmax cross-entropy backward.
         *
         * @param p the cached probabilities (N × V)
         * @param y the targets (N)
         * @return dz = ∂L/∂z (N × V)
         */
        double[][] apply(double[][] p, int[] y);
    }

    /**
     * The library's tanh backward ({@link Tanh#backward(Matrix, Matrix, Matrix)}), on arrays.
     *
     * @param dh ∂L/∂h (B × n)
     * @param h the cached h = tanh(z) (B × n)
     * @return dz (B × n), a new array
     */
    public static double[][] tanhBackward(double[][] dh, double[][] h) {
        Matrix H = new Matrix(h);
        return Tanh.backward(H, new Matrix(dh), new Matrix(h.length, H.cols)).data;
    }

    /**
     * The library's softmax cross-entropy backward ({@link SoftmaxCrossEntropy#backward()}), on arrays.
     *
     * @param p the cached probabilities (N × V)
     * @param y the targets (N)
     * @return dz (N × V), a new array
     */
    public static double[][] softmaxCrossEntropyBackward(double[][] p, int[] y) {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        Matrix logp = new Matrix(p.length, p[0].length);      // log p: its softmax is p again
        for (int i = 0; i < p.length; i++) for (int j = 0; j < p[i].length; j++) logp.data[i][j] = Math.log(p[i][j]);
        ce.forward(logp, y);
        return ce.backward().copy().data;
    }

    /**
     * Grades the learner's tanh backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static TanhBackward gradeTanh(TanhBackward mine) {
        return Exercise.grade("tanhBackward", mine, GradientExercises::tanhBackward, GradientExercises::checkTanh,
                Exercises.result("dz"));
    }

    /**
     * Grades the learner's softmax cross-entropy backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static SoftmaxCrossEntropyBackward gradeSoftmaxCrossEntropy(SoftmaxCrossEntropyBackward mine) {
        return Exercise.grade("softmaxCrossEntropyBackward", mine, GradientExercises::softmaxCrossEntropyBackward,
                GradientExercises::checkSoftmaxCrossEntropy, Exercises.result("dz"));
    }

    /**
     * L = Σ dh ⊙ tanh(z) on a seeded z (3 × 4) and dh: ∂L/∂z must equal backward(dh, tanh(z)).
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkTanh(TanhBackward backward) {
        double[][] z = Matrix.randn(3, 4, 1.0, new Random(11)).data;     // z (B × n)
        double[][] dh = Matrix.randn(3, 4, 1.0, new Random(12)).data;    // dh = ∂L/∂h (B × n)
        return GradientChecker.checkBackward(GradientExercises::tanh, (zz, d) -> backward.apply(d, tanh(zz)), z, dh);
    }

    /**
     * The mean cross-entropy of seeded logits z (4 × 5) and targets: ∂L/∂z must equal backward(p, y).
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkSoftmaxCrossEntropy(SoftmaxCrossEntropyBackward backward) {
        double[][] z = Matrix.randn(4, 5, 1.0, new Random(7)).data;     // z (N × V)
        int[] y = {1, 0, 4, 2};                                          // y (N)
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        return GradientChecker.check(zz -> ce.forward(new Matrix(zz), y), zz -> {
            ce.forward(new Matrix(zz), y);
            return backward.apply(ce.probs().copy().data, y);
        }, z);
    }

    private static double[][] tanh(double[][] z) {
        return Tanh.forward(new Matrix(z), new Matrix(z.length, z[0].length)).data;
    }
}
