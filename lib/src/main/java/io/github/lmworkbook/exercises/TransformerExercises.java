package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.LayerNorm;
import io.github.lmworkbook.models.TransformerBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Exercises that ask for a derivation, not a transcription (notebook 05, the transformer): the LayerNorm backward, the
 * multi-head split and merge, and one transformer block's backward from its parts. The interfaces say what goes in
 * and what comes out, not how to compute it; a hint is printed only after a failed attempt ({@link Hint}). A failure
 * names the learner's own output — {@code dx}, {@code dgamma}, {@code out[1]} — and the entry (row, column) that is
 * wrong.
 */
public final class TransformerExercises {
    private TransformerExercises() {}

    /**
     * The backward pass of a LayerNorm, y = γ ⊙ x̂ + β with x̂ each row of x standardised over its n entries (biased
     * variance, ε inside the square root).
     */
    @FunctionalInterface
    public interface LayerNormBackward {
        /**
         * @param dy     ∂L/∂y (N × n)
         * @param xhat   x̂ of the forward pass (N × n)
         * @param rstd   1/√(σ² + ε) of each row (N)
         * @param gamma  γ (n)
         * @param dgamma add ∂L/∂γ into it (n)
         * @param dbeta  add ∂L/∂β into it (n)
         * @return dx = ∂L/∂x (N × n)
         */
        double[][] apply(double[][] dy, double[][] xhat, double[] rstd, double[] gamma, double[] dgamma, double[] dbeta);
    }

    /** Splits x (T × C) into the heads' inputs, out[h] (T × d), d = C / heads, as the library's attention does. */
    @FunctionalInterface
    public interface SplitHeads {
        /**
         * The learner's split.
         *
         * @param x the input (T × C)
         * @param heads the number of heads
         * @return out[h] (T × d) for each head
         */
        double[][][] apply(double[][] x, int heads);
    }

    /** Merges the heads' outputs y[h] (T × d) into one (T × heads·d) matrix, the inverse of the split. */
    @FunctionalInterface
    public interface MergeHeads {
        /**
         * The learner's merge.
         *
         * @param y the heads' outputs y[h] (T × d)
         * @return the merged (T × heads·d)
         */
        double[][] apply(double[][][] y);
    }

    /**
     * The backward pass of one pre-LN transformer block, from its parts (after {@code block.forward}): given ∂L/∂x₂
     * (the block's output), return ∂L/∂x (its input), calling the parts' own {@code backward} methods —
     * {@code block.ln1}, {@code block.attn}, {@code block.ln2}, {@code block.fc}, {@code block.gelu},
     * {@code block.proj} — which add their parameters' gradients.
     */
    @FunctionalInterface
    public interface BlockBackward {
        /**
         * The learner's block backward.
         *
         * @param block the block, after its forward
         * @param dout ∂L/∂x₂ (N × C)
         * @return ∂L/∂x (N × C)
         */
        Matrix apply(TransformerBlock block, Matrix dout);
    }

    // ---- the references -----------------------------------------------------------------------------------------

    /**
     * The library's {@link LayerNorm#backward}, on the forward pass that produced x̂ and r.
     *
     * @param dy ∂L/∂y (N × n)
     * @param xhat x̂ of the forward pass (N × n)
     * @param rstd 1/√(σ² + ε) of each row (N)
     * @param gamma γ (n)
     * @param dgamma ∂L/∂γ (n), added to
     * @param dbeta ∂L/∂β (n), added to
     * @return dx (N × n)
     */
    public static double[][] layerNormBackward(double[][] dy, double[][] xhat, double[] rstd, double[] gamma,
                                               double[] dgamma, double[] dbeta) {
        int N = dy.length, n = gamma.length;
        LayerNorm ln = new LayerNorm("ln", n);
        System.arraycopy(gamma, 0, ln.gamma.value.data[0], 0, n);
        Matrix x = new Matrix(N, n);                     // x̂ / r has the same x̂ and r (the mean does not matter)
        for (int i = 0; i < N; i++) for (int j = 0; j < n; j++) x.data[i][j] = xhat[i][j] / rstd[i];
        ln.forward(x);
        double[][] dx = ln.backward(new Matrix(copy(dy))).copy().data;
        for (int j = 0; j < n; j++) {
            dgamma[j] += ln.gamma.grad.data[0][j];
            dbeta[j] += ln.beta.grad.data[0][j];
        }
        return dx;
    }

    /**
     * Head h gets columns h·d … h·d + d − 1 (the library's layout: heads are column blocks).
     *
     * @param x the input (T × C)
     * @param heads the number of heads
     * @return out[h] (T × d) for each head
     */
    public static double[][][] splitHeads(double[][] x, int heads) {
        int T = x.length, C = x[0].length, d = C / heads;
        double[][][] out = new double[heads][T][d];
        for (int h = 0; h < heads; h++) for (int t = 0; t < T; t++) System.arraycopy(x[t], h * d, out[h][t], 0, d);
        return out;
    }

