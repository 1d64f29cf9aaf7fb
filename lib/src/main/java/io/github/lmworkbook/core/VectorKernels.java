package io.github.lmworkbook.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API product kernels: C += A·B, C += Aᵀ·B and C += A·Bᵀ over row arrays, in the GotoBLAS/BLIS
 * layout.
 *
 * <p>One register-blocked micro-kernel computes an {@code MR × NR} = 4 × (2 vectors) block of C:
 * <pre>
 *   for p in 0..kc:  C[i..i+4][j..j+NR] += a_p (4 scalars, broadcast) ⊗ b_p (2 vectors)   — 8 FMAs
 * </pre>
 * holding the 8 accumulators in registers for a whole k-block. Its operands are <em>packed</em> first into
 * contiguous scratch panels (A by groups of MR rows, B by strips of NR columns, zero-padded at the edges), so
 * that the three kinds of product differ only in how they are packed: Aᵀ and Bᵀ are read by columns while
 * packing and the micro-kernel never sees the transpose. Blocks: k by {@value #KC}, m by {@value #MC},
 * n by {@value #NC}, so that a B micro-panel (KC × NR) stays in L1 and an A block (MC × KC) in L2.
 *
 * <p>This class touches {@code jdk.incubator.vector} (incubating in JDK 17, needs
 * {@code --add-modules=jdk.incubator.vector}); loading it without the module fails with a
 * {@link LinkageError}. {@link Kernels} checks that before calling it and otherwise uses {@link PlainKernels}.
 * The species is {@code static final} here on purpose: C2 only compiles the Vector API to SIMD
 * instructions when the species is a constant.
 *
 * <p>Rounding: the micro-kernel uses fused multiply-add, accumulating {@code c = fma(a_p, b_p, c)} in the
 * order p = 0, 1, … starting from the old value of C, one rounding per term. {@link PlainKernels} rounds
 * the product and the sum separately and groups four terms, so the two paths differ in the last bits
 * (relative ~1e-15); each path alone is deterministic (single-threaded, fixed order).
 *
 * <p>Scratch panels are per thread ({@link ThreadLocal}) and reused across calls: no allocation in steady
 * state, safe to call from several threads.
 */
public final class VectorKernels {
    private VectorKernels() {}

    /** The preferred double species of this CPU: 256 bits = 4 doubles on AVX2. */
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector register. */
    static final int L = S.length();
    /** Micro-kernel rows. */
    static final int MR = 4;
    /** Micro-kernel columns: two vectors. */
    static final int NR = 2 * L;
    /** k-block (depth of one packed panel). */
    static final int KC = 256;
    /** m-block (rows of A packed at once); a multiple of MR. */
    static final int MC = 128;
    /** n-block (columns of B packed at once); a multiple of NR (16 for any L ≤ 8). */
    static final int NC = 512;

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

    /** Number of doubles in one vector register. */
    public static int lanes() {
        return L;
    }

    /** Vector width in bits. */
    public static int bits() {
        return S.vectorBitSize();
    }

    /** Per-thread scratch: packed A block, packed B block and an MR × NR block for the edges of C. */
    private static final class Scratch {
        final double[] ap = new double[MC * KC];                 // MC/MR panels, each KC × MR
        final double[] bp = new double[((NC + NR - 1) / NR) * NR * KC]; // NC/NR strips, each KC × NR
        final double[][] cEdge = new double[MR][NR];             // MR × NR
        final double[] zero = new double[KC];                    // KC zeros: stands in for rows past the edge
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** C (m × n) += A (m × k) · B (k × n). */
    public static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, false, B, false, C, m, k, n);
    }

    /** C (m × n) += Aᵀ · B with A (k × m), B (k × n). */
    public static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, true, B, false, C, m, k, n);
    }

    /** C (m × n) += A · Bᵀ with A (m × k), B (n × k). */
    public static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, false, B, true, C, m, k, n);
    }

    private static void run(double[][] A, boolean transA, double[][] B, boolean transB, double[][] C,
                            int m, int k, int n) {
        if (m == 0 || n == 0 || k == 0) return;
        Scratch s = SCRATCH.get();
        double[] ap = s.ap, bp = s.bp;
        for (int jj = 0; jj < n; jj += NC) {
            int nc = Math.min(NC, n - jj);
            int strips = (nc + NR - 1) / NR;
            for (int kk = 0; kk < k; kk += KC) {
                int kc = Math.min(KC, k - kk);
                if (transB) packBt(B, bp, kk, kc, jj, nc, n, s.zero); else packB(B, bp, kk, kc, jj, nc, n);
                for (int ii = 0; ii < m; ii += MC) {
                    int mc = Math.min(MC, m - ii);
                    int panels = (mc + MR - 1) / MR;
                    if (transA) packAt(A, ap, kk, kc, ii, mc); else packA(A, ap, kk, kc, ii, mc, s.zero);
                    for (int st = 0; st < strips; st++) {
                        int j = jj + st * NR;
                        int bo = st * kc * NR;
                        boolean fullCols = j + NR <= n;
                        for (int pa = 0; pa < panels; pa++) {
                            int i = ii + pa * MR;
                            int ao = pa * kc * MR;
                            if (fullCols && i + MR <= m) {
                                micro(kc, ap, ao, bp, bo, C[i], C[i + 1], C[i + 2], C[i + 3], j);
                            } else {
                                edge(kc, ap, ao, bp, bo, C, i, j, m, n, s.cEdge);
                            }
                        }
                    }
                }
            }
        }
    }

    /*
     * Packing. At the sizes the models use (32–512 per side) packing is a large share of the time (a 64×512×27
     * product packs 47 k doubles for 1.8 M flop), so every packing loop below writes the panel sequentially
     * and never calls System.arraycopy for a handful of elements (a call per 4 or 8 doubles cost more than the
     * copy itself). Full strips/panels take the straight path; only the last, partial one is zero-padded.
     * Packing is plain scalar code on purpose: Vector API code allocates an object per vector until C2 has
     * compiled it, and a method used only for packing gets compiled late (RnnTest checks that a warmed-up
     * training step allocates nothing).
     */

    /** Bp[strip][p][t] = B[kk+p][jj+strip·NR+t], zero past column n. One B row gives one NR-row of each strip. */
    private static void packB(double[][] B, double[] bp, int kk, int kc, int jj, int nc, int n) {
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
     * Bp[strip][p][t] = Bᵀ[kk+p][jj+strip·NR+t] = B[jj+strip·NR+t][kk+p], zero past row n of B. Reads NR rows of
     * B side by side (NR sequential streams) and writes the strip in order.
     */
    private static void packBt(double[][] B, double[] bp, int kk, int kc, int jj, int nc, int n, double[] zero) {
        int strips = (nc + NR - 1) / NR;
        for (int st = 0; st < strips; st++) {
            int j0 = jj + st * NR;
            int base = st * kc * NR;
            for (int t0 = 0; t0 < NR; t0 += 4) {
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

    /** Ap[panel][p][r] = A[ii+panel·MR+r][kk+p], zero past row m. Four rows read side by side, panel written in order. */
    private static void packA(double[][] A, double[] ap, int kk, int kc, int ii, int mc, double[] zero) {
        int panels = (mc + MR - 1) / MR;
        int end = ii + mc;
        for (int pa = 0; pa < panels; pa++) {
            int i = ii + pa * MR;
            double[] a0 = A[i];                  // MR = 4 rows; rows past m read a zero row (offset 0)
            double[] a1 = i + 1 < end ? A[i + 1] : zero;
            double[] a2 = i + 2 < end ? A[i + 2] : zero;
            double[] a3 = i + 3 < end ? A[i + 3] : zero;
            int o1 = a1 == zero ? 0 : kk, o2 = a2 == zero ? 0 : kk, o3 = a3 == zero ? 0 : kk;
            for (int p = 0, o = pa * kc * MR; p < kc; p++, o += MR) {
                ap[o] = a0[kk + p];
                ap[o + 1] = a1[o1 + p];
                ap[o + 2] = a2[o2 + p];
                ap[o + 3] = a3[o3 + p];
            }
        }
    }

    /**
     * Ap[panel][p][r] = Aᵀ[ii+panel·MR+r][kk+p] = A[kk+p][ii+panel·MR+r], zero past column m of A. Panel by panel,
     * so the writes are sequential: each row kk+p of A gives MR = 4 contiguous doubles to the panel (writing one
     * p across all panels instead strides by kc·MR doubles, a power of two that aliases in L1).
     */
    private static void packAt(double[][] A, double[] ap, int kk, int kc, int ii, int mc) {
        int full = mc / MR;                      // panels with MR real rows of C
        int rest = mc - full * MR;
        for (int pa = 0; pa < full; pa++) {
            int i0 = ii + pa * MR;
            for (int p = 0, o = pa * kc * MR; p < kc; p++, o += MR) {
                double[] a = A[kk + p];
                ap[o] = a[i0];
                ap[o + 1] = a[i0 + 1];
                ap[o + 2] = a[i0 + 2];
                ap[o + 3] = a[i0 + 3];
            }
        }
        if (rest > 0) {
            int i0 = ii + full * MR;
            for (int p = 0, o = full * kc * MR; p < kc; p++, o += MR) {
                double[] a = A[kk + p];
                for (int r = 0; r < rest; r++) ap[o + r] = a[i0 + r];
                for (int r = rest; r < MR; r++) ap[o + r] = 0.0;
            }
        }
    }

    /**
     * An edge block of C: copy its valid part into an MR × NR scratch, run the micro-kernel there, copy back.
     * (A one-vector kernel for strips with at most L real columns, e.g. the last 3 of n = 27, would do half the
     * work there, but as a separate method C2 compiles it late and until then each call allocates its vectors:
     * RnnTest's allocation check failed with it. Not adopted.)
     */
    private static void edge(int kc, double[] ap, int ao, double[] bp, int bo, double[][] C, int i, int j,
                             int m, int n, double[][] cEdge) {
        int rows = Math.min(MR, m - i), cols = Math.min(NR, n - j);
        for (int r = 0; r < MR; r++) {
            double[] e = cEdge[r];
            java.util.Arrays.fill(e, 0.0);
            if (r < rows) System.arraycopy(C[i + r], j, e, 0, cols);
        }
        micro(kc, ap, ao, bp, bo, cEdge[0], cEdge[1], cEdge[2], cEdge[3], 0);
        for (int r = 0; r < rows; r++) System.arraycopy(cEdge[r], 0, C[i + r], j, cols);
    }

    /**
     * C[0..4][j..j+NR] += Σ_p a_p ⊗ b_p over p < kc, with a_p = ap[ao + 4p .. +4] (one column of the A panel)
     * and b_p = bp[bo + NR·p .. +NR] (one row of the B strip). Eight accumulators stay in registers.
     */
    private static void micro(int kc, double[] ap, int ao, double[] bp, int bo,
                              double[] c0, double[] c1, double[] c2, double[] c3, int j) {
        DoubleVector c00 = DoubleVector.fromArray(S, c0, j), c01 = DoubleVector.fromArray(S, c0, j + L);
        DoubleVector c10 = DoubleVector.fromArray(S, c1, j), c11 = DoubleVector.fromArray(S, c1, j + L);
        DoubleVector c20 = DoubleVector.fromArray(S, c2, j), c21 = DoubleVector.fromArray(S, c2, j + L);
        DoubleVector c30 = DoubleVector.fromArray(S, c3, j), c31 = DoubleVector.fromArray(S, c3, j + L);
        for (int p = 0; p < kc; p++) {
            int a = ao + p * MR, b = bo + p * NR;
            DoubleVector b0 = DoubleVector.fromArray(S, bp, b);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, b + L);
            DoubleVector a0 = DoubleVector.broadcast(S, ap[a]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(c0, j); c01.intoArray(c0, j + L);
        c10.intoArray(c1, j); c11.intoArray(c1, j + L);
        c20.intoArray(c2, j); c21.intoArray(c2, j + L);
        c30.intoArray(c3, j); c31.intoArray(c3, j + L);
    }
}
