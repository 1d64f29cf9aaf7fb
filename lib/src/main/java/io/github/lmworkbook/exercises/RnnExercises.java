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
 * The exercises of notebook 02 (the RNN): the cell's step backward, run inside backpropagation through time, and
 * clipping by global norm.
 */
public final class RnnExercises {
    private RnnExercises() {}

    /** The body of {@link RnnCell#backward}: writes t.dxw, adds into prev.dh and cell.Whh.grad. */
    @FunctionalInterface
    public interface StepBackward {
        void apply(RnnCell cell, Step prev, Step t);
    }

    /** Clipping by global norm: rescale every gradient of the model so that their joint norm is at most threshold. */
    @FunctionalInterface
    public interface Clip {
        void apply(Model model, double threshold);
    }

    /** The library's step backward. */
    public static void stepBackward(RnnCell cell, Step prev, Step t) {
        cell.backward(prev, t);
    }

    /** Grades the learner's step backward (one line); returns it if correct, else the library's. */
    public static StepBackward gradeStepBackward(StepBackward mine) {
        return Exercise.grade("stepBackward", mine, RnnExercises::stepBackward, RnnExercises::checkStepBackward);
    }

    /** Grades the learner's clipping (one line); returns it if correct, else the library's. */
    public static Clip gradeClipping(Clip mine) {
        return Exercise.grade("clip", mine, (m, tau) -> io.github.lmworkbook.train.GradClip.clipByGlobalNorm(m, tau),
                RnnExercises::checkClipping);
    }

    /**
     * Runs BPTT over a seeded problem (B = 3 sequences of T = 4 steps, D = 4 inputs, H = 5 units, learned start
     * state) with the given step backward in the cell's place, for L = Σ G ⊙ H (G a random upstream gradient for
     * every hidden state), and checks every parameter and the inputs x against central differences.
     */
    public static GradCheckReport checkStepBackward(StepBackward backward) {
        return checkCell(new RnnCell(4, 5, new Random(2013)), (cell, prev, t) -> backward.apply((RnnCell) cell, prev, t));
    }

    /**
     * Checks a cell's backward inside BPTT (as {@link #checkStepBackward}); the exercises of the GRU and LSTM
     * notebooks use it with their cells.
     */
    public static <S extends Step> GradCheckReport checkCell(RecurrentCell<S> cell, CellBackward<S> backward) {
        Random rng = new Random(7);
        int B = 3, T = 4, D = cell.inputSize(), H = cell.hiddenSize();
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
        void apply(RecurrentCell<S> cell, S prev, S t);
    }

    /**
     * Checks clipping by global norm. Clipping multiplies every gradient by one number, s = min(1, τ/‖g‖), computed
     * at the current parameters, so the clipped gradient is the gradient of s·L: the checker compares the learner's
     * clipped gradients with central differences of s·L, on a small RNN language model, with τ = 10‖g‖ (nothing may
     * change) and τ = ‖g‖/10 (clipping active); the report of the first case that fails is returned, otherwise the
     * active one's.
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
