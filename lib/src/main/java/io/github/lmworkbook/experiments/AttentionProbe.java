package io.github.lmworkbook.experiments;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.CausalSelfAttention;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.models.TransformerBlock;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A look inside a (pre-LN) transformer over a set of sequences, e.g. names after their start token (notebook 05):
 * <ul>
 *   <li>per head: the variance of the raw scores q_i·k_j over every visible pair j ≤ i — before any 1/√d, the
 *       quantity the √d argument is about — and of the query entries; how much entropy the weights keep,
 *       H(a_i)/log(i + 1) averaged over the positions i ≥ 1 (1: uniform over the visible positions, 0: one-hot); the
 *       weight on the previous, the first and the own position; and its <b>letter lift</b>: for each token c, the
 *       weight the head puts on the positions j ≥ 1 holding c, divided by what uniform weights over the visible
 *       positions would put there — its largest value over the tokens with enough support (≈ 1 for a head that does
 *       not look at which letter a position holds, large for a head that picks out one letter);</li>
 *   <li>per block: ‖attn(ln₁(x))‖ / ‖x‖ and ‖mlp(ln₂(x₁))‖ / ‖x₁‖, the updates against the residual stream they are
 *       added to (NaN without residual connections);</li>
 *   <li>the position read from the final stream (after ln_f) by a least-squares linear probe fitted on the first
 *       sequences and scored (R²) on the others: how much a model knows about where a token is.</li>
 * </ul>
 * The model's own layers compute everything (its forward pass, its scaling of the scores); nothing is trained.
 */
public final class AttentionProbe {
    private AttentionProbe() {}

    /** The smallest expected uniform weight on a token for its lift to count. */
    public static final double LIFT_SUPPORT = 20;

    /** One head's measures (see the class comment). */
    public record Head(int layer, int head, double varScores, double varQuery, double entropy, double previous,
                       double first, double self, double lift, int liftToken) {}

    /** What the probe measured. */
    public record Result(List<Head> heads, double[] attentionUpdate, double[] mlpUpdate, double positionR2) {
        /**
         * One measure of every head, in order (layer by layer).
         *
         * @param f the measure
         * @return its value for each head
         */
        public double[] each(java.util.function.ToDoubleFunction<Head> f) {
            return heads.stream().mapToDouble(f).toArray();
        }

        /**
         * The mean of one measure over the heads.
         *
         * @param f the measure
         * @return the mean
         */
        public double mean(java.util.function.ToDoubleFunction<Head> f) {
            return Arrays.stream(each(f)).average().orElse(Double.NaN);
        }

        /**
         * The largest value of one measure over the heads.
         *
         * @param f the measure
         * @return the largest value
         */
        public double max(java.util.function.ToDoubleFunction<Head> f) {
            return Arrays.stream(each(f)).max().orElse(Double.NaN);
        }

        /**
         * The smallest value of one measure over the heads.
         *
         * @param f the measure
         * @return the smallest value
         */
        public double min(java.util.function.ToDoubleFunction<Head> f) {
            return Arrays.stream(each(f)).min().orElse(Double.NaN);
        }
    }

    /**
     * Runs the model over the sequences (each at most the block size, the first token at position 0) and measures.
     *
     * @param m the transformer
     * @param sequences the token sequences
     * @param fit the number of sequences the position probe is fitted on (the rest score it); at least 1 and fewer
     *            than the sequences
     * @return the measures of every head
     */
    public static Result of(Transformer m, List<int[]> sequences, int fit) {
        if (fit < 1 || fit >= sequences.size()) {
            throw new IllegalArgumentException("attention probe: fit on " + fit + " of " + sequences.size()
                    + " sequences (need 1 ≤ fit < sequences)");
        }
        int n = sequences.size(), C = m.C;
        int[] lengths = new int[n], offset = new int[n];
        int N = 0;
        for (int b = 0; b < n; b++) {
            int L = sequences.get(b).length;
            if (L < 1 || L > m.blockSize) {
                throw new IllegalArgumentException("attention probe: sequence " + b + " has " + L
                        + " tokens, the block size is " + m.blockSize);
            }
            lengths[b] = L;
            offset[b] = N;
            N += L;
        }
        Matrix x = new Matrix(N, C);                                    // x_t = wte[token_t] + position  (N × C)
        for (int b = 0; b < n; b++) {
            int[] s = sequences.get(b);
            for (int t = 0; t < s.length; t++) {
                double[] xr = x.data[offset[b] + t], e = m.wte.C.value.data[s[t]];
                for (int j = 0; j < C; j++) xr[j] = e[j];
                if (m.wpe != null) for (int j = 0; j < C; j++) xr[j] += m.wpe.C.value.data[t][j];
                if (m.sinusoids != null) for (int j = 0; j < C; j++) xr[j] += m.sinusoids.data[t][j];
            }
        }
        List<Head> heads = new ArrayList<>();
        int blocks = m.blocks.size();
        double[] attnUpd = new double[blocks], mlpUpd = new double[blocks];
        for (int l = 0; l < blocks; l++) {
            TransformerBlock bl = m.blocks.get(l);
            CausalSelfAttention at = bl.attn;
            Matrix u = bl.ln1 == null ? x : bl.ln1.forward(x).copy();   // what attention reads
            Matrix qkv = at.qkv.forward(u).copy();                      // [Q | K | V]   (N × 3C)
            Matrix a = at.forward(u, lengths).copy();                   // attn(ln₁(x)); keeps the weights
            for (int h = 0; h < at.heads; h++) heads.add(head(l, h, at, qkv, sequences, offset, m.V));
            Matrix y = bl.forward(x, lengths).copy();                   // the block
            if (bl.residual) {
                double xn = x.norm();
                Matrix x1 = x.copy().addInPlace(a);
                attnUpd[l] = a.norm() / xn;
                mlpUpd[l] = y.copy().axpy(-1, x1).norm() / x1.norm();
            } else {
                attnUpd[l] = Double.NaN;
                mlpUpd[l] = Double.NaN;
            }
            x = y;
        }
        Matrix f = m.lnF == null ? x : m.lnF.forward(x).copy();
        return new Result(List.copyOf(heads), attnUpd, mlpUpd, positionR2(f, lengths, offset, fit));
    }

