package io.github.lmworkbook.cli;

import io.github.lmworkbook.Allocated;
import io.github.lmworkbook.cli.MainTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.github.lmworkbook.cli.BadInputTest.lmw;
import static io.github.lmworkbook.cli.BadInputTest.oneLine;
import static io.github.lmworkbook.cli.BadInputTest.train;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The third hostile round (issue 26) on the command line: each case is one line naming the option or file, with
 * exit code 2 (an invalid option, before any work) or 1 (found while working), and nothing is lost.
 */
class HostileInputTest {
    @TempDir
    Path dir;

    List<String> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    Path trained(String name, String... more) {
        Path f = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of(more));
        args.addAll(List.of("--steps", "20", "--out", f.toString()));
        Run r = lmw(train(args.toArray(String[]::new)));
        assertEquals(0, r.code(), r.out() + r.err());
        return f;
    }

    // ---- 2, 5: --out ---------------------------------------------------------------------------------------------

    @Test
    void aReadOnlyOutIsRefusedBeforeTraining() throws Exception {
        Path g = trained("g.bin");
        byte[] good = Files.readAllBytes(g);
        assumeTrue(g.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(g, PosixFilePermissions.fromString("r--r--r--"));
        Run r = lmw(train("--steps", "100000", "--out", g.toString()));
        assertEquals("lmworkbook train: --out " + g + ": cannot save here: " + g + " exists and is read-only; make it "
                + "writable (chmod u+w) to replace it, or choose another file", oneLine(r, 2, "read-only"));
        assertEquals("", r.out(), "refused before any training");
        assertArrayEquals(good, Files.readAllBytes(g));
    }

    @Test
    void aLongOutNameIsSavedAndATooLongOneRefusedBeforeTraining() throws Exception {
        String name = "n".repeat(240) + ".bin";
        Path f = trained(name);
        assertEquals(List.of(name), listing(), "saved, no temporary file left");
        Path tooLong = dir.resolve("n".repeat(252) + ".bin");
        Run r = lmw(train("--steps", "100000", "--out", tooLong.toString()));
        oneLine(r, 2, "cannot save here: the file name is 256 bytes long; file systems take at most 255");
        assertEquals("", r.out());
        assertTrue(Files.size(f) > 100);
    }

    // ---- 6: model files carry their configuration ------------------------------------------------------------

    String[] sample(Path f, String... more) {
        List<String> a = new ArrayList<>(List.of("sample", "--params", f.toString(), "-n", "5"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void sampleNeedsNoModelOptionsAndRefusesContradictingOnes() throws Exception {
        Path gpt = dir.resolve("gpt.bin");
        Run t = lmw("train", "--model", "transformer", "--n-layer", "1", "--n-head", "2", "--n-embd", "8", "--steps",
                "20", "--eval-every", "1000", "--out", gpt.toString());
        assertEquals(0, t.code(), t.err());
        Run plain = lmw(sample(gpt));
        assertEquals(0, plain.code(), plain.err());
        assertEquals(5, plain.out().strip().lines().count(), plain.out());
        Run agreeing = lmw(sample(gpt, "--model", "transformer", "--n-head", "2", "--n-embd", "8"));
        assertEquals(plain.out(), agreeing.out(), "options that agree with the file change nothing");
        assertEquals("lmworkbook sample: --n-head 4: " + gpt + " holds a model with --n-head 2 (sample reads the model "
                + "from the file: leave the model options out)", oneLine(lmw(sample(gpt, "--n-head", "4")), 2,
                "--n-head 4"));
        oneLine(lmw(sample(gpt, "--model", "gru")), 2, "--model gru: " + gpt + " holds a transformer model");
        oneLine(lmw(sample(gpt, "--data", "tinyshakespeare")), 2, "--data tinyshakespeare: " + gpt
                + " was trained on names");
        oneLine(lmw(sample(gpt, "--block-size", "64")), 2, "--block-size 64: " + gpt + " holds a model with "
                + "--block-size 16");
    }

    /** A parameter file as versions before the configuration was recorded wrote it (format 1). */
    static void writeFormat1(io.github.lmworkbook.core.Model m, Path f) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.write("LMWPARAM".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(1);
        out.writeInt(m.params().size());
        for (io.github.lmworkbook.core.Param p : m.params()) {
            out.writeUTF(p.name);
            out.writeInt(p.value.rows);
            out.writeInt(p.value.cols);
            for (double[] row : p.value.data) for (double v : row) out.writeDouble(v);
        }
        out.flush();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Files.write(f, bytes.toByteArray());
    }

    @Test
    void anOldFileWithoutItsConfigurationIsOneClearLine() throws Exception {
        Path old = dir.resolve("old.bin");
        writeFormat1(new io.github.lmworkbook.models.Mlp(io.github.lmworkbook.models.Mlp.Config.makemore(27, 1)), old);
        Run r = lmw(sample(old));
        assertEquals("lmworkbook sample: " + old + ": an old parameter file (format 1) that does not record its model's "
                + "configuration; train the model again to get a file that does (or build the model and use "
                + "ModelIO.load)", oneLine(r, 1, "format 1"));
        assertEquals("", r.out());
    }

    @Test
    void aTinyFileClaimingAHugeShapeIsRefusedAtOnce() throws Throwable {
        byte[] b = new byte[35];
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        buf.put("LMWPARAM".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(1).putShort((short) 1).put((byte) 'W')
                .putInt(Integer.MAX_VALUE).putInt(0);
        Path f = Files.write(dir.resolve("tiny.bin"), b);
        Run[] r = new Run[1];
        long bytes = Allocated.by(() -> r[0] = lmw(sample(f)));
        oneLine(r[0], 1, "tiny.bin: truncated or corrupted: parameter 'W' claims shape (2147483647×0)");
        assertTrue(bytes < Allocated.LITTLE, "refused before the rows were made: " + bytes + " bytes allocated");
    }

    // ---- 7, 8: sampling --------------------------------------------------------------------------------------

    @Test
    void aTinyTemperatureSamplesAsGreedy() throws Exception {
        Path g = trained("g.bin");
        Run greedy = lmw(sample(g, "--temperature", "0"));
        for (String tau : new String[] {"1e-320", "4.9e-324"}) {
            Run tiny = lmw(sample(g, "--temperature", tau));
            assertEquals(0, tiny.code(), tiny.err());
            assertEquals(greedy.out(), tiny.out(), "τ = " + tau);
        }
    }

    /** The command line in a fresh JVM whose standard output goes to out (a file, or a pipe when null). */
    static Process start(File out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", "-cp", System.getProperty("java.class.path")));
        String root = System.getProperty("lmworkbook.root");
        if (root != null) cmd.add("-Dlmworkbook.root=" + root);
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (out != null) pb.redirectOutput(out);
        return pb.start();
    }

    /**
     * Waits for p to end (killing it after five minutes, a hang, rather than blocking the build) and returns what it
     * wrote to standard error, read meanwhile so that a full pipe cannot stall it.
     */
    static String stderrOnExit(Process p) throws Exception {
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (java.io.IOException e) {
                return new byte[0];
            }
        });
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) p.destroyForcibly().waitFor();
        String text = new String(err.get(1, TimeUnit.MINUTES), StandardCharsets.UTF_8);
        assertTrue(ended, "still running after five minutes: " + text);
        return text;
    }

    @Test
    void aFailedWriteToStandardOutputIsAnErrorAndAClosedPipeIsNot() throws Exception {
        Path g = trained("g.bin");
        File full = new File("/dev/full");
        assumeTrue(full.exists(), "/dev/full (Linux)");
        Process p = start(full, "sample", "--params", g.toString(), "-n", "1000");
        String err = stderrOnExit(p);
        assertEquals(1, p.exitValue(), err);
        assertEquals("lmworkbook sample: cannot write to standard output: No space left on device", err.strip());

        Process q = start(null, "sample", "--params", g.toString(), "-n", "1000000");
        BufferedReader r = new BufferedReader(new InputStreamReader(q.getInputStream(), StandardCharsets.UTF_8));
        assertNotNull(r.readLine());
        q.getInputStream().close();                       // the reader goes away (| head -1)
        String qerr = stderrOnExit(q);
        assertEquals(0, q.exitValue(), qerr);
        assertEquals("", qerr.strip(), "a closed pipe stops quietly");
    }

    // ---- 9, 13-16, 23: options -------------------------------------------------------------------------------

    @Test
    void widthsThatOverflowAreRefusedBeforeAnyWork() {
        oneLine(lmw("train", "--model", "gru", "--n-embd2", "2000000000"), 2, "--n-embd2 2000000000: the gru cell's "
                + "pre-activations would be 3 × 2000000000 = 6000000000 wide; at most 2147483639");
        oneLine(lmw("train", "--model", "lstm", "--n-embd2", "1000000000"), 2, "--n-embd2 1000000000: the lstm cell's "
                + "pre-activations would be 4 × 1000000000 = 4000000000 wide");
        oneLine(lmw("train", "--model", "transformer", "--n-embd", "2000000000", "--n-head", "1"), 2,
                "--n-embd 2000000000: the transformer's MLP would be 4 × 2000000000 = 8000000000 wide");
        // within an int, but the parameter count overflows a long: refused by the memory check, not an overflow
        Run r = lmw("train", "--model", "transformer", "--n-embd", "500000000", "--n-head", "1", "--n-layer", "40");
        String line = oneLine(r, 2, "--n-layer 40 --n-embd 500000000: the transformer model has at least 1.20e+20 "
                + "parameters");
        assertTrue(line.contains("this JVM can use"), line);
    }

    @Test
    void gradcheckOptionsAreCheckedBeforeAnyWork() {
        String[][] cases = {{"--samples", "0", "--samples 0: must be ≥ 1"}, {"--rtol", "NaN", "--rtol NaN: must be "
                + "finite and ≥ 0"}, {"--rtol", "-1", "--rtol -1.0: must be finite and ≥ 0"}, {"--batch-size", "0",
                "--batch-size 0: must be ≥ 1"}, {"--threshold", "Infinity", "--rtol Infinity: must be finite"}};
        for (String[] c : cases) {
            Run r = lmw("gradcheck", c[0], c[1]);
            oneLine(r, 2, c[2]);
            assertEquals("", r.out(), "no work: " + r.out());
            assertFalse(r.err().contains("samplesPerParam"), r.err());
        }
    }

    @Test
    void anUnknownDataSetIsAnInvalidOption() {
        Run r = lmw("train", "--data", "wikitext");
        assertEquals("lmworkbook train: --data wikitext: unknown data set 'wikitext'; known data sets: names, "
                + "tinyshakespeare", oneLine(r, 2, "wikitext"));
        assertEquals("", r.out());
    }

    @Test
    void memoryRefusalsNameTheOptionsThatSetTheirSize() {
        String block = oneLine(lmw("train", "--model", "transformer", "--data", "tinyshakespeare", "--block-size",
                "20000"), 2, "lmworkbook train: --block-size 20000 (with --batch-size 32): 640,000 positions at once");
        assertFalse(block.contains("--n-embd2"), "the transformer has no --n-embd2: " + block);
        String batch = oneLine(lmw("train", "--model", "rnn", "--batch-size", "200000000"), 2,
                "lmworkbook train: --batch-size 200000000: ");
        assertFalse(batch.contains("--n-embd"), batch);
        String sizes = oneLine(lmw("train", "--model", "transformer", "--n-embd", "200000", "--n-head", "1"), 2,
                "lmworkbook train: --n-embd 200000 (with --n-layer 4): the transformer model has at least ");
        assertFalse(sizes.contains("--n-embd2"), sizes);
    }

    @Test
    void aHugeBatchIsRefusedBeforeTheDataAreRead() throws Throwable {
        Run[] r = new Run[1];
        long bytes = Allocated.by(() -> r[0] = lmw("train", "--batch-size",
                "2147483647"));
        oneLine(r[0], 2, "lmworkbook train: --batch-size 2147483647: ");      // not an OutOfMemoryError (exit 1)
        assertEquals("", r[0].out());
        assertTrue(bytes < Allocated.LITTLE, "no batches made: " + bytes + " bytes allocated");
    }

    @Test
    void aBlockSizeLongerThanASplitNamesTheOptionAndTheSplit() {
        Run r = lmw("train", "--model", "rnn", "--data", "tinyshakespeare", "--block-size", "60000", "--n-embd", "4",
                "--n-embd2", "4");
        assertEquals("lmworkbook train: --block-size 60000: longer than tinyshakespeare's shortest split (55,770 "
                + "characters of 1,115,394; train/dev/test are 90/5/5 %): at most 55769", oneLine(r, 2, "--block-size"));
        assertFalse(r.out().contains("training"), r.out());
    }

    // ---- 26: a diverged but finite run ------------------------------------------------------------------------

    @Test
    void aRunWorseThanTheUntrainedModelKeepsTheOldFile() throws Exception {
        Path g = trained("g.bin");
        byte[] good = Files.readAllBytes(g);
        Run r = lmw(train("--steps", "20", "--lr", "10", "--clip", "0", "--out", g.toString()));
        String line = oneLine(r, 1, "lmworkbook train: training diverged: after 20 steps the dev loss ");
        assertTrue(line.contains(" is worse than the untrained model's 3."), line);
        assertTrue(line.endsWith("(" + g + " is kept as it was; --save-worse replaces it anyway); nothing was saved "
                + "(try a smaller --lr, or --clip)"), line);
        assertArrayEquals(good, Files.readAllBytes(g), "the good file is kept");
        assertEquals(List.of("g.bin"), listing());
        Run anyway = lmw(train("--steps", "20", "--lr", "10", "--clip", "0", "--save-worse", "--out", g.toString()));
        assertEquals(0, anyway.code(), anyway.err());
        assertTrue(anyway.out().contains("(--save-worse: its dev loss is worse than the untrained model's)"),
                anyway.out());
        assertFalse(java.util.Arrays.equals(good, Files.readAllBytes(g)));
    }
}
