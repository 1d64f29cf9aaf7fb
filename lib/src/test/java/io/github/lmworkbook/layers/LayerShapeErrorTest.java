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

    @Test
    void layerNorm() {
        assertMessage(IllegalArgumentException.class, () -> new LayerNorm("ln", 0), "LayerNorm ln", "size must be ≥ 1, got 0");
        assertMessage(IllegalArgumentException.class, () -> new LayerNorm("ln", 3, 0.0), "LayerNorm ln", "ε must be > 0, got 0.0");
        assertMessage(IllegalArgumentException.class, () -> new LayerNorm("ln", 3, -1e-5), "ε must be > 0, got -1.0E-5");
        assertMessage(IllegalArgumentException.class, () -> new LayerNorm("ln", 3, Double.NaN), "ε must be > 0, got NaN");
        assertEquals(1, new LayerNorm("ln", 1, Double.MIN_VALUE).n);     // the smallest size and ε are accepted
        LayerNorm ln = new LayerNorm("ln", 3);
        assertMessage(IllegalStateException.class, () -> ln.backward(new Matrix(2, 3)), "ln.g", "backward before forward");
        assertMessage(IllegalArgumentException.class, () -> ln.forward(new Matrix(2, 4)), "ln.g", "(2×4)", "expected 3 columns");
        ln.forward(new Matrix(2, 3));
        assertMessage(IllegalArgumentException.class, () -> ln.backward(new Matrix(3, 3)), "ln.g", "(3×3)", "(2×3)");
    }

    @Test
    void gelu() {
        Gelu gelu = new Gelu();
        assertMessage(IllegalStateException.class, () -> gelu.backward(new Matrix(2, 3)), "Gelu", "backward before forward");
        gelu.forward(new Matrix(2, 3));
        // more rows than x (would read past x) and fewer columns (would silently return a (2×2) dx)
        assertMessage(IllegalArgumentException.class, () -> gelu.backward(new Matrix(3, 2)), "gelu backward", "(2×3)", "(3×2)");
        assertMessage(IllegalArgumentException.class, () -> gelu.backward(new Matrix(2, 2)), "gelu backward", "(2×3)", "(2×2)");
    }

    @Test
    void causalSelfAttention() {
        String divide = "heads must divide the width C = ";
        assertMessage(IllegalArgumentException.class, () -> new CausalSelfAttention("a", 0, 1, 4, rng), "1 " + divide + "0");
        assertMessage(IllegalArgumentException.class, () -> new CausalSelfAttention("a", 4, 0, 4, rng), "0 " + divide + "4");
        assertMessage(IllegalArgumentException.class, () -> new CausalSelfAttention("a", 4, 3, 4, rng), "3 " + divide + "4");
        assertMessage(IllegalArgumentException.class, () -> new CausalSelfAttention("a", 4, 2, 0, rng), "block size must be ≥ 1, got 0");
        assertEquals(1, new CausalSelfAttention("a", 1, 1, 1, rng).d);    // the smallest shapes are accepted

        CausalSelfAttention attn = new CausalSelfAttention("a", 4, 2, 3, rng);
        assertMessage(IllegalStateException.class, () -> attn.weights(0, 0), "no forward pass yet");
        assertMessage(IllegalStateException.class, () -> attn.backward(new Matrix(2, 4)), "backward before forward");
        assertMessage(IllegalArgumentException.class, () -> attn.forward(new Matrix(4, 4), 0), "4 rows are not sequences of T = 0");
        assertMessage(IllegalArgumentException.class, () -> attn.forward(new Matrix(4, 4), -2), "T = -2");
        attn.forward(new Matrix(5, 4), new int[] {2, 3});
        // sequences 0…1 and heads 0…1 exist; one step outside on either side of either range does not
        assertMessage(IllegalArgumentException.class, () -> attn.weights(-1, 0), "sequence -1 of 2, head 0 of 2");
        assertMessage(IllegalArgumentException.class, () -> attn.weights(2, 0), "sequence 2 of 2, head 0 of 2");
        assertMessage(IllegalArgumentException.class, () -> attn.weights(0, -1), "sequence 0 of 2, head -1 of 2");
        assertMessage(IllegalArgumentException.class, () -> attn.weights(1, 2), "sequence 1 of 2, head 2 of 2");
        assertEquals("(2×2)", attn.weights(0, 0).shape());
        assertEquals("(3×3)", attn.weights(1, 1).shape());
    }
}
