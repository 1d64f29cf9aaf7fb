package io.github.lmworkbook.cli;

import io.github.lmworkbook.cli.MainTest.Run;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.TextDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.train.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static io.github.lmworkbook.cli.MainTest.capture;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Bad input on the command line: each case is one line "lmworkbook <command>: <the problem>" on standard error,
 * naming the option or file, with exit code 2 (an invalid option, found before any work) or 1 (a problem found
 * while working), and nothing good is lost.
 */
class BadInputTest {
    @TempDir
    Path dir;

    static final String[] SMALL = {"--n-embd", "4", "--n-embd2", "8"};

    static Run lmw(String... args) {
        return capture(() -> Main.run(args));
    }

    static String[] train(String... more) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(SMALL));
        a.addAll(List.of("--eval-every", "1000"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Exactly one line on standard error, equal to expected or containing it; returns it. */
    static String oneLine(Run r, int code, String expected) {
        assertEquals(code, r.code(), r.out() + r.err());
        List<String> lines = r.err().strip().lines().toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).contains(expected), lines.get(0));
        return lines.get(0);
    }

    List<String> listing() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aDivergingRunNeverReplacesAGoodFile() throws Exception {
        Path g = dir.resolve("g.bin");
        assertEquals(0, lmw(train("--steps", "20", "--out", g.toString())).code());
        byte[] good = Files.readAllBytes(g);

        Run inf = lmw(train("--steps", "1", "--lr", "Infinity", "--out", g.toString()));
        assertEquals("lmworkbook train: --lr Infinity: the learning rate must be finite and > 0",
                oneLine(inf, 2, "--lr Infinity"));
        assertFalse(inf.out().contains("training"), "refused before any work: " + inf.out());
        for (String lr : new String[] {"NaN", "-1", "0"}) {
            oneLine(lmw(train("--lr", lr, "--out", g.toString())), 2, "--lr " + Double.parseDouble(lr)
                    + ": the learning rate must be finite and > 0");
        }
        // a finite rate so large that the last update overflows: diverged, reported, not saved
        Run huge = lmw(train("--steps", "1", "--lr", "1e300", "--out", g.toString()));
        String line = oneLine(huge, 1, "lmworkbook train: training diverged: after 1 step ");
        assertTrue(line.endsWith("; nothing was saved (try a smaller --lr, or --clip)"), line);
        assertArrayEquals(good, Files.readAllBytes(g), "the good file is untouched");
        assertEquals(List.of("g.bin"), listing(), "no temporary file is left");
    }

    /** A parameter file whose first value (C[0][0]) is NaN, with a correct checksum. */
    Path nanFile() throws Exception {
        Path f = dir.resolve("nan.bin");
        assertEquals(0, lmw(train("--steps", "2", "--out", f.toString())).code());
        byte[] b = Files.readAllBytes(f);
        int header = ByteBuffer.wrap(b).getInt(12);
        int first = 8 + 4 + 4 + header + 4 + 2 + 1 + 4 + 4;   // magic, version, header, count, writeUTF("C"), rows, cols
        ByteBuffer.wrap(b).putDouble(first, Double.NaN);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 8);
        ByteBuffer.wrap(b).putLong(b.length - 8, crc.getValue());
        Files.write(f, b);
        return f;
    }

    @Test
    void aParameterFileHoldingNaNIsNotLoaded() throws Exception {
        Path f = nanFile();
        List<String> args = new ArrayList<>(List.of("sample", "--params", f.toString(), "-n", "3"));
        args.addAll(List.of(SMALL));
        Run r = lmw(args.toArray(String[]::new));
        assertEquals("lmworkbook sample: " + f + ": parameter 'C' holds NaN at [0][0]; a file with non-finite "
                + "parameters (from a diverged run?) is never loaded", oneLine(r, 1, "holds NaN"));
        assertEquals("", r.out(), "no empty names");
    }

    @Test
    void clippingMustBeOffOrFiniteAndPositive() {
        for (String clip : new String[] {"NaN", "-1", "Infinity"}) {
            oneLine(lmw(train("--clip", clip)), 2, "--clip " + Double.parseDouble(clip)
                    + ": the clipping threshold must be finite and > 0, or 0 for no clipping");
        }
        assertEquals(0, lmw(train("--steps", "2", "--clip", "0")).code(), "0 switches clipping off");
    }

    @Test
    void sampleCountsAreBoundedAndStreamed() throws Exception {
        Path g = dir.resolve("g.bin");
        assertEquals(0, lmw(train("--steps", "2", "--out", g.toString())).code());
        List<String> base = new ArrayList<>(List.of("sample", "--params", g.toString()));
        base.addAll(List.of(SMALL));
        List<String> neg = new ArrayList<>(base);
        neg.addAll(List.of("-n", "-1"));
        assertEquals("lmworkbook sample: -n -1: the number of samples must be ≥ 0",
                oneLine(lmw(neg.toArray(String[]::new)), 2, "-n -1"));
        List<String> absurd = new ArrayList<>(base);
        absurd.addAll(List.of("-n", "2000000000"));
        Run r = lmw(absurd.toArray(String[]::new));
        assertEquals("lmworkbook sample: -n 2000000000: at most 1000000 samples per run", oneLine(r, 2, "-n 2000000000"));
        List<String> zero = new ArrayList<>(base);
        zero.addAll(List.of("-n", "0"));
        Run none = lmw(zero.toArray(String[]::new));
        assertEquals(0, none.code());
        assertEquals("", none.out());
        List<String> nan = new ArrayList<>(base);
        nan.addAll(List.of("--temperature", "NaN"));
        oneLine(lmw(nan.toArray(String[]::new)), 2, "--temperature NaN: must be finite and ≥ 0");
    }

    @Test
    void textIsStreamedWithTheSameCharactersAsInOneGo() {
        String text = Datasets.text("tinyshakespeare").substring(0, 20_000);
        Vocabulary vocab = Vocabulary.ofText(text);
        assertNotNull(new TextDataset(text, vocab));
        RecurrentLM model = new RecurrentLM(new RecurrentLM.Config(vocab.size(), CellType.RNN, 4, 8, true, 1));
        String whole = new Sampler(model, vocab, 5).text("\n", 50);
        StringBuilder streamed = new StringBuilder("\n");
        new Sampler(model, vocab, 5).text("\n", 50, c -> {
            streamed.append(c);
            return true;
        });
        assertEquals(whole, streamed.toString());
        StringBuilder stopped = new StringBuilder();
        new Sampler(model, vocab, 5).text("\n", 50, c -> stopped.append(c).length() < 7);
        assertEquals(whole.substring(1, 8), stopped.toString());
    }

    @Test
    void hugeSizesAreRefusedWithTheirMemoryBeforeAnythingIsBuilt() throws Exception {
        Run r = lmw("train", "--n-embd", "100000000", "--steps", "1");
        // refused before the data are read: a lower bound (a vocabulary of 2), said so
        String line = oneLine(r, 2, "lmworkbook train: --n-embd 100000000 (with --context 16 --n-embd2 64): the mlp "
                + "model has at least 102,700,000,194 parameters; training it needs at least ");
        assertTrue(line.contains("GB but this JVM can use"), line);
        assertFalse(r.out().contains("training"), r.out());
        oneLine(lmw("sample", "--model", "rnn", "--n-embd2", "2000000", "--params", "x.bin"), 1, "x.bin: no such file");
        Path some = Files.writeString(dir.resolve("x.bin"), "not a model file: sample reads its sizes from the file");
        oneLine(lmw("sample", "--model", "rnn", "--n-embd2", "2000000", "--params", some.toString()), 1,
                "x.bin: not a parameter file (the first bytes are not \"LMWPARAM\")");
        oneLine(lmw("train", "--n-embd", "0"), 2, "--n-embd 0: must be ≥ 1");
        oneLine(lmw("gradcheck", "--context", "-3", "--model", "mlp"), 2, "--context -3: must be ≥ 1");
        oneLine(lmw("train", "--model", "mlp", "--context", "100000", "--n-embd", "100000"), 2,
                "--context 100000 × --n-embd 100000 = 10000000000 inputs of the MLP's hidden layer");
        oneLine(lmw("train", "--batch-size", "0"), 2, "--batch-size 0: must be ≥ 1");
    }

    @Test
    void theParameterEstimateMatchesTheModels() throws Exception {
        int V = 27;
        for (String[] sizes : new String[][] {{"mlp", "3", "5", "1"}, {"mlp", "3", "5", "2"},
                {"mlp", "4", "6", "3", "--direct"}, {"rnn", "3", "5", "1"}, {"transformer", "8", "5", "1"}}) {
            ModelOptions o = new ModelOptions();
            o.model = ModelOptions.ModelKind.valueOf(sizes[0]);
            o.nEmbd = Integer.parseInt(sizes[1]);
            o.nEmbd2 = Integer.parseInt(sizes[2]);
            o.context = Integer.parseInt(sizes[3]);
            o.direct = sizes.length > 4;
            o.seed = 1;
            o.data = "names";
            o.blockSize = 8;
            o.nLayer = 2;
            o.nHead = 2;
            ModelOptions.Data d = new ModelOptions.Data(Vocabulary.of(List.of("abcdefghijklmnopqrstuvwxyz")), true, 8,
                    null, null, null);
            assertEquals(V, d.vocab().size());
            assertEquals(o.build(d).numParams(), o.estimateParams(V, 8), String.join(" ", sizes));
        }
    }

    @Test
    void anUnknownDataSetIsAnError() {
        assertEquals("lmworkbook datasets: --name bogus: unknown data set 'bogus'; known data sets: names, "
                + "tinyshakespeare", oneLine(lmw("datasets", "--fetch", "--name", "bogus"), 2, "bogus"));
        assertEquals("lmworkbook train: --data bogus: unknown data set 'bogus'; known data sets: names, "
                + "tinyshakespeare", oneLine(lmw("train", "--data", "bogus"), 2, "unknown data set 'bogus'"));
    }

    @Test
    void outIsCheckedBeforeTraining() throws Exception {
        Path plain = Files.writeString(dir.resolve("notes.txt"), "keep me");
        Run under = lmw(train("--steps", "100000", "--out", plain.resolve("g.bin").toString()));
        assertEquals("lmworkbook train: --out " + plain.resolve("g.bin") + ": cannot save here: " + plain
                + " is a file, not a directory", oneLine(under, 2, "is a file, not a directory"));
        assertEquals("", under.out(), "no training before the check");
        oneLine(lmw(train("--out", dir.toString())), 2, "--out " + dir + ": cannot save here: " + dir
                + " is a directory; give a file name");
        Path dev = Path.of("/dev/null");
        if (Files.exists(dev)) {
            oneLine(lmw(train("--out", dev.toString())), 2, "/dev/null is not a regular file (a device, pipe or socket)");
            assertFalse(Files.isRegularFile(dev));
        }
        assertEquals("keep me", Files.readString(plain));
    }

    @Test
    void outOnASymbolicLinkReplacesItsTarget() throws Exception {
        Path real = dir.resolve("runs/real.bin");
        Files.createDirectories(real.getParent());
        Path link = Files.createSymbolicLink(dir.resolve("g.bin"), Path.of("runs/real.bin"));
        assertEquals(0, lmw(train("--steps", "2", "--out", link.toString())).code());
        assertTrue(Files.isSymbolicLink(link), "the link is kept");
        assertTrue(Files.isRegularFile(real) && Files.size(real) > 100);
        List<String> args = new ArrayList<>(List.of("sample", "--params", link.toString(), "-n", "2"));
        args.addAll(List.of(SMALL));
        assertEquals(0, lmw(args.toArray(String[]::new)).code());
    }

    @Test
    void usageErrorsAreOneLineToo() {
        assertEquals("lmworkbook train: Unknown option: '--stepz' (see --help)",
                oneLine(lmw("train", "--stepz"), 2, "--stepz"));
        oneLine(lmw("sample"), 2, "Missing required option: '--params=<params>'");
        oneLine(lmw("train", "--steps", "many"), 2, "'many' is not a long");
    }

    /** The command line in a fresh JVM (for system properties read once, at class initialization). */
    static Run fork(String jvmOption, String... args) throws Exception {
        String root = System.getProperty("lmworkbook.root");
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin"
                + File.separator + "java", jvmOption));
        if (root != null) cmd.add("-Dlmworkbook.root=" + root);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void invalidKernelPropertiesAreOneLineNotAnInitializerError() throws Exception {
        assertEquals("lmworkbook train: -Dlmworkbook.threads=3: expected 1 or 2",
                oneLine(fork("-Dlmworkbook.threads=3", "train", "--steps", "1"), 1, "threads"));
        assertEquals("lmworkbook sample: -Dlmworkbook.kernel=foo: unknown kernel, expected plain, vector or auto",
                oneLine(fork("-Dlmworkbook.kernel=foo", "sample", "--params", "x.bin"), 1, "kernel"));
        Run list = fork("-Dlmworkbook.threads=3", "datasets");
        assumeTrue(list.code() == 0, "the data set listing needs no kernels: " + list.err());
    }

    @Test
    void runningOutOfMemoryAnywayIsOneLine() throws Exception {
        // gradcheck has no memory estimate of its own: the last line of defence is Main's
        Run r = fork("-Xmx64m", "gradcheck", "--n-embd", "1000000");
        assertEquals("lmworkbook: out of memory (Java heap space); give java more memory with -Xmx, or choose "
                + "smaller --n-embd, --n-embd2, --context or --batch-size", oneLine(r, 1, "out of memory"));
    }
}
