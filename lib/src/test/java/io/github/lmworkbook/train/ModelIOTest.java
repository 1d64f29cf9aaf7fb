package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ModelIOTest {
    @TempDir
    Path dir;

    static Model model(long seed, String name2, int cols2) {
        Random rng = new Random(seed);
        Param a = new Param("W", Matrix.randn(3, 4, 1.0, rng));
        Param b = new Param(name2, Matrix.randn(1, cols2, 1.0, rng));
        b.value.data[0][0] = -0.0;
        if (cols2 > 1) b.value.data[0][1] = Double.MIN_VALUE;
        return () -> List.of(a, b);
    }

    static double[][][] snapshot(Model m) {
        return m.params().stream().map(p -> Matrix.of(p.value.data).data).toArray(double[][][]::new);
    }

    static void assertBitIdentical(double[][][] expected, Model m) {
        for (int k = 0; k < expected.length; k++) {
            double[][] v = m.params().get(k).value.data;
            for (int i = 0; i < v.length; i++) {
                for (int j = 0; j < v[i].length; j++) {
                    assertEquals(Double.doubleToRawLongBits(expected[k][i][j]), Double.doubleToRawLongBits(v[i][j]));
                }
            }
        }
    }

    void assertNoTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        Model src = model(1, "b", 5), dst = model(2, "b", 5);
        Path f = dir.resolve("m.bin");
        ModelIO.save(src, f);
        ModelIO.save(src, f); // replacing an existing file works
        ModelIO.load(dst, f);
        assertBitIdentical(snapshot(src), dst);
        assertNoTempFiles();
        assertEquals(8 + 4 + 4 + 4 + (2 + 1 + 8 + 12 * 8) + (2 + 1 + 8 + 5 * 8) + 8, Files.size(f));   // no header: 0 bytes
    }

    ModelFileException loadFails(Model m, Path f) {
        double[][][] before = snapshot(m);
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.load(m, f));
        assertBitIdentical(before, m);
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e;
    }

    @Test
    void corruptedFileIsAChecksumMismatch() throws IOException {
        Path f = dir.resolve("m.bin");
        ModelIO.save(model(1, "b", 5), f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[40] ^= 0x10; // inside W's values
        Files.write(f, bytes);
        assertTrue(loadFails(model(2, "b", 5), f).getMessage().contains("checksum mismatch"));
    }

    @Test
    void truncatedFile() throws IOException {
        Path f = dir.resolve("m.bin");
        ModelIO.save(model(1, "b", 5), f);
        byte[] bytes = Files.readAllBytes(f);
        for (int cut : new int[] {3, 20, bytes.length - 50, bytes.length - 4}) {
            Files.write(f, java.util.Arrays.copyOf(bytes, cut));
            String msg = loadFails(model(2, "b", 5), f).getMessage();
            assertTrue(msg.contains("truncated") || msg.contains("not a parameter file"), cut + ": " + msg);
        }
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertTrue(loadFails(model(2, "b", 5), f).getMessage().contains("truncated"));
    }

    @Test
    void wrongNameShapeCountOrMagic() throws IOException {
        Path f = dir.resolve("m.bin");
        ModelIO.save(model(1, "b", 5), f);
        String name = loadFails(model(2, "bias", 5), f).getMessage();
        assertTrue(name.contains("'b' in the file but 'bias' in the model"), name);
        String shape = loadFails(model(2, "b", 6), f).getMessage();
        assertTrue(shape.contains("(1×5) in the file but (1×6)"), shape);
        Param only = new Param("W", Matrix.zeros(3, 4));
        String count = loadFails(() -> List.of(only), f).getMessage();
        assertTrue(count.contains("2 parameters"), count);
        Files.writeString(f, "hello, this is not a model file");
        assertTrue(loadFails(model(2, "b", 5), f).getMessage().contains("not a parameter file"));
        assertNoTempFiles();
    }

    @Test
    void aFailedSaveLeavesTheOldFileAndNoTempFile() throws IOException {
        Path f = dir.resolve("m.bin");
        ModelIO.save(model(1, "b", 5), f);
        byte[] before = Files.readAllBytes(f);
        Param bad = new Param("x".repeat(70_000), Matrix.zeros(1, 1)); // too long for writeUTF
        Model m = () -> List.of(model(2, "b", 5).params().get(0), bad);
        assertThrows(IOException.class, () -> ModelIO.save(m, f));
        assertArrayEquals(before, Files.readAllBytes(f));
        assertNoTempFiles();
    }

    @Test
    void extraBytesAfterTheChecksum() throws IOException {
        Path f = dir.resolve("m.bin");
        ModelIO.save(model(1, "b", 5), f);
        Files.write(f, new byte[] {1, 2}, java.nio.file.StandardOpenOption.APPEND);
        assertTrue(loadFails(model(2, "b", 5), f).getMessage().contains("2 unexpected bytes"));
    }
}
