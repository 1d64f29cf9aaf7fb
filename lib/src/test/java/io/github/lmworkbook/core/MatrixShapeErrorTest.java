package io.github.lmworkbook.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.*;

/** Shape errors of the elementwise and broadcast operations name the operation and both shapes (the products are in KernelsTest). */
class MatrixShapeErrorTest {
    private final Matrix a = new Matrix(2, 3), b = new Matrix(3, 2);

    private static void assertMessage(Executable op, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, op);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
    }

    @Test
    void elementwiseOperations() {
        assertMessage(() -> a.setFrom(b), "setFrom", "(2×3)", "(3×2)");
        assertMessage(() -> a.addInPlace(b), "add", "(2×3)", "(3×2)");
        assertMessage(() -> a.axpy(0.5, b), "axpy", "(2×3)", "(3×2)");
        assertMessage(() -> a.mulInPlace(b), "elementwise multiply", "(2×3)", "(3×2)");
    }

    @Test
    void biasBroadcastAndColumnSums() {
        assertMessage(() -> a.addRowVector(new Matrix(1, 2)), "addRowVector", "(1×3)", "(2×3)", "(1×2)");
        assertMessage(() -> a.addRowVector(new Matrix(2, 3)), "addRowVector", "(2×3)");
        assertMessage(() -> a.addColumnSumsTo(new Matrix(1, 4)), "addColumnSumsTo", "(1×3)", "(2×3)", "(1×4)");
    }

    @Test
    void construction() {
        assertMessage(() -> new Matrix(-1, 2), "negative shape", "(-1×2)");
        assertMessage(() -> new Matrix(new double[][] {{1, 2}, {3}}), "ragged", "row 1");
    }

    @Test
    void operationsWorkOnMatchingShapes() { // the checks do not reject what is right
        Matrix x = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        Matrix s = new Matrix(1, 3);
        x.copy().addRowVector(Matrix.row(1, 1, 1)).addColumnSumsTo(s);
        assertArrayEquals(new double[] {7, 9, 11}, s.data[0], 0.0);
        assertArrayEquals(new double[] {10, 12, 14}, x.copy().axpy(2, new Matrix(2, 3).fill(1)).addInPlace(x).data[1], 0.0);
        assertArrayEquals(new double[] {1, 4, 9}, x.copy().mulInPlace(x).data[0], 0.0);
    }
}
