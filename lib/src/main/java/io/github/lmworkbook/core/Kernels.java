package io.github.lmworkbook.core;

/**
 * The product kernels behind {@link Matrix}. Plain loops written for the JIT: the innermost loop runs over
 * a contiguous row with the same index on every array ({@code c[j] += a * b[j]}), which C2 vectorizes.
 * Single-threaded, so results are bit-reproducible.
 */
final class Kernels {
    private Kernels() {}

    /** C (m × n) += A (m × k) · B (k × n), i-k-j order. */
    static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            double[] a = A[i], c = C[i];
            for (int p = 0; p < k; p++) {
                double aip = a[p];
                if (aip == 0.0) continue;
                double[] b = B[p];
                for (int j = 0; j < n; j++) c[j] += aip * b[j];
            }
        }
    }

    /** C (m × n) += Aᵀ · B with A (k × m), B (k × n). */
    static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int p = 0; p < k; p++) {
            double[] a = A[p], b = B[p];
            for (int i = 0; i < m; i++) {
                double api = a[i];
                if (api == 0.0) continue;
                double[] c = C[i];
                for (int j = 0; j < n; j++) c[j] += api * b[j];
            }
        }
    }

    /** C (m × n) += A · Bᵀ with A (m × k), B (n × k): dot products, four accumulators. */
    static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            double[] a = A[i], c = C[i];
            for (int j = 0; j < n; j++) {
                double[] b = B[j];
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int p = 0;
                for (; p + 3 < k; p += 4) {
                    s0 += a[p] * b[p];
                    s1 += a[p + 1] * b[p + 1];
                    s2 += a[p + 2] * b[p + 2];
                    s3 += a[p + 3] * b[p + 3];
                }
                for (; p < k; p++) s0 += a[p] * b[p];
                c[j] += (s0 + s1) + (s2 + s3);
            }
        }
    }
}
