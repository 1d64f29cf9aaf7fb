package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.layers.Init;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * How a cell's recurrent matrices start — the matrices that multiply h_{t−1} (the RNN's W_hh; the GRU's
 * [W_hz | W_hr] and W_hh; the LSTM's W_h), each H × H block of them on its own:
 * <ul>
 *   <li>{@link #DEFAULT}: as the cell initialises itself (makemore's U(±1/√(D+H))): ρ(W_hh) well below 1, so
 *       ‖∂L/∂h_t‖ decays geometrically with the distance;</li>
 *   <li>{@link #ORTHOGONAL} (Saxe et al. 2014): every block a random orthogonal matrix ({@link Init#orthogonal}):
 *       every singular value 1, so in the linear regime the product of T Jacobians keeps the norm of the gradient
 *       (only the tanh′ factors shrink it);</li>
 *   <li>{@link #IDENTITY} (Le, Jaitly &amp; Hinton 2015, "IRNN"): every block I and the input bias 0, so that
 *       h_t = f(h_{t−1} + x_t·W_xh) starts as an accumulator that copies its state forward. Le et al. pair it with
 *       ReLU units; the library's RNN cell is tanh, where I is the same accumulator while the state is small.</li>
 * </ul>
 * The input projection W_x (and, but for IDENTITY, its bias) keeps the cell's own initialisation, and the rng is
 * used only here: DEFAULT leaves the cell exactly as it was made. A new cell works unchanged: its recurrent matrices
 * are its parameters that are not its input projection's, H rows and a multiple of H columns.
 */
public enum RecurrentInit {
    /** As the cell initialises itself: nothing is changed. */
    DEFAULT,
    /** Every H × H block a random orthogonal matrix. */
    ORTHOGONAL,
    /** Every H × H block the identity I, and the input bias 0 (IRNN). */
    IDENTITY;

    /**
     * Re-initialises the cell's recurrent matrices (nothing for DEFAULT); returns the cell.
     *
     * @param <C> the cell's type
     * @param cell the cell whose recurrent matrices are drawn again
     * @param rng the random source (only ORTHOGONAL draws from it)
     * @return the cell
     */
    public <C extends RecurrentCell<?>> C apply(C cell, Random rng) {
        if (this == DEFAULT) return cell;
        int H = cell.hiddenSize();
        Matrix block = new Matrix(H, H);
        for (Param W : recurrentMatrices(cell)) {
            if (W.value.rows != H || W.value.cols % H != 0) {
                throw new IllegalArgumentException("RecurrentInit: " + W.name + " " + W.shape()
                        + " is not H × k·H, H = " + H);
            }
            for (int k = 0; k < W.value.cols / H; k++) {
                if (this == ORTHOGONAL) Init.orthogonal(block, 1.0, rng);
                else Init.identity(block, 1.0);
                for (int i = 0; i < H; i++) {
                    System.arraycopy(block.data[i], 0, W.value.data[i], k * H, H);
                }
            }
        }
        if (this == IDENTITY && cell.input().b != null) cell.input().b.value.zero();
        return cell;
    }

    /**
     * The cell's parameters that multiply h_{t−1}: all of them but the input projection's.
     *
     * @param cell a cell
     * @return its recurrent matrices
     */
    public static List<Param> recurrentMatrices(RecurrentCell<?> cell) {
        List<Param> out = new ArrayList<>(cell.params());
        out.removeAll(cell.input().params());
        return out;
    }

    /**
     * The scheme named s (case-insensitive: "default", "orthogonal", "identity" or "irnn").
     *
     * @param s the scheme's name
     * @return the scheme
     */
    public static RecurrentInit of(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        if (k.equals("irnn")) return IDENTITY;
        try {
            return valueOf(k.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown recurrent initialisation '" + s
                    + "'; expected default, orthogonal or identity");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
