package io.github.lmworkbook.models;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cells.RecurrentCell;
import io.github.lmworkbook.cells.RecurrentInit;
import io.github.lmworkbook.cells.Recurrence;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Objective;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.core.RowBuffer;
import io.github.lmworkbook.data.SequenceBatch;
import io.github.lmworkbook.layers.Linear;
import io.github.lmworkbook.layers.MeanSquaredError;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A recurrent cell over real-valued inputs with one number read out at the end: the model of the adding problem.
 * <pre>
 * s_t = cell(s_{t−1}, x_t)          x_t (B × D), h_t (B × H), s_0 = 0
 * ŷ   = h_T·w + c                   w (H × 1), c (1 × 1), ŷ (B × 1)
 * L   = (1/B) Σ_b (ŷ_b − y_b)²
 * </pre>
 * The only gradient that enters is at the last step: everything the model learns about an early input has
 * travelled back through T − t step Jacobians ({@link Recurrence}).
 */
public final class SequenceRegressor implements Objective<SequenceBatch> {

    /**
     * The cell, D inputs per step, H hidden units, the seed of the initialisation, and how the cell's recurrent
     * matrices start ({@link RecurrentInit}; DEFAULT: as the cell initialises itself).
     */
    public record Config(CellType cell, int inputs, int hidden, long seed, RecurrentInit recurrentInit) {
        /**
         * The cell's own initialisation.
         *
         * @param cell the recurrent cell
         * @param inputs D, the length of one input x_t
         * @param hidden H, the number of hidden units
         * @param seed seed of the initialisation
         */
        public Config(CellType cell, int inputs, int hidden, long seed) {
            this(cell, inputs, hidden, seed, RecurrentInit.DEFAULT);
        }

        /**
         * This configuration with another initialisation of the recurrent matrices.
         *
         * @param init the initialisation scheme of the recurrent matrices
         * @return the new configuration
         */
        public Config withRecurrentInit(RecurrentInit init) {
            return new Config(cell, inputs, hidden, seed, init);
        }

        /**
         * Checks the sizes (every one at least 1) and that the recurrent initialisation is given.
         *
         * @param cell the recurrent cell
         * @param inputs D, the length of one input x_t
         * @param hidden H, the number of hidden units
         * @param seed seed of the initialisation
         * @param recurrentInit how the cell's recurrent matrices start (DEFAULT: as the cell initialises itself)
         */
        public Config {
            if (recurrentInit == null) throw new IllegalArgumentException("SequenceRegressor: recurrentInit must be given");
            if (inputs < 1 || hidden < 1) {
                throw new IllegalArgumentException("SequenceRegressor: sizes must be ≥ 1, got D=" + inputs + ", H="
                        + hidden);
            }
        }
    }

    /** The configuration the model was built from. */
    public final Config config;
    /** The recurrent cell. */
    public final RecurrentCell<?> cell;
    /** The cell over time, from a zero state. */
    public final Recurrence<?> recurrence;
    /** The readout w (H × 1), c (1 × 1): ŷ = h_T·w + c. */
    public final Linear readout;        // w (H × 1), c (1 × 1)
    private final MeanSquaredError mse = new MeanSquaredError();
    private final List<Param> params;
    private final RowBuffer dHs;        // (B·T × H): zero but at the last step
    private int T;
    private Matrix yHat;               // (B × 1) the predictions of the last pass

    /**
     * The cell as it initialises itself; w, c ~ U(±1/√H).
     *
     * @param config the hyper-parameters and seed
     */
    public SequenceRegressor(Config config) {
        this.config = config;
        Random rng = new Random(config.seed());
        this.cell = config.cell().create(config.inputs(), config.hidden(), rng);
        this.recurrence = new Recurrence<>(cell, false);
        int H = config.hidden();
        this.readout = new Linear("w", "c", H, 1, 1.0 / Math.sqrt(H), rng);
        config.recurrentInit().apply(cell, new Random(config.seed() * 0x9E3779B97F4A7C15L + 0x0127));
        List<Param> ps = new ArrayList<>(recurrence.params());
        ps.addAll(readout.params());
        this.params = List.copyOf(ps);
        this.dHs = new RowBuffer(H);
    }

    private Matrix predictions;                          // ŷ of the last loss or lossAndGrad  (B × 1)

    @Override
    public List<Param> params() {
        return params;
    }

    /**
     * The mean squared error over the batch, forward only, in one pass. (Not in chunks: products of fewer than
     * {@code Kernels.SMALL} multiply-adds take the plain loops, so a chunk's predictions could differ in the last
     * bit from the whole batch's, and the committed evidence's losses would no longer replay.)
     */
    @Override
    public double loss(SequenceBatch s) {
        double l = forward(s);
        predictions = yHat;
        return l;
    }

    /** The loss of the whole batch in one pass, keeping what the backward pass needs. */
    private double forward(SequenceBatch s) {
        predict(s);
        return mse.forward(yHat, s.y());
    }

    /** ŷ of a batch (B × 1), into {@code yHat}. */
    private void predict(SequenceBatch s) {
        T = s.length();
        Matrix XW = cell.input().forward(s.x());             // x_t·W_x + b for every step   (B·T × G·H)
        recurrence.forward(XW, T, null);                     // h_1 … h_T                    (B·T × H)
        yHat = readout.forward(recurrence.step(T).h);        // ŷ = h_T·w + c                (B × 1)
    }

    @Override
    public double lossAndGrad(SequenceBatch s) {
        double loss = forward(s);
        predictions = yHat;
        Matrix dhT = readout.backward(mse.backward());       // dh_T = dŷ·wᵀ                  (B × H)
        int B = s.size();
        Matrix dH = dHs.rows(B * T).zero();                  // ∂L/∂h_t = 0 for t < T
        for (int b = 0; b < B; b++) System.arraycopy(dhT.data[b], 0, dH.data[b * T + T - 1], 0, dhT.cols);
        Matrix dXW = recurrence.backward(dH);                // through time
        cell.input().backward(dXW);                          // dW_x, db
        return loss;
    }

    /**
     * The predictions ŷ of the last pass (B × 1).
     *
     * @return ŷ (B × 1), the model's buffer
     */
    public Matrix predictions() {
        if (predictions == null) throw new IllegalStateException("SequenceRegressor: no forward pass yet");
        return predictions;
    }
}
