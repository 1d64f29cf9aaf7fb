package io.github.lmworkbook.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code compare --out} (issue 26): links followed and kept, a dangling link filled, long names, the permissions of
 * any new directory, kills that leave nothing (or leave what the next run removes), two runs into one directory
 * keeping both results, a file that cannot be written named with its reason.
 */
class OutputDirectoryTest {
    @TempDir
    Path dir;

    static final OutputDirectory.Writer TWO_FILES = d -> {
        Files.writeString(d.resolve("a.txt"), "a");
        Files.writeString(d.resolve("b.txt"), "b");
    };

    List<String> listing(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aNewDirectoryAppearsWithTheUsualPermissions() throws IOException {
        Path out = dir.resolve("results");
        OutputDirectory o = OutputDirectory.check(out);
        assertEquals(out, o.write(TWO_FILES));
        assertEquals(List.of("a.txt", "b.txt"), listing(out));
        assertEquals(List.of("results"), listing(dir), "no hidden directory left");
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path probe = Files.createDirectory(dir.resolve("probe"));       // what the umask gives a new directory
        assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(out), "not 0700");
    }

    @Test
    void aLinkToAnEmptyDirectoryIsKeptAndItsTargetFilled() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("results"), Path.of("real"));
        OutputDirectory.check(link).write(TWO_FILES);
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertEquals(List.of("a.txt", "b.txt"), listing(real));
    }

    @Test
    void aDanglingLinkGetsTheDirectoryItNames() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("results"), Path.of("later/run1"));
        Files.createDirectory(dir.resolve("later"));
        OutputDirectory.check(link).write(TWO_FILES);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(List.of("a.txt", "b.txt"), listing(dir.resolve("later/run1")));
        Path nowhere = Files.createSymbolicLink(dir.resolve("r2"), Path.of("no/such/place"));
        Main.BadOption e = assertThrows(Main.BadOption.class, () -> OutputDirectory.check(nowhere));
        assertTrue(e.getMessage().startsWith("--out " + nowhere + ": the parent directory (the target of the symbolic "
                + "link " + nowhere + ") does not exist"), e.getMessage());
    }

    @Test
    void aLongNameWorksAndATooLongOneIsRefused() throws IOException {
        Path out = dir.resolve("r".repeat(245));
        OutputDirectory.check(out).write(TWO_FILES);
        assertEquals(List.of("a.txt", "b.txt"), listing(out));
        Main.BadOption e = assertThrows(Main.BadOption.class, () -> OutputDirectory.check(dir.resolve("r".repeat(256))));
        assertTrue(e.getMessage().endsWith("the name is 256 bytes long; file systems take at most 255"), e.getMessage());
    }

    @Test
    void aDirectoryFilledMeanwhileKeepsBothResults() throws IOException {
        Path out = dir.resolve("results");
        OutputDirectory first = OutputDirectory.check(out), second = OutputDirectory.check(out);
        first.write(TWO_FILES);
        IOException e = assertThrows(IOException.class, () -> second.write(d -> Files.writeString(d.resolve("c.txt"),
                "c")));
        assertEquals("--out " + out + ": " + out + " was filled by another process while this comparison ran; nothing "
                + "was overwritten: these results are in " + dir.resolve("results-2"), e.getMessage());
        assertEquals(List.of("a.txt", "b.txt"), listing(out));
        assertEquals(List.of("c.txt"), listing(dir.resolve("results-2")));
        assertEquals(List.of("results", "results-2"), listing(dir));
    }

    @Test
    void aFailedWriteRemovesEverythingAndNamesTheFile() throws IOException {
        Path out = dir.resolve("results");
        File full = new File("/dev/full");
        assumeTrue(full.exists(), "/dev/full (Linux)");
        IOException e = assertThrows(IOException.class, () -> OutputDirectory.check(out).write(d -> {
            OutputDirectory.writeText(d, "table.csv", "x");
            Files.createSymbolicLink(d.resolve("decay.png"), full.toPath());    // a disk that is full
            OutputDirectory.writeFile(d, "decay.png", new byte[100_000]);
        }));
        assertTrue(e.getMessage().startsWith("cannot write decay.png (in " + dir), e.getMessage());
        assertTrue(e.getMessage().endsWith("): No space left on device; nothing was written to --out " + out),
                e.getMessage());
        assertEquals(List.of(), listing(dir), "nothing left: no directory, no hidden one");
    }

    /** Writes one file into an OutputDirectory for args[0], prints "writing", then waits to be killed. */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            OutputDirectory.check(Path.of(args[0])).write(d -> {
                Files.writeString(d.resolve("table.csv"), "partial");
                System.out.println("writing");
                System.out.flush();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException ignored) {
                    // stopped
                }
            });
        }
    }

    static String read(File f) {
        try {
            return Files.readString(f.toPath());
        } catch (IOException e) {
            return e.toString();
        }
    }

    List<String> hidden() throws IOException {
        return listing(dir).stream().filter(n -> n.startsWith(".")).toList();
    }

    void killMidWrite(Path out, boolean forcibly) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-cp", System.getProperty("java.class.path"), Writer.class.getName(),
                out.toString()));
        File err = Files.createTempFile(dir.getParent(), "writer-", ".err").toFile();   // not in dir: not listed
        Process p = new ProcessBuilder(cmd).redirectError(err).start();   // a JVM's notes on stderr change nothing
        try {
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("writing", lines.readLine(), () -> "the writer's stderr: " + read(err));
        } finally {
            if (forcibly) p.destroyForcibly(); else p.destroy();
            boolean ended = p.waitFor(2, TimeUnit.MINUTES);
            if (!ended) p.destroyForcibly().waitFor();
            Files.deleteIfExists(err.toPath());
            assertTrue(ended, "the writer did not end on " + (forcibly ? "SIGKILL" : "SIGTERM"));
        }
    }

    @Test
    void aTerminatedRunLeavesNothingAndAKilledOnesLeftoversGoNextTime() throws Exception {
        Path out = dir.resolve("results");
        killMidWrite(out, false);                                   // SIGTERM: the shutdown hook removes it
        assertEquals(List.of(), listing(dir));
        killMidWrite(out, true);                                    // SIGKILL: nothing in the JVM runs
        List<String> left = hidden();
        assertEquals(1, left.size(), "a kill -9 leaves the hidden directory: " + left);
        assertTrue(left.get(0).startsWith(".results.part-"), left.get(0));
        Path old = Files.createDirectory(dir.resolve(".results.part-123456789"));   // an earlier version's, old
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                - 3_600_000));
        Path other = Files.createDirectory(dir.resolve(".other.part-1-2"));        // another directory's
        OutputDirectory.check(out);                                 // the next run removes what is stale
        assertEquals(List.of(".other.part-1-2"), hidden());
    }
}
