package io.github.lmworkbook.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end on the names data set (from LMW_DATA_MIRROR or the cache). */
class MainTest {

    record Run(int code, String out, String err) {}

    static Run capture(IntSupplier body) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = body.getAsInt();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void trainSavesAModelThatSampleLoads(@TempDir Path dir) {
        Path params = dir.resolve("tl.bin");
        Run train = capture(() -> Main.run("train", "--model", "mlp", "--context", "1", "--n-embd", "8",
                "--n-embd2", "16", "--steps", "200", "--eval-every", "100", "--lr", "1e-2", "--out", params.toString()));
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("dev loss"), train.out());
        assertTrue(Files.isRegularFile(params));

        Run sample = capture(() -> Main.run("sample", "--model", "mlp", "--context", "1", "--n-embd", "8", "--n-embd2", "16",
                "--params", params.toString(), "-n", "7"));
        assertEquals(0, sample.code(), sample.err());
        assertEquals(7, sample.out().strip().lines().count(), sample.out());
        // the same seed gives the same names
        Run again = capture(() -> Main.run("sample", "--model", "mlp", "--context", "1", "--n-embd", "8", "--n-embd2", "16",
                "--params", params.toString(), "-n", "7"));
        assertEquals(sample.out(), again.out());
    }

    @Test
    void aSmallTransformerTrainsSavesAndSamples(@TempDir Path dir) {
        Path params = dir.resolve("gpt.bin");
        String[] shape = {"--model", "transformer", "--n-layer", "1", "--n-head", "2", "--n-embd", "8"};
        Run train = capture(() -> Main.run(concat(new String[] {"train"}, shape, new String[] {"--steps", "60",
                "--eval-every", "30", "--lr", "1e-2", "--out", params.toString()})));
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("training transformer on names"), train.out());
        assertTrue(train.out().contains("dev loss"), train.out());
        Run sample = capture(() -> Main.run(concat(new String[] {"sample"}, shape,
                new String[] {"--params", params.toString(), "-n", "5"})));
        assertEquals(0, sample.code(), sample.err());
        assertEquals(5, sample.out().strip().lines().count(), sample.out());
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    @Test
    void aModelOfAnotherShapeIsAClearOneLineError(@TempDir Path dir) {
        Path params = dir.resolve("tl.bin");
        assertEquals(0, capture(() -> Main.run("train", "--n-embd", "8", "--n-embd2", "16", "--steps", "2",
                "--out", params.toString())).code());
        Run wrong = capture(() -> Main.run("sample", "--n-embd", "4", "--n-embd2", "16", "--params", params.toString()));
        assertEquals(2, wrong.code());
        assertEquals("lmworkbook sample: --n-embd 4: " + params + " holds a model with --n-embd 8 (sample reads the "
                + "model from the file: leave the model options out)", wrong.err().strip());
        Run right = capture(() -> Main.run("sample", "--params", params.toString(), "-n", "3"));
        assertEquals(0, right.code(), right.err());
        assertEquals(3, right.out().strip().lines().count(), right.out());
    }

    @Test
    void gradcheckPassesOnTheLibraryModel() {
        Run r = capture(() -> Main.run("gradcheck", "--model", "mlp", "--context", "1", "--n-embd", "8", "--n-embd2", "16"));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASSED"), r.out());
    }

    @Test
    void gradcheckPassesOnTheMlpAndEveryCell() {
        for (String model : new String[] {"mlp", "rnn", "gru", "lstm"}) {
            Run r = capture(() -> Main.run("gradcheck", "--model", model, "--n-embd", "3", "--n-embd2", "5",
                    "--context", "3", "--batch-size", "1", "--threshold", "1e-6"));
            assertEquals(0, r.code(), model + ": " + r.out() + r.err());
            assertTrue(r.out().contains("PASSED"), r.out());
        }
    }

    @Test
    void datasetsListsTheRegistry() {
        Run r = capture(() -> Main.run("datasets"));
        assertEquals(0, r.code());
        assertTrue(r.out().contains("names") && r.out().contains("tinyshakespeare"), r.out());
    }
}
