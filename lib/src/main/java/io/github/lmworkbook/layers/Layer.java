package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;

import java.util.List;

/**
 * The one contract of every layer, in the spirit of CS231n's {@code layer_forward(x) → (out, cache)} and
 * {@code layer_backward(dout, cache) → dx}:
 * <pre>
 * y  = forward(x)       x (N × in) → y (N × out); the layer keeps what backward needs (its cache)
 * dx = backward(dy)     dy = ∂L/∂y (N × out) → dx = ∂L/∂x (N × in), using the cache of the last forward;
 *                       adds ∂L/∂θ into the grad of every parameter θ (call zeroGrad before a new batch)
 * </pre>
 * Rows are examples (a batch of sequences is flattened batch-major: row b·T + t is position t of sequence b).
 * The matrices a layer returns are its own buffers, valid until its next call; a caller that keeps one copies it.
 *
 * <p>The layers that do not take a matrix follow the same contract with their own input type:
 * {@link Embedding} takes token ids (and has no input gradient), {@link SoftmaxCrossEntropy} takes logits and
 * targets and returns the loss (its backward takes no argument: ∂L/∂L = 1). A recurrent cell
 * ({@code io.github.lmworkbook.cells}) keeps one cache per time step instead of one.
 */
public interface Layer {
    /**
     * y = f(x) (N × out); keeps the cache for {@link #backward}.
     *
     * @param x the input (N × in)
     * @return y (N × out), the layer's buffer (valid until its next forward)
     */
    Matrix forward(Matrix x);

    /**
     * dx = ∂L/∂x (N × in) from dy = ∂L/∂y (N × out); adds into the parameters' gradients.
     *
     * @param dy ∂L/∂y (N × out) for the last forward
     * @return ∂L/∂x (N × in), the layer's buffer
     */
    Matrix backward(Matrix dy);

    /**
     * The learnable parameters (none for an activation).
     *
     * @return the parameters, in a fixed order
     */
    default List<Param> params() {
        return List.of();
    }
}