    private static Head head(int l, int h, CausalSelfAttention at, Matrix qkv, List<int[]> seqs, int[] offset, int V) {
        int C = at.C, d = at.d, qo = h * d, ko = C + h * d;
        double s1 = 0, s2 = 0, q1 = 0, q2 = 0, ent = 0, prev = 0, first = 0, self = 0;
        long pairs = 0, qn = 0, rows = 0;
        double[] onToken = new double[V], uniform = new double[V];
        for (int b = 0; b < seqs.size(); b++) {
            int[] s = seqs.get(b);
            int L = s.length, off = offset[b];
            Matrix w = at.weights(b, h);
            for (int i = 0; i < L; i++) {
                double[] qi = qkv.data[off + i];
                for (int c = 0; c < d; c++) {
                    q1 += qi[qo + c];
                    q2 += qi[qo + c] * qi[qo + c];
                }
                qn += d;
                for (int j = 0; j <= i; j++) {
                    double[] kj = qkv.data[off + j];
                    double qk = 0;
                    for (int c = 0; c < d; c++) qk += qi[qo + c] * kj[ko + c];
                    s1 += qk;
                    s2 += qk * qk;
                    pairs++;
                }
                if (i == 0) continue;
                double[] wi = w.data[i];
                double hi = 0;
                for (int j = 0; j <= i; j++) if (wi[j] > 0) hi -= wi[j] * Math.log(wi[j]);
                ent += hi / Math.log(i + 1);
                prev += wi[i - 1];
                first += wi[0];
                self += wi[i];
                for (int j = 1; j <= i; j++) {
                    onToken[s[j]] += wi[j];
                    uniform[s[j]] += 1.0 / (i + 1);
                }
                rows++;
            }
        }
        double lift = Double.NaN;
        int token = -1;
        for (int c = 0; c < V; c++) {
            if (uniform[c] < LIFT_SUPPORT) continue;
            double r = onToken[c] / uniform[c];
            if (token < 0 || r > lift) {
                lift = r;
                token = c;
            }
        }
        double mq = q1 / qn, ms = s1 / pairs;
        return new Head(l, h, s2 / pairs - ms * ms, q2 / qn - mq * mq, ent / rows, prev / rows, first / rows,
                self / rows, lift, token);
    }

    /** R² on the held-out sequences of the least-squares fit t ≈ w·f_t + c on the first {@code fit} sequences. */
    private static double positionR2(Matrix f, int[] lengths, int[] offset, int fit) {
        int C = f.cols, nFit = offset[fit];
        double[][] X = new double[nFit][C + 1];
        double[] y = new double[nFit];
        for (int b = 0; b < fit; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                int r = offset[b] + t;
                System.arraycopy(f.data[r], 0, X[r], 0, C);
                X[r][C] = 1;
                y[r] = t;
            }
        }
        RealMatrix A = new Array2DRowRealMatrix(X, false);
        RealMatrix AtA = A.transpose().multiply(A);
        double ridge = 1e-8 * Math.max(1e-300, AtA.getTrace() / (C + 1));        // keeps a degenerate fit solvable
        for (int j = 0; j <= C; j++) AtA.addToEntry(j, j, ridge);
        RealVector w = new LUDecomposition(AtA).getSolver().solve(A.transpose().operate(new ArrayRealVector(y, false)));
        double sse = 0, mean = 0, sst = 0;
        int count = 0;
        for (int b = fit; b < lengths.length; b++) for (int t = 0; t < lengths[b]; t++) {
            mean += t;
            count++;
        }
        mean /= count;
        for (int b = fit; b < lengths.length; b++) {
            for (int t = 0; t < lengths[b]; t++) {
                double[] fr = f.data[offset[b] + t];
                double p = w.getEntry(C);
                for (int j = 0; j < C; j++) p += w.getEntry(j) * fr[j];
                sse += (p - t) * (p - t);
                sst += (t - mean) * (t - mean);
            }
        }
        return 1 - sse / sst;
    }
}
