package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What ModelIO refuses and what it never leaves behind: non-finite values (neither saved nor loaded), targets that
 * cannot hold a file (refused before any work, in one line), symbolic links (followed, the link kept), and
 * temporary files after a failure or a kill.
 */
class ModelIOSafetyTest {
    @TempDir
    Path dir;

    static Model model(long seed) {
        Random rng = new Random(seed);
        Param a = new Param("W", Matrix.randn(3, 4, 1.0, rng));
        Param b = new Param("b", Matrix.randn(1, 5, 1.0, rng));
        return () -> List.of(a, b);
    }

    List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static ModelFileException refused(String expected, org.junit.jupiter.api.function.Executable e) {
        ModelFileException x = assertThrows(ModelFileException.class, e);
        assertTrue(x.getMessage().contains(expected), x.getMessage());
        assertFalse(x.getMessage().contains("\n"), "one line: " + x.getMessage());
        return x;
    }

    // ---- non-finite values --------------------------------------------------------------------------------------

    @Test
    void nonFiniteParametersAreNeverSavedAndTheOldFileStays() throws IOException {
        Path f = dir.resolve("g.bin");
        ModelIO.save(model(1), f);
        byte[] good = Files.readAllBytes(f);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Model m = model(2);
            m.params().get(1).value.data[0][3] = bad;
            ModelFileException e = refused("parameter 'b' (1×5) holds " + bad + " at [0][3]; non-finite parameters "
                    + "are never saved", () -> ModelIO.save(m, f));
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            assertArrayEquals(good, Files.readAllBytes(f), "the good file is untouched");
        }
        assertEquals(List.of("g.bin"), listing(dir));
        // a non-finite value in a file that does not exist yet: no file is created
        Model m = model(3);
        m.params().get(0).value.data[2][1] = Double.NaN;
        refused("parameter 'W' (3×4) holds NaN at [2][1]", () -> ModelIO.save(m, dir.resolve("new.bin")));
        assertEquals(List.of("g.bin"), listing(dir));
    }

    /** Writes the file format by hand, without ModelIO's checks (as an older version could have). */
    static void writeRaw(Model m, Path f) throws IOException {
        CRC32 crc = new CRC32();
        try (OutputStream os = Files.newOutputStream(f); DataOutputStream out = new DataOutputStream(os)) {
            DataOutputStream body = new DataOutputStream(new CheckedOutputStream(out, crc));
            body.write("LMWPARAM".getBytes(StandardCharsets.US_ASCII));
            body.writeInt(1);
            body.writeInt(m.params().size());
            for (Param p : m.params()) {
                body.writeUTF(p.name);
                body.writeInt(p.value.rows);
                body.writeInt(p.value.cols);
                for (double[] row : p.value.data) for (double v : row) body.writeDouble(v);
            }
            body.flush();
            out.writeLong(crc.getValue());
        }
    }

    @Test
    void filesHoldingNonFiniteValuesAreNeverLoaded() throws IOException {
        Path f = dir.resolve("diverged.bin");
        Model src = model(1);
        src.params().get(0).value.data[1][2] = Double.NaN;
        src.params().get(1).value.data[0][0] = Double.POSITIVE_INFINITY;
        writeRaw(src, f);
        Model dst = model(2);
        double[][] before = Matrix.of(dst.params().get(0).value.data).data;
        refused("parameter 'W' holds NaN at [1][2]; a file with non-finite parameters (from a diverged run?) is "
                + "never loaded", () -> ModelIO.load(dst, f));
        for (int i = 0; i < 3; i++) assertArrayEquals(before[i], dst.params().get(0).value.data[i], 0.0, "unchanged");
        writeRaw(model(1), f);   // the same format with finite values loads
        ModelIO.load(dst, f);
        assertEquals(model(1).params().get(0).value.data[1][2], dst.params().get(0).value.data[1][2], 0.0);
    }

    @Test
    void missingAndNonRegularFilesAreOneLine() throws IOException {
        refused("nothere.bin: no such file", () -> ModelIO.load(model(1), dir.resolve("nothere.bin")));
        refused("is a directory, not a parameter file", () -> ModelIO.load(model(1), dir));
        Path dev = Path.of("/dev/zero");
        assumeTrue(Files.exists(dev));
        refused("/dev/zero: is not a regular file", () -> ModelIO.load(model(1), dev));
    }

    // ---- where a file can be saved -------------------------------------------------------------------------------

    @Test
    void targetsThatCannotHoldAFileAreRefusedBeforeAnyWork() throws IOException {
        Path plain = Files.writeString(dir.resolve("notes.txt"), "a regular file");
        refused(dir.resolve("notes.txt") + " is a file, not a directory",
                () -> ModelIO.checkSaveTarget(plain.resolve("g.bin")));
        refused(plain + " is a file, not a directory", () -> ModelIO.checkSaveTarget(plain.resolve("sub/deeper/g.bin")));
        refused("is a directory; give a file name", () -> ModelIO.checkSaveTarget(dir));
        refused("is a directory; give a file name", () -> ModelIO.save(model(1), dir));
        Path loop = dir.resolve("loop");
        Files.createSymbolicLink(loop, loop.getFileName());
        refused("more than 40 symbolic links in a row", () -> ModelIO.checkSaveTarget(loop));
        // a path whose directories do not exist yet is fine: save creates them
        Path deep = dir.resolve("a/b/g.bin");
        assertEquals(deep, ModelIO.checkSaveTarget(deep));
        assertFalse(Files.exists(dir.resolve("a")), "the check creates nothing");
        ModelIO.save(model(1), deep);
        assertTrue(Files.isRegularFile(deep));
        assertEquals("a regular file", Files.readString(plain));
    }

    @Test
    void aDeviceIsRefusedAndLeftAlone() {
        Path dev = Path.of("/dev/null");
        assumeTrue(Files.exists(dev) && !Files.isRegularFile(dev));
        refused("/dev/null is not a regular file (a device, pipe or socket); give a file name",
                () -> ModelIO.save(model(1), dev));
        assertFalse(Files.isRegularFile(dev), "/dev/null is still a device");
        Path link = dir.resolve("to-null");
        assertDoesNotThrow(() -> Files.createSymbolicLink(link, dev));
        refused("/dev/null (the target of the symbolic link " + link + ") is not a regular file",
                () -> ModelIO.checkSaveTarget(link));
        assertDoesNotThrow(() -> Files.delete(link));
    }

    @Test
    void aSymbolicLinkIsFollowedItsTargetReplacedAndTheLinkKept() throws IOException {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path real = models.resolve("real.bin");
        ModelIO.save(model(1), real);
        Path link = dir.resolve("g.bin");
        Files.createSymbolicLink(link, Path.of("models/real.bin"));      // relative, as ln -s makes it
        Path link2 = dir.resolve("latest.bin");
        Files.createSymbolicLink(link2, link);                           // a chain of two links
        assertEquals(real, ModelIO.checkSaveTarget(link2));

        ModelIO.save(model(2), link2);
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(link2), "the links are kept");
        Model back = model(9);
        ModelIO.load(back, real);
        assertEquals(model(2).params().get(0).value.data[0][0], back.params().get(0).value.data[0][0], 0.0);
        assertEquals(List.of("real.bin"), listing(models), "the temporary file was in the target's directory");

        Path dangling = dir.resolve("next.bin");
        Files.createSymbolicLink(dangling, models.resolve("new/next.bin"));
        ModelIO.save(model(3), dangling);
        assertTrue(Files.isRegularFile(models.resolve("new/next.bin")) && Files.isSymbolicLink(dangling));
    }

    @Test
    void aSavedFileHasTheUsualPermissionsAndAReplacedFileKeepsItsOwn() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));       // what the umask gives a new file
        assumeTrue(probe.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path f = dir.resolve("g.bin");
        ModelIO.save(model(1), f);
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(f));
        java.util.Set<java.nio.file.attribute.PosixFilePermission> rwr = java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(f, rwr);
        ModelIO.save(model(2), f);
        assertEquals(rwr, Files.getPosixFilePermissions(f));
    }

    // ---- temporary files -----------------------------------------------------------------------------------------

    /** The pid of a process that has exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-version")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        assumeTrue(ProcessHandle.of(p.pid()).map(h -> !h.isAlive()).orElse(true));
        return p.pid();
    }

    @Test
    void staleTemporaryFilesOfTheSameTargetAreRemovedByTheNextSave() throws Exception {
        Path f = dir.resolve("g.bin");
        long dead = deadPid(), live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        Path killed = Files.writeString(dir.resolve("g.bin.saving-" + dead + "-123456789.tmp"), "partial");
        Path oldVersion = Files.writeString(dir.resolve("g.bin.8765432109876.tmp"), "partial, old naming");
        Files.setLastModifiedTime(oldVersion, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path running = Files.writeString(dir.resolve("g.bin.saving-" + live + "-42.tmp"), "being written");
        Path otherTarget = Files.writeString(dir.resolve("h.bin.saving-" + dead + "-7.tmp"), "another file's");
        Path unrelated = Files.writeString(dir.resolve("g.bin.notes.tmp"), "not ours");

        ModelIO.save(model(1), f);

        assertFalse(Files.exists(killed), "a killed process's temporary file is removed");
        assertFalse(Files.exists(oldVersion), "an old-style temporary file an hour old is removed");
        assertTrue(Files.exists(running), "a live process's temporary file is kept");
        assertTrue(Files.exists(otherTarget) && Files.exists(unrelated), "other files are kept");
        assertEquals(List.of("g.bin", "g.bin.notes.tmp", running.getFileName().toString(), "h.bin.saving-" + dead + "-7.tmp"),
                listing(dir));
    }

    /** Saves a 1M-parameter model to args[0] again and again; prints "saved" after the first save. */
    public static final class Saver {
        public static void main(String[] args) throws IOException {
            Param w = new Param("W", Matrix.randn(1000, 1000, 1.0, new Random(7)));
            Model m = () -> List.of(w);
            for (int i = 0; ; i++) {
                ModelIO.save(m, Path.of(args[0]));
                if (i == 0) {
                    System.out.println("saved");
                    System.out.flush();
                }
            }
        }
    }

    List<Path> temps() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /** Starts Saver, waits for its first save and for a temporary file of a later one, then stops it. */
    Process saverStoppedMidSave(Path f, boolean forcibly) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Saver.class.getName(), f.toString()).redirectErrorStream(true).start();
        try {
            byte[] first = p.getInputStream().readNBytes(6);
            assertEquals("saved\n", new String(first, StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (temps().isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no save in progress seen");
                Thread.onSpinWait();
            }
        } finally {
            if (forcibly) p.destroyForcibly(); else p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        return p;
    }

    @Test
    void killsDuringSavesLeaveTheTargetIntactAndTheNextSaveCleansUp() throws Exception {
        Path f = dir.resolve("big.bin");
        Param w = new Param("W", new Matrix(1000, 1000));
        Model m = () -> List.of(w);
        List<Path> leftBehind = new ArrayList<>();
        for (int kill = 0; kill < 3; kill++) {
            saverStoppedMidSave(f, true);                         // SIGKILL: nothing in the JVM runs
            ModelIO.load(m, f);                                   // the target is intact (checksum, values)
            assertEquals(new Random(7).nextGaussian(), w.value.data[0][0], 0.0);
            leftBehind.addAll(temps());
        }
        assertFalse(leftBehind.isEmpty(), "a kill mid-save leaves a temporary file for the next save to remove");
        ModelIO.save(m, f);                                       // removes what the killed processes left
        assertEquals(List.of(), temps(), "left by the kills: " + leftBehind);
        assertEquals(List.of("big.bin"), listing(dir));
    }

    @Test
    void aTerminatedSaveRemovesItsOwnTemporaryFile() throws Exception {
        Path f = dir.resolve("big.bin");
        saverStoppedMidSave(f, false);                            // SIGTERM (or Ctrl-C): the shutdown hook runs
        assertEquals(List.of(), temps());
        Param w = new Param("W", new Matrix(1000, 1000));
        ModelIO.load(() -> List.of(w), f);
    }
}
