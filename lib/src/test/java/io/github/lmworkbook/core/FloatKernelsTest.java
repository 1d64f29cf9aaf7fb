package io.github.lmworkbook.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The float32 product kernels ({@link FloatKernels}) and the precision switch ({@link Kernels#setPrecision},
 * {@link Kernels#float64}). Every product is compared bit for bit with a scalar reference that does the same
 * arithmetic — operands rounded to float, per k-block of 256 a float sum of fused multiply-adds from 0 in the order
 * p = 0, 1, …, then one double addition into C — so the kernels give the same bits at every vector width (lib/pom.xml
 * runs this class at 128, 256 and 512 bits); and with the exact product, within the error float's round-off
 * allows, and not within double's (the float path really runs).
 */
class FloatKernelsTest {

    @AfterEach
    void restore() {
        Kernels.setPrecision(Kernels.Precision.FLOAT64);
        Kernels.setThreads(1);
    }

    /** Around the micro-kernel (MR = 6 or 8 rows; NR = 8, 16 or 32 columns, L = 4, 8 or 16 floats). */
    static final int[] SIZES = {1, 4, 6, 7, 9, 16, 17, 33, 65};

    static final int[][] LARGE = {{130, 257, 19}, {5, 300, 517}, {161, 64, 27}, {768, 128, 65}, {64, 32, 64},
        {13, 513, 40}};

    @Test
    void productsAreTheReferenceArithmeticBitForBit() {
        SplittableRandom rng = new SplittableRandom(1);
        for (KernelsTest.Kind kind : KernelsTest.Kind.values()) {
            for (int m : SIZES) for (int k : SIZES) for (int n : SIZES) check(kind, m, k, n, rng);
            for (int[] s : LARGE) check(kind, s[0], s[1], s[2], rng);
        }
    }

    private static void check(KernelsTest.Kind kind, int m, int k, int n, SplittableRandom rng) {
        double[][] A = kind == KernelsTest.Kind.AtB ? random(k, m, rng) : random(m, k, rng);
        double[][] B = kind == KernelsTest.Kind.ABt ? random(n, k, rng) : random(k, n, rng);
        double[][] C0 = random(m, n, rng);
        double[][] C = copy(C0);
        switch (kind) {
            case AB -> FloatKernels.gemm(A, B, C, m, k, n);
            case AtB -> FloatKernels.gemmTransA(A, B, C, m, k, n);
            default -> FloatKernels.gemmTransB(A, B, C, m, k, n);
        }
        double[][] ref = reference(kind, A, B, C0, m, k, n);
        double[][] exact = KernelsTest.naive(kind, A, B, C0, m, k, n);
        double[][] scale = KernelsTest.naive(kind, abs(A), abs(B), abs(C0), m, k, n);
        String what = kind + " " + m + "×" + k + "×" + n;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                if (Double.doubleToRawLongBits(C[i][j]) != Double.doubleToRawLongBits(ref[i][j])) {
                    fail(what + ": C[" + i + "][" + j + "] = " + C[i][j] + ", the reference arithmetic gives "
                            + ref[i][j]);
                }
                // the operands' rounding (2u per term) and the float sum's (k·u): u = 2⁻²⁴
                double allowed = (Math.min(k, FloatKernels.KC) + 3) * 0x1p-24 * scale[i][j];
                if (!(Math.abs(C[i][j] - exact[i][j]) <= allowed)) {
                    fail(what + ": C[" + i + "][" + j + "] = " + C[i][j] + ", exact " + exact[i][j]
                            + ", more than float's round-off allows (" + allowed + ")");
                }
            }
        }
    }

    /** C0 + op(A)·op(B) with FloatKernels' arithmetic, one entry at a time. */
    static double[][] reference(KernelsTest.Kind kind, double[][] A, double[][] B, double[][] C0, int m, int k,
                                int n) {
        double[][] C = copy(C0);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int kk = 0; kk < k; kk += FloatKernels.KC) {
                    float acc = 0f;
                    for (int p = kk; p < Math.min(k, kk + FloatKernels.KC); p++) {
                        float a = (float) (kind == KernelsTest.Kind.AtB ? A[p][i] : A[i][p]);
                        float b = (float) (kind == KernelsTest.Kind.ABt ? B[j][p] : B[p][j]);
                        acc = Math.fma(a, b, acc);
                    }
                    C[i][j] += acc;
                }
            }
        }
        return C;
    }

    @Test
    void theFloatPathIsReallyFloat() {
        SplittableRandom rng = new SplittableRandom(2);
        int m = 64, k = 128, n = 64;
        double[][] A = random(m, k, rng), B = random(k, n, rng), C = new double[m][n];
        FloatKernels.gemm(A, B, C, m, k, n);
        double[][] exact = KernelsTest.naive(KernelsTest.Kind.AB, A, B, new double[m][n], m, k, n);
        double worst = 0;
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) worst = Math.max(worst, Math.abs(C[i][j] - exact[i][j]));
        assertTrue(worst > 1e-9 && worst < 1e-4, "largest error " + worst + ": float's round-off, not double's");
    }

    @Test
    void float32ProductsGoThroughMatrixUntilFloat64IsForced() throws Exception {
        SplittableRandom rng = new SplittableRandom(3);
        Matrix A = new Matrix(random(40, 70, rng)), B = new Matrix(random(70, 33, rng));
        Matrix f64 = Matrix.matmul(A, B);
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        assertEquals(Kernels.Precision.FLOAT32, Kernels.precision());
        assertTrue(Kernels.active().contains("products in float32"), Kernels.active());
        Matrix f32 = Matrix.matmul(A, B);
        double[][] ref = reference(KernelsTest.Kind.AB, A.data, B.data, new double[40][33], 40, 70, 33);
        for (int i = 0; i < 40; i++) for (int j = 0; j < 33; j++) assertEquals(ref[i][j], f32.data[i][j], 0.0);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Matrix forced = Kernels.float64(() -> {
                assertEquals(Kernels.Precision.FLOAT64, Kernels.precision());
                Matrix inner = Kernels.float64(() -> Matrix.matmul(A, B));        // nests
                assertEquals(Kernels.Precision.FLOAT64, Kernels.precision());     // still forced after the inner one
                Future<Kernels.Precision> elsewhere = other.submit(Kernels::precision);
                try {
                    assertEquals(Kernels.Precision.FLOAT32, elsewhere.get(), "other threads keep the run's setting");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return inner;
            });
            for (int i = 0; i < 40; i++) for (int j = 0; j < 33; j++) assertEquals(f64.data[i][j], forced.data[i][j], 0.0);
        } finally {
            other.shutdown();
        }
        assertEquals(Kernels.Precision.FLOAT32, Kernels.precision(), "restored after float64(…)");
        assertThrows(IllegalStateException.class, () -> Kernels.float64(() -> {
            throw new IllegalStateException("inside");
        }));
        assertEquals(Kernels.Precision.FLOAT32, Kernels.precision(), "restored after an exception");
    }

    /** C = A·B (setMatmul) gives the bits of zeroing C and adding, on both paths, without reading C. */
    @Test
    void overwritingIsAddingToZeros() {
        SplittableRandom rng = new SplittableRandom(7);
        for (Kernels.Precision p : Kernels.Precision.values()) {
            Kernels.setPrecision(p);
            for (int[] s : new int[][] {{40, 300, 33}, {64, 32, 64}, {7, 9, 65}, {3, 2, 2}, {5, 0, 4}}) {
                int m = s[0], k = s[1], n = s[2];
                Matrix A = new Matrix(random(m, k, rng), k), B = new Matrix(random(k, n, rng), n);
                Matrix Bt = B.transpose();
                Matrix added = new Matrix(m, n).addMatmul(A, B), addedT = new Matrix(m, n).addMatmulTransB(A, Bt);
                Matrix set = new Matrix(random(m, n, rng), n).setMatmul(A, B);          // stale values in C
                Matrix setT = new Matrix(random(m, n, rng), n).setMatmulTransB(A, Bt);
                double[][] raw = random(m + 2, n + 3, rng);                               // longer rows than the shape
                Kernels.setMatmul(A.data, B.data, raw, m, k, n);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        String at = p + " " + m + "×" + k + "×" + n + " [" + i + "][" + j + "]";
                        assertEquals(Double.doubleToRawLongBits(added.data[i][j]),
                                Double.doubleToRawLongBits(set.data[i][j]), at);
                        assertEquals(Double.doubleToRawLongBits(addedT.data[i][j]),
                                Double.doubleToRawLongBits(setT.data[i][j]), at + " (A·Bᵀ)");
                        assertEquals(added.data[i][j], raw[i][j], 0.0, at + " (row arrays)");
                    }
                }
            }
        }
    }

    @Test
    void smallProductsStayDouble() {
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        Matrix A = Matrix.of(new double[][] {{1.0 / 3, 2.0 / 3}, {0.1, 0.7}}), B = Matrix.of(new double[][] {{0.3}, {1e-9}});
        Matrix C = Matrix.matmul(A, B);                                     // 2·2·1 multiply-adds: the plain path
        assertEquals(1.0 / 3 * 0.3 + 2.0 / 3 * 1e-9, C.get(0, 0), 0.0);
    }

    @Test
    void twoThreadsGiveTheOneThreadBitsForABAndABt() {
        Kernels.setPrecision(Kernels.Precision.FLOAT32);
        SplittableRandom rng = new SplittableRandom(4);
        Matrix A = new Matrix(random(300, 200, rng)), B = new Matrix(random(200, 90, rng));
        Matrix Bt = B.transpose();
        Matrix one = Matrix.matmul(A, B), oneT = new Matrix(300, 90).addMatmulTransB(A, Bt);
        Kernels.setThreads(2);
        Matrix two = Matrix.matmul(A, B), twoT = new Matrix(300, 90).addMatmulTransB(A, Bt);
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 90; j++) {
                assertEquals(one.data[i][j], two.data[i][j], 0.0);
                assertEquals(oneT.data[i][j], twoT.data[i][j], 0.0);
            }
        }
    }

    @Test
    void rowArrayProductsCheckTheirOperands() {
        double[][] A = new double[4][3], B = new double[3][5], C = new double[4][5];
        Kernels.addMatmul(A, B, C, 4, 3, 5);
        Kernels.addMatmul(new double[6][8], new double[9][7], new double[5][6], 4, 3, 5);   // longer rows are fine
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Kernels.addMatmul(A, B, C, 4, 4, 5));
        assertEquals("A·B: row 0 of A has 3 entries, the shape needs 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Kernels.addMatmulTransA(A, B, C, 3, 4, 5));
        assertEquals("Aᵀ·B: B has 3 rows, the shape needs 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Kernels.addMatmulTransB(A, B, C, 5, 3, 3));
        assertEquals("A·Bᵀ: A has 4 rows, the shape needs 5", e.getMessage());
    }

    @Test
    void precisionPropertyIsParsed() {
        assertEquals(Kernels.Precision.FLOAT32, Kernels.parsePrecision(" Float32 "));
        assertEquals(Kernels.Precision.FLOAT32, Kernels.parsePrecision("single"));
        assertEquals(Kernels.Precision.FLOAT64, Kernels.parsePrecision(""));
        assertEquals(Kernels.Precision.FLOAT64, Kernels.parsePrecision("double"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.parsePrecision("half"));
        assertEquals("-Dlmworkbook.precision=half: unknown precision, expected float64 or float32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Kernels.setPrecision(null));
    }

    @Test
    void expPolyIsWithinTwoUlpsAndTheSameBitsInVectorsAndScalars() {
        SplittableRandom rng = new SplittableRandom(5);
        int n = 1003;                                       // not a multiple of any vector length: a scalar tail
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i < 20 ? new double[] {0, -0.0, 1, -1, 1e-300, -1e-300, 0.5 * Math.log(2),
            -0.5 * Math.log(2), 700, -700, 709.78, -707.9, 709.8, -708.1, 1e4, -1e4, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.NaN, 1e-17}[i] : rng.nextDouble(-30, 30);
        double[] y = x.clone();
        Kernels.expPoly(y, 0, n);
        for (int i = 0; i < n; i++) {
            double want = Math.exp(x[i]), got = y[i];
            assertEquals(Double.doubleToRawLongBits(Kernels.expPoly(x[i])), Double.doubleToRawLongBits(got),
                    "vector lane and scalar differ at x = " + x[i]);
            if (Double.isNaN(x[i])) {
                assertTrue(Double.isNaN(got));
            } else if (x[i] < Kernels.EXP_MIN) {
                assertEquals(0.0, got, 1e-307, "x = " + x[i]);
            } else if (Double.isInfinite(want)) {
                assertEquals(want, got, "x = " + x[i]);
            } else {
                assertTrue(Math.abs(got - want) <= 2 * Math.ulp(want), "x = " + x[i] + ": " + got + " vs " + want);
            }
        }
        double[] part = x.clone();
        Kernels.expPoly(part, 3, 7);
        assertEquals(x[2], part[2], 0.0);
        assertEquals(x[7], part[7], 0.0);
        assertThrows(IllegalArgumentException.class, () -> Kernels.expPoly(new double[3], 2, 4));
    }

    @Test
    void theFloatKernelsBlockFollowsTheWidth() {
        int bits = VectorKernels.bits();
        assertEquals(bits / 32, FloatKernels.lanes());
        assertEquals(FloatKernels.lanes() >= 16 ? "8 × 32" : "6 × " + 2 * FloatKernels.lanes(), FloatKernels.block());
    }

    static double[][] random(int rows, int cols, SplittableRandom rng) {
        double[][] x = new double[rows][cols];
        for (double[] r : x) for (int j = 0; j < cols; j++) r[j] = rng.nextDouble(-1, 1);
        return x;
    }

    static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) y[i] = x[i].clone();
        return y;
    }

    static double[][] abs(double[][] x) {
        double[][] y = copy(x);
        for (double[] r : y) for (int j = 0; j < r.length; j++) r[j] = Math.abs(r[j]);
        return y;
    }
}
