package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.layers.Linear;

import java.util.List;

/**
 * One step of a recurrence, s_t = F(s_{t−1}, x_t), forward and backward: the cell. The RNN, the GRU and the LSTM
 * are each one implementation of this interface; {@link Recurrence} runs any of them over a sequence
 * (backpropagation through time), so the recurrence of each architecture is written once, here.
 *
 * <h2>The contract</h2>
 * Every pre-activation of a step is a sum of two shares: the input's, x_t·W_x + b, which does not depend on the
 * past, and the state's, h_{t−1}·W_h, which does. The input's share of <em>all</em> steps is one product before
 * the loop ({@link #input()}, a {@link Linear} from D to G·H columns); each step then gets its block as
 * {@code t.xw}. In the loop:
 * <pre>
 * forward(prev, t)    reads prev.h (and prev.c), t.xw; writes t.h (and t.c) and the step's cache
 * backward(prev, t)   reads t.dh (and t.dc) = ∂L/∂s_t and the cache; writes t.dxw = ∂L/∂(x_t·W_x + b);
 *                     ADDS ∂L/∂s_{t−1} through this step into prev.dh (and prev.dc);
 *                     ADDS the gradients of the recurrent weights into their Param.grad
 * </pre>
 * The gradients of W_x and b, and of x_t, then come from {@code input().backward(dXW)} over all steps at once.
 * Shapes: B rows (sequences), H hidden units, D inputs, S = H or 2H numbers of state (see {@link Step}).
 *
 * <h2>Adding a cell</h2>
 * Write one class: its parameters, a {@link Step} subclass holding its cache (the gates), {@code forward} and
 * {@code backward} beside each other, each line an equation of the notebook's derivation. The language model,
 * the sequence regressor, the gradient-flow analysis and the checker then work with it unchanged.
 *
 * @param <S> the cell's step (its cache)
 */
public interface RecurrentCell<S extends Step> {
    /** {@return D, the length of one input x_t} */
    int inputSize();

    /** {@return H, the number of hidden units} */
    int hiddenSize();

    /**
     * Whether the state has a cell c besides h (the LSTM), so that S = 2H.
     *
     * @return true when the state is [h; c]
     */
    default boolean hasCellState() {
        return false;
    }

    /** {@return S, the length of one row's state [h; c]} */
    default int stateSize() {
        return hasCellState() ? 2 * hiddenSize() : hiddenSize();
    }

    /** {@return the input projection x·W_x + b, D → G·H: the share of every step that does not depend on the past} */
    Linear input();

    /**
     * Every parameter, the input projection's first.
     *
     * @return the parameters, the input projection's first
     */
    List<Param> params();

    /**
     * The buffers and cache of one step, over the given views (see {@link Step}).
     *
     * @param xw the input share x_t·W_x + b (B × G·H), or null for step 0
     * @param dxw its gradient (B × G·H), or null for step 0
     * @param h the hidden state h_t (B × H)
     * @param dh its gradient (B × H)
     * @return the new step
     */
    S newStep(Matrix xw, Matrix dxw, Matrix h, Matrix dh);

    /**
     * t.h (t.c) = F(prev.h (prev.c), t.xw); keeps the cache in t.
     *
     * @param prev step t − 1 (its state is read)
     * @param t step t (its xw is read; its state and cache are written)
     */
    void forward(S prev, S t);

    /**
     * Writes t.dxw; adds into prev.dh (prev.dc) and into the recurrent weights' gradients.
     *
     * @param prev step t − 1 (its dh, dc are added to)
     * @param t step t (its dh, dc are read; its dxw written)
     */
    void backward(S prev, S t);
}
