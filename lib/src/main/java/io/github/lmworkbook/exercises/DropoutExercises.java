package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.Dropout;

import java.util.List;
import java.util.Random;

/**
 * Dropout's backward pass, derived from its forward ({@link Dropout}: in training each entry is kept with probability
 * 1 − p, and the layer's output has the input's expected value). The interface says what goes in and what comes
 * out; a hint only after a failed attempt ({@link Hint}); a failure names the learner's {@code dx} and the entry.
 */
public final class DropoutExercises {
    private DropoutExercises() {}

    /** ∂L/∂x of a dropout layer in training, given ∂L/∂y, which entries the mask kept, and the drop probability p. */
    @FunctionalInterface
    public interface DropoutBackward {
        /**
         * The learner's dropout backward.
         *
         * @param dy ∂L/∂y (N × n)
         * @param kept which entries the mask kept (N × n)
         * @param p the drop probability
         * @return ∂L/∂x (N × n)
         */
        double[][] apply(double[][] dy, boolean[][] kept, double p);
    }

    /**
     * What {@link Dropout#backward} computes, dx = dy ⊙ m with m = 1/(1 − p) where kept and 0 elsewhere.
     *
     * @param dy ∂L/∂y (N × n)
     * @param kept which entries the mask kept (N × n)
     * @param p the drop probability
     * @return ∂L/∂x (N × n), a new array
     */
    public static double[][] dropoutBackward(double[][] dy, boolean[][] kept, double p) {
        double[][] dx = new double[dy.length][];
        for (int i = 0; i < dy.length; i++) {
            dx[i] = new double[dy[i].length];
            for (int j = 0; j < dy[i].length; j++) dx[i][j] = kept[i][j] ? dy[i][j] / (1 - p) : 0.0;
        }
        return dx;
    }

    static final String HINT = "write the forward for one entry as y = x·m: what number m multiplies a kept entry, so "
            + "that E[y] = x when an entry is kept with probability 1 − p? Then differentiate y with respect to x.";

    /**
     * Grades the learner's dropout backward (one line, a hint after a failed attempt).
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static DropoutBackward gradeDropoutBackward(DropoutBackward mine) {
        return Hint.grade("dropoutBackward", mine, DropoutExercises::dropoutBackward, DropoutExercises::checkDropoutBackward,
                HINT);
    }

    /**
     * The library's {@link Dropout} (p = 0.3, its mask frozen) on a seeded x (5 × 6), L = Σ G ⊙ y for a random G; the
     * learner's dx against central differences (the entries named {@code dx}).
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkDropoutBackward(DropoutBackward backward) {
        Random rng = new Random(2014);
        double p = 0.3;
        Dropout drop = new Dropout(p, 2014).freeze(true);
        Param x = new Param("dx", Matrix.randn(5, 6, 1.0, rng));
        Matrix G = Matrix.randn(5, 6, 1.0, rng);
        return GradientChecker.check(() -> List.of(x), () -> MlpExercises.dot(G, drop.forward(x.value)), () -> {
            drop.forward(x.value);
            Matrix m = drop.mask();
            boolean[][] kept = new boolean[m.rows][m.cols];
            for (int i = 0; i < m.rows; i++) for (int j = 0; j < m.cols; j++) kept[i][j] = m.data[i][j] != 0;
            double[][] dx = backward.apply(TransformerExercises.copy(G.data), kept, p);
            TransformerExercises.requireShape("dropoutBackward's dx", dx, 5, 6);
            x.grad.addInPlace(new Matrix(dx));
        });
    }
}
