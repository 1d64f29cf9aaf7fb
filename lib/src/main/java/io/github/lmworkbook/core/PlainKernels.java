package io.github.lmworkbook.core;

/**
 * The product kernels in plain Java, correct on any JVM without flags: C += A·B, C += Aᵀ·B, C += A·Bᵀ over
 * row arrays. Written for the JIT:
 * <ul>
 *   <li>the innermost loop runs over a row of C and a row of B with the same index,
 *       {@code c[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]}, which C2 turns into SIMD code;</li>
 *   <li>k is unrolled by four (four rows of B per pass over a row of C: a quarter of the loads and stores of C);</li>
 *   <li>k and n are blocked ({@value #KB} × {@value #NB}) so that the rows of B in use stay in cache;</li>
 *   <li>A·Bᵀ transposes B once into a per-thread scratch buffer (reused across calls) and then runs the A·B
 *       loop: a dot-product inner loop would stay scalar.</li>
 * </ul>
 * Single-threaded and in a fixed order: bit-reproducible. Products and sums are rounded separately (no FMA),
 * so results differ from {@link VectorKernels} in the last bits.
 */
public final class PlainKernels {
    private PlainKernels() {}

    /** k-block: rows of B kept hot while sweeping the rows of C. */
    static final int KB = 128;
    /** n-block: columns of B and C per sweep. */
    static final int NB = 256;

    /**
     * C (m × n) += A (m × k) · B (k × n), blocked i-k-j with k unrolled by four.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A, rows of B
     * @param n the number of columns of B and C
     */
    public static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int kk = 0; kk < k; kk += KB) {
            int kEnd = Math.min(k, kk + KB);
            for (int jj = 0; jj < n; jj += NB) {
                int jEnd = Math.min(n, jj + NB);
                for (int i = 0; i < m; i++) {
                    double[] a = A[i], c = C[i];
                    int p = kk;
                    for (; p + 3 < kEnd; p += 4) {
                        axpy4(a[p], B[p], a[p + 1], B[p + 1], a[p + 2], B[p + 2], a[p + 3], B[p + 3], c, jj, jEnd);
                    }
                    for (; p < kEnd; p++) axpy1(a[p], B[p], c, jj, jEnd);
                }
            }
        }
    }

    /**
     * C (m × n) += Aᵀ · B with A (k × m), B (k × n): the same loop, reading A by columns (scalars).
     *
     * @param A the left factor, stored (k × m): its transpose is used
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of columns of A and rows of C
     * @param k the inner dimension: rows of A and of B
     * @param n the number of columns of B and C
     */
    public static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int kk = 0; kk < k; kk += KB) {
            int kEnd = Math.min(k, kk + KB);
            for (int jj = 0; jj < n; jj += NB) {
                int jEnd = Math.min(n, jj + NB);
                for (int i = 0; i < m; i++) {
                    double[] c = C[i];
                    int p = kk;
                    for (; p + 3 < kEnd; p += 4) {
                        axpy4(A[p][i], B[p], A[p + 1][i], B[p + 1], A[p + 2][i], B[p + 2], A[p + 3][i], B[p + 3],
                                c, jj, jEnd);
                    }
                    for (; p < kEnd; p++) axpy1(A[p][i], B[p], c, jj, jEnd);
                }
            }
        }
    }

    /** Per-thread scratch for Bᵀ; rows may be longer than needed, only the first n entries of each are used. */
    private static final ThreadLocal<double[][]> BT = ThreadLocal.withInitial(() -> new double[0][0]);

    /**
     * C (m × n) += A · Bᵀ with A (m × k), B (n × k): transpose B once into scratch, then the A·B loop.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, stored (n × k): its transpose is used
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A and of B
     * @param n the number of rows of B, columns of C
     */
    public static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        double[][] bt = BT.get();                                   // ≥ k × ≥ n
        if (bt.length < k || (k > 0 && bt[0].length < n)) {
            int rows = Math.max(k, bt.length), cols = Math.max(n, bt.length == 0 ? 0 : bt[0].length);
            bt = new double[rows][cols];
            BT.set(bt);
        }
        for (int j0 = 0; j0 < n; j0 += 32) {                        // tiles of 32 rows of B: cache-friendly writes
            int j1 = Math.min(n, j0 + 32);
            for (int p = 0; p < k; p++) {
                double[] t = bt[p];
                for (int j = j0; j < j1; j++) t[j] = B[j][p];
            }
        }
        gemm(A, bt, C, m, k, n);
    }

    /** c[j] += a0·b0[j] + a1·b1[j] + a2·b2[j] + a3·b3[j] for j in [from, to). */
    private static void axpy4(double a0, double[] b0, double a1, double[] b1, double a2, double[] b2,
                              double a3, double[] b3, double[] c, int from, int to) {
        for (int j = from; j < to; j++) c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
    }

    /** c[j] += a·b[j] for j in [from, to). */
    private static void axpy1(double a, double[] b, double[] c, int from, int to) {
        for (int j = from; j < to; j++) c[j] += a * b[j];
    }
}
