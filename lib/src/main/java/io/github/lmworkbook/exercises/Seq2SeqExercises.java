package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.AdditiveAttention;

import java.util.List;
import java.util.Random;

/**
 * The exercises of the encoder–decoder notebook: the backward pass of additive attention for one query over one
 * source sequence (scores → α → context), checked against central differences of the library's forward pass; and a
 * prediction made before any training — the alignment α a perfect attention model uses to reverse a string — checked
 * against the task's own map.
 */
public final class Seq2SeqExercises {
    private Seq2SeqExercises() {}

    /**
     * {@link AdditiveAttention#additiveBackward}: from dc (H) and the forward pass's z (L × A) and α (L), adds ∂L/∂q
     * into dq (A), ∂L/∂k_s into dk (L × A), ∂L/∂v into dv (A) and ∂L/∂h_s into dh (L × H); de is scratch (L).
     */
    @FunctionalInterface
    public interface AttentionBackward {
        /**
         * The learner's attention backward, with {@link AdditiveAttention#additiveBackward}'s parameters.
         *
         * @param dc ∂L/∂c (H)
         * @param h the source states (L × H)
         * @param z the forward's tanh(q + k_s) (L × A)
         * @param v the score vector (A)
         * @param alpha the forward's weights α (L)
         * @param L the number of source positions
         * @param de scratch (L)
         * @param dq added to: ∂L/∂q (A)
         * @param dk added to: ∂L/∂k_s (L × A)
         * @param dv added to: ∂L/∂v (A)
         * @param dh added to: ∂L/∂h_s (L × H)
         */
        void apply(double[] dc, double[][] h, double[][] z, double[] v, double[] alpha, int L, double[] de,
                   double[] dq, double[][] dk, double[] dv, double[][] dh);
    }

    /** A predicted alignment α (L × L): row t − 1 holds the weights output step t puts on source positions 1 … L. */
    @FunctionalInterface
    public interface AlignmentPrediction {
        /**
         * The learner's prediction.
         *
         * @param L the length of the string
         * @return α (L × L)
         */
        double[][] apply(int L);
    }

    /**
     * The library's answer for reversal: output t reads source position L + 1 − t, all of its weight there.
     *
     * @param L the length of the string
     * @return α (L × L)
     */
    public static double[][] reversalAlignment(int L) {
        double[][] a = new double[L][L];
        for (int t = 0; t < L; t++) a[t][L - 1 - t] = 1.0;
        return a;
    }

    /**
     * Grades the learner's attention backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static AttentionBackward gradeAttentionBackward(AttentionBackward mine) {
        return Exercise.grade("attentionBackward", mine, AdditiveAttention::additiveBackward,
                Seq2SeqExercises::checkAttentionBackward);
    }

    /**
     * Grades the learner's predicted alignment for reversal (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static AlignmentPrediction gradeReversalAlignment(AlignmentPrediction mine) {
        return Exercise.grade("reversalAlignment", mine, Seq2SeqExercises::reversalAlignment,
                Seq2SeqExercises::checkReversalAlignment);
    }

    /**
     * One query over a source of L = 6 positions, H = 5, A = 4, all random (q and k scaled so that tanh is neither
     * linear nor saturated, v scaled so that α is far from uniform): L = G·c with the library's
     * {@link AdditiveAttention#additiveForward} and a random G; the learner's backward, given dc = G, z and α of the
     * forward pass and zeroed dq, dk, dv, dh, must add ∂L/∂q, ∂L/∂k, ∂L/∂v, ∂L/∂h — all four compared with central
     * differences.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkAttentionBackward(AttentionBackward backward) {
        Random rng = new Random(2014);
        int L = 6, H = 5, A = 4;
        Param q = new Param("q", Matrix.randn(1, A, 0.8, rng)), k = new Param("k", Matrix.randn(L, A, 0.8, rng)),
                v = new Param("v", Matrix.randn(1, A, 1.5, rng)), h = new Param("h", Matrix.randn(L, H, 1.0, rng));
        double[] G = Matrix.randn(1, H, 1.0, rng).data[0];
        double[][] z = new double[L][A];
        double[] alpha = new double[L], c = new double[H];
        return GradientChecker.check(() -> List.of(q, k, v, h), () -> {
            AdditiveAttention.additiveForward(q.value.data[0], k.value.data, v.value.data[0], h.value.data, L, z,
                    alpha, c);
            double s = 0;
            for (int j = 0; j < H; j++) s += G[j] * c[j];
            return s;
        }, () -> {
            AdditiveAttention.additiveForward(q.value.data[0], k.value.data, v.value.data[0], h.value.data, L, z,
                    alpha, c);
            double[] dq = new double[A], dv = new double[A];
            double[][] dk = new double[L][A], dh = new double[L][H];
            backward.apply(G.clone(), copy(h.value.data), copy(z), v.value.data[0].clone(), alpha.clone(), L,
                    new double[L], dq, dk, dv, dh);
            q.grad.addInPlace(Matrix.row(dq));
            k.grad.addInPlace(new Matrix(dk));
            v.grad.addInPlace(Matrix.row(dv));
            h.grad.addInPlace(new Matrix(dh));
        });
    }

    /**
     * Compares a predicted alignment for reversing L = 7 symbols (odd: the middle symbol reads itself) entry by
     * entry with the task's own: the source 0, 1, …, 6 (distinct symbols) is reversed by {@link TransductionTask},
     * and step t's weight belongs on the source position that holds the symbol it must write. The checker judges the
     * prediction as the gradient of Σ_{t,s} X_{t,s}·[x_s = y_t] (whose derivative is exactly that alignment): the
     * report names the worst entries.
     *
     * @param predict the prediction checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkReversalAlignment(AlignmentPrediction predict) {
        int L = 7;
        TransductionTask task = new TransductionTask(TransductionTask.Kind.REVERSE, L, L);
        int[] x = new int[L];
        for (int s = 0; s < L; s++) x[s] = s;
        int[] y = task.target(x);
        double[][] truth = new double[L][L];
        for (int t = 0; t < L; t++) for (int s = 0; s < L; s++) truth[t][s] = x[s] == y[t] ? 1 : 0;
        double[][] predicted = predict.apply(L);
        if (predicted == null || predicted.length != L) {
            throw new IllegalArgumentException("the prediction must be an L × L array, L = " + L + ", got "
                    + (predicted == null ? "null" : predicted.length + " rows"));
        }
        for (int t = 0; t < L; t++) {
            if (predicted[t] == null || predicted[t].length != L) {
                throw new IllegalArgumentException("row " + t + " of the prediction must have " + L + " entries");
            }
        }
        return GradientChecker.check(X -> {
            double s = 0;
            for (int t = 0; t < L; t++) for (int p = 0; p < L; p++) s += X[t][p] * truth[t][p];
            return s;
        }, X -> copy(predicted), new double[L][L]);
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
