package io.github.lmworkbook.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API product kernels: C += A·B, C += Aᵀ·B and C += A·Bᵀ over row arrays, in the GotoBLAS/BLIS
 * layout.
 *
 * <p>One register-blocked micro-kernel computes an {@code MR × NR} block of C, NR = 2 vectors:
 * <pre>
 *   for p in 0..kc:  C[i..i+MR][j..j+NR] += a_p (MR scalars, broadcast) ⊗ b_p (2 vectors)   — 2·MR FMAs
 * </pre>
 * holding its 2·MR accumulators in registers for a whole k-block. The block is chosen from the vector width
 * the Vector API reports, so that the accumulators fill the register file without spilling and leave more
 * independent FMA chains than the FMA units' latency × throughput needs (4 cycles × 2 units = 8 on Zen 3 and
 * on AVX-512 Xeons):
 * <ul>
 *   <li>up to 256 bits (16 registers: AVX2, or SSE at 128 bits): MR = 6, 6 × 8 doubles on AVX2 — 12
 *       accumulators, 2 registers for b_p, 1 for the broadcast a (15 of 16);</li>
 *   <li>512 bits (32 registers, AVX-512): MR = 8, 8 × 16 doubles — 16 accumulators (19 of 32), and MR = 8
 *       divides the batch sizes the models use (32, 64, 512).</li>
 * </ul>
 * On AVX2 the 6 × 8 block needs 8 loads (2 vectors, 6 broadcasts) per 12 FMAs where the former 4 × 8 block
 * needed 6 per 8, and 12 chains in flight instead of exactly the 8 the FMA units need.
 *
 * <p>Operands. The micro-kernel reads op(A) from MR row arrays (a_p = a_r[ao + p], a scalar per row: no
 * packing, the rows of A are already contiguous), and B from a <em>packed</em> strip (kc × NR doubles,
 * contiguous, zero-padded past column n). So A·B and A·Bᵀ read A in place; Aᵀ·B first transposes a block of A
 * into scratch rows; B is copied (A·B) or transposed (A·Bᵀ) into strips. Blocks: k by {@value #KC}, m by
 * {@code MC} = 20·MR rows, n by {@value #NC}. The loops go panel by panel (MR rows of C), each panel across all
 * strips of the packed B block: the panel's MR rows of op(A) (MR × KC, 12 KiB on AVX2) stay in L1, the B block
 * streams from L2 / L3, and each row of C is read and written in order. Edges, for the shapes the models use: rows that full MR-row panels leave go through a 4-row
 * block when they are 4 or 8 ({@link #fullPanelRows}: the batch of 32 rows is 4·6 + 2·4 on AVX2, 4·8 on
 * AVX-512); any other block of C that crosses row m or column n is computed in an MR × NR scratch block (rows
 * past m repeat the last row of A, their results are dropped), with a one-vector kernel when the last strip
 * has at most L real columns (the last 3 of n = 27 on AVX2). The Vector API methods are few and all hot in any
 * model's training step, so C2 compiles them early (until then each call would allocate its vectors).
 *
 * <p>This class touches {@code jdk.incubator.vector} (incubating in JDK 17, needs
 * {@code --add-modules=jdk.incubator.vector}); loading it without the module fails with a
 * {@link LinkageError}. {@link Kernels} checks that before calling it and otherwise uses {@link PlainKernels}.
 * The species is {@code static final} here on purpose: C2 only compiles the Vector API to SIMD
 * instructions when the species is a constant. It is the CPU's preferred species unless
 * {@code -Dlmworkbook.vectorBits=128|256|512} names another ({@link Kernels#parseVectorBits}): the tests run
 * the kernels at both widths that way. A width wider than the CPU's is emulated in Java by the Vector API
 * (correct, but slow and allocating): for tests only.
 *
 * <p>Rounding: the micro-kernel uses fused multiply-add, accumulating {@code c = fma(a_p, b_p, c)} in the
 * order p = 0, 1, … starting from the old value of C, one rounding per term, whatever the block shape (so
 * every width gives the same bits). {@link PlainKernels} rounds the product and the sum separately and groups
 * four terms, so the two paths differ in the last bits (relative ~1e-15); each path alone is deterministic
 * (single-threaded, fixed order).
 *
 * <p>Scratch panels are per thread ({@link ThreadLocal}) and reused across calls: no allocation in steady
 * state, safe to call from several threads.
 */
public final class VectorKernels {
    private VectorKernels() {}

    /** The double species: the CPU's preferred one (256 bits = 4 doubles on AVX2), or -Dlmworkbook.vectorBits. */
    static final VectorSpecies<Double> S = species();
    /** Doubles per vector register. */
    static final int L = S.length();
    /** Micro-kernel rows: 6 up to 256-bit vectors (16 registers), 8 with 512-bit vectors (32 registers). */
    static final int MR = L >= 8 ? 8 : 6;
    /** Micro-kernel columns: two vectors. */
    static final int NR = 2 * L;
    /** k-block (depth of one packed strip). */
    static final int KC = 256;
    /** m-block (rows of A used with one packed B block); a multiple of MR. */
    static final int MC = 20 * MR;
    /** n-block (columns of B packed at once); a multiple of NR (16 for any L ≤ 8). */
    static final int NC = 512;

    private static VectorSpecies<Double> species() {
        int bits;
        try {
            bits = Kernels.parseVectorBits(System.getProperty(Kernels.VECTOR_BITS, "auto"));
        } catch (IllegalArgumentException e) {
            bits = 0; // Kernels reports the bad value on every product
        }
        return bits == 0 ? DoubleVector.SPECIES_PREFERRED
                : VectorSpecies.of(double.class, VectorShape.forBitSize(bits));
    }

    /** a[i] = e^a[i] for i in [from, to), L lanes at a time (C2 calls the CPU's vector math library, SVML). */
    static void exp(double[] a, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).lanewise(VectorOperators.EXP).intoArray(a, i);
        }
        for (; i < to; i++) a[i] = Math.exp(a[i]);
    }

    /** a[i] = e^a[i] − 1 for i in [from, to), L lanes at a time. */
    static void expm1(double[] a, int from, int to) {
        int i = from;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            DoubleVector.fromArray(S, a, i).lanewise(VectorOperators.EXPM1).intoArray(a, i);
        }
        for (; i < to; i++) a[i] = Math.expm1(a[i]);
    }

    /** e^x by {@link Kernels#expPoly}'s polynomial, L lanes at a time; the tail in scalar code, with the same bits. */
    static void expPoly(double[] a, int from, int to) {
        int i = from;
        double[] c = Kernels.EXP_C;
        for (int end = from + S.loopBound(to - from); i < end; i += L) {
            DoubleVector x = DoubleVector.fromArray(S, a, i);
            VectorMask<Double> over = x.compare(VectorOperators.GT, Kernels.EXP_MAX);
            VectorMask<Double> under = x.compare(VectorOperators.LT, Kernels.EXP_MIN);
            DoubleVector t = x.fma(Kernels.LOG2E, Kernels.ROUND);             // ROUND + n, n = round(x·log₂e)
            DoubleVector mn = t.sub(Kernels.ROUND).neg();                     // −n
            DoubleVector r = mn.fma(DoubleVector.broadcast(S, Kernels.LN2_HI), x);   // r = x − n·ln2, two parts
            r = mn.fma(DoubleVector.broadcast(S, Kernels.LN2_LO), r);
            DoubleVector p = DoubleVector.broadcast(S, c[0]);
            p = p.fma(r, DoubleVector.broadcast(S, c[1]));
            p = p.fma(r, DoubleVector.broadcast(S, c[2]));
            p = p.fma(r, DoubleVector.broadcast(S, c[3]));
            p = p.fma(r, DoubleVector.broadcast(S, c[4]));
            p = p.fma(r, DoubleVector.broadcast(S, c[5]));
            p = p.fma(r, DoubleVector.broadcast(S, c[6]));
            p = p.fma(r, DoubleVector.broadcast(S, c[7]));
            p = p.fma(r, DoubleVector.broadcast(S, c[8]));
            p = p.fma(r, DoubleVector.broadcast(S, c[9]));
            p = p.fma(r, DoubleVector.broadcast(S, c[10]));
            p = p.fma(r, DoubleVector.broadcast(S, c[11]));
            p = p.fma(r, DoubleVector.broadcast(S, c[12]));
            LongVector bits = t.reinterpretAsLongs().sub(Kernels.ROUND_BITS - 1022)
                    .lanewise(VectorOperators.LSHL, 52);                        // 2^(n−1)
            DoubleVector y = p.mul(2.0).mul(bits.reinterpretAsDoubles());       // (2p)·2^(n−1)
            y = y.blend(Double.POSITIVE_INFINITY, over).blend(0.0, under);
            y.intoArray(a, i);
        }
        for (; i < to; i++) a[i] = Kernels.expPoly(a[i]);
    }

    /**
     * Number of doubles in one vector register.
     *
     * @return the number of double lanes of the vector species used
     */
    public static int lanes() {
        return L;
    }

    /**
     * Vector width in bits.
     *
     * @return the width in bits of the vectors used
     */
    public static int bits() {
        return S.vectorBitSize();
    }

    /**
     * The widest vectors this CPU computes with (the preferred species), in bits.
     *
     * @return the preferred species' width in bits
     */
    public static int hardwareBits() {
        return DoubleVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** {@return the register block of C the micro-kernel computes, rows × columns, e.g. "6 × 8"} */
    public static String block() {
        return MR + " × " + NR;
    }

    /** Per-thread scratch: packed B block, transposed A block, an MR × NR block of C for the edges. */
    private static final class Scratch {
        final double[] bp = new double[((NC + NR - 1) / NR) * NR * KC]; // NC/NR strips, each KC × NR
        final double[][] at = new double[MC][KC];                      // Aᵀ·B: rows ii.. of Aᵀ, columns kk..
        final double[][] cEdge = new double[MR][NR];                   // MR × NR
        final double[][] aEdge = new double[MR][];                     // the MR rows of op(A) of an edge block
        final double[] zero = new double[KC];                          // stands in for rows of B past n
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * C (m × n) += A (m × k) · B (k × n).
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A, rows of B
     * @param n the number of columns of B and C
     */
    public static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, false, B, false, C, m, k, n);
    }

    /**
     * C (m × n) += Aᵀ · B with A (k × m), B (k × n).
     *
     * @param A the left factor, stored (k × m): its transpose is used
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of columns of A and rows of C
     * @param k the inner dimension: rows of A and of B
     * @param n the number of columns of B and C
     */
    public static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, true, B, false, C, m, k, n);
    }

    /**
     * C (m × n) += A · Bᵀ with A (m × k), B (n × k).
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, stored (n × k): its transpose is used
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A and of B
     * @param n the number of rows of B, columns of C
     */
    public static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, false, B, true, C, m, k, n);
    }

    private static void run(double[][] A, boolean transA, double[][] B, boolean transB, double[][] C,
                            int m, int k, int n) {
        if (m == 0 || n == 0 || k == 0) return;
        Scratch s = SCRATCH.get();
        double[] bp = s.bp;
        for (int jj = 0; jj < n; jj += NC) {
            int nc = Math.min(NC, n - jj);
            int strips = (nc + NR - 1) / NR;
            for (int kk = 0; kk < k; kk += KC) {
                int kc = Math.min(KC, k - kk);
                if (transB) packBt(B, bp, kk, kc, jj, nc, n, s.zero); else packB(B, bp, kk, kc, jj, nc);
                for (int ii = 0; ii < m; ii += MC) {
                    int mc = Math.min(MC, m - ii);
                    // op(A)'s rows for C's rows ii..ii+mc: row ar + r of a, from column ao
                    double[][] a = A;
                    int ar = ii, ao = kk;
                    if (transA) {
                        transposeA(A, s.at, kk, kc, ii, mc);
                        a = s.at;
                        ar = 0;
                        ao = 0;
                    }
                    // Panel by panel (MR rows of C), each across all strips: the panel's rows of op(A) stay in L1,
                    // the B strips stream from L2, and C's rows are read and written sequentially (the hardware
                    // prefetcher follows MR streams; strip by strip, C would be visited 8 KiB apart per row when
                    // n = 1024, each block a cache miss: 2× slower at 512×64×1024, 1.3× at 512³).
                    int full = fullPanelRows(mc);
                    for (int r = 0; r < mc; ) {
                        // MR rows, then 4-row blocks for a remainder of 4 or 8, else an edge panel
                        int rows = r < full ? MR : (mc - r) % 4 == 0 ? 4 : Math.min(MR, mc - r);
                        for (int st = 0; st < strips; st++) {
                            int j = jj + st * NR, bo = st * kc * NR;
                            if (j + NR > n || (rows != MR && rows != 4)) {
                                edge(kc, a, ar + r, ao, bp, bo, C, ii + r, j, rows, Math.min(NR, n - j), s);
                            } else if (rows == MR) {
                                micro(kc, a, ar + r, ao, bp, bo, C, ii + r, j);
                            } else {
                                micro4(kc, a, ar + r, ao, bp, bo, C, ii + r, j);
                            }
                        }
                        r += rows;
                    }
                }
            }
        }
    }

    /**
     * How many of an m-block's mc rows go through the MR-row micro-kernel; the rest, if a multiple of 4 (4 or 8
     * rows), go through {@link #micro4}, else through edge blocks. With MR = 6 a remainder of 2 rows takes the
     * last full panel with it: 6 + 2 = two 4-row blocks. So the models' m = 32, 64, 512 (and 128, 256, 1024)
     * need no edge block: 32 = 4·6 + 2·4, 64 = 10·6 + 4.
     */
    static int fullPanelRows(int mc) {
        int rest = mc % MR, full = mc - rest;
        return MR == 6 && rest == 2 && full >= MR ? full - MR : full;
    }

    /*
     * Packing. At the sizes the models use (32–512 per side) packing is a large share of the time, so every
     * packing loop below writes sequentially and never calls System.arraycopy for a handful of elements (a call
     * per 4 or 8 doubles cost more than the copy itself). Full strips take the straight path; only the last,
     * partial one is zero-padded. Packing is plain scalar code on purpose: Vector API code allocates an object
     * per vector until C2 has compiled it (the models' tests check that a warmed-up training step allocates
     * nothing).
     */

    /** Bp[strip][p][t] = B[kk+p][jj+strip·NR+t], zero past column n. One B row gives one NR-row of each strip. */
    private static void packB(double[][] B, double[] bp, int kk, int kc, int jj, int nc) {
        int full = nc / NR;                      // strips with NR real columns
        int rest = nc - full * NR;               // real columns in the last, partial strip (0 if none)
        for (int p = 0; p < kc; p++) {
            double[] b = B[kk + p];
            for (int st = 0; st < full; st++) {
                int j0 = jj + st * NR, o = st * kc * NR + p * NR;
                for (int t = 0; t < NR; t++) bp[o + t] = b[j0 + t];   // NR is a constant: unrolled by C2
            }
            if (rest > 0) {
                int j0 = jj + full * NR, o = full * kc * NR + p * NR;
                for (int t = 0; t < rest; t++) bp[o + t] = b[j0 + t];
                for (int t = rest; t < NR; t++) bp[o + t] = 0.0;
            }
        }
    }

    /**
     * Bp[strip][p][t] = Bᵀ[kk+p][jj+strip·NR+t] = B[jj+strip·NR+t][kk+p], zero past row n of B. Reads four rows
     * of B side by side (four sequential streams) and writes the strip in order.
     */
    private static void packBt(double[][] B, double[] bp, int kk, int kc, int jj, int nc, int n, double[] zero) {
        int strips = (nc + NR - 1) / NR;
        for (int st = 0; st < strips; st++) {
            int j0 = jj + st * NR;
            int base = st * kc * NR;
            for (int t0 = 0; t0 < NR; t0 += 4) {  // NR is a multiple of 4 for every L ≥ 2
                // four rows of B at a time; rows past n read a zero row (offset 0, length ≥ KC)
                double[] b0 = j0 + t0 < n ? B[j0 + t0] : zero;
                double[] b1 = j0 + t0 + 1 < n ? B[j0 + t0 + 1] : zero;
                double[] b2 = j0 + t0 + 2 < n ? B[j0 + t0 + 2] : zero;
                double[] b3 = j0 + t0 + 3 < n ? B[j0 + t0 + 3] : zero;
                int o0 = b0 == zero ? 0 : kk, o1 = b1 == zero ? 0 : kk, o2 = b2 == zero ? 0 : kk, o3 = b3 == zero ? 0 : kk;
                for (int p = 0, o = base + t0; p < kc; p++, o += NR) {
                    bp[o] = b0[o0 + p];
                    bp[o + 1] = b1[o1 + p];
                    bp[o + 2] = b2[o2 + p];
                    bp[o + 3] = b3[o3 + p];
                }
            }
        }
    }

    /**
     * at[r][p] = Aᵀ[ii+r][kk+p] = A[kk+p][ii+r] for r < mc, p < kc: rows of Aᵀ for the micro-kernel. Four rows of
     * A are read side by side, and each row of at gets four consecutive doubles from them.
     */
    private static void transposeA(double[][] A, double[][] at, int kk, int kc, int ii, int mc) {
        int p = 0;
        for (; p + 3 < kc; p += 4) {
            double[] x0 = A[kk + p], x1 = A[kk + p + 1], x2 = A[kk + p + 2], x3 = A[kk + p + 3];
            for (int r = 0; r < mc; r++) {
                double[] t = at[r];
                int q = ii + r;
                t[p] = x0[q];
                t[p + 1] = x1[q];
                t[p + 2] = x2[q];
                t[p + 3] = x3[q];
            }
        }
        for (; p < kc; p++) {
            double[] x = A[kk + p];
            for (int r = 0; r < mc; r++) at[r][p] = x[ii + r];
        }
    }

    /**
     * An edge block of C (rows × cols real, fewer than MR × NR): copy its valid part into an MR × NR scratch, run
     * the micro-kernel there, copy back. Rows of op(A) past the edge repeat its last real row; their results are
     * dropped. A last strip with at most L real columns (the 3 of n = 27 on AVX2) takes the one-vector kernel.
     */
    private static void edge(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int i, int j,
                             int rows, int cols, Scratch s) {
        double[][] e = s.cEdge, ae = s.aEdge;
        for (int r = 0; r < MR; r++) {
            ae[r] = a[ar + Math.min(r, rows - 1)];
            java.util.Arrays.fill(e[r], 0.0);
            if (r < rows) System.arraycopy(C[i + r], j, e[r], 0, cols);
        }
        if (cols <= L) micro1(kc, ae, 0, ao, bp, bo, e, 0, 0);   // half the work: one vector of columns
        else micro(kc, ae, 0, ao, bp, bo, e, 0, 0);
        for (int r = 0; r < rows; r++) System.arraycopy(e[r], 0, C[i + r], j, cols);
        java.util.Arrays.fill(ae, null); // hold no reference to the caller's arrays
    }

    /** C[ci..ci+MR][j..j+L] += Σ_p a_p ⊗ b_p[0..L]: one vector of columns (a last strip of ≤ L columns). */
    private static void micro1(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci, int j) {
        if (MR == 8) micro8x1(kc, a, ar, ao, bp, bo, C, ci, j);
        else micro6x1(kc, a, ar, ao, bp, bo, C, ci, j);
    }

    /** C[ci..ci+MR][j..j+NR] += Σ_p a_p ⊗ b_p: the block for this vector width (MR is a constant: one branch). */
    private static void micro(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci, int j) {
        if (MR == 8) micro8(kc, a, ar, ao, bp, bo, C, ci, j);
        else micro6(kc, a, ar, ao, bp, bo, C, ci, j);
    }

    /**
     * MR = 6: C[ci..ci+6][j..j+NR] += Σ_{p<kc} a_p ⊗ b_p with a_p = (a[ar][ao+p], …, a[ar+5][ao+p]) and
     * b_p = bp[bo + NR·p .. +NR] (one row of the B strip). Twelve accumulators stay in registers.
     */
    private static void micro6(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci,
                               int j) {
        double[] x0 = a[ar], x1 = a[ar + 1], x2 = a[ar + 2], x3 = a[ar + 3], x4 = a[ar + 4], x5 = a[ar + 5];
        double[] c0 = C[ci], c1 = C[ci + 1], c2 = C[ci + 2], c3 = C[ci + 3], c4 = C[ci + 4], c5 = C[ci + 5];
        DoubleVector c00 = DoubleVector.fromArray(S, c0, j), c01 = DoubleVector.fromArray(S, c0, j + L);
        DoubleVector c10 = DoubleVector.fromArray(S, c1, j), c11 = DoubleVector.fromArray(S, c1, j + L);
        DoubleVector c20 = DoubleVector.fromArray(S, c2, j), c21 = DoubleVector.fromArray(S, c2, j + L);
        DoubleVector c30 = DoubleVector.fromArray(S, c3, j), c31 = DoubleVector.fromArray(S, c3, j + L);
        DoubleVector c40 = DoubleVector.fromArray(S, c4, j), c41 = DoubleVector.fromArray(S, c4, j + L);
        DoubleVector c50 = DoubleVector.fromArray(S, c5, j), c51 = DoubleVector.fromArray(S, c5, j + L);
        for (int p = 0; p < kc; p++) {
            int q = ao + p, b = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, b + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x0[q]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x1[q]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x2[q]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x3[q]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x4[q]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x5[q]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(c0, j); c01.intoArray(c0, j + L);
        c10.intoArray(c1, j); c11.intoArray(c1, j + L);
        c20.intoArray(c2, j); c21.intoArray(c2, j + L);
        c30.intoArray(c3, j); c31.intoArray(c3, j + L);
        c40.intoArray(c4, j); c41.intoArray(c4, j + L);
        c50.intoArray(c5, j); c51.intoArray(c5, j + L);
    }

    /**
     * Four rows: C[ci..ci+4][j..j+NR] += Σ_p a_p ⊗ b_p, eight accumulators (exactly the FMA chains the units need:
     * slower per FMA than the MR-row block). For the 4 or 8 rows that MR-row panels leave (m = 32 = 4·6 + 2·4).
     */
    private static void micro4(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci,
                               int j) {
        double[] x0 = a[ar], x1 = a[ar + 1], x2 = a[ar + 2], x3 = a[ar + 3];
        double[] c0 = C[ci], c1 = C[ci + 1], c2 = C[ci + 2], c3 = C[ci + 3];
        DoubleVector c00 = DoubleVector.fromArray(S, c0, j), c01 = DoubleVector.fromArray(S, c0, j + L);
        DoubleVector c10 = DoubleVector.fromArray(S, c1, j), c11 = DoubleVector.fromArray(S, c1, j + L);
        DoubleVector c20 = DoubleVector.fromArray(S, c2, j), c21 = DoubleVector.fromArray(S, c2, j + L);
        DoubleVector c30 = DoubleVector.fromArray(S, c3, j), c31 = DoubleVector.fromArray(S, c3, j + L);
        for (int p = 0; p < kc; p++) {
            int q = ao + p, b = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, b + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x0[q]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x1[q]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x2[q]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x3[q]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c0, j); c01.intoArray(c0, j + L);
        c10.intoArray(c1, j); c11.intoArray(c1, j + L);
        c20.intoArray(c2, j); c21.intoArray(c2, j + L);
        c30.intoArray(c3, j); c31.intoArray(c3, j + L);
    }

    /** One vector of columns, six rows (MR = 6): the first vector of each B strip row. */
    private static void micro6x1(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci,
                                 int j) {
        double[] x0 = a[ar], x1 = a[ar + 1], x2 = a[ar + 2], x3 = a[ar + 3], x4 = a[ar + 4], x5 = a[ar + 5];
        double[] c0 = C[ci], c1 = C[ci + 1], c2 = C[ci + 2], c3 = C[ci + 3], c4 = C[ci + 4], c5 = C[ci + 5];
        DoubleVector c00 = DoubleVector.fromArray(S, c0, j), c10 = DoubleVector.fromArray(S, c1, j);
        DoubleVector c20 = DoubleVector.fromArray(S, c2, j), c30 = DoubleVector.fromArray(S, c3, j);
        DoubleVector c40 = DoubleVector.fromArray(S, c4, j), c50 = DoubleVector.fromArray(S, c5, j);
        for (int p = 0; p < kc; p++) {
            int q = ao + p;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo + p * NR);
            c00 = DoubleVector.broadcast(S, x0[q]).fma(b0, c00);
            c10 = DoubleVector.broadcast(S, x1[q]).fma(b0, c10);
            c20 = DoubleVector.broadcast(S, x2[q]).fma(b0, c20);
            c30 = DoubleVector.broadcast(S, x3[q]).fma(b0, c30);
            c40 = DoubleVector.broadcast(S, x4[q]).fma(b0, c40);
            c50 = DoubleVector.broadcast(S, x5[q]).fma(b0, c50);
        }
        c00.intoArray(c0, j); c10.intoArray(c1, j); c20.intoArray(c2, j);
        c30.intoArray(c3, j); c40.intoArray(c4, j); c50.intoArray(c5, j);
    }

    /** One vector of columns, eight rows (MR = 8, 512-bit vectors). */
    private static void micro8x1(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci,
                                 int j) {
        double[] x0 = a[ar], x1 = a[ar + 1], x2 = a[ar + 2], x3 = a[ar + 3];
        double[] x4 = a[ar + 4], x5 = a[ar + 5], x6 = a[ar + 6], x7 = a[ar + 7];
        double[] c0 = C[ci], c1 = C[ci + 1], c2 = C[ci + 2], c3 = C[ci + 3];
        double[] c4 = C[ci + 4], c5 = C[ci + 5], c6 = C[ci + 6], c7 = C[ci + 7];
        DoubleVector c00 = DoubleVector.fromArray(S, c0, j), c10 = DoubleVector.fromArray(S, c1, j);
        DoubleVector c20 = DoubleVector.fromArray(S, c2, j), c30 = DoubleVector.fromArray(S, c3, j);
        DoubleVector c40 = DoubleVector.fromArray(S, c4, j), c50 = DoubleVector.fromArray(S, c5, j);
        DoubleVector c60 = DoubleVector.fromArray(S, c6, j), c70 = DoubleVector.fromArray(S, c7, j);
        for (int p = 0; p < kc; p++) {
            int q = ao + p;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo + p * NR);
            c00 = DoubleVector.broadcast(S, x0[q]).fma(b0, c00);
            c10 = DoubleVector.broadcast(S, x1[q]).fma(b0, c10);
            c20 = DoubleVector.broadcast(S, x2[q]).fma(b0, c20);
            c30 = DoubleVector.broadcast(S, x3[q]).fma(b0, c30);
            c40 = DoubleVector.broadcast(S, x4[q]).fma(b0, c40);
            c50 = DoubleVector.broadcast(S, x5[q]).fma(b0, c50);
            c60 = DoubleVector.broadcast(S, x6[q]).fma(b0, c60);
            c70 = DoubleVector.broadcast(S, x7[q]).fma(b0, c70);
        }
        c00.intoArray(c0, j); c10.intoArray(c1, j); c20.intoArray(c2, j); c30.intoArray(c3, j);
        c40.intoArray(c4, j); c50.intoArray(c5, j); c60.intoArray(c6, j); c70.intoArray(c7, j);
    }

    /** MR = 8 (512-bit vectors, 32 registers): as {@link #micro6} with eight rows, sixteen accumulators. */
    private static void micro8(int kc, double[][] a, int ar, int ao, double[] bp, int bo, double[][] C, int ci,
                               int j) {
        double[] x0 = a[ar], x1 = a[ar + 1], x2 = a[ar + 2], x3 = a[ar + 3];
        double[] x4 = a[ar + 4], x5 = a[ar + 5], x6 = a[ar + 6], x7 = a[ar + 7];
        double[] c0 = C[ci], c1 = C[ci + 1], c2 = C[ci + 2], c3 = C[ci + 3];
        double[] c4 = C[ci + 4], c5 = C[ci + 5], c6 = C[ci + 6], c7 = C[ci + 7];
        DoubleVector c00 = DoubleVector.fromArray(S, c0, j), c01 = DoubleVector.fromArray(S, c0, j + L);
        DoubleVector c10 = DoubleVector.fromArray(S, c1, j), c11 = DoubleVector.fromArray(S, c1, j + L);
        DoubleVector c20 = DoubleVector.fromArray(S, c2, j), c21 = DoubleVector.fromArray(S, c2, j + L);
        DoubleVector c30 = DoubleVector.fromArray(S, c3, j), c31 = DoubleVector.fromArray(S, c3, j + L);
        DoubleVector c40 = DoubleVector.fromArray(S, c4, j), c41 = DoubleVector.fromArray(S, c4, j + L);
        DoubleVector c50 = DoubleVector.fromArray(S, c5, j), c51 = DoubleVector.fromArray(S, c5, j + L);
        DoubleVector c60 = DoubleVector.fromArray(S, c6, j), c61 = DoubleVector.fromArray(S, c6, j + L);
        DoubleVector c70 = DoubleVector.fromArray(S, c7, j), c71 = DoubleVector.fromArray(S, c7, j + L);
        for (int p = 0; p < kc; p++) {
            int q = ao + p, b = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, b + L);
            DoubleVector a0 = DoubleVector.broadcast(S, x0[q]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, x1[q]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, x2[q]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, x3[q]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(S, x4[q]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(S, x5[q]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            DoubleVector a6 = DoubleVector.broadcast(S, x6[q]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            DoubleVector a7 = DoubleVector.broadcast(S, x7[q]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(c0, j); c01.intoArray(c0, j + L);
        c10.intoArray(c1, j); c11.intoArray(c1, j + L);
        c20.intoArray(c2, j); c21.intoArray(c2, j + L);
        c30.intoArray(c3, j); c31.intoArray(c3, j + L);
        c40.intoArray(c4, j); c41.intoArray(c4, j + L);
        c50.intoArray(c5, j); c51.intoArray(c5, j + L);
        c60.intoArray(c6, j); c61.intoArray(c6, j + L);
        c70.intoArray(c7, j); c71.intoArray(c7, j + L);
    }
}
