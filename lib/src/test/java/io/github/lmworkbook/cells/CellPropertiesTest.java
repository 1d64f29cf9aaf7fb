package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.gradcheck.GradientChecker;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of every cell ({@link CellType#values()}: a new cell is covered by its line in CellType) and of the
 * recurrence over it, over generated cell types, sizes, batch sizes, sequence lengths, seeds and weight scales.
 * Each property has a fixed seed and number of tries (the same cases on every run).
 *
 * <ul>
 * <li>One step's backward against the {@link GradientChecker}: with L = Σ g_h ⊙ h_t (+ Σ g_c ⊙ c_t), the
 * gradients with respect to h_{t−1} (c_{t−1}), the step's input share xw and the recurrent weights.</li>
 * <li>The step's Jacobian: J_tᵀ·e_k from the backward (every unit vector e_k, so the whole matrix) against
 * central differences of the forward step, s_t(s_{t−1} ± h·e_j).</li>
 * <li>The step's contract: backward writes dxw (whatever was there) and adds into prev.dh (prev.dc) and into the
 * weights' gradients.</li>
 * <li>Backpropagation through time ({@link Recurrence}) against the checker, from the learned start state, from
 * zeros and from a given start state (truncated BPTT: the gradient reaches ∂L/∂s_0 but not the learned start),
 * including the input projection and the input x; and {@link Recurrence#stateVjp} against the step's Jacobian.</li>
 * </ul>
 */
class CellPropertiesTest {
    static final String SEED = "20261201";

    @Provide
    Arbitrary<CellType> cells() {
        return Arbitraries.of(CellType.values());
    }

    /** A cell with weights ~ U(±scale/√H) around its own initialisation: scale 3 saturates the gates. */
    static RecurrentCell<?> cell(CellType type, int D, int H, double scale, Random rng) {
        RecurrentCell<?> cell = type.create(D, H, rng);
        for (Param p : cell.params()) p.value.scaleInPlace(scale);
        return cell;
    }

    // ---- one step -------------------------------------------------------------------------------------------

    @Property(tries = 150, seed = SEED)
    void stepBackwardPassesTheChecker(@ForAll("cells") CellType type,
                                      @ForAll @IntRange(min = 1, max = 3) int B,
                                      @ForAll @IntRange(min = 1, max = 3) int D,
                                      @ForAll @IntRange(min = 1, max = 4) int H, @ForAll long seed,
                                      @ForAll @DoubleRange(min = 0.3, max = 3) double scale) {
        Random rng = new Random(seed);
        StepCase<?> c = new StepCase<>(cell(type, D, H, scale, rng), B, rng);
        List<Param> ps = new ArrayList<>(c.recurrentParams());
        Param h0 = new Param("h_prev", c.prev.h), xw = new Param("xw", c.t.xw);
        Param c0 = c.prev.c == null ? null : new Param("c_prev", c.prev.c);
        ps.add(h0);
        if (c0 != null) ps.add(c0);
        ps.add(xw);
        GradientChecker.check(() -> ps, c::loss, () -> {
            c.loss();
            c.backward();
            h0.grad.addInPlace(c.prev.dh);
            if (c0 != null) c0.grad.addInPlace(c.prev.dc);
            xw.grad.addInPlace(c.t.dxw);
        }).assertPassed();
    }

    /** J_tᵀ from the backward, one unit vector at a time, against central differences of the forward step. */
    @Property(tries = 120, seed = SEED)
    void stepJacobianMatchesFiniteDifferences(@ForAll("cells") CellType type,
                                              @ForAll @IntRange(min = 1, max = 3) int D,
                                              @ForAll @IntRange(min = 1, max = 4) int H, @ForAll long seed,
                                              @ForAll @DoubleRange(min = 0.3, max = 3) double scale) {
        Random rng = new Random(seed);
        StepCase<?> c = new StepCase<>(cell(type, D, H, scale, rng), 1, rng);
        int S = c.prev.stateSize();
        double[] s0 = new double[S], plus = new double[S], minus = new double[S], e = new double[S];
        c.prev.state(0, s0);
        double[][] numeric = new double[S][S];        // numeric[j][k] = ∂s_t[k] / ∂s_{t−1}[j]
        double h = 1e-6;
        for (int j = 0; j < S; j++) {
            double[] s = s0.clone();
            s[j] = s0[j] + h;
            c.forwardFrom(s, plus);
            s[j] = s0[j] - h;
            c.forwardFrom(s, minus);
            for (int k = 0; k < S; k++) numeric[j][k] = (plus[k] - minus[k]) / (2 * h);
        }
        c.forwardFrom(s0, plus);
        double[] row = new double[S];
        for (int k = 0; k < S; k++) {                  // J_tᵀ·e_k = the k-th row of J_t, as a function of s_{t−1}
            Arrays.fill(e, 0.0);
            e[k] = 1;
            c.t.setStateGradient(0, e);
            c.prev.zeroStateGradient();
            c.step();
            c.prev.stateGradient(0, row);
            for (int j = 0; j < S; j++) {
                assertEquals(numeric[j][k], row[j], 1e-7 * (1 + Math.abs(row[j])),
                        type + ": ∂s_t[" + k + "]/∂s_{t−1}[" + j + "]");
            }
        }
    }

    /**
     * The contract of a step's backward, on buffers that already hold something (as they do inside BPTT):
     * dxw is written, not added to; prev.dh (prev.dc) and the weights' gradients are added to.
     */
    @Property(tries = 80, seed = SEED)
    void stepBackwardWritesDxwAndAddsTheRest(@ForAll("cells") CellType type,
                                             @ForAll @IntRange(min = 1, max = 3) int B,
                                             @ForAll @IntRange(min = 1, max = 3) int D,
                                             @ForAll @IntRange(min = 1, max = 4) int H, @ForAll long seed) {
        Random rng = new Random(seed);
        StepCase<?> c = new StepCase<>(cell(type, D, H, 1, rng), B, rng);
        List<Param> ws = c.recurrentParams();
        c.loss();
        c.backward();                                   // from clean buffers
        Matrix dxw = c.t.dxw.copy(), dh0 = c.prev.dh.copy();
        Matrix dc0 = c.prev.dc == null ? null : c.prev.dc.copy();
        List<Matrix> grads = ws.stream().map(p -> p.grad.copy()).toList();

        Matrix junkDh = Matrix.randn(B, H, 1, rng), junkDc = Matrix.randn(B, H, 1, rng);
        c.t.dxw.setFrom(Matrix.randn(c.t.dxw.rows, c.t.dxw.cols, 1, rng));
        c.prev.dh.setFrom(junkDh);
        if (c.prev.dc != null) c.prev.dc.setFrom(junkDc);
        c.setUpstream();
        c.step();                   // into buffers that hold something
        assertClose(dxw, c.t.dxw, "dxw is written");
        assertClose(dh0.addInPlace(junkDh), c.prev.dh, "prev.dh is added to");
        if (dc0 != null) assertClose(dc0.addInPlace(junkDc), c.prev.dc, "prev.dc is added to");
        for (int i = 0; i < ws.size(); i++) {
            assertClose(grads.get(i).scaleInPlace(2), ws.get(i).grad, ws.get(i).name + ".grad is added to");
        }
    }

    // ---- the recurrence: backpropagation through time -------------------------------------------------------

    enum Start { LEARNED, ZEROS, GIVEN }

    @Property(tries = 150, seed = SEED)
    void bpttPassesTheChecker(@ForAll("cells") CellType type, @ForAll Start start,
                              @ForAll @IntRange(min = 1, max = 3) int B,
                              @ForAll @IntRange(min = 1, max = 5) int T,
                              @ForAll @IntRange(min = 1, max = 3) int D,
                              @ForAll @IntRange(min = 1, max = 4) int H, @ForAll long seed,
                              @ForAll @DoubleRange(min = 0.3, max = 2) double scale) {
        Random rng = new Random(seed);
        RecurrentCell<?> cell = cell(type, D, H, scale, rng);
        Recurrence<?> rec = new Recurrence<>(cell, start == Start.LEARNED);
        int S = cell.stateSize();
        if (rec.start != null) rec.start.value.setFrom(Matrix.randn(1, S, 0.5, rng));
        Param x = new Param("x", Matrix.randn(B * T, D, 1, rng));
        Param s0 = start == Start.GIVEN ? new Param("s0", Matrix.randn(B, S, 0.5, rng)) : null;
        Matrix dH = Matrix.randn(B * T, H, 1, rng);
        List<Param> ps = new ArrayList<>(rec.params());
        ps.add(x);
        if (s0 != null) ps.add(s0);
        List<Param> expected = new ArrayList<>(cell.params());
        if (start == Start.LEARNED) expected.add(rec.start);
        assertEquals(expected, rec.params());
        Runnable forward = () -> rec.forward(cell.input().forward(x.value), T, s0 == null ? null : s0.value);
        GradientChecker.check(() -> ps, () -> dot(dH, rec.forward(cell.input().forward(x.value), T,
                s0 == null ? null : s0.value)), () -> {
            forward.run();
            x.grad.addInPlace(cell.input().backward(rec.backward(dH)));
            if (s0 != null) s0.grad.addInPlace(rec.startGradient());
        }).assertPassed();
        assertEquals(T, rec.steps());
        assertEquals(B, rec.batchSize());
        Matrix Hs = rec.hidden(), fin = rec.finalState();
        double[] sT = new double[S];
        for (int b = 0; b < B; b++) {                    // s_T = [h_T; c_T], h_T = row b·T + T − 1 of H
            rec.step(T).state(b, sT);
            assertArrayEquals(sT, fin.data[b], 0.0);
            assertArrayEquals(Hs.data[b * T + T - 1], Arrays.copyOf(fin.data[b], H), 0.0);
        }
        // another training step on the same buffers: the same dXW, ∂L/∂s_0 and start gradient again (the
        // buffers are reset by each backward, not accumulated into)
        Matrix ds0 = rec.startGradient();
        Matrix dStart = rec.start == null ? null : rec.start.grad.copy();
        for (Param p : rec.params()) p.zeroGrad();
        forward.run();
        Matrix first = rec.backward(dH).copy();
        assertClose(ds0, rec.startGradient(), "∂L/∂s_0 of a second step");
        if (dStart != null) assertClose(dStart, rec.start.grad, "the start's gradient of a second step");
        assertClose(first, rec.backward(dH), "a second backward of one pass");
    }

    /**
     * One recurrence used on batches of changing shapes (B, T) gives what a fresh one gives on each, and a shape
     * seen before gets its buffers back (no allocation once warm).
     */
    @Property(tries = 40, seed = SEED)
    void aRecurrenceReusedOnChangingShapesGivesWhatAFreshOneGives(@ForAll("cells") CellType type,
                                                                  @ForAll @IntRange(min = 1, max = 3) int B1,
                                                                  @ForAll @IntRange(min = 1, max = 3) int B2,
                                                                  @ForAll @IntRange(min = 1, max = 4) int T1,
                                                                  @ForAll @IntRange(min = 1, max = 4) int T2,
                                                                  @ForAll long seed) {
        Random rng = new Random(seed);
        int H = 3;
        RecurrentCell<?> cell = cell(type, 2, H, 1, rng);
        Recurrence<?> kept = new Recurrence<>(cell, true);
        int[][] shapes = {{B1, T1}, {B2, T2}, {B1, T1}, {B2, T1}, {B1, T2}, {B2, T2}};
        Matrix[] returned = new Matrix[shapes.length];
        for (int k = 0; k < shapes.length; k++) {
            int B = shapes[k][0], T = shapes[k][1];
            Matrix XW = cell.input().forward(Matrix.randn(B * T, 2, 1, rng)).copy(), dH = Matrix.randn(B * T, H, 1, rng);
            Recurrence<?> fresh = new Recurrence<>(cell, true);
            fresh.start.value.setFrom(kept.start.value);
            assertClose(fresh.forward(XW, T, null), returned[k] = kept.forward(XW, T, null), "H");
            assertClose(fresh.backward(dH), kept.backward(dH), "dXW");
            assertClose(fresh.startGradient(), kept.startGradient(), "∂L/∂s_0");
        }
        assertSame(returned[0], returned[2], "the buffers of a shape seen before");
        assertSame(returned[1], returned[5], "the buffers of a shape seen before");
        var e = assertThrows(IllegalArgumentException.class, () -> kept.backward(new Matrix(B2 * T2 + 1, H)));
        assertEquals("Recurrence: dH (" + (B2 * T2 + 1) + "×" + H + "), expected (" + B2 * T2 + "×" + H + ")",
                e.getMessage());
    }

    /**
     * What CellType says of a cell is what the cell is: sizes, the state's length, the width of the input
     * projection (G·H), the number of parameters G·(D·H + H·H + H), and its name round trip.
     */
    @Property(tries = 40, seed = SEED)
    void aCellTypeDescribesItsCells(@ForAll("cells") CellType type, @ForAll @IntRange(min = 1, max = 6) int D,
                                    @ForAll @IntRange(min = 1, max = 6) int H, @ForAll long seed) {
        RecurrentCell<?> cell = type.create(D, H, new Random(seed));
        assertEquals(D, cell.inputSize());
        assertEquals(H, cell.hiddenSize());
        assertEquals(type.cellState, cell.hasCellState());
        assertEquals(type.stateSize(H), cell.stateSize());
        assertEquals(type.cellState ? 2 * H : H, cell.stateSize());
        assertEquals(cell.stateSize(), cell.newStep(null, null, new Matrix(1, H), new Matrix(1, H)).stateSize());
        assertEquals(D, cell.input().in);
        assertEquals(type.gates * H, cell.input().out);
        long n = 0;
        for (Param p : cell.params()) n += p.size();
        assertEquals(type.numParams(D, H), n);
        assertTrue(cell.params().containsAll(cell.input().params()));
        assertEquals(type, CellType.of(" " + type.toString().toUpperCase(java.util.Locale.ROOT) + " "));
        assertEquals(type.name().toLowerCase(java.util.Locale.ROOT), type.toString());
    }

    /** Truncated BPTT: from a given start state, the learned start state (if any) receives nothing. */
    @Property(tries = 40, seed = SEED)
    void aGivenStartStateStopsTheGradient(@ForAll("cells") CellType type,
                                          @ForAll @IntRange(min = 1, max = 3) int B,
                                          @ForAll @IntRange(min = 1, max = 4) int T,
                                          @ForAll @IntRange(min = 1, max = 4) int H, @ForAll long seed) {
        Random rng = new Random(seed);
        RecurrentCell<?> cell = cell(type, 2, H, 1, rng);
        Recurrence<?> rec = new Recurrence<>(cell, true);
        int S = cell.stateSize();
        Matrix XW = cell.input().forward(Matrix.randn(B * T, 2, 1, rng)).copy();
        Matrix s0 = Matrix.randn(B, S, 0.5, rng);
        rec.forward(XW, T, s0);
        rec.backward(Matrix.randn(B * T, H, 1, rng));
        assertEquals(0.0, rec.start.grad.maxAbs(), 0.0);
        assertTrue(rec.startGradient().maxAbs() > 0);
        Matrix fin = rec.finalState();
        assertEquals(B, fin.rows);
        assertEquals(S, fin.cols);
    }

    /** The gradient-flow analysis's vector–Jacobian product is the step's: J_tᵀ·ds, and it leaves no trace. */
    @Property(tries = 60, seed = SEED)
    void stateVjpIsTheStepsJacobian(@ForAll("cells") CellType type,
                                    @ForAll @IntRange(min = 1, max = 5) int T,
                                    @ForAll @IntRange(min = 1, max = 4) int H, @ForAll long seed) {
        Random rng = new Random(seed);
        RecurrentCell<?> cell = cell(type, 2, H, 1.5, rng);
        Recurrence<?> rec = new Recurrence<>(cell, false);
        int S = cell.stateSize();
        rec.forward(cell.input().forward(Matrix.randn(T, 2, 1, rng)).copy(), T, null);
        Matrix dH = Matrix.randn(T, H, 1, rng);
        rec.backward(dH);
        int t = 1 + rng.nextInt(T);
        Step cur = rec.step(t), prev = rec.step(t - 1);
        double[] curGrad = new double[S], prevGrad = new double[S];
        cur.stateGradient(0, curGrad);
        prev.stateGradient(0, prevGrad);
        Matrix dxw = cur.dxw.copy();

        double[] ds = new double[S], vjp = new double[S], sPrev = new double[S];
        for (int k = 0; k < S; k++) ds[k] = rng.nextGaussian();
        rec.stateVjp(t, ds, vjp);
        // numeric: d/dε of ds · s_t(s_{t−1} + ε e_j)
        prev.state(0, sPrev);
        StepCase<?> c = StepCase.of(cell, cur.xw);
        double[] plus = new double[S], minus = new double[S];
        for (int j = 0; j < S; j++) {
            double[] s = sPrev.clone();
            s[j] += 1e-6;
            c.forwardFrom(s, plus);
            s[j] -= 2e-6;
            c.forwardFrom(s, minus);
            double n = 0;
            for (int k = 0; k < S; k++) n += ds[k] * (plus[k] - minus[k]) / 2e-6;
            assertEquals(n, vjp[j], 1e-7 * (1 + Math.abs(n)), type + ": (J_tᵀ·ds)[" + j + "]");
        }
        double[] after = new double[S];
        cur.stateGradient(0, after);
        assertClose(new Matrix(new double[][] {curGrad}), new Matrix(new double[][] {after}), "ds_t restored");
        prev.stateGradient(0, after);
        assertClose(new Matrix(new double[][] {prevGrad}), new Matrix(new double[][] {after}), "ds_{t−1} restored");
        assertClose(dxw, cur.dxw, "dxw restored");
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /**
     * One step of a cell on B rows, with random s_{t−1}, xw and upstream gradients g_h (g_c), and the loss
     * L = Σ g_h ⊙ h_t + Σ g_c ⊙ c_t.
     */
    static final class StepCase<S extends Step> {
        final RecurrentCell<S> cell;
        final S prev, t;
        final Matrix gh, gc;

        StepCase(RecurrentCell<S> cell, int B, Random rng) {
            this(cell, Matrix.randn(B, cell.input().out, 1, rng), rng);
        }

        private StepCase(RecurrentCell<S> cell, Matrix xw, Random rng) {
            int B = xw.rows, H = cell.hiddenSize();
            this.cell = cell;
            this.prev = cell.newStep(null, null, new Matrix(B, H), new Matrix(B, H));
            this.t = cell.newStep(xw.copy(), new Matrix(B, xw.cols), new Matrix(B, H), new Matrix(B, H));
            double[] s = new double[prev.stateSize()];
            for (int b = 0; b < B; b++) {
                for (int k = 0; k < s.length; k++) s[k] = 0.8 * rng.nextGaussian();
                prev.setState(b, s);
            }
            this.gh = Matrix.randn(B, H, 1, rng);
            this.gc = t.c == null ? null : Matrix.randn(B, H, 1, rng);
        }

        /** A one-row step over the given input share (for finite differences of the step alone). */
        static <S extends Step> StepCase<S> of(RecurrentCell<S> cell, Matrix xw) {
            return new StepCase<>(cell, xw.copy(), new Random(0));
        }

        List<Param> recurrentParams() {
            List<Param> ps = new ArrayList<>(cell.params());
            ps.removeAll(cell.input().params());
            return ps;
        }

        double loss() {
            cell.forward(prev, t);
            return dot(gh, t.h) + (gc == null ? 0 : dot(gc, t.c));
        }

        void setUpstream() {
            t.dh.setFrom(gh);
            if (gc != null) t.dc.setFrom(gc);
        }

        /** The cell's backward on the buffers as they are. */
        void step() {
            cell.backward(prev, t);
        }

        /** Backward of the last forward from ∂L/∂s_t = (g_h, g_c), into clean prev.dh (prev.dc). */
        void backward() {
            setUpstream();
            prev.zeroStateGradient();
            cell.backward(prev, t);
        }

        /** s_t of row 0 for s_{t−1} = s (row 0). */
        void forwardFrom(double[] s, double[] out) {
            prev.setState(0, s);
            cell.forward(prev, t);
            t.state(0, out);
        }
    }

    static double dot(Matrix a, Matrix b) {
        double s = 0;
        for (int i = 0; i < a.rows; i++) for (int j = 0; j < a.cols; j++) s += a.data[i][j] * b.data[i][j];
        return s;
    }

    static void assertClose(Matrix expected, Matrix actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.rows; i++) {
            for (int j = 0; j < expected.cols; j++) {
                double e = expected.data[i][j];
                assertEquals(e, actual.data[i][j], 1e-12 * (1 + Math.abs(e)), what + " at (" + i + ", " + j + ")");
            }
        }
    }
}