    /**
     * The heads side by side.
     *
     * @param y the heads' outputs (T × d)
     * @return the merged (T × heads·d)
     */
    public static double[][] mergeHeads(double[][][] y) {
        int heads = y.length, T = y[0].length, d = y[0][0].length;
        double[][] out = new double[T][heads * d];
        for (int h = 0; h < heads; h++) for (int t = 0; t < T; t++) System.arraycopy(y[h][t], 0, out[t], h * d, d);
        return out;
    }

    /**
     * The library's {@link TransformerBlock#backward}.
     *
     * @param block the block, after its forward
     * @param dout ∂L/∂x₂ (N × C)
     * @return ∂L/∂x (N × C)
     */
    public static Matrix blockBackward(TransformerBlock block, Matrix dout) {
        return block.backward(dout);
    }

    // ---- grading ------------------------------------------------------------------------------------------------

    static final String LAYER_NORM_HINT = "x̂_j depends on every x_k of its row three ways — directly, through the "
            + "mean μ and through the variance σ² — so ∂x̂_j/∂x_k has three terms; dγ and dβ are sums over the rows.";
    static final String SPLIT_HINT = "the library keeps each head's d = C/heads columns together (attention's "
            + "\"heads are column blocks\"): which columns of x does head 1 get? And merge(split(x)) must give x back.";
    static final String BLOCK_HINT = "go through the parts in the reverse order of forward; where a value is used "
            + "twice (the residual stream feeds a sub-layer and the addition), its gradient is the sum of both uses.";

