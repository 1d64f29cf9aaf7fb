package io.github.lmworkbook.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBenchmarkTest {
    private static List<String> words() {
        List<String> w = new ArrayList<>();
        String[] stems = {"anna", "bob", "carla", "dan", "emma", "finn", "greta", "hugo", "ines", "jan"};
        for (int i = 0; i < 60; i++) w.add(stems[i % stems.length] + "abcdefghij".charAt(i / 10));
        return w;
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void everyModelTrainsAndPrintsOneLineForThePeersTable() {
        for (String model : ModelBenchmark.MODELS) {
            ModelBenchmark.Result r = ModelBenchmark.run(words(), model, false, 5, 2, 1, 0, null);
            String json = ModelBenchmark.json(r);
            assertTrue(json.contains("\"model\": \"" + model + "\""), json);
            assertTrue(json.contains("\"side\": \"lmworkbook-java\""), json);
            assertTrue(number(json, "median_step_ms") > 0, json);
            assertTrue(number(json, "median_step_cpu_ms") >= 0, json);
            assertTrue(Double.isFinite(number(json, "last_test_loss")), json);
            assertEquals(r.params(), (long) number(json, "params"), json);
        }
    }

    @Test
    void theMlpAtAllPositionsIsTheSameModelWithMoreWork() {
        ModelBenchmark.Result skip = ModelBenchmark.run(words(), "mlp", false, 4, 1, 1, 0, null);
        ModelBenchmark.Result all = ModelBenchmark.run(words(), "mlp", true, 4, 1, 1, 0, null);
        assertEquals("skip padding", skip.variant());
        assertEquals("all positions", all.variant());
        // the ignored positions carry no loss and no gradient: the same training, to rounding
        assertEquals(skip.testLoss(), all.testLoss(), 1e-9);
    }

    @Test
    void badInputIsOneLine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n\n");
        String[][] cases = {{"--model", "cnn"}, {"--model", "rnn", "--all-positions"},
                {"--model", "mlp", "--steps", "0"}, {"--model", "mlp", "-i", empty.toString()}};
        for (String[] args : cases) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream old = System.err;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int rc;
            try {
                rc = new CommandLine(new ModelBenchmark()).execute(args);
            } finally {
                System.setErr(old);
            }
            String msg = err.toString(StandardCharsets.UTF_8).strip();
            assertEquals(2, rc, String.join(" ", args));
            assertEquals(1, msg.lines().count(), msg);
            assertTrue(msg.startsWith("model-benchmark: "), msg);
        }
    }
}
