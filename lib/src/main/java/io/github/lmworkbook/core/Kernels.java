package io.github.lmworkbook.core;

/**
 * The product kernels behind {@link Matrix#addMatmul}, {@link Matrix#addMatmulTransA} and
 * {@link Matrix#addMatmulTransB}, and the choice between two implementations:
 * <ul>
 *   <li>{@link VectorKernels}: packed panels and a register-blocked FMA micro-kernel written with the Vector API
 *       (incubating in JDK 17; needs {@code --add-modules=jdk.incubator.vector}), its block chosen from the
 *       vector width (6 × 8 doubles on AVX2, 8 × 16 on AVX-512);</li>
 *   <li>{@link PlainKernels}: blocked row-array loops, k unrolled by four, that C2 vectorizes on its own;
 *       always available.</li>
 * </ul>
 * The vector path is used when the module is present, unless the system property
 * {@code -Dlmworkbook.kernel=plain} forces the plain one ({@code vector} forces the vector path where it is
 * available; {@code auto}, the default, picks it). {@code -Dlmworkbook.vectorBits=128|256|512} makes the vector
 * path use that width instead of the CPU's own (the tests check both widths this way; a width wider than the
 * CPU's is emulated, slowly). {@link #active()} says which path runs and why. An invalid value of
 * {@code lmworkbook.kernel}, {@code lmworkbook.vectorBits} or {@code lmworkbook.threads} does not break class
 * loading: every product (and {@link #active()}) then throws an {@link IllegalArgumentException} naming the
 * property and the values allowed ({@link #checkConfiguration()}).
 *
 * <p>Very small products (fewer than {@value #SMALL} multiply-adds, or C with fewer than 4 rows) take the plain
 * path even when the vector path is active: packing costs more than it saves there.
 *
 * <p>Reproducibility: both paths are single-threaded and sum in a fixed order, so a run gives bit-identical
 * results every time on the same path. The two paths round differently (the vector path uses fused
 * multiply-add), so switching paths changes results in the last bits (relative ~1e-15).
 *
 * <p><b>Precision.</b> {@link Matrix} is double, and so are the products by default ({@link Precision#FLOAT64}).
 * {@link #setPrecision setPrecision(Precision.FLOAT32)} (or {@code -Dlmworkbook.precision=float32}) makes the vector
 * path compute the products in single precision ({@link FloatKernels}: operands rounded to float as they are packed,
 * float sums with twice the lanes per register, each k-block's sum added to C in double) — PyTorch's float32, about
 * twice as fast, with float's round-off (relative ~1e-7 per product, tested). A few layers also take a faster path
 * of their own under float32 (attention's heads as products, GELU's exponentials in vectors): they ask
 * {@link #precision()}. The plain path and the small products (see above) stay double. The gradient checker
 * always runs in float64: {@link #float64(java.util.function.Supplier)} forces it on the calling thread for the
 * duration of a computation, whatever the run's setting.
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
    /** Why -Dlmworkbook.kernel was not understood (then the default, auto, was taken), or null. */
    private static final String KERNEL_PROBLEM;

    /** The system property that names the vector width of {@link VectorKernels} (default: the CPU's). */
    static final String VECTOR_BITS = "lmworkbook.vectorBits";

    static {
        // A bad system property must not fail class initialization (an ExceptionInInitializerError chain that
        // hides the message and makes the class unusable): the problem is recorded and every product, and
        // active(), throw an IllegalArgumentException with it (checkConfiguration()).
        String requested, problem = null;
        try {
            requested = parseKernel(System.getProperty("lmworkbook.kernel", "auto"));
        } catch (IllegalArgumentException e) {
            requested = "auto";
            problem = e.getMessage();
        }
        int bits = 0;
        try {
            bits = parseVectorBits(System.getProperty(VECTOR_BITS, "auto"));
        } catch (IllegalArgumentException e) {
            problem = problem == null ? e.getMessage() : problem + "; " + e.getMessage();
        }
        KERNEL_PROBLEM = problem;
        String vectorProblem = vectorProblem();
        if (requested.equals("plain")) {
            VECTOR = false;
            DESCRIPTION = "plain (forced by -Dlmworkbook.kernel=plain)";
        } else {
            VECTOR = vectorProblem == null;
            DESCRIPTION = VECTOR
                    ? "vector (" + VectorKernels.bits() + "-bit, " + VectorKernels.lanes() + " doubles per register"
                            + forcedWidth(bits) + ")"
                    : "plain (" + (requested.equals("vector") ? "-Dlmworkbook.kernel=vector requested, but " : "")
                            + vectorProblem + ")";
        }
    }

    /**
     * The kernel named by {@code -Dlmworkbook.kernel}: "plain", "vector" or "auto" (also for an empty value), in
     * any case and with surrounding blanks.
     *
     * @throws IllegalArgumentException naming the property and the value, for anything else
     */
    static String parseKernel(String s) {
        String k = s.trim().toLowerCase(java.util.Locale.ROOT);
        switch (k) {
            case "plain":
            case "vector":
            case "auto":
                return k;
            case "":
                return "auto";
            default:
                throw new IllegalArgumentException("-Dlmworkbook.kernel=" + s
                        + ": unknown kernel, expected plain, vector or auto");
        }
    }

    /**
     * The vector width named by {@code -Dlmworkbook.vectorBits}: 128, 256 or 512 bits, or 0 for "auto" (also an
     * empty value): the CPU's preferred width.
     *
     * @throws IllegalArgumentException naming the property and the value, for anything else
     */
    static int parseVectorBits(String s) {
        String v = s.trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "":
            case "auto":
                return 0;
            case "128":
            case "256":
            case "512":
                return Integer.parseInt(v);
            default:
                throw new IllegalArgumentException("-D" + VECTOR_BITS + "=" + s
                        + ": unknown vector width, expected 128, 256, 512 or auto");
        }
    }

    /** "" for the CPU's own width, else what -Dlmworkbook.vectorBits changed (for the description). */
    private static String forcedWidth(int bits) {
        if (bits == 0) return "";
        int cpu = VectorKernels.hardwareBits();
        return "; forced by -D" + VECTOR_BITS + "=" + bits + (bits > cpu
                ? ", wider than this CPU's " + cpu + "-bit vectors: emulated in Java, slow, for tests only"
                : bits < cpu ? ", this CPU has " + cpu + "-bit vectors" : "");
    }

    /**
     * Throws if a system property of the kernels ({@code -Dlmworkbook.kernel}, {@code -Dlmworkbook.vectorBits},
     * {@code -Dlmworkbook.threads}) has a value they do not understand; every product calls this. A command line
     * calls it first so that the problem is its one line of output.
     *
     * @throws IllegalArgumentException naming the property, its value and the values allowed
     */
    public static void checkConfiguration() {
        String problem = configProblem, p = precisionProblem;
        if (p != null) problem = problem == null ? p : problem + "; " + p;
        if (problem != null) throw new IllegalArgumentException(problem);
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

    /**
     * Which kernel path the products use, e.g. {@code "vector (256-bit, 4 doubles per register)"} or
     * {@code "plain (…)"}.
     *
     * @return a one-line description of the active path
     * @throws IllegalArgumentException if a kernel system property is invalid ({@link #checkConfiguration()})
     */
    public static String active() {
        checkConfiguration();
        String d = threads == 2 ? DESCRIPTION + ", large products on 2 threads" : DESCRIPTION;
        if (precision() == Precision.FLOAT32) {
            d += VECTOR ? "; products in float32 (" + FloatKernels.lanes() + " floats per register, block "
                    + FloatKernels.block() + ")" : "; float32 requested, but the plain kernels compute in float64";
        }
        return d;
    }

    /** {@return true if the products use the Vector API path} */
    public static boolean vectorActive() {
        return VECTOR;
    }

    /** {@return true if {@link VectorKernels} can be called in this JVM (whatever path is selected)} */
    public static boolean vectorAvailable() {
        return VectorHolder.AVAILABLE;
    }

    private static final class VectorHolder {
        static final boolean AVAILABLE = vectorProblem() == null;
    }

    private static boolean useVector(int m, int k, int n) {
        return VECTOR && m >= 4 && (long) m * k * n >= SMALL;
    }

    /**
     * a[i] = e^a[i] for i in [from, to), in place: through the Vector API's exponential (the CPU's vector math
     * library) on the vector path, Math.exp otherwise. Both are within 1 ulp of the exact value; they may differ
     * from each other in the last bit. The elementwise non-linearities of the layers ({@code Sigmoid},
     * {@code Tanh}) call it for a whole block of a row at once.
     *
     * @param a the array changed in place
     * @param from the first index changed
     * @param to one past the last index changed
     */
    public static void exp(double[] a, int from, int to) {
        checkRange("exp", a, from, to);
        if (VECTOR) VectorKernels.exp(a, from, to);
        else for (int i = from; i < to; i++) a[i] = Math.exp(a[i]);
    }

    // e^x as 2^n·p(r): n = round(x·log₂e) by adding and subtracting ROUND = 1.5·2⁵² (exact), r = x − n·ln2 with ln2 in
    // two parts (|r| ≤ ln2/2), p = Σ_{c ≤ 12} r^c/c! by Horner in fused multiply-adds (the next term is below 2e-16
    // relative), 2^n built from n's bits, which are the low bits of x·log₂e + ROUND, as (2p)·2^(n−1): n reaches 1024
    // just below EXP_MAX, where 2^n itself would overflow.
    static final double LOG2E = 1.4426950408889634, ROUND = 6755399441055744.0;
    static final long ROUND_BITS = Double.doubleToRawLongBits(ROUND);
    static final double LN2_HI = 0.6931471803691238, LN2_LO = 1.9082149292705877e-10;
    /** Above this e^x overflows (+∞); below {@link #EXP_MIN} the polynomial's 2^n would leave the normal range (0). */
    static final double EXP_MAX = 709.782712893384, EXP_MIN = -708.0;
    /** 1/12!, 1/11!, …, 1/1!, 1: Horner's order. */
    static final double[] EXP_C = expCoefficients();

    private static double[] expCoefficients() {
        double[] c = new double[13];
        double f = 1;
        for (int k = 0; k <= 12; k++) {
            if (k > 0) f *= k;
            c[12 - k] = 1.0 / f;
        }
        return c;
    }

    /** e^x by the polynomial of {@link #expPoly(double[], int, int)}, for one number. */
    static double expPoly(double x) {
        if (x > EXP_MAX) return Double.POSITIVE_INFINITY;
        if (x < EXP_MIN) return 0.0;
        double t = Math.fma(x, LOG2E, ROUND), n = t - ROUND;
        double r = Math.fma(-n, LN2_HI, x);
        r = Math.fma(-n, LN2_LO, r);
        double p = EXP_C[0];
        for (int c = 1; c < EXP_C.length; c++) p = Math.fma(p, r, EXP_C[c]);
        long e = (Double.doubleToRawLongBits(t) - ROUND_BITS + 1022) << 52;   // 2^(n−1): normal for every n here
        return (p * 2) * Double.longBitsToDouble(e);
    }

    /**
     * a[i] = e^a[i] for i in [from, to), in place, by a polynomial of the library's own: within 2 ulp of the exact
     * value for x ≥ −708 (0 below, where e^x is below 1e-307), and — unlike {@link #exp}, whose vector math library
     * and Java fallback differ in the last bit — built only from +, ×, fused multiply-add and bit operations, so
     * every run gives the same bits, compiled or not, at every vector width. A vector of lanes at a time on the
     * vector path. The float32 paths of the layers use it (GELU's σ(2u)).
     *
     * @param a the array changed in place
     * @param from the first index changed
     * @param to one past the last index changed
     */
    public static void expPoly(double[] a, int from, int to) {
        checkRange("expPoly", a, from, to);
        if (VECTOR) VectorKernels.expPoly(a, from, to);
        else for (int i = from; i < to; i++) a[i] = expPoly(a[i]);
    }

    /**
     * a[i] = e^a[i] − 1 for i in [from, to), in place: as {@link #exp}, with Math.expm1 on the plain path.
     *
     * @param a the array changed in place
     * @param from the first index changed
     * @param to one past the last index changed
     */
    public static void expm1(double[] a, int from, int to) {
        checkRange("expm1", a, from, to);
        if (VECTOR) VectorKernels.expm1(a, from, to);
        else for (int i = from; i < to; i++) a[i] = Math.expm1(a[i]);
    }

    private static void checkRange(String op, double[] a, int from, int to) {
        if (from < 0 || to > a.length || from > to) {
            throw new IllegalArgumentException(op + ": range " + from + "…" + to + " outside an array of " + a.length);
        }
    }

    // ---- products on row arrays, for a layer that multiplies blocks of its own buffers ------------------------

    /**
     * C (m × n) += A (m × k) · B (k × n) on row arrays whose rows may be longer than the shape: only the first m rows
     * of A and C, k rows of B, and the first k (A), n (B, C) entries of each row are read or written — e.g. one
     * sequence's block of an attention layer's scratch. The same kernels and precision as
     * {@link Matrix#addMatmul}; C must not share rows with A or B.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A, rows of B
     * @param n the number of columns of B and C
     * @throws IllegalArgumentException naming the operand that is too small for the shape
     */
    public static void addMatmul(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkRows("A·B", "A", A, m, k);
        checkRows("A·B", "B", B, k, n);
        checkRows("A·B", "C", C, m, n);
        gemm(A, B, C, m, k, n);
    }

    /**
     * C (m × n) += Aᵀ · B with A (k × m), B (k × n), on row arrays as {@link #addMatmul}.
     *
     * @param A the left factor, stored (k × m): its transpose is used
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of columns of A and rows of C
     * @param k the inner dimension: rows of A and of B
     * @param n the number of columns of B and C
     */
    public static void addMatmulTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkRows("Aᵀ·B", "A", A, k, m);
        checkRows("Aᵀ·B", "B", B, k, n);
        checkRows("Aᵀ·B", "C", C, m, n);
        gemmTransA(A, B, C, m, k, n);
    }

    /**
     * C (m × n) += A · Bᵀ with A (m × k), B (n × k), on row arrays as {@link #addMatmul}.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, stored (n × k): its transpose is used
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A and of B
     * @param n the number of rows of B, columns of C
     */
    public static void addMatmulTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkRows("A·Bᵀ", "A", A, m, k);
        checkRows("A·Bᵀ", "B", B, n, k);
        checkRows("A·Bᵀ", "C", C, m, n);
        gemmTransB(A, B, C, m, k, n);
    }

    /**
     * C (m × n) = A (m × k) · B (k × n) on row arrays, as {@link #addMatmul} but overwriting C: the same bits as
     * zeroing C first, without the pass over it on the float32 path.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, (k × n) rows
     * @param C the output, (m × n) rows, overwritten
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A, rows of B
     * @param n the number of columns of B and C
     */
    public static void setMatmul(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkRows("A·B", "A", A, m, k);
        checkRows("A·B", "B", B, k, n);
        checkRows("A·B", "C", C, m, n);
        setGemm(A, false, B, false, C, m, k, n);
    }

    /**
     * C (m × n) = A · Bᵀ with A (m × k), B (n × k), on row arrays, overwriting C (see {@link #setMatmul}).
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, stored (n × k): its transpose is used
     * @param C the output, (m × n) rows, overwritten
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A and of B
     * @param n the number of rows of B, columns of C
     */
    public static void setMatmulTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkRows("A·Bᵀ", "A", A, m, k);
        checkRows("A·Bᵀ", "B", B, n, k);
        checkRows("A·Bᵀ", "C", C, m, n);
        setGemm(A, false, B, true, C, m, k, n);
    }

    /**
     * C = op(A)·op(B), overwriting C (transA and transB not both). On the float32 path the kernel stores its first
     * k-block's sums (the same bits as adding them to zeros); otherwise C is zeroed and the product added, as
     * {@code zero()} then {@code addMatmul} always did.
     */
    static void setGemm(double[][] A, boolean transA, double[][] B, boolean transB, double[][] C, int m, int k,
                        int n) {
        checkConfiguration();
        if (useFloat(m, k, n) && !splitRows(transA ? k : m, transA ? m : k, n)) {
            FloatKernels.set(A, transA, B, transB, C, m, k, n);
            return;
        }
        for (int i = 0; i < m; i++) java.util.Arrays.fill(C[i], 0, n, 0.0);
        if (transA) gemmTransA(A, B, C, m, k, n);
        else if (transB) gemmTransB(A, B, C, m, k, n);
        else gemm(A, B, C, m, k, n);
    }

    private static void checkRows(String product, String name, double[][] M, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(product + ": negative shape (" + rows + "×" + cols + ") of " + name);
        }
        if (M.length < rows) {
            throw new IllegalArgumentException(product + ": " + name + " has " + M.length + " rows, the shape needs "
                    + rows);
        }
        for (int i = 0; i < rows; i++) {
            if (M[i].length < cols) {
                throw new IllegalArgumentException(product + ": row " + i + " of " + name + " has " + M[i].length
                        + " entries, the shape needs " + cols);
            }
        }
    }

    /** C (m × n) += A (m × k) · B (k × n). */
    static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkConfiguration();
        boolean f = useFloat(m, k, n);    // decided on this thread, for both halves
        if (splitRows(m, k, n)) {
            // C's rows are independent: each half is exactly what one thread would compute (bit-identical)
            int h = m / 2;
            twoWays(() -> gemm1(f, slice(A, h, m), B, slice(C, h, m), m - h, k, n),
                    () -> gemm1(f, A, B, C, h, k, n));
        } else {
            gemm1(f, A, B, C, m, k, n);
        }
    }

    private static void gemm1(boolean f, double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        if (f) FloatKernels.gemm(A, B, C, m, k, n);
        else if (useVector(m, k, n)) VectorKernels.gemm(A, B, C, m, k, n);
        else PlainKernels.gemm(A, B, C, m, k, n);
    }

    /** C (m × n) += Aᵀ · B with A (k × m), B (k × n). */
    static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkConfiguration();
        boolean f = useFloat(m, k, n);
        if (splitRows(k, m, n)) {
            // Aᵀ·B = A₁ᵀ·B₁ + A₂ᵀ·B₂ over the two halves of the k rows: the second half goes into a zeroed
            // per-thread buffer that is then added to C. Deterministic, but the sums are grouped differently from
            // the one-thread result, so the last bits may differ from it.
            int h = k / 2;
            double[][] C2 = SCRATCH_C.get().zeroed(m, n);
            twoWays(() -> gemmTransA1(f, slice(A, h, k), slice(B, h, k), C2, m, k - h, n),
                    () -> gemmTransA1(f, A, B, C, m, h, n));
            for (int i = 0; i < m; i++) {
                double[] c = C[i], c2 = C2[i];
                for (int j = 0; j < n; j++) c[j] += c2[j];
            }
        } else {
            gemmTransA1(f, A, B, C, m, k, n);
        }
    }

    private static void gemmTransA1(boolean f, double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        if (f) FloatKernels.gemmTransA(A, B, C, m, k, n);
        else if (useVector(m, k, n)) VectorKernels.gemmTransA(A, B, C, m, k, n);
        else PlainKernels.gemmTransA(A, B, C, m, k, n);
    }

    /** C (m × n) += A · Bᵀ with A (m × k), B (n × k). */
    static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        checkConfiguration();
        boolean f = useFloat(m, k, n);
        if (splitRows(m, k, n)) {
            int h = m / 2; // as in gemm: two halves of C's rows, bit-identical to one thread
            twoWays(() -> gemmTransB1(f, slice(A, h, m), B, slice(C, h, m), m - h, k, n),
                    () -> gemmTransB1(f, A, B, C, h, k, n));
        } else {
            gemmTransB1(f, A, B, C, m, k, n);
        }
    }

    private static void gemmTransB1(boolean f, double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        if (f) FloatKernels.gemmTransB(A, B, C, m, k, n);
        else if (useVector(m, k, n)) VectorKernels.gemmTransB(A, B, C, m, k, n);
        else PlainKernels.gemmTransB(A, B, C, m, k, n);
    }

    // ---- precision --------------------------------------------------------------------------------------

    /** The precision of the products: double (the default, and the gradient checker's) or single. */
    public enum Precision {
        /** Products in double precision (the default): every result in the workbook's evidence. */
        FLOAT64,
        /** Products in single precision on the vector path ({@link FloatKernels}), as PyTorch's float32. */
        FLOAT32
    }

    /** The run's precision ({@code -Dlmworkbook.precision}, {@link #setPrecision}). */
    private static volatile Precision precision;
    /** Why -Dlmworkbook.precision was not understood (until setPrecision), or null. */
    private static volatile String precisionProblem;
    /** A thread inside {@link #float64(java.util.function.Supplier)}: its products are double whatever the run's. */
    private static final ThreadLocal<int[]> FORCED_FLOAT64 = ThreadLocal.withInitial(() -> new int[1]);

    static {
        Precision p = Precision.FLOAT64;
        try {
            p = parsePrecision(System.getProperty("lmworkbook.precision", "float64"));
        } catch (IllegalArgumentException e) {
            precisionProblem = e.getMessage();
        }
        precision = p;
    }

    /**
     * The precision named by {@code -Dlmworkbook.precision}: "float64" (also "double", "64" or empty) or "float32"
     * (also "float", "single", "32"), in any case and with surrounding blanks.
     *
     * @throws IllegalArgumentException naming the property and the value, for anything else
     */
    static Precision parsePrecision(String s) {
        switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "":
            case "float64":
            case "double":
            case "64":
                return Precision.FLOAT64;
            case "float32":
            case "float":
            case "single":
            case "32":
                return Precision.FLOAT32;
            default:
                throw new IllegalArgumentException("-Dlmworkbook.precision=" + s
                        + ": unknown precision, expected float64 or float32");
        }
    }

    /**
     * The precision of the products on this thread: the run's ({@link #setPrecision}, default
     * {@link Precision#FLOAT64}), or FLOAT64 inside {@link #float64(java.util.function.Supplier)}. Layers with a
     * faster float path of their own ask this too.
     *
     * @return the precision of the products on the calling thread
     */
    public static Precision precision() {
        return FORCED_FLOAT64.get()[0] > 0 ? Precision.FLOAT64 : precision;
    }

    /**
     * Sets the precision of the products for the whole run (every thread): {@link Precision#FLOAT32} makes the
     * vector path compute them in single precision; the plain path (no Vector API) stays double. Also
     * {@code -Dlmworkbook.precision=float32}. Setting it replaces an invalid {@code -Dlmworkbook.precision}.
     *
     * @param p the precision of the products from now on
     */
    public static void setPrecision(Precision p) {
        if (p == null) throw new IllegalArgumentException("precision: expected FLOAT64 or FLOAT32, got null");
        precision = p;
        precisionProblem = null;
    }

    /**
     * Runs work with double-precision products (and the layers' double paths) on this thread, whatever the run's
     * precision, and returns its result: the gradient checker runs every check inside it, because finite differences
     * at h = 1e-5 need double's 16 digits. Nests; other threads are not affected.
     *
     * @param <T> the type of the work's result
     * @param work the computation to run in float64
     * @return the work's result
     */
    public static <T> T float64(java.util.function.Supplier<T> work) {
        int[] depth = FORCED_FLOAT64.get();
        depth[0]++;
        try {
            return work.get();
        } finally {
            depth[0]--;
        }
    }

    /** True when a product of this size runs in float: float32 on this thread, the vector path, not small. */
    private static boolean useFloat(int m, int k, int n) {
        return precision() == Precision.FLOAT32 && useVector(m, k, n);
    }

    // ---- the opt-in two-thread mode ------------------------------------------------------------------------

    /**
     * Products of at least this many multiply-adds are split over two threads when {@link #threads()} is 2:
     * handing work to another thread costs ~70–90 µs here, which only pays above ~10 MFLOP per call.
     */
    static final long PARALLEL_MIN_MULTIPLY_ADDS = 4_000_000;

    private static volatile int threads;
    /** KERNEL_PROBLEM and/or why -Dlmworkbook.threads was not understood (until setThreads), or null. */
    private static volatile String configProblem;
    private static java.util.concurrent.ExecutorService worker; // one daemon thread, created on first use

    static {
        int t = 1;
        String problem = null;
        try {
            t = parseThreads(System.getProperty("lmworkbook.threads", "1"));
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        threads = t;
        configProblem = KERNEL_PROBLEM == null ? problem
                : problem == null ? KERNEL_PROBLEM : KERNEL_PROBLEM + "; " + problem;
    }

    /**
     * The number of threads named by {@code -Dlmworkbook.threads}: 1 or 2.
     *
     * @throws IllegalArgumentException naming the property and the value, for anything else
     */
    static int parseThreads(String s) {
        int t;
        try {
            t = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            t = 0;
        }
        if (t != 1 && t != 2) throw new IllegalArgumentException("-Dlmworkbook.threads=" + s + ": expected 1 or 2");
        return t;
    }

    /**
     * 1 (the default: single-threaded, bit-reproducible) or 2 (large products split over two threads).
     *
     * @return the number of threads of a large product
     */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads of large products: 1 or 2 (also {@code -Dlmworkbook.threads=2}). With 2, A·B and
     * A·Bᵀ give exactly the one-thread result (their rows are split); Aᵀ·B splits its sum in two, which is
     * deterministic but may differ from the one-thread result in the last bits.
     *
     * @param t the number of threads, 1 or 2
     */
    public static void setThreads(int t) {
        if (t != 1 && t != 2) throw new IllegalArgumentException("threads " + t + ": expected 1 or 2");
        threads = t;
        configProblem = KERNEL_PROBLEM; // a valid setting replaces an invalid -Dlmworkbook.threads
    }

    private static boolean splitRows(int rows, int a, int b) {
        return threads == 2 && rows >= 16 && (long) rows * a * b >= PARALLEL_MIN_MULTIPLY_ADDS;
    }

    /** Rows [from, to) of a matrix, as a new array of the same row arrays (no values are copied). */
    private static double[][] slice(double[][] M, int from, int to) {
        return java.util.Arrays.copyOfRange(M, from, to);
    }

    /** Runs second on the worker thread and first on this one, and returns when both are done. */
    private static void twoWays(Runnable second, Runnable first) {
        java.util.concurrent.Future<?> f = worker().submit(second);
        first.run();
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the second thread of a product", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }

    private static synchronized java.util.concurrent.ExecutorService worker() {
        if (worker == null) {
            worker = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lmworkbook-kernels-2");
                t.setDaemon(true);
                return t;
            });
        }
        return worker;
    }

    /** A per-thread (m × n) buffer for the second half of a split Aᵀ·B, grown when needed. */
    private static final ThreadLocal<Scratch> SCRATCH_C = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        private double[][] c = new double[0][];

        double[][] zeroed(int m, int n) {
            if (c.length != m || (m > 0 && c[0].length != n)) c = new double[m][n]; // once per shape
            else for (double[] row : c) java.util.Arrays.fill(row, 0.0);
            return c;
        }
    }
}