    /**
     * Grades the learner's LayerNorm backward (one line, a hint after a failed attempt).
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static LayerNormBackward gradeLayerNormBackward(LayerNormBackward mine) {
        return Hint.grade("layerNormBackward", mine, TransformerExercises::layerNormBackward,
                TransformerExercises::checkLayerNormBackward, LAYER_NORM_HINT);
    }

    /**
     * Grades the learner's split (one line, a hint after a failed attempt).
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static SplitHeads gradeSplitHeads(SplitHeads mine) {
        return Hint.grade("splitHeads", mine, TransformerExercises::splitHeads, TransformerExercises::checkSplitHeads,
                SPLIT_HINT);
    }

    /**
     * Grades the learner's merge (one line, a hint after a failed attempt).
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static MergeHeads gradeMergeHeads(MergeHeads mine) {
        return Hint.grade("mergeHeads", mine, TransformerExercises::mergeHeads, TransformerExercises::checkMergeHeads,
                SPLIT_HINT);
    }

    /**
     * Grades the learner's block backward (one line, a hint after a failed attempt).
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static BlockBackward gradeBlockBackward(BlockBackward mine) {
        return Hint.grade("blockBackward", mine, TransformerExercises::blockBackward,
                TransformerExercises::checkBlockBackward, BLOCK_HINT);
    }

    /**
     * The library's LayerNorm forward on a seeded x (N = 4 rows, n = 6, rows with means and scales of their own) with
     * generic γ and β, L = Σ G ⊙ y for a random G; the learner's dx, dγ, dβ against central differences. The entries
     * are named as the learner's outputs: {@code dx}, {@code dgamma}, {@code dbeta}.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkLayerNormBackward(LayerNormBackward backward) {
        Random rng = new Random(2016);
        int N = 4, n = 6;
        Matrix x0 = Matrix.randn(N, n, 1.0, rng);
        for (int i = 0; i < N; i++) for (int j = 0; j < n; j++) x0.data[i][j] = (i + 1) * x0.data[i][j] + 2 * i - 3;
        Param x = new Param("dx", x0), gamma = new Param("dgamma", Matrix.randn(1, n, 0.5, rng).addRowVector(ones(n))),
                beta = new Param("dbeta", Matrix.randn(1, n, 0.5, rng));
        Matrix G = Matrix.randn(N, n, 1.0, rng);
        LayerNorm ln = new LayerNorm("ln", n);
        return GradientChecker.check(() -> List.of(x, gamma, beta), () -> {
            ln.gamma.value.setFrom(gamma.value);
            ln.beta.value.setFrom(beta.value);
            return MlpExercises.dot(G, ln.forward(x.value));
        }, () -> {
            double[][] xhat = new double[N][n];
            double[] r = new double[N];
            for (int i = 0; i < N; i++) {                           // the forward pass's cache
                double mu = 0, var = 0;
                for (double v : x.value.data[i]) mu += v / n;
                for (double v : x.value.data[i]) var += (v - mu) * (v - mu) / n;
                r[i] = 1 / Math.sqrt(var + LayerNorm.EPS);
                for (int j = 0; j < n; j++) xhat[i][j] = (x.value.data[i][j] - mu) * r[i];
            }
            double[] dg = new double[n], db = new double[n];
            double[][] dx = backward.apply(copy(G.data), xhat, r, gamma.value.data[0].clone(), dg, db);
            requireShape("layerNormBackward's dx", dx, N, n);
            x.grad.addInPlace(new Matrix(dx));
            gamma.grad.addInPlace(Matrix.row(dg));
            beta.grad.addInPlace(Matrix.row(db));
        });
    }

    /**
     * The learner's split of a seeded x (T = 5 positions, C = 12, 3 heads of d = 4: no two sizes equal, so a
     * transpose or a wrong block shows) against the library's layout. Checked as the gradient of the linear function
     * L = Σ_h Σ out[h] ⊙ P_h with respect to P_h, which is out[h] itself: the entries are named {@code out[h]}, the
     * learner's array, with row t and column c.
     *
     * @param split the split checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkSplitHeads(SplitHeads split) {
        Random rng = new Random(1762);
        int T = 5, C = 12, heads = 3, d = C / heads;
        double[][] x = Matrix.randn(T, C, 1.0, rng).data;
        double[][][] expected = splitHeads(x, heads);
        List<Param> P = new ArrayList<>();
        for (int h = 0; h < heads; h++) P.add(new Param("out[" + h + "]", new Matrix(T, d)));
        return GradientChecker.check(() -> P, () -> {
            double L = 0;
            for (int h = 0; h < heads; h++) L += MlpExercises.dot(new Matrix(expected[h]), P.get(h).value);
            return L;
        }, () -> {
            double[][][] out = split.apply(copy(x), heads);
            if (out == null || out.length != heads) {
                throw Hint.wrong("splitHeads returned " + (out == null ? "null" : out.length
                        + " heads") + "; expected " + heads + " heads of (T × d) = (" + T + " × " + d + ")");
            }
            for (int h = 0; h < heads; h++) {
                requireShape("splitHeads' out[" + h + "]", out[h], T, d);
                P.get(h).grad.addInPlace(new Matrix(out[h]));
            }
        });
    }

    /**
     * The learner's merge of seeded heads (3 heads of T = 5 × d = 4) into (5 × 12), as {@link #checkSplitHeads}.
     *
     * @param merge the merge checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkMergeHeads(MergeHeads merge) {
        Random rng = new Random(1763);
        int T = 5, heads = 3, d = 4;
        double[][][] y = new double[heads][][];
        for (int h = 0; h < heads; h++) y[h] = Matrix.randn(T, d, 1.0, rng).data;
        Matrix expected = new Matrix(mergeHeads(y));
        Param P = new Param("out", new Matrix(T, heads * d));
        return GradientChecker.check(() -> List.of(P), () -> MlpExercises.dot(expected, P.value), () -> {
            double[][][] in = new double[heads][][];
            for (int h = 0; h < heads; h++) in[h] = copy(y[h]);
            double[][] out = merge.apply(in);
            requireShape("mergeHeads' out", out, T, heads * d);
            P.grad.addInPlace(new Matrix(out));
        });
    }

    /**
     * One pre-LN block (C = 8, 2 heads, 2 sequences of 4 positions; LayerNorm gains and biases made generic) run
     * forward by the library; the learner's backward from a random ∂L/∂x₂ must give ∂L/∂x (named {@code dx}) and add
     * every parameter's gradient (named as the block's parameters: {@code block.ln1.g} is ln1's γ,
     * {@code block.attn.qkv.W} attention's W_qkv, {@code block.mlp.fc.W} fc's W, …).
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkBlockBackward(BlockBackward backward) {
        Random rng = new Random(2017);
        int C = 8, T = 4, B = 2;
        TransformerBlock block = new TransformerBlock("block", C, 2, T, true, true, rng);
        for (Param p : block.params()) {                           // γ = 1, β = 0 would hide terms
            if (p.name.endsWith(".g")) p.value.setFrom(Matrix.randn(1, C, 0.3, rng).addRowVector(ones(C)));
            if (p.name.contains("ln") && p.name.endsWith(".b")) p.value.setFrom(Matrix.randn(1, C, 0.3, rng));
        }
        Param x = new Param("dx", Matrix.randn(B * T, C, 1.0, rng));
        Matrix G = Matrix.randn(B * T, C, 1.0, rng);
        List<Param> ps = new ArrayList<>(block.params());
        ps.add(x);
        return GradientChecker.check(() -> ps, () -> MlpExercises.dot(G, block.forward(x.value, T)), () -> {
            block.forward(x.value, T);
            Matrix dx = backward.apply(block, G.copy());
            if (dx == null) throw Hint.wrong("blockBackward returned null; expected dx (" + B * T + " × "
                    + C + ")");
            requireShape("blockBackward's dx", dx.data, B * T, C);
            x.grad.addInPlace(dx);
        });
    }

    static Matrix ones(int n) {
        return new Matrix(1, n).fill(1.0);
    }

    static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
        return c;
    }

    /** One line naming what the learner returned when its shape is not (rows × cols). */
    static void requireShape(String what, double[][] a, int rows, int cols) {
        if (a == null) throw Hint.wrong(what + " is null; expected (" + rows + " × " + cols + ")");
        if (a.length != rows) {
            throw Hint.wrong(what + " has " + a.length + " rows; expected (" + rows + " × " + cols + ")");
        }
        for (int i = 0; i < rows; i++) {
            if (a[i] == null || a[i].length != cols) {
                throw Hint.wrong(what + ": row " + i + " has " + (a[i] == null ? "no" : a[i].length)
                        + " entries; expected (" + rows + " × " + cols + ")");
            }
        }
    }
}
