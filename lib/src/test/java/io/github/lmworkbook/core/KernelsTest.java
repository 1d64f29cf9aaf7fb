package io.github.lmworkbook.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Every product kernel path (plain and vector) against the naive triple loop, for the three kinds of product,
 * on awkward sizes (edge remainders of the MR × NR micro-kernel: 6 × 4, 6 × 8 or 8 × 16 by vector width; of the
 * k/m/n blocks), accumulating into a non-zero C. lib/pom.xml runs this class again at each vector width
 * (-Dlmworkbook.vectorBits=128, 256, 512).
 */
class KernelsTest {

    /** A kernel C (m × n) += op(A)·op(B). */
    interface Kernel {
        void run(double[][] A, double[][] B, double[][] C, int m, int k, int n);
    }

    /** Around the micro-kernel's rows (MR = 6 or 8) and columns (NR = 4, 8 or 16), and the models' 27. */
    static final int[] SIZES = {1, 3, 6, 7, 8, 9, 17, 27, 33, 65};

    /**
     * Larger shapes crossing the block sizes: KC = 256 (k), MC = 20·MR = 120 or 160 (m), NC = 512 (n), plain
     * KB = 128, NB = 256.
     */
    static final int[][] LARGE = {{130, 257, 19}, {5, 300, 517}, {129, 1, 520}, {4, 513, 8}, {257, 129, 33},
        {161, 64, 27}, {512, 64, 27}};

    @Test
    void vectorPathIsAvailableUnderSurefire() {
        assertTrue(Kernels.vectorAvailable(),
                "the test JVM should run with --add-modules=jdk.incubator.vector; active: " + Kernels.active());
        assertTrue(Kernels.active().startsWith("vector"), Kernels.active());
    }

    /**
     * The vector kernels run at the width -Dlmworkbook.vectorBits names (lib/pom.xml runs this class at 128, 256
     * and 512 bits), else at the CPU's own; the register block follows the width.
     */
    @Test
    void theVectorWidthIsTheOneRequested() {
        String bits = System.getProperty(Kernels.VECTOR_BITS, "auto").trim();
        int expected = bits.isEmpty() || bits.equals("auto") ? VectorKernels.hardwareBits() : Integer.parseInt(bits);
        assertEquals(expected, VectorKernels.bits(), Kernels.active());
        assertEquals(expected / 64, VectorKernels.lanes());
        assertEquals(VectorKernels.lanes() >= 8 ? "8 × 16" : "6 × " + 2 * VectorKernels.lanes(), VectorKernels.block());
        assertTrue(Kernels.active().startsWith("vector (" + expected + "-bit"), Kernels.active());
    }

