package io.github.lmworkbook.fused;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.Embedding;
import io.github.lmworkbook.layers.Linear;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fused embedding → linear path against the two layers it replaces, over generated vocabularies, widths,
 * batch sizes (ids that repeat), seeds, with and without bias: the same output and the same gradients of C, W and
 * b to 1e-12 relative; and its backward against the {@link GradientChecker}.
 */
class TokenProjectionPropertiesTest {
    static final String SEED = "20261201";

    @Property(tries = 120, seed = SEED)
    void fusedEqualsTheTwoLayers(@ForAll @IntRange(min = 1, max = 6) int V,
                                 @ForAll @IntRange(min = 1, max = 4) int m,
                                 @ForAll @IntRange(min = 1, max = 5) int out,
                                 @ForAll @IntRange(min = 1, max = 8) int N,
                                 @ForAll boolean bias, @ForAll long seed) {
        Random rng = new Random(seed);
        Embedding emb = new Embedding("C", V, m, rng);
        Linear lin = new Linear("lin", m, out, bias, rng);
        TokenProjection fused = new TokenProjection(emb, lin);
        int[] ids = new int[N];
        for (int r = 0; r < N; r++) ids[r] = rng.nextInt(V);
        Matrix dy = Matrix.randn(N, out, 1, rng);

        Matrix y = lin.forward(emb.forward(ids)).copy();
        emb.backward(lin.backward(dy));
        List<Matrix> grads = new ArrayList<>();
        List<Param> ps = new ArrayList<>(emb.params());
        ps.addAll(lin.params());
        for (Param p : ps) {
            grads.add(p.grad.copy());
            p.zeroGrad();
        }
        // garbage in the fused path's accumulator from an earlier call must not leak into this one
        fused.forward(new int[] {0});
        fused.backward(Matrix.randn(1, out, 1, rng));
        for (Param p : ps) p.zeroGrad();

        close(y, fused.forward(ids), "y");
        fused.backward(dy);
        for (int i = 0; i < ps.size(); i++) close(grads.get(i), ps.get(i).grad, ps.get(i).name);
    }

    @Property(tries = 80, seed = SEED)
    void fusedBackwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 5) int V,
                                       @ForAll @IntRange(min = 1, max = 3) int m,
                                       @ForAll @IntRange(min = 1, max = 4) int out,
                                       @ForAll @IntRange(min = 1, max = 6) int N,
                                       @ForAll boolean bias, @ForAll long seed) {
        Random rng = new Random(seed);
        Embedding emb = new Embedding("C", V, m, rng);
        Linear lin = new Linear("lin", m, out, bias, rng);
        TokenProjection fused = new TokenProjection(emb, lin);
        int[] ids = new int[N];
        for (int r = 0; r < N; r++) ids[r] = rng.nextInt(V);
        Matrix dy = Matrix.randn(N, out, 1, rng);
        List<Param> ps = new ArrayList<>(emb.params());
        ps.addAll(lin.params());
        GradientChecker.check(() -> ps, () -> dot(dy, fused.forward(ids)), () -> {
            fused.forward(ids);
            fused.backward(dy);
        }).assertPassed();
        var e = assertThrows(IllegalArgumentException.class, () -> fused.forward(new int[] {V}));
        assertEquals("TokenProjection: token id " + V + " outside [0, " + V + ")", e.getMessage());
    }

    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    static void close(Matrix expected, Matrix actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.rows; i++) {
            for (int j = 0; j < expected.cols; j++) {
                double e = expected.data[i][j];
                assertEquals(e, actual.data[i][j], 1e-12 * (1 + Math.abs(e)), what + " at (" + i + ", " + j + ")");
            }
        }
    }
}
