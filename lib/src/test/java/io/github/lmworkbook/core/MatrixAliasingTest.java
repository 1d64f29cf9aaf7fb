package io.github.lmworkbook.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A product whose output is one of its inputs would overwrite the input while reading it: all three kinds are
 * refused with a message naming the product and the input, and the input is left as it was.
 */
class MatrixAliasingTest {
    private final Random rng = new Random(3);
    private final Matrix C = Matrix.randn(4, 4, 1, rng), B = Matrix.randn(4, 4, 1, rng);

    private void assertRefused(String product, String input, Matrix unchanged, Executable op) {
        Matrix before = unchanged.copy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        assertTrue(e.getMessage().contains("matmul " + product + ": the output (4×4) is also the input " + input),
                e.getMessage());
        for (int i = 0; i < 4; i++) assertArrayEquals(before.data[i], unchanged.data[i], 0.0, "input row " + i);
    }

    @Test
    void theOutputCannotBeAnInputOfAnyProduct() {
        assertRefused("A·B", "A", C, () -> C.setMatmul(C, B));      // the tester's case: was silently wrong
        assertRefused("A·B", "B", C, () -> C.setMatmul(B, C));
        assertRefused("A·B", "A", C, () -> C.addMatmul(C, B));
        assertRefused("A·B", "B", C, () -> C.addMatmul(B, C));
        assertRefused("Aᵀ·B", "A", C, () -> C.addMatmulTransA(C, B));
        assertRefused("Aᵀ·B", "B", C, () -> C.addMatmulTransA(B, C));
        assertRefused("A·Bᵀ", "A", C, () -> C.addMatmulTransB(C, B));
        assertRefused("A·Bᵀ", "B", C, () -> C.addMatmulTransB(B, C));
        assertRefused("A·B", "A", C, () -> C.addMatmul(C, C));
    }

    @Test
    void aMatrixWrappingTheSameRowsIsAnAliasToo() {
        Matrix sameRows = new Matrix(C.data);                                 // another Matrix over C's rows
        assertRefused("A·B", "A", C, () -> C.setMatmul(sameRows, B));
        Matrix someRows = new Matrix(Arrays.copyOfRange(C.data, 0, 4));        // a view: the same row arrays
        assertRefused("Aᵀ·B", "B", C, () -> C.addMatmulTransA(B, someRows));
    }

    @Test
    void separateOutputsStillWork() {
        Matrix expected = new Matrix(4, 4);
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) for (int p = 0; p < 4; p++) {
            expected.data[i][j] += C.data[i][p] * B.data[p][j];
        }
        Matrix out = new Matrix(4, 4).setMatmul(C, B);
        for (int i = 0; i < 4; i++) assertArrayEquals(expected.data[i], out.data[i], 1e-12);
        Matrix viaCopy = C.copy();
        viaCopy.setMatmul(C.copy(), B);                                         // the fix the message suggests
        for (int i = 0; i < 4; i++) assertArrayEquals(expected.data[i], viaCopy.data[i], 1e-12);
    }
}
