package io.github.lmworkbook.core;

/**
 * The product kernels behind {@link Matrix#addMatmul}, {@link Matrix#addMatmulTransA} and
 * {@link Matrix#addMatmulTransB}, and the choice between two implementations:
 * <ul>
 *   <li>{@link VectorKernels}: packed panels and a 4 × 8 register-blocked FMA micro-kernel written with the
 *       Vector API (incubating in JDK 17; needs {@code --add-modules=jdk.incubator.vector});</li>
 *   <li>{@link PlainKernels}: blocked row-array loops, k unrolled by four, that C2 vectorizes on its own;
 *       always available.</li>
 * </ul>
 * The vector path is used when the module is present, unless the system property
 * {@code -Dlmworkbook.kernel=plain} forces the plain one ({@code vector} forces the vector path where it is
 * available; {@code auto}, the default, picks it). {@link #active()} says which path runs and why.
 *
 * <p>Very small products (fewer than {@value #SMALL} multiply-adds, or C with fewer than 4 rows) take the plain
 * path even when the vector path is active: packing costs more than it saves there.
 *
 * <p>Reproducibility: both paths are single-threaded and sum in a fixed order, so a run gives bit-identical
 * results every time on the same path. The two paths round differently (the vector path uses fused
 * multiply-add), so switching paths changes results in the last bits (relative ~1e-15).
 */
public final class Kernels {
    private Kernels() {}

    /**
     * Products with m·k·n below this, or with fewer than 4 rows in C, go to the plain path: packing costs more than
     * the micro-kernel saves there. Measured 2026-11-25 (GFLOP/s plain/vector, A·B): 8×16×16 3.0/2.4,
     * 16×16×16 2.3/3.6, 32×32×32 4.9/5.5, and a single row 1×64×64 4.3/0.5 (the 4-row micro-kernel wastes 3/4).
     */
    static final long SMALL = 4096;

    private static final boolean VECTOR;
    private static final String DESCRIPTION;

    static {
        String requested = System.getProperty("lmworkbook.kernel", "auto").trim().toLowerCase(java.util.Locale.ROOT);
        String problem = vectorProblem();
        boolean vector;
        String description;
        switch (requested) {
            case "plain":
                vector = false;
                description = "plain (forced by -Dlmworkbook.kernel=plain)";
                break;
            case "vector":
            case "auto":
            case "":
                vector = problem == null;
                description = vector
                        ? "vector (" + VectorKernels.bits() + "-bit, " + VectorKernels.lanes() + " doubles per register)"
                        : "plain (" + (requested.equals("vector") ? "-Dlmworkbook.kernel=vector requested, but " : "")
                                + problem + ")";
                break;
            default:
                throw new IllegalArgumentException("-Dlmworkbook.kernel=" + requested
                        + ": unknown kernel, expected plain, vector or auto");
        }
        VECTOR = vector;
        DESCRIPTION = description;
    }

    /** Null if the Vector API kernel can run here, else why not. */
    private static String vectorProblem() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "module jdk.incubator.vector not present; run java with --add-modules=jdk.incubator.vector";
        }
        try {
            Class.forName("io.github.lmworkbook.core.VectorKernels", true, Kernels.class.getClassLoader());
            if (VectorKernels.lanes() < 2) return "vector registers hold " + VectorKernels.lanes() + " double";
            return null;
        } catch (LinkageError | ClassNotFoundException e) {
            return "Vector API unavailable: " + e;
        }
    }

    /** Which kernel path the products use, e.g. {@code "vector (256-bit, 4 doubles per register)"} or {@code "plain (…)"}. */
    public static String active() {
        return DESCRIPTION;
    }

    /** True if the products use the Vector API path. */
    public static boolean vectorActive() {
        return VECTOR;
    }

    /** True if {@link VectorKernels} can be called in this JVM (whatever path is selected). */
    public static boolean vectorAvailable() {
        return VectorHolder.AVAILABLE;
    }

    private static final class VectorHolder {
        static final boolean AVAILABLE = vectorProblem() == null;
    }

    private static boolean useVector(int m, int k, int n) {
        return VECTOR && m >= 4 && (long) m * k * n >= SMALL;
    }

    /** C (m × n) += A (m × k) · B (k × n). */
    static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        if (useVector(m, k, n)) VectorKernels.gemm(A, B, C, m, k, n);
        else PlainKernels.gemm(A, B, C, m, k, n);
    }

    /** C (m × n) += Aᵀ · B with A (k × m), B (k × n). */
    static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        if (useVector(m, k, n)) VectorKernels.gemmTransA(A, B, C, m, k, n);
        else PlainKernels.gemmTransA(A, B, C, m, k, n);
    }

    /** C (m × n) += A · Bᵀ with A (m × k), B (n × k). */
    static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        if (useVector(m, k, n)) VectorKernels.gemmTransB(A, B, C, m, k, n);
        else PlainKernels.gemmTransB(A, B, C, m, k, n);
    }
}
