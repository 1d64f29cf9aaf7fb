package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.layers.SoftmaxCrossEntropy;
import io.github.lmworkbook.models.LanguageModel;

import java.util.List;
import java.util.Random;

/** A tiny language model for the tests: a table of next-token logits W (V × V), z = W[x], plus a bias b (1 × V). */
final class Bigram implements LanguageModel {
    final Param W, b;
    private final SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    /** When ≥ 0, the lossAndGrad call with this index (0-based) puts a NaN into b's gradient. */
    int nanAtCall = -1;
    private int calls;

    Bigram(int V, long seed) {
        Random rng = new Random(seed);
        W = new Param("W", Matrix.randn(V, V, 0.1, rng));
        b = new Param("b", Matrix.zeros(1, V));
    }

    @Override
    public List<Param> params() {
        return List.of(W, b);
    }

    @Override
    public int vocabSize() {
        return W.value.cols;
    }

    private Matrix logits(Batch batch, int[] flatY) {
        int B = batch.size(), T = batch.length(), V = vocabSize();
        Matrix z = new Matrix(B * T, V);
        for (int i = 0; i < B; i++) {
            for (int t = 0; t < T; t++) {
                System.arraycopy(W.value.data[batch.x()[i][t]], 0, z.data[i * T + t], 0, V);
                flatY[i * T + t] = batch.y()[i][t];
            }
        }
        z.addRowVector(b.value);
        return z;
    }

    @Override
    public double loss(Batch batch) {
        int[] y = new int[batch.size() * batch.length()];
        return ce.forward(logits(batch, y), y);
    }

    @Override
    public double lossAndGrad(Batch batch) {
        int[] y = new int[batch.size() * batch.length()];
        double loss = ce.forward(logits(batch, y), y);
        Matrix dz = ce.backward();
        int T = batch.length();
        for (int i = 0; i < batch.size(); i++) {
            for (int t = 0; t < T; t++) {
                double[] dW = W.grad.data[batch.x()[i][t]], d = dz.data[i * T + t];
                for (int j = 0; j < d.length; j++) dW[j] += d[j];
            }
        }
        dz.addColumnSumsTo(b.grad);
        if (calls++ == nanAtCall) b.grad.data[0][2] = Double.NaN;
        return loss;
    }

    @Override
    public void nextLogits(int[][] context, Matrix logits) {
        for (int i = 0; i < context.length; i++) {
            int last = context[i][context[i].length - 1];
            for (int j = 0; j < vocabSize(); j++) logits.data[i][j] = W.value.data[last][j] + b.value.data[0][j];
        }
    }
}
