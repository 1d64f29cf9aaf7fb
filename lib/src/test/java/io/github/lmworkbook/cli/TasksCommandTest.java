package io.github.lmworkbook.cli;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.cli.MainTest.Run;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.models.Seq2Seq;
import io.github.lmworkbook.train.ModelIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.github.lmworkbook.cli.BadInputTest.lmw;
import static io.github.lmworkbook.cli.BadInputTest.oneLine;
import static org.junit.jupiter.api.Assertions.*;

/** The {@code tasks} command: an encoder–decoder on a transduction, its accuracies, its saved model; bad options. */
class TasksCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainsReportsBothAccuraciesAndSaves() throws Exception {
        Path file = dir.resolve("rev.bin");
        Run r = lmw("tasks", "--task", "reverse", "--model", "seq2seq", "--cell", "lstm", "--attention", "dot",
                "--length", "5", "--hidden", "12", "--n-embd", "8", "--steps", "150", "--eval-every", "50", "--test",
                "64", "--out", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training seq2seq (lstm, H = 12, dot attention) on reverse, A = 8, L = 5"), r.out());
        for (String line : new String[] {"teacher forcing", "free-running (greedy)", "exposure bias", "chance"}) {
            assertTrue(r.out().contains(line), line + " in " + r.out());
        }
        assertTrue(r.out().contains("saved "), r.out());
        // the file is the model the options describe
        Seq2Seq m = new Seq2Seq(new Seq2Seq.Config(CellType.LSTM, 8, 8, 8, 12, Seq2Seq.Attention.DOT, 0, 42));
        ModelIO.load(m, file);
        var held = new TransductionTask(TransductionTask.Kind.REVERSE, 8, 5).heldOut(64, 5, 1_000_000L + 5);
        String perSymbol = String.format(java.util.Locale.ROOT, "%8.4f", m.evaluate(held).tokenFreeRunning());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  free-running") && l.contains(perSymbol)), r.out());
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork() throws Exception {
        Path file = dir.resolve("keep.bin");
        Files.writeString(file, "precious");
        String[][] cases = {
                {"--cell", "tcn"}, {"--cell tcn: expected rnn, gru or lstm"},
                {"--attention", "luong"}, {"--attention luong: expected none, additive or dot"},
                {"--task", "shuffle"}, {"--task shuffle: expected reverse, copy or sort"},
                {"--model", "gpt"}, {"--model gpt: expected seq2seq"},
                {"--length", "0"}, {"--length 0: must be ≥ 1"},
                {"--alphabet", "1"}, {"--alphabet 1: must be ≥ 2"},
                {"--hidden", "0"}, {"--hidden 0: must be ≥ 1"},
                {"--lr", "NaN"}, {"--lr NaN: the learning rate must be finite and > 0"},
                {"--clip", "-1"}, {"--clip -1.0"},
                {"--steps", "-5"}, {"--steps -5: must be ≥ 0"},
                {"--eval-every", "0"}, {"--eval-every 0: must be ≥ 1"},
                {"--length", "100000", "--hidden", "4096"}, {"this JVM can use"},
                {"--length", "abc"}, {"'abc' is not an int"},
                {"--attn", "dot"}, {"--attn"},
        };
        for (int k = 0; k < cases.length; k += 2) {
            String[] args = new String[cases[k].length + 3];
            args[0] = "tasks";
            System.arraycopy(cases[k], 0, args, 1, cases[k].length);
            args[args.length - 2] = "--out";
            args[args.length - 1] = file.toString();
            Run r = lmw(args);
            oneLine(r, 2, cases[k + 1][0]);
            assertFalse(r.out().contains("training"), "refused before any work: " + r.out());
        }
        oneLine(lmw("tasks", "--out", file.resolve("x.bin").toString(), "--steps", "1"), 2, "--out");
        assertEquals("precious", Files.readString(file));
    }
}
