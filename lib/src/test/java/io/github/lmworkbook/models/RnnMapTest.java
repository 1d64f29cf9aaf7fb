package io.github.lmworkbook.models;

import io.github.lmworkbook.analysis.GradientFlow;
import io.github.lmworkbook.analysis.GradientFlowReport;
import io.github.lmworkbook.core.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class RnnMapTest {
    @Test
    void runMatchesTheModelAndJacobianMatchesCentralDifferences() {
        Rnn rnn = new Rnn(7, 4, 5, true, new Random(1));
        rnn.h0.value.setFrom(Matrix.randn(1, 5, 0.5, new Random(2)));
        int[] tokens = {0, 3, 1, 6, 2};
        RnnMap map = RnnMap.of(rnn);
        Matrix hs = map.run(rnn.initialState(), rnn.embed(tokens));
        rnn.loss(new io.github.lmworkbook.data.Batch(new int[][] {tokens}, new int[][] {{1, 1, 1, 1, 1}}));
        for (int t = 1; t <= 5; t++) assertArrayEquals(rnn.hiddenStates().data[t - 1], hs.data[t], 1e-14);
        // J_t[i][j] = ∂h_t[i]/∂h_{t−1}[j] by central differences of one step
        Matrix x = rnn.embed(tokens);
        for (int t = 1; t <= 5; t++) {
            Matrix J = map.stepJacobian(t);
            double[] hPrev = hs.data[t - 1].clone();
            for (int j = 0; j < 5; j++) {
                double eps = 1e-6;
                double[] plus = hPrev.clone(), minus = hPrev.clone();
                plus[j] += eps;
                minus[j] -= eps;
                Matrix xt = new Matrix(new double[][] {x.data[t - 1].clone()});
                Matrix hp = Rnn.stepForward(xt, new Matrix(new double[][] {plus}), rnn.Wxh.value, rnn.Whh.value, rnn.b.value);
                Matrix hm = Rnn.stepForward(xt, new Matrix(new double[][] {minus}), rnn.Wxh.value, rnn.Whh.value, rnn.b.value);
                for (int i = 0; i < 5; i++) {
                    double n = (hp.data[0][i] - hm.data[0][i]) / (2 * eps);
                    assertEquals(n, J.data[i][j], 1e-9, "J_" + t + "[" + i + "][" + j + "]");
                }
            }
            // the vector–Jacobian product is Jᵀ·v
            double[] v = {0.3, -1, 0.5, 2, -0.7}, out = new double[5];
            map.backwardStep(t, v, out);
            for (int j = 0; j < 5; j++) {
                double s = 0;
                for (int i = 0; i < 5; i++) s += J.data[i][j] * v[i];
                assertEquals(s, out[j], 1e-14);
            }
        }
    }

    @Test
    void rescaledMapRespectsTheBound() {
        Rnn rnn = new Rnn(7, 4, 8, false, new Random(3));
        Matrix x = rnn.embed(new int[] {1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6});
        for (double sigma : new double[] {0.5, 0.9, 1.5}) {
            RnnMap map = RnnMap.of(rnn).withSigmaMax(sigma);
            assertEquals(sigma, RnnMap.sigmaMax(map.Whh), 1e-12);
            assertNotSame(rnn.Whh.value, map.Whh);
            GradientFlowReport r = GradientFlow.analyze(map, new Matrix(1, 8), x);
            double[] prod = GradientFlowReport.byDistance(r.jacobianProductNorms());
            for (int k = 0; k < prod.length; k++) assertTrue(prod[k] <= Math.pow(sigma, k) * (1 + 1e-12), "k=" + k);
            assertTrue(r.jacobianProductFit().factor() <= sigma + 1e-12);
        }
        assertThrows(IllegalStateException.class, () -> RnnMap.of(rnn).stepJacobian(1));
    }
}
