package io.github.lmworkbook.core;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 product kernels: C += A·B, C += Aᵀ·B and C += A·Bᵀ over the same double row arrays as
 * {@link VectorKernels}, computed in single precision — what {@code Kernels.setPrecision(Precision.FLOAT32)}
 * (or {@code -Dlmworkbook.precision=float32}) selects. {@link Matrix} stays double: the operands are rounded to
 * float as they are packed, the products are summed in float (as PyTorch's float32 products are), and each
 * k-block's float sum is added to C in double.
 *
 * <p>Layout (GotoBLAS/BLIS): both operands are <em>packed</em> as float — op(A) in panels of MR rows (each step p
 * holds the MR values a_p contiguously, rows past m are zero), B in strips of NR columns (kc × NR, zero past column
 * n). One register-blocked micro-kernel computes an MR × NR block of C, NR = 2 vectors of floats:
 * <pre>
 *   acc = 0;  for p in 0..kc:  acc[r][·] = fma(a_p[r], b_p[·], acc[r][·])     (float, one rounding per term)
 *   C[i+r][j..j+NR] += (double) acc[r][·]                                     (double)
 * </pre>
 * With twice the lanes of a double register, a float register block does twice the work per instruction: 6 × 16
 * floats on AVX2 (12 accumulators, 2 registers for b_p, 1 for the broadcast a: 15 of 16), 8 × 32 on AVX-512 (16
 * accumulators of 32 registers). A last strip of at most L real columns (n = 65: 64 + 1) takes a one-vector kernel;
 * every other block that crosses row m or column n is computed in full into a scratch tile, whose real part is
 * added to C. The loops are those of {@link VectorKernels}: n by {@value #NC}, k by {@value #KC}, m by MC = 20·MR,
 * panel by panel across all strips of the packed B block.
 *
 * <p>Rounding. Every entry of C gets, per k-block of {@value #KC}, the float sum
 * fma(a_{kc−1}, b_{kc−1}, … fma(a_0, b_0, 0)) in the order p = 0, 1, …, whatever the block shape, then one double
 * addition: the same bits at every vector width (the tests check 128, 256 and 512 bits), and on every run. Its error
 * is that of a float dot product: |error| ≤ ~k·2⁻²⁴·Σ_p |a_p b_p| in the worst case, ~√k·2⁻²⁴·… typically
 * (u = 2⁻²⁴ ≈ 6e-8, the float unit round-off; the operands' own rounding to float adds 2u relative per term).
 *
 * <p>This class touches {@code jdk.incubator.vector} like {@link VectorKernels}; {@link Kernels} calls it only when
 * the vector path is active. Scratch panels are per thread and reused: no allocation in steady state.
 */
public final class FloatKernels {
    private FloatKernels() {}

    /** The float species, as wide as {@link VectorKernels#S} (the CPU's preferred width, or -Dlmworkbook.vectorBits). */
    static final VectorSpecies<Float> S = species();
    /** The double species of the same width: a float vector converts into two of its vectors. */
    static final VectorSpecies<Double> D = VectorKernels.S;
    /** Floats per vector register (8 on AVX2). */
    static final int L = S.length();
    /** Doubles per vector register of the same width. */
    static final int DL = D.length();
    /** Micro-kernel rows: 6 up to 256-bit vectors (16 registers), 8 with 512-bit vectors (32 registers). */
    static final int MR = L >= 16 ? 8 : 6;
    /** Micro-kernel columns: two vectors of floats. */
    static final int NR = 2 * L;
    /** k-block: the same at every width (the sums, and so the bits, depend on it). */
    static final int KC = 256;
    /** m-block: rows of op(A) packed at once; a multiple of MR. */
    static final int MC = 20 * MR;
    /** n-block: columns of B packed at once; a multiple of NR. */
    static final int NC = 512;

    private static VectorSpecies<Float> species() {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(VectorKernels.S.vectorBitSize()));
    }

    /**
     * Floats in one vector register.
     *
     * @return the number of float lanes of the preferred vector species
     */
    public static int lanes() {
        return L;
    }

    /** {@return the register block of C the micro-kernel computes, rows × columns, e.g. "6 × 16"} */
    public static String block() {
        return MR + " × " + NR;
    }

    /** Per-thread scratch: packed B block, packed op(A) block, one MR × NR tile for the edges. */
    private static final class Scratch {
        final float[] bp = new float[((NC + NR - 1) / NR) * NR * KC];
        final float[] ap = new float[MC * KC];
        final float[] tile = new float[MR * NR];
        final double[][] rows = new double[MR][];   // the rows of A of an edge or 8-row panel, while packing
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * C (m × n) += A (m × k) · B (k × n), in float.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A, rows of B
     * @param n the number of columns of B and C
     */
    public static void gemm(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, false, B, false, C, m, k, n, false);
    }

    /**
     * C (m × n) += Aᵀ · B with A (k × m), B (k × n), in float.
     *
     * @param A the left factor, stored (k × m): its transpose is used
     * @param B the right factor, (k × n) rows
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of columns of A and rows of C
     * @param k the inner dimension: rows of A and of B
     * @param n the number of columns of B and C
     */
    public static void gemmTransA(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, true, B, false, C, m, k, n, false);
    }

    /**
     * C (m × n) += A · Bᵀ with A (m × k), B (n × k), in float.
     *
     * @param A the left factor, (m × k) rows
     * @param B the right factor, stored (n × k): its transpose is used
     * @param C the accumulator, (m × n) rows, added to in place
     * @param m the number of rows of A and C
     * @param k the inner dimension: columns of A and of B
     * @param n the number of rows of B, columns of C
     */
    public static void gemmTransB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        run(A, false, B, true, C, m, k, n, false);
    }

    /**
     * C = op(A)·op(B) (not +=): the first k-block's sums are stored instead of added, which gives the bits C += would
     * give into a zeroed C (a float sum started at +0 is never −0) without reading or zeroing C first.
     */
    static void set(double[][] A, boolean transA, double[][] B, boolean transB, double[][] C, int m, int k, int n) {
        if (k == 0) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(C[i], 0, n, 0.0);
            return;
        }
        run(A, transA, B, transB, C, m, k, n, true);
    }

    private static void run(double[][] A, boolean transA, double[][] B, boolean transB, double[][] C,
                            int m, int k, int n, boolean overwrite) {
        if (m == 0 || n == 0 || k == 0) return;
        Scratch s = SCRATCH.get();
        float[] bp = s.bp, ap = s.ap, tile = s.tile;
        for (int jj = 0; jj < n; jj += NC) {
            int nc = Math.min(NC, n - jj);
            int strips = (nc + NR - 1) / NR;
            for (int kk = 0; kk < k; kk += KC) {
                int kc = Math.min(KC, k - kk);
                boolean store = overwrite && kk == 0;          // C = the first block's sums, then C += the others
                if (transB) packBt(B, bp, kk, kc, jj, nc); else packB(B, bp, kk, kc, jj, nc);
                for (int ii = 0; ii < m; ii += MC) {
                    int mc = Math.min(MC, m - ii);
                    if (transA) packAt(A, ap, kk, kc, ii, mc); else packA(A, ap, kk, kc, ii, mc, s.rows);
                    for (int r = 0; r < mc; r += MR) {
                        int rows = Math.min(MR, mc - r), ao = r * kc;
                        for (int st = 0; st < strips; st++) {
                            int j = jj + st * NR, cols = Math.min(NR, n - j), bo = st * kc * NR;
                            if (rows == MR && cols == NR) {
                                micro(kc, ap, ao, bp, bo, tile);
                                if (store) storeTile(tile, C, ii + r, j); else addTile(tile, C, ii + r, j);
                            } else {
                                if (cols <= L) micro1(kc, ap, ao, bp, bo, tile);
                                else micro(kc, ap, ao, bp, bo, tile);
                                for (int t = 0; t < rows; t++) {
                                    double[] c = C[ii + r + t];
                                    if (store) for (int u = 0, o = t * NR; u < cols; u++) c[j + u] = tile[o + u];
                                    else for (int u = 0, o = t * NR; u < cols; u++) c[j + u] += tile[o + u];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /*
     * Packing: plain scalar loops (Vector API code allocates until C2 has compiled it), sequential writes. op(A)'s
     * panel of MR rows starting at row r of the block is at ap[r·kc …]: for each p its MR values side by side.
     */

    /**
     * ap ← rows ii … ii+mc of A (m × k), columns kk … kk+kc, as float panels of MR rows (zero past row mc). The MR
     * rows of a panel are read side by side (MR sequential streams) and each step's MR values written in order: a
     * row at a time instead, the writes would be MR floats apart, and the packing cost 10–20 times more.
     */
    private static void packA(double[][] A, float[] ap, int kk, int kc, int ii, int mc, double[][] rowsOf) {
        for (int r0 = 0; r0 < mc; r0 += MR) {
            int base = r0 * kc, rows = Math.min(MR, mc - r0);
            if (rows == MR && MR == 6) {
                double[] x0 = A[ii + r0], x1 = A[ii + r0 + 1], x2 = A[ii + r0 + 2];
                double[] x3 = A[ii + r0 + 3], x4 = A[ii + r0 + 4], x5 = A[ii + r0 + 5];
                for (int p = 0, o = base, q = kk; p < kc; p++, o += 6, q++) {
                    ap[o] = (float) x0[q];
                    ap[o + 1] = (float) x1[q];
                    ap[o + 2] = (float) x2[q];
                    ap[o + 3] = (float) x3[q];
                    ap[o + 4] = (float) x4[q];
                    ap[o + 5] = (float) x5[q];
                }
            } else {
                for (int r = 0; r < MR; r++) rowsOf[r] = r < rows ? A[ii + r0 + r] : null;
                for (int p = 0, o = base, q = kk; p < kc; p++, o += MR, q++) {
                    for (int r = 0; r < MR; r++) ap[o + r] = r < rows ? (float) rowsOf[r][q] : 0f;
                }
                java.util.Arrays.fill(rowsOf, null); // hold no reference to the caller's arrays
            }
        }
    }

    /** ap ← op(A) = Aᵀ for A (k × m): row i of op(A) is column i of A; rows kk … kk+kc of A are read in order. */
    private static void packAt(double[][] A, float[] ap, int kk, int kc, int ii, int mc) {
        for (int r0 = 0; r0 < mc; r0 += MR) {
            int base = r0 * kc, rows = Math.min(MR, mc - r0), i0 = ii + r0;
            for (int p = 0; p < kc; p++) {
                double[] a = A[kk + p];
                int o = base + p * MR;
                int r = 0;
                for (; r < rows; r++) ap[o + r] = (float) a[i0 + r];
                for (; r < MR; r++) ap[o + r] = 0f;
            }
        }
    }

    /** Bp[strip][p][t] = B[kk+p][jj+strip·NR+t] as float, zero past column n. */
    private static void packB(double[][] B, float[] bp, int kk, int kc, int jj, int nc) {
        int full = nc / NR, rest = nc - full * NR;
        for (int p = 0; p < kc; p++) {
            double[] b = B[kk + p];
            for (int st = 0; st < full; st++) {
                int j0 = jj + st * NR, o = st * kc * NR + p * NR;
                for (int t = 0; t < NR; t++) bp[o + t] = (float) b[j0 + t];
            }
            if (rest > 0) {
                int j0 = jj + full * NR, o = full * kc * NR + p * NR;
                for (int t = 0; t < rest; t++) bp[o + t] = (float) b[j0 + t];
                for (int t = rest; t < NR; t++) bp[o + t] = 0f;
            }
        }
    }

    /** Bp[strip][p][t] = Bᵀ[kk+p][jj+strip·NR+t] = B[jj+strip·NR+t][kk+p] as float, zero past row nc of the block. */
    private static void packBt(double[][] B, float[] bp, int kk, int kc, int jj, int nc) {
        int strips = (nc + NR - 1) / NR;
        for (int st = 0; st < strips; st++) {
            int base = st * kc * NR, cols = Math.min(NR, nc - st * NR), j0 = jj + st * NR;
            int t = 0;
            for (; t + 3 < cols; t += 4) {      // four rows of B side by side: four sequential streams
                double[] b0 = B[j0 + t], b1 = B[j0 + t + 1], b2 = B[j0 + t + 2], b3 = B[j0 + t + 3];
                for (int p = 0, o = base + t; p < kc; p++, o += NR) {
                    bp[o] = (float) b0[kk + p];
                    bp[o + 1] = (float) b1[kk + p];
                    bp[o + 2] = (float) b2[kk + p];
                    bp[o + 3] = (float) b3[kk + p];
                }
            }
            for (; t < cols; t++) {
                double[] b = B[j0 + t];
                for (int p = 0, o = base + t; p < kc; p++, o += NR) bp[o] = (float) b[kk + p];
            }
            for (; t < NR; t++) {
                for (int p = 0, o = base + t; p < kc; p++, o += NR) bp[o] = 0f;
            }
        }
    }

    /** The MR × NR block for this width (MR is a constant: one branch), into tile[r·NR + c]. */
    private static void micro(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        if (MR == 8) micro8(kc, ap, ao, bp, bo, tile);
        else micro6(kc, ap, ao, bp, bo, tile);
    }

    /** Float vectors of half the width: DL floats, which convert lane for lane into one double vector. */
    static final VectorSpecies<Float> H = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));

    /** C[ci + r][j … j+NR) += (double) tile[r·NR …] for r < MR. */
    private static void addTile(float[] tile, double[][] C, int ci, int j) {
        for (int r = 0; r < MR; r++) {
            double[] c = C[ci + r];
            for (int h = 0; h < NR; h += DL) {
                DoubleVector x = (DoubleVector) FloatVector.fromArray(H, tile, r * NR + h)
                        .convertShape(VectorOperators.F2D, D, 0);
                DoubleVector.fromArray(D, c, j + h).add(x).intoArray(c, j + h);
            }
        }
    }

    /** C[ci + r][j … j+NR) = (double) tile[r·NR …] for r < MR. */
    private static void storeTile(float[] tile, double[][] C, int ci, int j) {
        for (int r = 0; r < MR; r++) {
            double[] c = C[ci + r];
            for (int h = 0; h < NR; h += DL) {
                ((DoubleVector) FloatVector.fromArray(H, tile, r * NR + h).convertShape(VectorOperators.F2D, D, 0))
                        .intoArray(c, j + h);
            }
        }
    }

    /**
     * MR = 6: tile[r·NR + c] = Σ_{p<kc} a_p[r]·b_p[c] in float, a_p = ap[ao + 6p … +6], b_p = bp[bo + NR·p … +NR].
     * Twelve accumulators stay in registers.
     */
    private static void micro6(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int a = ao + p * 6, b = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
    }

    /** MR = 8 (512-bit vectors, 32 registers): as {@link #micro6} with eight rows, sixteen accumulators. */
    private static void micro8(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int a = ao + p * 8, b = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[a + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[a + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[a + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[a + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }

    /** One vector of columns (a last strip with at most L real columns), MR rows, into tile[r·NR + c]. */
    private static void micro1(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        if (MR == 8) {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
            FloatVector c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int a = ao + p * 8;
                FloatVector b0 = FloatVector.fromArray(S, bp, bo + p * NR);
                c0 = FloatVector.broadcast(S, ap[a]).fma(b0, c0);
                c1 = FloatVector.broadcast(S, ap[a + 1]).fma(b0, c1);
                c2 = FloatVector.broadcast(S, ap[a + 2]).fma(b0, c2);
                c3 = FloatVector.broadcast(S, ap[a + 3]).fma(b0, c3);
                c4 = FloatVector.broadcast(S, ap[a + 4]).fma(b0, c4);
                c5 = FloatVector.broadcast(S, ap[a + 5]).fma(b0, c5);
                c6 = FloatVector.broadcast(S, ap[a + 6]).fma(b0, c6);
                c7 = FloatVector.broadcast(S, ap[a + 7]).fma(b0, c7);
            }
            c0.intoArray(tile, 0); c1.intoArray(tile, NR); c2.intoArray(tile, 2 * NR); c3.intoArray(tile, 3 * NR);
            c4.intoArray(tile, 4 * NR); c5.intoArray(tile, 5 * NR); c6.intoArray(tile, 6 * NR);
            c7.intoArray(tile, 7 * NR);
        } else {
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
            FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int a = ao + p * 6;
                FloatVector b0 = FloatVector.fromArray(S, bp, bo + p * NR);
                c0 = FloatVector.broadcast(S, ap[a]).fma(b0, c0);
                c1 = FloatVector.broadcast(S, ap[a + 1]).fma(b0, c1);
                c2 = FloatVector.broadcast(S, ap[a + 2]).fma(b0, c2);
                c3 = FloatVector.broadcast(S, ap[a + 3]).fma(b0, c3);
                c4 = FloatVector.broadcast(S, ap[a + 4]).fma(b0, c4);
                c5 = FloatVector.broadcast(S, ap[a + 5]).fma(b0, c5);
            }
            c0.intoArray(tile, 0); c1.intoArray(tile, NR); c2.intoArray(tile, 2 * NR); c3.intoArray(tile, 3 * NR);
            c4.intoArray(tile, 4 * NR); c5.intoArray(tile, 5 * NR);
        }
    }
}
