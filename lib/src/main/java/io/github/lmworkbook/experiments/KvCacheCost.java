package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Transformer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * What a key–value cache saves in generation, measured: the CPU time of generating the token at position T (a context
 * of T tokens), without a cache ({@link Transformer#generator}: the whole context goes through the model again, O(T)
 * rows per token, and attention O(T²)) and with one ({@link Transformer#cachedGenerator}: one row per token, attention
 * over the T cached keys). A timing, so for a notebook's demonstration on one machine, never a claim (the times vary
 * with the machine and its load; the shape — flat against linear — does not).
 */
public final class KvCacheCost {
    private KvCacheCost() {}

    /**
     * CPU microseconds per generated token at each context length.
     *
     * @param T        the context lengths (≤ the block size)
     * @param uncached µs per token without a cache (the median of the repetitions)
     * @param cached   µs per token with the cache
     */
    public record Cost(int[] T, double[] uncached, double[] cached) {
        /**
         * uncached / cached at each T.
         *
         * @return the speed-up at each T
         */
        public double[] speedup() {
            double[] s = new double[T.length];
            for (int i = 0; i < s.length; i++) s[i] = uncached[i] / cached[i];
            return s;
        }

        /**
         * The costs as a table: T, without cache, with cache, ratio (CPU µs per token).
         *
         * @return the table
         */
        public Table table() {
            double[] sp = speedup();
            return Table.create("CPU µs per generated token",
                    IntColumn.create("context T", T), DoubleColumn.create("no cache", round(uncached)),
                    DoubleColumn.create("KV cache", round(cached)), DoubleColumn.create("ratio", round(sp)));
        }

        private static double[] round(double[] v) {
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) r[i] = Math.round(v[i] * 10) / 10.0;
            return r;
        }
    }

    /**
     * For each T: a stream is filled with T − 1 random tokens (not timed), then the T-th is timed; the median over
     * {@code reps} repetitions (after one warm-up round over every T).
     *
     * @param m the transformer
     * @param Ts the context lengths
     * @param reps the repetitions at each T
     * @param seed the seed of the tokens
     * @return the costs
     */
    public static Cost measure(Transformer m, int[] Ts, int reps, long seed) {
        if (reps < 1) throw new IllegalArgumentException("KV cache cost: reps " + reps + " must be ≥ 1");
        for (int T : Ts) {
            if (T < 1 || T > m.blockSize) {
                throw new IllegalArgumentException("KV cache cost: T = " + T + " outside 1 … " + m.blockSize
                        + " (the block size)");
            }
        }
        LanguageModel.Generator plain = m.generator(1), cached = m.cachedGenerator(1);
        Random rng = new Random(seed);
        int[] tokens = new int[m.blockSize];
        for (int i = 0; i < tokens.length; i++) tokens[i] = rng.nextInt(m.V);
        Matrix logits = new Matrix(1, m.V);
        for (int T : Ts) {                                             // warm-up: the JIT compiles both paths
            time(plain, tokens, T, logits);
            time(cached, tokens, T, logits);
        }
        double[] u = new double[Ts.length], c = new double[Ts.length];
        for (int i = 0; i < Ts.length; i++) {
            double[] a = new double[reps], b = new double[reps];
            for (int r = 0; r < reps; r++) {
                a[r] = time(plain, tokens, Ts[i], logits);
                b[r] = time(cached, tokens, Ts[i], logits);
            }
            u[i] = median(a);
            c[i] = median(b);
        }
        return new Cost(Ts.clone(), u, c);
    }

    /** µs of CPU for the T-th token, after T − 1 untimed ones. */
    private static double time(LanguageModel.Generator g, int[] tokens, int T, Matrix logits) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int[] one = new int[1];
        g.reset();
        for (int t = 0; t < T - 1; t++) {
            one[0] = tokens[t];
            g.next(one, logits);
        }
        one[0] = tokens[T - 1];
        long t0 = mx.getCurrentThreadCpuTime();
        g.next(one, logits);
        return (mx.getCurrentThreadCpuTime() - t0) / 1e3;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }
}
