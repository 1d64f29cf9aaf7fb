package io.github.lmworkbook.analysis;

import static org.junit.jupiter.api.Assertions.*;

import io.github.lmworkbook.core.Matrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ToyTanhMapTest {
    static final int H = 6, D = 3, T = 8;

    static double relErr(double a, double n) {
        return Math.abs(a - n) / Math.max(1e-8, Math.abs(a) + Math.abs(n));
    }

    static Matrix randomRow(int n, double std, long seed) {
        return Matrix.randn(1, n, std, new Random(seed));
    }

    /** h_t as a function of h_{t−1}: one step of the map from the given state with input x_t. */
    static double[] step(RecurrentMap map, double[] hPrev, double[] xt) {
        return map.run(Matrix.row(hPrev), Matrix.row(xt)).data[1];
    }

    /** Central differences of one step, J[i][j] ≈ (h_t[i](h+εe_j) − h_t[i](h−εe_j)) / 2ε. */
    static Matrix numericJacobian(RecurrentMap map, double[] hPrev, double[] xt) {
        int S = map.stateSize();
        double eps = 1e-5;
        Matrix J = new Matrix(S, S);
        for (int j = 0; j < S; j++) {
            double[] hp = hPrev.clone(), hm = hPrev.clone();
            hp[j] += eps;
            hm[j] -= eps;
            double[] fp = step(map, hp, xt), fm = step(map, hm, xt);
            for (int i = 0; i < S; i++) J.data[i][j] = (fp[i] - fm[i]) / (2 * eps);
        }
        return J;
    }

    static void assertJacobiansMatchCentralDifferences(RecurrentMap map, boolean useDefault) {
        Matrix x = Matrix.randn(T, D, 1.0, new Random(11));
        Matrix h = map.run(randomRow(H, 0.5, 12), x);
        RecurrentMap viaVjp = new RecurrentMap() {    // exercises the interface's default stepJacobian
            public int inputSize() { return map.inputSize(); }
            public int stateSize() { return map.stateSize(); }
            public Matrix run(Matrix s0, Matrix xs) { return map.run(s0, xs); }
            public void backwardStep(int t, double[] ds, double[] dsPrev) { map.backwardStep(t, ds, dsPrev); }
        };
        Matrix[] analytic = new Matrix[T + 1];
        for (int t = 1; t <= T; t++) analytic[t] = useDefault ? viaVjp.stepJacobian(t) : map.stepJacobian(t);
        double worst = 0;
        for (int t = 1; t <= T; t++) {
            Matrix num = numericJacobian(map, h.data[t - 1], x.data[t - 1]);
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) worst = Math.max(worst, relErr(analytic[t].data[i][j], num.data[i][j]));
            }
        }
        assertTrue(worst <= 1e-7, "worst relative error " + worst);
    }

    @Test
    void stepJacobianMatchesCentralDifferences() {
        for (double sigma : new double[] {0.5, 0.9, 3.0}) {
            assertJacobiansMatchCentralDifferences(new ToyTanhMap(H, D, sigma, 1), false);
        }
    }

    @Test
    void defaultStepJacobianFromBackwardStepMatchesCentralDifferences() {
        assertJacobiansMatchCentralDifferences(new ToyTanhMap(H, D, 1.5, 2), true);
    }

    @Test
    void closedFormJacobianEqualsVjpRows() {
        ToyTanhMap map = new ToyTanhMap(H, D, 1.2, 3);
        map.run(randomRow(H, 0.5, 4), Matrix.randn(T, D, 1.0, new Random(5)));
        double[] e = new double[H], row = new double[H];
        for (int t = 1; t <= T; t++) {
            Matrix J = map.stepJacobian(t);
            for (int i = 0; i < H; i++) {
                e[i] = 1;
                map.backwardStep(t, e, row);
                e[i] = 0;
                assertArrayEquals(J.data[i], row, 1e-15);
            }
        }
    }

    @Test
    void largestSingularValueOfWIsTheRequestedOne() {
        for (double sigma : new double[] {0.5, 0.9, 1.0, 3.0}) {
            ToyTanhMap map = new ToyTanhMap(16, 4, sigma, 7);
            double s1 = GradientFlow.singularValues(map.W)[0];
            assertEquals(sigma, s1, 1e-12, "σ_max(W) for requested " + sigma);
        }
    }

    @Test
    void sameSeedSameMapAndTrajectory() {
        ToyTanhMap a = new ToyTanhMap(H, D, 0.9, 42), b = new ToyTanhMap(H, D, 0.9, 42), c = new ToyTanhMap(H, D, 0.9, 43);
        for (int i = 0; i < H; i++) assertArrayEquals(a.W.data[i], b.W.data[i], 0.0);
        for (int i = 0; i < H; i++) assertArrayEquals(a.U.data[i], b.U.data[i], 0.0);
        assertNotEquals(a.W.data[0][0], c.W.data[0][0]);
        Matrix x = a.randomInputs(T, 1.0, 9);
        Matrix ha = a.run(randomRow(H, 0.5, 1), x), hb = b.run(randomRow(H, 0.5, 1), b.randomInputs(T, 1.0, 9));
        for (int t = 0; t <= T; t++) assertArrayEquals(ha.data[t], hb.data[t], 0.0);
    }

    @Test
    void clearErrors() {
        ToyTanhMap map = new ToyTanhMap(H, D, 0.9, 1);
        assertThrows(IllegalStateException.class, () -> map.stepJacobian(1));
        assertThrows(IllegalArgumentException.class, () -> map.run(new Matrix(1, H + 1), new Matrix(T, D)));
        assertThrows(IllegalArgumentException.class, () -> map.run(new Matrix(1, H), new Matrix(T, D + 1)));
        map.run(new Matrix(1, H), new Matrix(T, D));
        assertThrows(IllegalArgumentException.class, () -> map.stepJacobian(0));
        assertThrows(IllegalArgumentException.class, () -> map.stepJacobian(T + 1));
        assertThrows(IllegalArgumentException.class, () -> new ToyTanhMap(H, D, 0.0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ToyTanhMap(H, D, Double.NaN, 1));
    }
}
