package io.github.lmworkbook.cli;

import io.github.lmworkbook.core.Kernels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.lmworkbook.cli.MainTest.capture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --recipe nanogpt-cpu}: every setting printed before training, nanoGPT's log lines, the log as CSV, a
 * model that {@code sample --recipe} loads; and every bad option one line with exit code 2, before any work.
 */
class RecipeCommandTest {
    @AfterEach
    void restore() {
        Kernels.setPrecision(Kernels.Precision.FLOAT64);
    }

    /** The recipe at a tiny size (Tiny Shakespeare from LMW_DATA_MIRROR or the cache). */
    static final String[] TINY = {"--recipe", "nanogpt-cpu", "--n-layer", "1", "--n-head", "2", "--n-embd", "16",
        "--block-size", "16", "--batch-size", "4", "--steps", "6", "--eval-every", "3", "--eval-iters", "2"};

    static String[] args(String command, String[] base, String... more) {
        String[] a = new String[1 + base.length + more.length];
        a[0] = command;
        System.arraycopy(base, 0, a, 1, base.length);
        System.arraycopy(more, 0, a, 1 + base.length, more.length);
        return a;
    }

    @Test
    void theRecipePrintsItsSettingsAndNanoGptsLinesAndWritesItsLog(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("log.csv"), params = dir.resolve("gpt.bin");
        MainTest.Run run = capture(() -> Main.run(args("train", TINY, "--precision", "float32", "--log-csv",
                csv.toString(), "--out", params.toString())));
        assertEquals(0, run.code(), run.err());
        String out = run.out();
        for (String want : new String[] {"nanoGPT's CPU recipe (--recipe nanogpt-cpu), every setting:",
            "n_layer 1, n_head 2, n_embd 16, block_size 16", "4 random chunks of 16 characters", "max_iters      6",
            "warmup_iters 0, cosine to min_lr 1.0e-4 at lr_decay_iters 6", "weight_decay 0.1", "seed           1337",
            "float32 products", "step 0: train loss", "step 3: train loss", "step 6: train loss",
            "val loss", "sample (temperature 0.8", "saved "}) {
            assertTrue(out.contains(want), "missing '" + want + "' in:\n" + out);
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals("kind,iter,loss,train_loss,val_loss,lr,ms,cpu_ms", lines.get(0));
        assertEquals(1 + 6 + 3, lines.size());
        MainTest.Run sample = capture(() -> Main.run("sample", "--recipe", "nanogpt-cpu", "--n-layer", "1",
                "--n-head", "2", "--n-embd", "16", "--block-size", "16", "--params", params.toString(), "-n", "40"));
        assertEquals(0, sample.code(), sample.err());
        assertEquals(41, sample.out().replace("\r", "").length() - 1, sample.out());   // "\n" + 40 + println's "\n"
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork(@TempDir Path dir) {
        String[][] cases = {
            {"--recipe", "nanogpt-gpu"},
            {"--recipe", "nanogpt-cpu", "--model", "mlp"},
            {"--recipe", "nanogpt-cpu", "--data", "names"},
            {"--recipe", "nanogpt-cpu", "--n-head", "3"},
            {"--recipe", "nanogpt-cpu", "--min-lr", "0.1"},
            {"--recipe", "nanogpt-cpu", "--warmup", "5000"},
            {"--recipe", "nanogpt-cpu", "--eval-iters", "0"},
            {"--recipe", "nanogpt-cpu", "--log-csv", dir.resolve("no/such/dir/log.csv").toString()},
            {"--recipe", "nanogpt-cpu", "--log-csv", dir.toString()},
            {"--warmup", "10"},
            {"--log-csv", dir.resolve("x.csv").toString()},
            {"--precision", "half"},
            {"--beta2", "1.0"},
        };
        String[] expected = {
            "--recipe nanogpt-gpu: unknown recipe, expected nanogpt-cpu",
            "--model mlp: --recipe nanogpt-cpu trains the transformer",
            "--data names: --recipe nanogpt-cpu trains on tinyshakespeare",
            "--n-head 3 does not divide --n-embd 128",
            "--recipe nanogpt-cpu: learning_rate 0.001 must be finite and > 0, and min_lr 0.1 in [0, learning_rate]",
            "--recipe nanogpt-cpu: warmup_iters 5000 must be ≥ 0 and below lr_decay_iters 2000",
            "--recipe nanogpt-cpu: eval_interval 250 and eval_iters 0 must be ≥ 1",
            "no such directory",
            "is a directory",
            "--warmup: only with --recipe nanogpt-cpu",
            "--log-csv: only with --recipe nanogpt-cpu",
            "--precision half: expected float64 or float32",
            "each must be in [0, 1)",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] c = cases[i];
            MainTest.Run run = capture(() -> Main.run(args("train", c)));
            assertEquals(2, run.code(), String.join(" ", c) + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().startsWith("lmworkbook train: "), run.err());
            assertTrue(run.err().contains(expected[i]), String.join(" ", c) + " gave: " + run.err());
            assertFalse(run.out().contains("step 0"), "no work before the error");
        }
    }
}
