package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.layers.Softmax;

import java.util.List;
import java.util.Random;

/**
 * The exercises of notebook 05 (attention): the softmax's backward pass as a vector–Jacobian product, and the
 * backward pass of one attention head over one sequence. Each has the signature of the library's method, and its
 * check runs the library's forward pass with the learner's backward and compares with central differences.
 */
public final class AttentionExercises {
    private AttentionExercises() {}

    /** {@link Softmax#rowBackward}: dz[0 … n) = the softmax's vector–Jacobian product of dp at p = softmax(z). */
    @FunctionalInterface
    public interface SoftmaxBackward {
        /**
         * The learner's softmax backward, with {@link Softmax#rowBackward}'s parameters.
         *
         * @param p the probabilities p = softmax(z), p[0 … n)
         * @param dp ∂L/∂p
         * @param dz written: ∂L/∂z
         * @param n the number of entries
         */
        void apply(double[] p, double[] dp, double[] dz, int n);
    }

    /** {@link CausalSelfAttention#headBackward}: adds ∂L/∂q, ∂L/∂k, ∂L/∂v of one head over one sequence. */
    @FunctionalInterface
    public interface HeadBackward {
        /**
         * The learner's head backward, with {@link CausalSelfAttention#headBackward}'s parameters.
         *
         * @param q the queries of the head (≥ L × d)
         * @param k the keys (≥ L × d)
         * @param v the values (≥ L × d)
         * @param a the forward's weights, a[i][0 … i]
         * @param dy ∂L/∂y_i (≥ L × d)
         * @param L the number of positions
         * @param scale the factor of the scores, 1/√d
         * @param da scratch (≥ L)
         * @param dq added to: ∂L/∂q
         * @param dk added to: ∂L/∂k
         * @param dv added to: ∂L/∂v
         */
        void apply(double[][] q, double[][] k, double[][] v, double[][] a, double[][] dy, int L, double scale,
                   double[] da, double[][] dq, double[][] dk, double[][] dv);
    }

    /**
     * Grades the learner's softmax backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static SoftmaxBackward gradeSoftmaxBackward(SoftmaxBackward mine) {
        return Exercise.grade("softmaxBackward", mine, Softmax::rowBackward, AttentionExercises::checkSoftmaxBackward,
                (p, r, c) -> r < 0 ? "dz" : "dz[" + c + "] of row " + r);
    }

    /**
     * Grades the learner's head backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static HeadBackward gradeHeadBackward(HeadBackward mine) {
        return Exercise.grade("headBackward", mine, CausalSelfAttention::headBackward,
                AttentionExercises::checkHeadBackward, Exercises.renamed(java.util.Map.of("q", "dq", "k", "dk", "v", "dv")));
    }

    /**
     * L = Σ G ⊙ softmax(z) row by row, for a seeded (5 × 7) z ~ N(0, 1.5²) (some rows far from uniform) and a
     * random upstream gradient G; the learner's backward turns G into ∂L/∂z, compared with central differences.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkSoftmaxBackward(SoftmaxBackward backward) {
        Random rng = new Random(2017);
        Matrix z = Matrix.randn(5, 7, 1.5, rng), G = Matrix.randn(5, 7, 1.0, rng);
        return GradientChecker.checkBackward(AttentionExercises::softmaxRows, (x, dout) -> {
            double[][] p = softmaxRows(x), dz = new double[x.length][x[0].length];
            for (int i = 0; i < x.length; i++) backward.apply(p[i], dout[i].clone(), dz[i], x[i].length);
            return dz;
        }, z.data, G.data);
    }

    /**
     * One head over one sequence of L = 6 positions, d = 4 (random q, k, v, scale 1/√d): L = Σ G ⊙ y with the
     * library's {@link CausalSelfAttention#headForward} and a random G; the learner's backward, given dy = G and the
     * forward pass's weights, must add ∂L/∂q, ∂L/∂k, ∂L/∂v into dq, dk, dv (which arrive zeroed); all three are
     * compared with central differences.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkHeadBackward(HeadBackward backward) {
        Random rng = new Random(1706);
        int L = 6, d = 4;
        double scale = 1 / Math.sqrt(d);
        Param q = new Param("q", Matrix.randn(L, d, 1.0, rng)), k = new Param("k", Matrix.randn(L, d, 1.0, rng)),
                v = new Param("v", Matrix.randn(L, d, 1.0, rng));
        Matrix G = Matrix.randn(L, d, 1.0, rng);
        double[][] a = new double[L][L], y = new double[L][d];
        return GradientChecker.check(() -> List.of(q, k, v), () -> {
            CausalSelfAttention.headForward(q.value.data, k.value.data, v.value.data, L, scale, a, y);
            return MlpExercises.dot(G, new Matrix(y));
        }, () -> {
            CausalSelfAttention.headForward(q.value.data, k.value.data, v.value.data, L, scale, a, y);
            double[][] dq = new double[L][d], dk = new double[L][d], dv = new double[L][d];
            backward.apply(q.value.data, k.value.data, v.value.data, copy(a), copy(G.data), L, scale, new double[L],
                    dq, dk, dv);
            q.grad.addInPlace(new Matrix(dq));
            k.grad.addInPlace(new Matrix(dk));
            v.grad.addInPlace(new Matrix(dv));
        });
    }

    private static double[][] softmaxRows(double[][] z) {
        double[][] p = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            p[i] = new double[z[i].length];
            Softmax.row(z[i], p[i], z[i].length);
        }
        return p;
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
