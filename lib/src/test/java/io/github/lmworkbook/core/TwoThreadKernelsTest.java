package io.github.lmworkbook.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The opt-in two-thread mode gives the one-thread results (A·B, A·Bᵀ exactly; Aᵀ·B to rounding). */
class TwoThreadKernelsTest {

    @AfterEach
    void backToOneThread() {
        Kernels.setThreads(1);
    }

    private static Matrix[] products(int threads, Matrix A, Matrix B, Matrix At, Matrix Bt, Matrix C0) {
        Kernels.setThreads(threads);
        Matrix ab = C0.copy().addMatmul(A, B);            // (m × n) += (m × k)·(k × n)
        Matrix atb = C0.copy().addMatmulTransA(At, B);    // (m × n) += (k × m)ᵀ·(k × n)
        Matrix abt = C0.copy().addMatmulTransB(A, Bt);    // (m × n) += (m × k)·(n × k)ᵀ
        return new Matrix[] {ab, atb, abt};
    }

    @Test
    void largeProductsMatchTheOneThreadResult() {
        Random r = new Random(11);
        int m = 517, k = 1031, n = 67; // odd sizes: uneven halves, edge blocks; 35M multiply-adds
        Matrix A = Matrix.randn(m, k, 1, r), B = Matrix.randn(k, n, 1, r);
        Matrix At = A.transpose(), Bt = B.transpose(), C0 = Matrix.randn(m, n, 1, r);
        Matrix[] one = products(1, A, B, At, Bt, C0);
        Matrix[] two = products(2, A, B, At, Bt, C0);
        for (int i = 0; i < m; i++) {
            assertArrayEquals(one[0].data[i], two[0].data[i], "A·B row " + i + " must be bit-identical");
            assertArrayEquals(one[2].data[i], two[2].data[i], "A·Bᵀ row " + i + " must be bit-identical");
            for (int j = 0; j < n; j++) {
                double a = one[1].data[i][j], b = two[1].data[i][j];
                assertTrue(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)), "Aᵀ·B at " + i + "," + j + ": " + a + " vs " + b);
            }
        }
        // and the two-thread result is itself reproducible
        Matrix[] again = products(2, A, B, At, Bt, C0);
        for (int i = 0; i < m; i++) assertArrayEquals(two[1].data[i], again[1].data[i]);
    }

    @Test
    void onlyOneOrTwoThreads() {
        assertThrows(IllegalArgumentException.class, () -> Kernels.setThreads(3));
        Kernels.setThreads(2);
        assertEquals(2, Kernels.threads());
    }
}
