package io.github.lmworkbook.cells;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The recurrent matrices of every cell, each H × H block: orthogonal to round-off, the identity exactly. */
class RecurrentInitTest {
    static final int D = 3, H = 6;

    static Matrix block(Param W, int k) {
        Matrix b = new Matrix(H, H);
        for (int i = 0; i < H; i++) System.arraycopy(W.value.data[i], k * H, b.data[i], 0, H);
        return b;
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void everyBlockIsOrthogonal(CellType type) {
        RecurrentCell<?> cell = RecurrentInit.ORTHOGONAL.apply(type.create(D, H, new Random(1)), new Random(2));
        List<Param> rec = RecurrentInit.recurrentMatrices(cell);
        assertFalse(rec.isEmpty());
        int blocks = 0;
        for (Param W : rec) {
            for (int k = 0; k < W.value.cols / H; k++, blocks++) {
                Matrix Q = block(W, k), QtQ = Matrix.matmul(Q.transpose(), Q);
                for (int i = 0; i < H; i++) for (int j = 0; j < H; j++)
                    assertEquals(i == j ? 1.0 : 0.0, QtQ.get(i, j), 1e-12, W.name + " block " + k);
            }
        }
        assertEquals(type.gates, blocks, "one H × H block per gate");
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void identityIsExactAndZeroesTheInputBias(CellType type) {
        RecurrentCell<?> made = type.create(D, H, new Random(1));
        Matrix Wx = made.input().W.value.copy();
        RecurrentCell<?> cell = RecurrentInit.IDENTITY.apply(made, new Random(2));
        for (Param W : RecurrentInit.recurrentMatrices(cell)) {
            for (int k = 0; k < W.value.cols / H; k++) {
                Matrix I = block(W, k);
                for (int i = 0; i < H; i++) for (int j = 0; j < H; j++)
                    assertEquals(i == j ? 1.0 : 0.0, I.get(i, j), 0.0, W.name + " block " + k);
            }
        }
        assertEquals(0.0, cell.input().b.value.maxAbs(), 0.0);
        assertArrayEquals(Wx.data, cell.input().W.value.data, "W_x keeps the cell's own initialisation");
    }

    @Test
    void theDefaultLeavesTheCellAsItWasMade() {
        for (CellType type : CellType.values()) {
            RecurrentCell<?> a = type.create(D, H, new Random(5)), b = type.create(D, H, new Random(5));
            RecurrentInit.DEFAULT.apply(b, new Random(6));
            for (int i = 0; i < a.params().size(); i++) {
                assertArrayEquals(a.params().get(i).value.data, b.params().get(i).value.data, type.toString());
            }
        }
        assertEquals(RecurrentInit.IDENTITY, RecurrentInit.of("IRNN"));
        assertEquals(RecurrentInit.ORTHOGONAL, RecurrentInit.of("orthogonal"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RecurrentInit.of("unitary"));
        assertTrue(e.getMessage().contains("expected default, orthogonal or identity"), e.getMessage());
    }
}
