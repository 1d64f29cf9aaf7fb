package io.github.lmworkbook.models;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradientChecker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TwoLayerNetTest {
    private final Batch batch = new Batch(new int[][] {{0, 3, 5, 2}, {1, 1, 6, 4}},
            new int[][] {{3, 5, 2, 0}, {1, 6, 4, -1}});

    @Test
    void backwardMatchesCentralDifferences() {
        GradientChecker.check(new TwoLayerNet(7, 4, 6, 9), batch).assertPassed();
    }

    @Test
    void startsNearUniformAndIsDeterministic() {
        TwoLayerNet a = new TwoLayerNet(7, 4, 6, 9), b = new TwoLayerNet(7, 4, 6, 9);
        double L = a.loss(batch);
        assertEquals(L, b.loss(batch), 0.0);
        assertEquals(Math.log(7), L, 1.0); // a small random init: close to the uniform guess
        assertEquals(L, a.lossAndGrad(batch), 0.0);
        assertEquals(4 * 7 + 4 * 6 + 6 + 6 * 7 + 7, a.numParams());
    }

    @Test
    void nextLogitsUseTheLastTokenOfEachContext() {
        TwoLayerNet net = new TwoLayerNet(7, 4, 6, 9);
        Matrix logits = new Matrix(2, 7), single = new Matrix(1, 7);
        net.nextLogits(new int[][] {{0, 1, 3}, {5}}, logits);
        net.nextLogits(new int[][] {{3}}, single);
        assertArrayEquals(single.data[0], logits.data[0], 0.0);
        // a loss after sampling still sees the batch, not the last context
        assertEquals(new TwoLayerNet(7, 4, 6, 9).loss(batch), net.loss(batch), 0.0);
        assertThrows(IllegalArgumentException.class, () -> net.nextLogits(new int[][] {{1}}, new Matrix(1, 6)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.loss(new Batch(new int[][] {{9}}, new int[][] {{0}})));
        assertTrue(e.getMessage().contains("token id 9"), e.getMessage());
    }
}
