package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.Tanh;

import java.util.List;
import java.util.Random;

/**
 * The exercises of notebook 01 (the MLP): the embedding's backward (a scatter-add) and the hidden layer's backward
 * (tanh, then the affine layer). Each is checked on a seeded problem against central differences of the library's
 * forward pass, with a random upstream gradient: L = Σ dout ⊙ out, so that ∂L/∂out = dout.
 */
public final class MlpExercises {
    private MlpExercises() {}

    /** dC[ids[r][k]] += dx[r][k·m … k·m+m−1] for every row r and window slot k.   ids (N × n), dx (N × n·m), dC (V × m) */
    @FunctionalInterface
    public interface EmbeddingBackward {
        /**
         * The learner's embedding backward.
         *
         * @param ids the token ids (N × n)
         * @param dx ∂L/∂x (N × n·m)
         * @param dC ∂L/∂C (V × m), added to
         */
        void apply(int[][] ids, Matrix dx, Matrix dC);
    }

    /**
     * The hidden layer a = tanh(x·H + d), backward: dz = da ⊙ (1 − a²); dH += xᵀ·dz; dd += Σ_rows dz; returns
     * dx = dz·Hᵀ.   x (N × n·m), a (N × h), H (n·m × h), da (N × h), dH (n·m × h), dd (1 × h)
     */
    @FunctionalInterface
    public interface HiddenBackward {
        /**
         * The learner's hidden-layer backward.
         *
         * @param x the input (N × n·m)
         * @param a the activations tanh(x·H + d) (N × h)
         * @param H the weights (n·m × h)
         * @param da ∂L/∂a (N × h)
         * @param dH ∂L/∂H (n·m × h), added to
         * @param dd ∂L/∂d (1 × h), added to
         * @return dx = ∂L/∂x (N × n·m)
         */
        Matrix apply(Matrix x, Matrix a, Matrix H, Matrix da, Matrix dH, Matrix dd);
    }

    /**
     * The library's: {@link Embedding#backward} on a table of dC's shape.
     *
     * @param ids the token ids (N × n)
     * @param dx ∂L/∂x (N × n·m)
     * @param dC ∂L/∂C (V × m), added to
     */
    public static void embeddingBackward(int[][] ids, Matrix dx, Matrix dC) {
        Embedding e = new Embedding("C", dC.rows, dC.cols, new Random(0));
        e.forward(ids, ids.length);
        e.backward(dx);
        dC.addInPlace(e.C.grad);
    }

    /**
     * The library's: {@link Tanh#backward} then {@link Linear#backward}, on the given matrices.
     *
     * @param x the input (N × n·m)
     * @param a the activations (N × h)
     * @param H the weights (n·m × h)
     * @param da ∂L/∂a (N × h)
     * @param dH ∂L/∂H (n·m × h), added to
     * @param dd ∂L/∂d (1 × h), added to
     * @return dx (N × n·m)
     */
    public static Matrix hiddenBackward(Matrix x, Matrix a, Matrix H, Matrix da, Matrix dH, Matrix dd) {
        Linear layer = new Linear("H", "d", H.rows, H.cols, 0.0, new Random(0));
        layer.W.value.setFrom(H);
        layer.forward(x);
        Matrix dz = Tanh.backward(a, da, new Matrix(a.rows, a.cols));     // dz = da ⊙ (1 − a²)
        Matrix dx = layer.backward(dz).copy();                           // dH, dd; dx = dz·Hᵀ
        dH.addInPlace(layer.W.grad);
        dd.addInPlace(layer.b.grad);
        return dx;
    }

    /**
     * Grades the learner's embedding backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static EmbeddingBackward gradeEmbedding(EmbeddingBackward mine) {
        return Exercise.grade("embeddingBackward", mine, MlpExercises::embeddingBackward, MlpExercises::checkEmbedding,
                Exercises.renamed(java.util.Map.of("C", "dC")));
    }

    /**
     * Grades the learner's hidden-layer backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static HiddenBackward gradeHidden(HiddenBackward mine) {
        return Exercise.grade("hiddenBackward", mine, MlpExercises::hiddenBackward, MlpExercises::checkHidden,
                Exercises.renamed(java.util.Map.of("H", "dH", "d", "dd", "x", "the dx you return")));
    }

    /**
     * Checks the embedding backward: V = 6 tokens, m = 3, windows of n = 4 over N = 5 rows (seeded).
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkEmbedding(EmbeddingBackward backward) {
        Random rng = new Random(2003);
        int V = 6, m = 3, n = 4, N = 5;
        Embedding emb = new Embedding("C", V, m, rng);
        int[][] ids = new int[N][n];
        for (int[] row : ids) for (int k = 0; k < n; k++) row[k] = rng.nextInt(V);
        ids[1][2] = ids[1][0];                                           // a token twice in one window
        Matrix dout = Matrix.randn(N, n * m, 1.0, rng);                  // ∂L/∂x (N × n·m)
        Model model = () -> List.of(emb.C);
        return GradientChecker.check(model, () -> dot(dout, emb.forward(ids, N)),
                () -> backward.apply(ids, dout.copy(), emb.C.grad));
    }

    /**
     * Checks the hidden layer's backward: N = 4 rows, 6 inputs, 5 hidden units (seeded), and dx through a Param.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkHidden(HiddenBackward backward) {
        Random rng = new Random(2004);
        Linear layer = new Linear("H", "d", 6, 5, 0.5, rng);
        Param x = new Param("x", Matrix.randn(4, 6, 1.0, rng));           // the input, checked too (N × 6)
        Matrix dout = Matrix.randn(4, 5, 1.0, rng);                       // ∂L/∂a (N × h)
        Model model = () -> List.of(layer.W, layer.b, x);
        return GradientChecker.check(model, () -> dot(dout, Tanh.forward(layer.forward(x.value), new Matrix(4, 5))),
                () -> {
                    Matrix a = Tanh.forward(layer.forward(x.value), new Matrix(4, 5));
                    Matrix dx = backward.apply(x.value, a, layer.W.value, dout.copy(), layer.W.grad, layer.b.grad);
                    x.grad.addInPlace(dx);
                });
    }

    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }
}
