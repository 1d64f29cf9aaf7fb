package io.github.lmworkbook.layers;

import io.github.lmworkbook.core.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Bad input to a layer fails with a message naming the layer, the shapes or the offending id. */
class LayerShapeErrorTest {
    private final Random rng = new Random(3);

    private static void assertMessage(Class<? extends Exception> type, Executable op, String... parts) {
        Exception e = assertThrows(type, op);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void linear() {
        Linear lin = new Linear("fc", 3, 4, true, rng);
        assertMessage(IllegalStateException.class, () -> lin.backward(new Matrix(2, 4)), "fc.W", "backward before forward");
        assertMessage(IllegalArgumentException.class, () -> lin.forward(new Matrix(2, 5)), "fc.W", "(2×5)", "(3×4)");
        lin.forward(new Matrix(2, 3));
        assertMessage(IllegalArgumentException.class, () -> lin.backward(new Matrix(2, 3)), "fc.W", "(2×3)", "(2×4)");
        assertMessage(IllegalArgumentException.class, () -> lin.backward(new Matrix(3, 4)), "(3×4)", "(2×4)");
    }

    @Test
    void embedding() {
        Embedding emb = new Embedding("C", 5, 2, rng);
        assertMessage(IllegalStateException.class, () -> emb.backward(new Matrix(1, 2)), "backward before forward");
        assertMessage(IllegalArgumentException.class, () -> emb.forward(new int[][] {{1, 5}}, 1), "token id 5", "[0, 5)");
        assertMessage(IllegalArgumentException.class, () -> emb.forward(new int[][] {{-1}}, 1), "token id -1");
        assertMessage(IllegalArgumentException.class, () -> emb.forward(new int[][] {{1, 2}, {3}}, 2), "row 1 has 1");
        emb.forward(new int[][] {{1, 2}, {3, 4}}, 2);
        assertMessage(IllegalArgumentException.class, () -> emb.backward(new Matrix(2, 3)), "(2×3)", "(2×4)");
        assertMessage(IllegalArgumentException.class, () -> emb.forward(new int[] {7}), "token id 7");
        emb.forward(new int[] {1, 2});
        assertMessage(IllegalArgumentException.class, () -> emb.backward(new Matrix(3, 2)), "(3×2)", "(2×2)");
    }

    @Test
    void activations() {
        Matrix z = new Matrix(2, 3), other = new Matrix(3, 2);
        assertMessage(IllegalArgumentException.class, () -> Tanh.forward(z, other), "tanh forward", "(2×3)", "(3×2)");
        assertMessage(IllegalArgumentException.class, () -> Tanh.backward(z, other, z), "tanh backward", "(2×3)", "(3×2)");
        assertMessage(IllegalArgumentException.class, () -> Tanh.backward(z, z, other), "tanh backward", "(3×2)");
        assertMessage(IllegalArgumentException.class, () -> Sigmoid.forward(z, other), "sigmoid forward", "(2×3)", "(3×2)");
        assertMessage(IllegalArgumentException.class, () -> Sigmoid.backward(z, other, z), "sigmoid backward", "(2×3)", "(3×2)");
        assertMessage(IllegalArgumentException.class, () -> Sigmoid.backward(z, z, other), "sigmoid backward", "(3×2)");
    }

    @Test
    void layersBeforeForward() {
        assertMessage(IllegalStateException.class, () -> new Tanh().backward(new Matrix(1, 1)), "Tanh", "backward before forward");
        assertMessage(IllegalStateException.class, () -> new Sigmoid().backward(new Matrix(1, 1)), "Sigmoid", "backward before forward");
        assertMessage(IllegalStateException.class, () -> new Softmax().backward(new Matrix(1, 1)), "Softmax", "backward before forward");
        Softmax s = new Softmax();
        s.forward(new Matrix(2, 3));
        assertMessage(IllegalArgumentException.class, () -> s.backward(new Matrix(3, 2)), "softmax backward", "(2×3)", "(3×2)");
    }

    @Test
    void softmaxCrossEntropy() {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        assertMessage(IllegalStateException.class, ce::backward, "backward before forward");
        assertMessage(IllegalArgumentException.class, () -> ce.forward(new Matrix(3, 4), new int[] {0, 1}), "2 targets", "(3×4)");
        assertMessage(IllegalArgumentException.class, () -> ce.forward(new Matrix(2, 4), new int[] {0, 4}), "target 4", "row 1", "[0, 4)");
        assertMessage(IllegalArgumentException.class, () -> ce.forward(new Matrix(2, 4), new int[] {-2, 0}), "target -2", "row 0");
    }
}
