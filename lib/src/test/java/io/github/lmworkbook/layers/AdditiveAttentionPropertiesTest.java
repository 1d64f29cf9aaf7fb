package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the encoder–decoder attention over generated shapes (query, state and score sizes), ragged sources,
 * numbers of steps, scales (saturated scores and not) and both scores (jqwik; fixed seed and number of tries, as in
 * {@link LayerPropertiesTest}): the backward pass against the gradient checker (every parameter, the memory, every
 * query); the weights of every step are a distribution over the sequence's own positions and the context lies in the
 * convex hull of its states; the backward pass is linear in the upstream gradient.
 */
class AdditiveAttentionPropertiesTest {
    static final String SEED = LayerPropertiesTest.SEED;

    private static int[] lengths(Random rng, int B, int maxLength) {
        int[] lengths = new int[B];
        for (int b = 0; b < B; b++) lengths[b] = 1 + rng.nextInt(maxLength);
        return lengths;
    }

    @Property(tries = 60, seed = SEED)
    void backwardPassesTheChecker(@ForAll @IntRange(min = 1, max = 3) int B,
                                  @ForAll @IntRange(min = 1, max = 5) int maxLength,
                                  @ForAll @IntRange(min = 1, max = 4) int Q, @ForAll @IntRange(min = 1, max = 4) int H,
                                  @ForAll @IntRange(min = 1, max = 4) int A, @ForAll @IntRange(min = 1, max = 3) int T,
                                  @ForAll boolean dot, @ForAll long seed,
                                  @ForAll @DoubleRange(min = 0.1, max = 3) double scale) {
        Random rng = new Random(seed);
        int[] lengths = lengths(rng, B, maxLength);
        int N = java.util.Arrays.stream(lengths).sum(), q = dot ? H : Q;
        AdditiveAttention att = new AdditiveAttention("att", dot ? AdditiveAttention.Score.DOT
                : AdditiveAttention.Score.ADDITIVE, q, H, A, rng);
        Param h = new Param("h", Matrix.randn(N, H, scale, rng));
        AdditiveAttentionTest.check(att, h, lengths, AdditiveAttentionTest.queries(T, B, q, scale, rng),
                AdditiveAttentionTest.upstream(T, B, H, rng)).assertPassed();
    }

    @Property(tries = 100, seed = SEED)
    void theWeightsAreADistributionAndTheContextAMixture(@ForAll @IntRange(min = 1, max = 4) int B,
                                                         @ForAll @IntRange(min = 1, max = 9) int maxLength,
                                                         @ForAll @IntRange(min = 1, max = 6) int H,
                                                         @ForAll @IntRange(min = 1, max = 6) int A,
                                                         @ForAll boolean dot, @ForAll long seed,
                                                         @ForAll @DoubleRange(min = 0.1, max = 5) double scale) {
        Random rng = new Random(seed);
        int[] lengths = lengths(rng, B, maxLength);
        int N = java.util.Arrays.stream(lengths).sum();
        AdditiveAttention att = new AdditiveAttention("att", dot ? AdditiveAttention.Score.DOT
                : AdditiveAttention.Score.ADDITIVE, H, H, A, rng);
        Matrix h = Matrix.randn(N, H, scale, rng);
        att.memory(h, lengths);
        for (int t = 1; t <= 2; t++) {
            Matrix c = att.forward(t, Matrix.randn(B, H, scale, rng));
            for (int b = 0, off = 0; b < B; off += lengths[b], b++) {
                double[] alpha = att.weights(t, b);
                assertEquals(lengths[b], alpha.length);
                double sum = 0;
                for (double a : alpha) {
                    assertTrue(a >= 0 && a <= 1, "α " + a);
                    sum += a;
                }
                assertEquals(1.0, sum, 1e-12);
                for (int j = 0; j < H; j++) {
                    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                    for (int s = 0; s < lengths[b]; s++) {
                        lo = Math.min(lo, h.data[off + s][j]);
                        hi = Math.max(hi, h.data[off + s][j]);
                    }
                    double cj = c.data[b][j], slack = 1e-12 * (1 + Math.abs(cj));
                    assertTrue(cj >= lo - slack && cj <= hi + slack, "c_" + j + " = " + cj + " outside [" + lo
                            + ", " + hi + "]");
                }
            }
        }
    }

    /** backward(a·g + g′) = a·backward(g) + backward(g′): for the query's gradient and the memory's. */
    @Property(tries = 60, seed = SEED)
    void backwardIsLinearInTheUpstreamGradient(@ForAll @IntRange(min = 1, max = 3) int B,
                                               @ForAll @IntRange(min = 1, max = 6) int maxLength,
                                               @ForAll @IntRange(min = 1, max = 5) int H, @ForAll boolean dot,
                                               @ForAll long seed, @ForAll @DoubleRange(min = -2, max = 2) double a) {
        Random rng = new Random(seed);
        int[] lengths = lengths(rng, B, maxLength);
        int N = java.util.Arrays.stream(lengths).sum();
        AdditiveAttention att = new AdditiveAttention("att", dot ? AdditiveAttention.Score.DOT
                : AdditiveAttention.Score.ADDITIVE, H, H, 3, rng);
        Matrix h = Matrix.randn(N, H, 1.0, rng), s = Matrix.randn(B, H, 1.0, rng);
        Matrix g = Matrix.randn(B, H, 1.0, rng), g2 = Matrix.randn(B, H, 1.0, rng);
        Matrix mix = g.copy().scaleInPlace(a).addInPlace(g2);
        List<Matrix> one = run(att, h, lengths, s, g), two = run(att, h, lengths, s, g2), both = run(att, h, lengths, s, mix);
        for (int k = 0; k < 2; k++) {
            Matrix expected = one.get(k).copy().scaleInPlace(a).addInPlace(two.get(k));
            for (int i = 0; i < expected.rows; i++) {
                for (int j = 0; j < expected.cols; j++) {
                    assertEquals(expected.data[i][j], both.get(k).data[i][j], 1e-12 * (1 + Math.abs(expected.data[i][j])));
                }
            }
        }
    }

    /** {∂L/∂s, ∂L/∂h} of one step with upstream gradient g (copies). */
    private static List<Matrix> run(AdditiveAttention att, Matrix h, int[] lengths, Matrix s, Matrix g) {
        att.memory(h, lengths);
        att.forward(1, s);
        Matrix ds = att.backward(1, g).copy();
        return List.of(ds, att.memoryBackward().copy());
    }
}
