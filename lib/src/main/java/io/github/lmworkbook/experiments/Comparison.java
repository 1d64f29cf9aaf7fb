package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.Softmax;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;

import java.util.List;

/**
 * The two pieces of a comparison of the contenders at matched parameter counts (notebook 06's evidence,
 * {@code evidence.CompareEvidence}): sizing a {@link Contender} to a parameter count, and ‖∂L/∂x_t‖ by distance for
 * any of the workbook's language models (the MLP's exactly, zero beyond its window; a recurrent model's and the
 * transformer's through {@link InputGradients}).
 */
public final class Comparison {
    private Comparison() {}

    /** A contender sized for a corpus: its width and parameter count. */
    public record Sized(Contender contender, int width, long params) {
        /**
         * The contender's sizes at this width, e.g. "n = 8, m = 16, h = 70".
         *
         * @return the sizes
         */
        public String sizes() {
            return contender.sizes(width);
        }
    }

    /**
     * The width whose parameter count is closest to target (the widths are searched from minWidth up).
     *
     * @param c the contender
     * @param V the vocabulary size
     * @param block the longest sequence
     * @param target the parameter count to match
     * @return the width and its parameter count
     */
    public static Sized match(Contender c, int V, int block, long target) {
        int best = c.minWidth();
        long bestDiff = Long.MAX_VALUE;
        for (int w = c.minWidth(); w <= 4096; w += c.widthStep()) {
            long p = c.numParams(V, block, w);
            long diff = Math.abs(p - target);
            if (diff < bestDiff) {
                best = w;
                bestDiff = diff;
            }
            if (p > target) break;
        }
        return new Sized(c, best, c.numParams(V, block, best));
    }

    /**
     * The mean over the sequences of ‖∂L/∂x_t‖ by distance k = T − 1 − t, L the loss at the last position.
     *
     * @param m the model
     * @param xs the input sequences, all of one length T
     * @param ys their targets (only the last position's counts)
     * @return the mean norm at each distance k = 0 … T − 1
     */
    public static double[] inputGradients(LanguageModel m, List<int[]> xs, List<int[]> ys) {
        if (m instanceof Mlp mlp) return mlpInputGradients(mlp, xs, ys);
        if (m instanceof RecurrentLM r) return InputGradients.recurrent(r, xs, ys);
        if (m instanceof Transformer t) return InputGradients.transformer(t, xs, ys);
        throw new IllegalArgumentException("comparison: no input-gradient measurement for " + m);
    }

    /**
     * For the MLP: the window of the last position holds x_{T−1−k} at block k of its input, so ∂L/∂x_{T−1−k} is
     * block k of the hidden layer's dx for k &lt; n, and exactly 0 beyond the window.
     */
    static double[] mlpInputGradients(Mlp m, List<int[]> xs, List<int[]> ys) {
        int T = xs.get(0).length, n = m.n, mm = m.m;
        double[] mean = new double[T];
        int[][] window = new int[1][n];
        Matrix dy = new Matrix(1, m.V);
        for (int s = 0; s < xs.size(); s++) {
            int[] x = xs.get(s);
            for (int k = 0; k < n; k++) window[0][k] = T - 1 - k >= 0 ? x[T - 1 - k] : m.BLANK;
            m.zeroGrad();
            Matrix e = m.embedding.forward(window, 1);                        // (1 × n·m)
            Matrix z = m.output.forward(m.tanh.forward(m.hidden.forward(e)));  // (1 × V)
            Softmax.row(z.data[0], dy.data[0], m.V);
            dy.data[0][ys.get(s)[T - 1]] -= 1;                                 // p − onehot(y)
            Matrix dx = m.hidden.backward(m.tanh.backward(m.output.backward(dy)));   // (1 × n·m)
            for (int k = 0; k < Math.min(n, T); k++) {
                double q = 0;
                for (int j = k * mm; j < (k + 1) * mm; j++) q += dx.data[0][j] * dx.data[0][j];
                mean[k] += Math.sqrt(q) / xs.size();
            }
        }
        m.zeroGrad();
        return mean;
    }
}