    @Test
    void vectorBitsPropertyIsParsed() {
        assertEquals(0, Kernels.parseVectorBits(" auto "));
        assertEquals(0, Kernels.parseVectorBits(""));
        assertEquals(512, Kernels.parseVectorBits("512"));
        assertEquals(128, Kernels.parseVectorBits(" 128"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.parseVectorBits("384"));
        assertEquals("-Dlmworkbook.vectorBits=384: unknown vector width, expected 128, 256, 512 or auto", e.getMessage());
    }

    @Test
    void plainAB() {
        checkAll("plain A·B", PlainKernels::gemm, Kind.AB);
    }

    @Test
    void plainAtB() {
        checkAll("plain Aᵀ·B", PlainKernels::gemmTransA, Kind.AtB);
    }

    @Test
    void plainABt() {
        checkAll("plain A·Bᵀ", PlainKernels::gemmTransB, Kind.ABt);
    }

    @Test
    void vectorAB() {
        checkAll("vector A·B", VectorKernels::gemm, Kind.AB);
    }

    @Test
    void vectorAtB() {
        checkAll("vector Aᵀ·B", VectorKernels::gemmTransA, Kind.AtB);
    }

    @Test
    void vectorABt() {
        checkAll("vector A·Bᵀ", VectorKernels::gemmTransB, Kind.ABt);
    }

    @Test
    void dispatchedPathsThroughMatrix() {
        Random rng = new Random(7);
        for (int[] s : new int[][] {{1, 1, 1}, {2, 3, 4}, {1, 64, 64}, {3, 70, 40}, {32, 64, 27}, {33, 65, 9}}) {
            int m = s[0], k = s[1], n = s[2];
            Matrix A = Matrix.randn(m, k, 1, rng), B = Matrix.randn(k, n, 1, rng), C0 = Matrix.randn(m, n, 1, rng);
            Matrix C = C0.copy().addMatmul(A, B);
            assertClose("Matrix.addMatmul", naive(Kind.AB, A.data, B.data, C0.data, m, k, n), A.data, B.data, C0.data,
                    C.data, Kind.AB, m, k, n);
            Matrix At = A.transpose(), Bt = B.transpose();
            C = C0.copy().addMatmulTransA(At, B);
            assertClose("Matrix.addMatmulTransA", naive(Kind.AB, A.data, B.data, C0.data, m, k, n), A.data, B.data,
                    C0.data, C.data, Kind.AB, m, k, n);
            C = C0.copy().addMatmulTransB(A, Bt);
            assertClose("Matrix.addMatmulTransB", naive(Kind.AB, A.data, B.data, C0.data, m, k, n), A.data, B.data,
                    C0.data, C.data, Kind.AB, m, k, n);
        }
    }

    @Test
    void resultsAreBitIdenticalAcrossCalls() {
        Random rng = new Random(3);
        Matrix A = Matrix.randn(65, 130, 1, rng), B = Matrix.randn(130, 27, 1, rng);
        Matrix C1 = Matrix.zeros(65, 27).addMatmul(A, B);
        for (int r = 0; r < 3; r++) {
            Matrix C2 = Matrix.zeros(65, 27).addMatmul(A, B);
            for (int i = 0; i < 65; i++) assertArrayEquals(C1.data[i], C2.data[i], 0.0, "row " + i);
        }
    }

    @Test
    void zeroSizedProductsLeaveCUnchanged() {
        double[][] C = {{1, 2}, {3, 4}};
        VectorKernels.gemm(new double[2][0], new double[0][2], C, 2, 0, 2);
        PlainKernels.gemmTransB(new double[2][0], new double[2][0], C, 2, 0, 2);
        assertArrayEquals(new double[] {1, 2}, C[0]);
        assertArrayEquals(new double[] {3, 4}, C[1]);
    }

    @Test
    void threadsUseSeparateScratch() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                jobs.add(pool.submit(() -> {
                    for (int r = 0; r < 5; r++) {
                        check("vector A·Bᵀ (thread)", VectorKernels::gemmTransB, Kind.ABt, 40 + seed, 70, 33 + r,
                                new SplittableRandom(seed * 10 + r));
                        check("plain A·Bᵀ (thread)", PlainKernels::gemmTransB, Kind.ABt, 40 + seed, 70 + r, 33,
                                new SplittableRandom(seed * 10 + r));
                    }
                }));
            }
            for (Future<?> f : jobs) f.get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void shapeErrorsNameTheOperationAndBothShapes() {
        Matrix A = Matrix.zeros(2, 3), B = Matrix.zeros(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Matrix.zeros(2, 5).addMatmul(A, B));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("(2×3)")
                && e.getMessage().contains("(4×5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(3, 5).addMatmulTransA(A, B));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("(2×3)ᵀ")
                && e.getMessage().contains("(4×5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Matrix.zeros(2, 4).addMatmulTransB(A, B));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("(2×3)")
                && e.getMessage().contains("(4×5)ᵀ"), e.getMessage());
        // right inner dimension, wrong output shape
        e = assertThrows(IllegalArgumentException.class,
                () -> Matrix.zeros(2, 4).addMatmul(Matrix.zeros(2, 3), Matrix.zeros(3, 5)));
        assertTrue(e.getMessage().contains("(2×4)"), e.getMessage());
    }

    enum Kind { AB, AtB, ABt }

    private static void checkAll(String name, Kernel f, Kind kind) {
        SplittableRandom rng = new SplittableRandom(42);
        for (int m : SIZES) for (int k : SIZES) for (int n : SIZES) check(name, f, kind, m, k, n, rng);
        for (int[] s : LARGE) check(name, f, kind, s[0], s[1], s[2], rng);
    }

    private static void check(String name, Kernel f, Kind kind, int m, int k, int n, SplittableRandom rng) {
        double[][] A = kind == Kind.AtB ? random(k, m, rng) : random(m, k, rng);
        double[][] B = kind == Kind.ABt ? random(n, k, rng) : random(k, n, rng);
        double[][] C0 = random(m, n, rng);
        double[][] C = copy(C0);
        f.run(A, B, C, m, k, n);
        assertClose(name, naive(kind, A, B, C0, m, k, n), A, B, C0, C, kind, m, k, n);
    }

    /** |C − expected| ≤ 1e-12 · (|C0| + Σ_p |a_ip|·|b_pj|) elementwise: a relative error of the sum's magnitude. */
    private static void assertClose(String name, double[][] expected, double[][] A, double[][] B, double[][] C0,
                                    double[][] C, Kind kind, int m, int k, int n) {
        double[][] Aabs = abs(A), Babs = abs(B);
        double[][] scale = naive(kind, Aabs, Babs, abs(C0), m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double err = Math.abs(C[i][j] - expected[i][j]);
                if (!(err <= 1e-12 * scale[i][j])) {
                    fail(name + " " + m + "×" + k + "×" + n + ": C[" + i + "][" + j + "] = " + C[i][j]
                            + ", expected " + expected[i][j] + " (relative error " + err / scale[i][j] + ")");
                }
            }
        }
        assertEquals(m, C.length);
    }

    /** C0 + op(A)·op(B) by the naive triple loop (new array). */
    static double[][] naive(Kind kind, double[][] A, double[][] B, double[][] C0, int m, int k, int n) {
        double[][] C = copy(C0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double a = kind == Kind.AtB ? A[p][i] : A[i][p];
                    double b = kind == Kind.ABt ? B[j][p] : B[p][j];
                    s += a * b;
                }
                C[i][j] += s;
            }
        }
        return C;
    }

    private static double[][] random(int rows, int cols, SplittableRandom rng) {
        double[][] x = new double[rows][cols];
        for (double[] r : x) for (int j = 0; j < cols; j++) r[j] = rng.nextDouble(-1, 1);
        return x;
    }

    private static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) y[i] = x[i].clone();
        return y;
    }

    private static double[][] abs(double[][] x) {
        double[][] y = copy(x);
        for (double[] r : y) for (int j = 0; j < r.length; j++) r[j] = Math.abs(r[j]);
        return y;
    }
}
