package io.github.lmworkbook.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The benchmark's reference columns without numpy or torch: the real bench/blas_reference.py's serve loop is driven
 * with a stand-in library (standard-library Python), so the BLAS and MKL columns, their ratios and the summaries can
 * be checked anywhere; and a missing torch leaves the MKL column out with one line.
 */
class MatmulBenchmarkTest {
    /** Surefire runs in bench/: the script the benchmark uses. */
    private static final Path SCRIPT = Path.of("blas_reference.py").toAbsolutePath();

    /** A stand-in for blas_reference.py: its serve() with a library that spins in pure Python. */
    private static Path standIn(Path dir) throws Exception {
        return Files.writeString(dir.resolve("fake_reference.py"), String.join("\n",
                "import sys",
                "sys.path.insert(0, " + pyString(SCRIPT.getParent().toString()) + ")",
                "import blas_reference as br",
                "lib = sys.argv[sys.argv.index('--lib') + 1]",
                "class Fake:",
                "    label = 'MKL' if lib == 'torch' else 'BLAS'",
                "    def describe(self):",
                "        return ('fake ' + lib, 'fake ' + lib + ' (stand-in)', None)",
                "    def operands(self, m, k, n, kind):",
                "        return lambda: sum(range(m * k))",
                "br.serve(Fake(), warmup_seconds=0.01)",
                ""));
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = new CommandLine(new MatmulBenchmark()).execute(args);
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        return text;
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    private static final String[] QUICK = {"--no-naive", "--shapes", "8,8,8", "--reps", "3", "--batch-ms", "1",
        "--jit-warmup-ms", "1"};

    @Test
    void bothReferencesGiveTheirColumnsRatiosAndSummaries(@TempDir Path dir) throws Exception {
        Path fake = standIn(dir);
        String[] args = new String[QUICK.length + 6];
        System.arraycopy(QUICK, 0, args, 0, QUICK.length);
        System.arraycopy(new String[] {"--blas-python", "python3", "--torch-python", "python3", "--blas-script",
            fake.toString()}, 0, args, QUICK.length, 6);
        String text = run(args);
        assertTrue(text.contains("BLAS reference: fake numpy (stand-in)"), text);
        assertTrue(text.contains("MKL reference: fake torch (stand-in)"), text);
        assertEquals(0, count(text, "MKL column: none"), text);
        // one line per kind, with both GFLOP/s figures and both ratios
        assertEquals(3, text.lines().filter(l -> l.startsWith("8×8×8 ") && l.contains("  BLAS ")
                && l.contains("  MKL ") && l.contains("(best")).count(), text);
        if (text.contains("vector micro-kernel")) {
            assertEquals(3, text.lines().filter(l -> l.startsWith("8×8×8 ") && l.contains("  vector/BLAS ")
                    && l.contains("  vector/MKL ")).count(), text);
            assertTrue(text.contains("vector/MKL over all shapes and kinds: min "), text);
            assertTrue(text.contains("vector/BLAS over all shapes and kinds: min "), text);
        }
        assertTrue(text.contains("MKL/BLAS over all shapes and kinds: min "), text);
        assertTrue(text.contains("ratio to MKL"), text);
    }

    @Test
    void withoutTorchTheMklColumnIsAbsentWithOneLine() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import torch").start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() != 0, "python3 has torch here");
        MatmulBenchmark.Reference r = MatmulBenchmark.startReference("python3", SCRIPT, "torch");
        assertNull(r.server);
        assertTrue(r.reason.startsWith("torch is not installed for "), r.reason);
        assertFalse(r.reason.contains("\n"), r.reason);

        String[] args = new String[QUICK.length + 4];
        System.arraycopy(QUICK, 0, args, 0, QUICK.length);
        System.arraycopy(new String[] {"--torch-python", "python3", "--blas-script", SCRIPT.toString()}, 0, args,
                QUICK.length, 4);
        String text = run(args);
        assertEquals(1, count(text, "MKL column: none (torch is not installed for "), text);
        assertEquals(0, count(text, "vector/MKL"), text);
        assertEquals(0, count(text, "ratio to MKL"), text);
    }

    @Test
    void aPythonThatCannotRunIsOneLineToo() {
        MatmulBenchmark.Reference r = MatmulBenchmark.startReference("/nonexistent/python", SCRIPT, "torch");
        assertNull(r.server);
        assertTrue(r.reason.startsWith("cannot run /nonexistent/python"), r.reason);
        r = MatmulBenchmark.startReference("python3", SCRIPT.resolveSibling("no_such_script.py"), "torch");
        assertNull(r.server);
        assertTrue(r.reason.contains("no_such_script.py --serve --lib torch gave no answer"), r.reason);
    }
}
