package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.Softmax;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;

import java.util.List;

/**
 * How strongly the prediction at the end of a sequence depends on each input position: ‖∂L/∂x_t‖ for the loss L of
 * the last position alone, against the distance T − 1 − t, averaged over sequences — the decay chart of notebook 02,
 * for any recurrent language model and for the transformer. x_t is what the model reads at position t: the embedding
 * C[token_t] for a recurrent model, wte[token_t] + wpe[t] (the input of the first block) for the transformer.
 *
 * <p>Both run the models' own backward passes; the parameters' gradients they add into are zeroed afterwards.
 */
public final class InputGradients {
    private InputGradients() {}

    /**
     * The mean over the sequences of ‖∂L/∂x_t‖, indexed by distance k = T − 1 − t (k = 0 is the last position),
     * where L = −log p(y[T−1] | x_0 … x_{T−1}) of each sequence (all rows of y but the last are ignored). All sequences
     * have the same length T.
     *
     * @param m the transformer
     * @param xs the input sequences
     * @param ys their targets
     * @return the mean norm at each distance k
     */
    public static double[] transformer(Transformer m, List<int[]> xs, List<int[]> ys) {
        int T = checkSame(xs, ys);
        double[] mean = new double[T];
        for (int s = 0; s < xs.size(); s++) {
            m.zeroGrad();
            m.forward(lastOnly(xs.get(s), ys.get(s)));
            m.backward();
            Matrix dX = m.inputGradient();                                // (T × C), one sequence
            for (int t = 0; t < T; t++) mean[T - 1 - t] += norm(dX.data[t]) / xs.size();
        }
        m.zeroGrad();
        return mean;
    }

    /**
     * The same for a recurrent language model: x_t = C[token_t] read through its readable path (embedding, the cell's
     * input projection, the recurrence from the start state, the head), and backward through the same layers:
     * ∂L/∂x_t = (input projection)ᵀ(∂L/∂(x_t·W_x + b)).
     *
     * @param m the recurrent language model
     * @param xs the input sequences
     * @param ys their targets
     * @return the mean norm at each distance k
     */
    public static double[] recurrent(RecurrentLM m, List<int[]> xs, List<int[]> ys) {
        int T = checkSame(xs, ys);
        double[] mean = new double[T];
        Matrix dLogits = new Matrix(T, m.V);
        for (int s = 0; s < xs.size(); s++) {
            m.zeroGrad();
            int[] x = xs.get(s);
            int target = ys.get(s)[T - 1];
            Matrix X = m.embed(x);                                         // x_t = C[token_t]        (T × m)
            Matrix H = m.recurrence.forward(m.cell.input().forward(X), T, null);   // h_1 … h_T        (T × H)
            Matrix logits = m.head.forward(H);                             //                         (T × V)
            dLogits.zero();                                                // ∂L/∂z: the last row only
            double[] p = dLogits.data[T - 1];
            Softmax.row(logits.data[T - 1], p, m.V);
            p[target] -= 1;                                                // p − onehot(y)
            Matrix dX = m.cell.input().backward(m.recurrence.backward(m.head.backward(dLogits)));   // (T × m)
            for (int t = 0; t < T; t++) mean[T - 1 - t] += norm(dX.data[t]) / xs.size();
        }
        m.zeroGrad();
        return mean;
    }

    private static Batch lastOnly(int[] x, int[] y) {
        int T = x.length;
        int[] target = new int[T];
        java.util.Arrays.fill(target, Batch.IGNORE);
        target[T - 1] = y[T - 1];
        return new Batch(new int[][] {x}, new int[][] {target});
    }

    private static int checkSame(List<int[]> xs, List<int[]> ys) {
        if (xs.isEmpty() || xs.size() != ys.size()) {
            throw new IllegalArgumentException("input gradients: " + xs.size() + " inputs and " + ys.size() + " targets");
        }
        int T = xs.get(0).length;
        for (int s = 0; s < xs.size(); s++) {
            if (xs.get(s).length != T || ys.get(s).length != T) {
                throw new IllegalArgumentException("input gradients: sequence " + s + " has length " + xs.get(s).length
                        + ", sequence 0 has " + T);
            }
            if (ys.get(s)[T - 1] < 0) {
                throw new IllegalArgumentException("input gradients: sequence " + s + " has no target at its last position");
            }
        }
        return T;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double a : v) s += a * a;
        return Math.sqrt(s);
    }
}
