package io.github.lmworkbook.cells;

import java.util.Locale;
import java.util.Random;

/** The cells the models can be built with, by name (for configurations, the command line and saved models). */
public enum CellType {
    /** The vanilla (Elman) RNN: {@link RnnCell}, one block of pre-activations. */
    RNN(1, false, RnnCell::new),
    /** The gated recurrent unit (makemore's, Cho et al.'s): {@link GruCell}, three blocks (z, r, h̃). */
    GRU(3, false, GruCell::new),
    /** The LSTM: {@link LstmCell}, four blocks (i, f, o, g), state (h, c). */
    LSTM(4, true, LstmCell::new);

    /** Makes a cell with D inputs and H hidden units, initialised from rng. */
    @FunctionalInterface
    public interface Factory {
        /**
         * Makes a cell.
         *
         * @param D the length of one input x_t
         * @param H the number of hidden units
         * @param rng the random source of the initial weights
         * @return the new cell
         */
        RecurrentCell<?> create(int D, int H, Random rng);
    }

    private final Factory factory;
    /** G, the number of H-wide blocks of pre-activations (the input projection is D → G·H). */
    public final int gates;
    /** Whether the state holds a cell c besides h (S = 2H). */
    public final boolean cellState;

    CellType(int gates, boolean cellState, Factory factory) {
        this.gates = gates;
        this.cellState = cellState;
        this.factory = factory;
    }

    /**
     * The number of parameters of a cell with D inputs and H units: G·(D·H + H·H + H) (tested against the cell).
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @return G·(D·H + H·H + H)
     */
    public long numParams(long D, long H) {
        return gates * (D * H + H * H + H);
    }

    /**
     * S, the length of a row's state: H, or 2H with a cell state.
     *
     * @param H the number of hidden units
     * @return S, H or 2H
     */
    public int stateSize(int H) {
        return cellState ? 2 * H : H;
    }

    /**
     * A new cell of this type, D inputs, H hidden units.
     *
     * @param D the length of one input x_t
     * @param H the number of hidden units
     * @param rng the random source of the initial weights
     * @return the new cell
     */
    public RecurrentCell<?> create(int D, int H, Random rng) {
        return factory.create(D, H, rng);
    }

    /**
     * The type named s (case-insensitive: "rnn", "gru", "lstm"), or one line naming the choices.
     *
     * @param s the type's name
     * @return the type
     */
    public static CellType of(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cell '" + s + "'; expected one of "
                    + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
