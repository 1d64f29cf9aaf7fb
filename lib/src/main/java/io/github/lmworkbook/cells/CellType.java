package io.github.lmworkbook.cells;

import java.util.Locale;
import java.util.Random;

/** The cells the models can be built with, by name (for configurations, the command line and saved models). */
public enum CellType {
    /** The vanilla (Elman) RNN: {@link RnnCell}. */
    RNN(RnnCell::new),
    /** The gated recurrent unit (makemore's, Cho et al.'s): {@link GruCell}. */
    GRU(GruCell::new);

    /** Makes a cell with D inputs and H hidden units, initialised from rng. */
    @FunctionalInterface
    public interface Factory {
        RecurrentCell<?> create(int D, int H, Random rng);
    }

    private final Factory factory;

    CellType(Factory factory) {
        this.factory = factory;
    }

    /** A new cell of this type, D inputs, H hidden units. */
    public RecurrentCell<?> create(int D, int H, Random rng) {
        return factory.create(D, H, rng);
    }

    /** The type named s (case-insensitive: "rnn", "gru", …), or one line naming the choices. */
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
