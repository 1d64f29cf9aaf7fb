package io.github.lmworkbook.exercises;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.cells.RnnCell;
import io.github.lmworkbook.cells.Step;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.models.RecurrentLM;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The exercises of notebook 02 (the RNN): the cell's step backward, run inside backpropagation through time; the
 * backward pass over a whole sequence (BPTT, in the shape of CS231n's {@code rnn_backward}); and clipping by
 * global norm.
 */
public final class RnnExercises {
    private RnnExercises() {}

    /** T of the BPTT exercise's check, and of the cells' checks ({@link #checkCell}). */
    static final int BPTT_T = 5, CELL_T = 4;

    /** The body of {@link RnnCell#backward}: writes t.dxw, adds into prev.dh and cell.Whh.grad. */
    @FunctionalInterface
    public interface StepBackward {
        /**
         * The learner's step backward.
         *
         * @param cell the RNN cell (its weights and their gradients)
         * @param prev step t − 1
         * @param t step t, with its cache and dh
         */
        void apply(RnnCell cell, Step prev, Step t);
    }

    /**
     * Backpropagation through time over a whole sequence of h_t = tanh(x_t·W_xh + h_{t−1}·W_hh + b), t = 1 … T, for
     * B sequences at once (CS231n's {@code rnn_backward(dh, cache)}, with the cache given as arrays):
     * <pre>
     * x[t]  (B × D)   the inputs x_t, t = 1 … T (x[0] is null)
     * h[t]  (B × H)   the hidden states h_t, t = 0 … T (h[0] = h_0, the start state)
     * dh[t] (B × H)   ∂L/∂h_t through step t's own output only, t = 1 … T (dh[0] is null)
     * Wxh   (D × H), Whh (H × H)
     * </pre>
     * Returns the gradients ({@link Grads}): dx[t] = ∂L/∂x_t, ∂L/∂h_0, and dW_xh, dW_hh, db summed over time.
     */
    @FunctionalInterface
    public interface Bptt {
        /**
         * The learner's BPTT.
         *
         * @param x the inputs x[t] (B × D), t = 1 … T
         * @param h the hidden states h[t] (B × H), t = 0 … T
         * @param dh ∂L/∂h_t from above (B × H), t = 1 … T
         * @param Wxh W_xh (D × H)
         * @param Whh W_hh (H × H)
         * @return the gradients
         */
        Grads apply(Matrix[] x, Matrix[] h, Matrix[] dh, Matrix Wxh, Matrix Whh);
    }

    /**
     * The gradients of a sequence.
     *
     * @param dx   dx[t] = ∂L/∂x_t (B × D), t = 1 … T (dx[0] unused)
     * @param dh0  ∂L/∂h_0 (B × H)
     * @param dWxh (D × H)
     * @param dWhh (H × H)
     * @param db   (1 × H)
     */
    public record Grads(Matrix[] dx, Matrix dh0, Matrix dWxh, Matrix dWhh, Matrix db) {}

    /** Clipping by global norm: rescale every gradient of the model so that their joint norm is at most threshold. */
    @FunctionalInterface
    public interface Clip {
        /**
         * The learner's clipping.
         *
         * @param model the model whose gradients are rescaled in place
         * @param threshold τ, the largest global norm
         */
        void apply(Model model, double threshold);
    }

    /**
     * The library's step backward.
     *
     * @param cell the RNN cell
     * @param prev step t − 1
     * @param t step t
     */
    public static void stepBackward(RnnCell cell, Step prev, Step t) {
        cell.backward(prev, t);
    }

    /**
     * Grades the learner's step backward (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static StepBackward gradeStepBackward(StepBackward mine) {
        return Exercise.grade("stepBackward", mine, RnnExercises::stepBackward, RnnExercises::checkStepBackward,
                Exercises.cell(5, CELL_T, "cell.Whh.grad", new String[] {"dz"}, false));
    }

    /**
     * The library's BPTT on these arrays: {@link RnnCell#backward} at every step from t = T down to 1 (dz_t into the
     * step, the future's gradient into the step before), then the input projection's equations for every step.
     *
     * @param x the inputs x[t] (B × D), t = 1 … T
     * @param h the hidden states h[t] (B × H), t = 0 … T
     * @param dh ∂L/∂h_t from above (B × H), t = 1 … T
     * @param Wxh W_xh (D × H)
     * @param Whh W_hh (H × H)
     * @return the gradients
     */
    public static Grads bptt(Matrix[] x, Matrix[] h, Matrix[] dh, Matrix Wxh, Matrix Whh) {
        int T = x.length - 1, B = h[0].rows, D = Wxh.rows, H = Wxh.cols;
        RnnCell cell = new RnnCell(D, H, 0.0, new Random(0));
        cell.Whh.value.setFrom(Whh);
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(null, null, h[0], new Matrix(B, H), false));
        for (int t = 1; t <= T; t++) steps.add(new Step(null, new Matrix(B, H), h[t], dh[t].copy(), false));
        for (int t = T; t >= 1; t--) cell.backward(steps.get(t - 1), steps.get(t));   // dz_t; dh_{t−1} += dz_t·W_hhᵀ
        Matrix[] dx = new Matrix[T + 1];
        Matrix dWxh = new Matrix(D, H), db = new Matrix(1, H);
        for (int t = 1; t <= T; t++) {
            Matrix dz = steps.get(t).dxw;                     // (B × H)
            dWxh.addMatmulTransA(x[t], dz);                   // dW_xh += x_tᵀ·dz_t
            dz.addColumnSumsTo(db);                           // db += Σ_rows dz_t
            dx[t] = new Matrix(B, D).addMatmulTransB(dz, Wxh); // dx_t = dz_t·W_xhᵀ
        }
        return new Grads(dx, steps.get(0).dh, dWxh, cell.Whh.grad, db);
    }

    /**
     * Grades the learner's BPTT (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static Bptt gradeBptt(Bptt mine) {
        return Exercise.grade("bptt", mine, RnnExercises::bptt, RnnExercises::checkBptt, (p, r, c) -> switch (p) {
            case "x" -> r < 0 ? "dx" : "dx[" + (r % BPTT_T + 1) + "][" + r / BPTT_T + "][" + c + "]";
            case "h0" -> r < 0 ? "dh0" : "dh0[" + r + "][" + c + "]";
            default -> r < 0 ? "d" + p : "d" + p + "[" + r + "][" + c + "]";
        });
    }

    /**
     * Checks a BPTT over B = 3 sequences of T = 5 steps (D = 4 inputs, H = 5 units, a random start state h_0): the
     * library's forward pass gives h_0 … h_T, the loss is L = Σ_t Σ G_t ⊙ h_t for random upstream gradients G_t
     * (so dh[t] = G_t), and every gradient the function returns — W_xh, W_hh, b, h_0 and every x_t — is compared
     * with central differences of L.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkBptt(Bptt backward) {
        Random rng = new Random(1990);
        int B = 3, T = BPTT_T, D = 4, H = 5;
        RnnCell cell = new RnnCell(D, H, 0.7, rng);
        Param h0 = new Param("h0", Matrix.randn(B, H, 0.5, rng));              // (B × H)
        Param x = new Param("x", Matrix.randn(B * T, D, 1.0, rng));            // (B·T × D), batch-major
        Matrix G = Matrix.randn(B * T, H, 1.0, rng);                           // ∂L/∂h_t (B·T × H)
        Recurrence<Step> rec = new Recurrence<>(cell, false);
        List<Param> ps = List.of(cell.Wxh, cell.Whh, cell.b, h0, x);
        return GradientChecker.check(() -> ps, () -> MlpExercises.dot(G, rec.forward(cell.input.forward(x.value), T, h0.value)),
                () -> {
                    Matrix Hs = rec.forward(cell.input.forward(x.value), T, h0.value);   // (B·T × H)
                    Matrix[] xs = new Matrix[T + 1], hs = new Matrix[T + 1], dh = new Matrix[T + 1];
                    hs[0] = h0.value.copy();
                    for (int t = 1; t <= T; t++) {
                        int[] rows = new int[B];
                        for (int b = 0; b < B; b++) rows[b] = b * T + t - 1;     // step t of every sequence
                        xs[t] = x.value.pickRows(rows).copy();
                        hs[t] = Hs.pickRows(rows).copy();
                        dh[t] = G.pickRows(rows).copy();
                    }
                    Grads g = backward.apply(xs, hs, dh, cell.Wxh.value.copy(), cell.Whh.value.copy());
                    if (g == null) throw new IllegalStateException("bptt returned null: return new RnnExercises.Grads(...)");
                    cell.Wxh.grad.addInPlace(g.dWxh());
                    cell.Whh.grad.addInPlace(g.dWhh());
                    cell.b.grad.addInPlace(g.db());
                    h0.grad.addInPlace(g.dh0());
                    for (int t = 1; t <= T; t++) {
                        for (int b = 0; b < B; b++) {
                            double[] src = g.dx()[t].data[b], dst = x.grad.data[b * T + t - 1];
                            for (int j = 0; j < D; j++) dst[j] += src[j];
                        }
                    }
                });
    }

    /**
     * Grades the learner's clipping (one line); returns it if correct, else the library's.
     *
     * @param mine the learner's function
     * @return the learner's function when it passes, else the library's
     */
    public static Clip gradeClipping(Clip mine) {
        return Exercise.grade("clip", mine, (m, tau) -> io.github.lmworkbook.train.GradClip.clipByGlobalNorm(m, tau),
                RnnExercises::checkClipping, (p, r, c) -> "model.param(\"" + p + "\").grad"
                        + (r < 0 ? "" : "[" + r + "][" + c + "]") + (r < 0 ? "" : " after your clipping"));
    }

    /**
     * Runs BPTT over a seeded problem (B = 3 sequences of T = 4 steps, D = 4 inputs, H = 5 units, learned start
     * state) with the given step backward in the cell's place, for L = Σ G ⊙ H (G a random upstream gradient for
     * every hidden state), and checks every parameter and the inputs x against central differences.
     *
     * @param backward the function checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkStepBackward(StepBackward backward) {
        return checkCell(new RnnCell(4, 5, new Random(2013)), (cell, prev, t) -> backward.apply((RnnCell) cell, prev, t));
    }

    /**
     * Checks a cell's backward inside BPTT (as {@link #checkStepBackward}); the exercises of the GRU and LSTM
     * notebooks use it with their cells.
     *
     * @param <S> the cell's step type
     * @param cell the cell, with its weights
     * @param backward the step backward checked
     * @return the gradient check's report
     */
    public static <S extends Step> GradCheckReport checkCell(RecurrentCell<S> cell, CellBackward<S> backward) {
        Random rng = new Random(7);
        int B = 3, T = CELL_T, D = cell.inputSize(), H = cell.hiddenSize();
        Recurrence<S> rec = new Recurrence<>(new Plugged<>(cell, backward), true);
        rec.start.value.setFrom(Matrix.randn(1, cell.stateSize(), 0.5, rng));   // a generic start state
        Param x = new Param("x", Matrix.randn(B * T, D, 1.0, rng));             // inputs (B·T × D)
        Matrix G = Matrix.randn(B * T, H, 1.0, rng);                            // ∂L/∂h_t (B·T × H)
        Linear in = cell.input();
        List<Param> ps = new ArrayList<>(rec.params());
        ps.add(x);
        return GradientChecker.check(() -> ps, () -> MlpExercises.dot(G, rec.forward(in.forward(x.value), T, null)),
                () -> {
                    rec.forward(in.forward(x.value), T, null);
                    x.grad.addInPlace(in.backward(rec.backward(G)));
                });
    }

    /** A cell's backward as a function of the cell and two steps. */
    @FunctionalInterface
    public interface CellBackward<S extends Step> {
        /**
         * The step backward.
         *
         * @param cell the cell
         * @param prev step t − 1
         * @param t step t
         */
        void apply(RecurrentCell<S> cell, S prev, S t);
    }

    /**
     * Checks clipping by global norm. Clipping multiplies every gradient by one number, s = min(1, τ/‖g‖), computed
     * at the current parameters, so the clipped gradient is the gradient of s·L: the checker compares the learner's
     * clipped gradients with central differences of s·L, on a small RNN language model, with τ = 10‖g‖ (nothing may
     * change) and τ = ‖g‖/10 (clipping active); the report of the first case that fails is returned, otherwise the
     * active one's.
     *
     * @param clip the clipping checked
     * @return the gradient check's report
     */
    public static GradCheckReport checkClipping(Clip clip) {
        RecurrentLM rnn = new RecurrentLM(new RecurrentLM.Config(6, CellType.RNN, 3, 4, true, 1997));
        ((RnnCell) rnn.cell).Whh.value.scaleInPlace(3.0);                       // a larger W_hh
        Batch batch = new Batch(new int[][] {{0, 1, 2, 3, 4}, {0, 5, 4, 3, 2}},
                new int[][] {{1, 2, 3, 4, 0}, {5, 4, 3, 2, 0}});
        rnn.zeroGrad();
        rnn.lossAndGrad(batch);
        double norm = 0;
        for (Param p : rnn.params()) norm += p.grad.sumOfSquares();
        norm = Math.sqrt(norm);
        GradCheckReport r = null;
        for (double tau : new double[] {10 * norm, norm / 10}) {
            double s = Math.min(1.0, tau / norm);
            r = GradientChecker.check(rnn, () -> s * rnn.loss(batch), () -> {
                rnn.lossAndGrad(batch);
                clip.apply(rnn, tau);
            });
            if (!r.passed()) return r;
        }
        return r;
    }

    /** A cell whose backward is someone else's: the learner's, in an exercise. */
    private record Plugged<S extends Step>(RecurrentCell<S> cell, CellBackward<S> backward) implements RecurrentCell<S> {
        public int inputSize() { return cell.inputSize(); }
        public int hiddenSize() { return cell.hiddenSize(); }
        public boolean hasCellState() { return cell.hasCellState(); }
        public Linear input() { return cell.input(); }
        public List<Param> params() { return cell.params(); }
        public S newStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh) { return cell.newStep(xw, dxw, h, dh); }
        public void forward(S prev, S t) { cell.forward(prev, t); }
        public void backward(S prev, S t) { backward.apply(cell, prev, t); }
    }
}
