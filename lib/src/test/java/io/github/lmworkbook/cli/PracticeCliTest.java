package io.github.lmworkbook.cli;

import io.github.lmworkbook.cli.MainTest.Run;
import io.github.lmworkbook.evidence.Claim;
import io.github.lmworkbook.evidence.CompareReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.github.lmworkbook.cli.BadInputTest.oneLine;
import static io.github.lmworkbook.cli.MainTest.capture;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The command line's evaluation in three units with the count baselines (and compare's tables in bits per character),
 * its decoding options (validated before any work) and the regularisation and initialisation options.
 */
class PracticeCliTest {
    static final String[] MLP = {"--model", "mlp", "--context", "2", "--n-embd", "4", "--n-embd2", "8"};

    static String[] args(String command, String[] shape, String... more) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(List.of(shape));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static Run lmw(String... a) {
        return capture(() -> Main.run(a));
    }

    @Test
    void trainReportsBitsPerCharacterAndPerplexityBesideTheBaselines(@TempDir Path dir) {
        Path params = dir.resolve("m.bin");
        Run r = lmw(args("train", MLP, "--steps", "60", "--eval-every", "30", "--lr", "1e-2", "--out",
                params.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("step") && l.contains("| dev ") && l.contains("bits/char")
                && l.contains("perplexity")), r.out());
        String result = lines.stream().filter(l -> l.startsWith("dev loss")).findFirst().orElseThrow();
        assertTrue(result.matches("dev loss \\d\\.\\d{4} \\(\\d\\.\\d{3} bits/char, perplexity \\d+\\.\\d{2}\\), test loss "
                + "\\d\\.\\d{4} \\(\\d\\.\\d{3} bits/char, perplexity \\d+\\.\\d{2}\\) after 60 steps.*"), result);
        // the three units agree: bits = nats / ln 2, perplexity = e^nats
        double nats = Double.parseDouble(result.substring(9, 15)), bits = Double.parseDouble(result.substring(17, 22));
        assertEquals(nats / Math.log(2), bits, 1e-3);
        String base = lines.stream().filter(l -> l.startsWith("baselines")).findFirst().orElseThrow();
        assertTrue(base.contains("uniform 3.2958") && base.contains("unigram") && base.contains("bigram 2.4"), base);

        // sampling from it: greedy repeats the one most likely name; top-k 1 is greedy; top-p draws
        String[] load = {"--params", params.toString(), "-n", "5"};
        Run greedy = lmw(args("sample", MLP, concat(load, "--greedy")));
        assertEquals(0, greedy.code(), greedy.err());
        List<String> g = greedy.out().lines().toList();
        assertEquals(5, g.size(), greedy.out());
        assertEquals(1, g.stream().distinct().count(), greedy.out());
        Run top1 = lmw(args("sample", MLP, concat(load, "--top-k", "1", "--temperature", "3")));
        assertEquals(greedy.out(), top1.out());
        Run nucleus = lmw(args("sample", MLP, concat(load, "--top-p", "0.9", "--temperature", "1.2", "--top-k", "20")));
        assertEquals(0, nucleus.code(), nucleus.err());
        assertEquals(5, nucleus.out().lines().count());
        // the options of practice are part of the model file: one given to sample must agree with it
        oneLine(lmw(args("sample", MLP, concat(load, "--dropout", "0.2"))), 2,
                "--dropout 0.2: " + params + " holds a model with --dropout 0.0");
    }

    static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    @Test
    void badDecodingOptionsAreOneLineBeforeAnyWork(@TempDir Path dir) {
        // the parameter file does not exist: every error below is found before it is looked for
        String[] load = {"--params", dir.resolve("none.bin").toString()};
        oneLine(lmw(args("sample", MLP, concat(load, "--top-p", "0"))), 2, "--top-p 0.0: must be in (0, 1]");
        oneLine(lmw(args("sample", MLP, concat(load, "--top-p", "1.5"))), 2, "--top-p 1.5: must be in (0, 1]");
        oneLine(lmw(args("sample", MLP, concat(load, "--top-p", "NaN"))), 2, "--top-p NaN");
        oneLine(lmw(args("sample", MLP, concat(load, "--top-k", "-1"))), 2, "--top-k -1: must be ≥ 0");
        oneLine(lmw(args("sample", MLP, concat(load, "--greedy", "--temperature", "0.5"))), 2,
                "--greedy and --temperature contradict each other");
        oneLine(lmw(args("sample", MLP, concat(load, "--greedy", "--top-p", "0.9"))), 2,
                "--greedy and --top-p contradict each other");
        oneLine(lmw(args("sample", MLP, concat(load, "--top-k", "x"))), 2, "--top-k");
    }

    @Test
    void regularisationAndInitialisationOptions() {
        oneLine(lmw(args("train", MLP, "--dropout", "1")), 2, "--dropout 1.0: must be in [0, 1)");
        oneLine(lmw(args("train", MLP, "--init", "lecun")), 2, "--init lecun: expected default, xavier or kaiming");
        oneLine(lmw("train", "--model", "rnn", "--init", "xavier"), 2, "--init xavier: only the MLP has it");
        oneLine(lmw("train", "--model", "gru", "--recurrent-init", "unitary"), 2,
                "--recurrent-init unitary: expected default, orthogonal or identity");
        oneLine(lmw(args("train", MLP, "--recurrent-init", "orthogonal")), 2, "only rnn, gru and lstm have it");
        oneLine(lmw(args("train", MLP, "--post-ln")), 2, "--post-ln: only the transformer has it");
        // nanoGPT's recipe trains its own GPT: the options of practice are refused with it, not ignored
        oneLine(lmw("train", "--recipe", "nanogpt-cpu", "--dropout", "0.1"), 2,
                "--dropout 0.1: --recipe nanogpt-cpu trains nanoGPT's GPT as its CPU recipe does");
        oneLine(lmw("train", "--recipe", "nanogpt-cpu", "--scale-residuals"), 2, "--scale-residuals: --recipe");
        // the options reach the models, and the gradient check holds with dropout (frozen masks)
        Run g = lmw(args("gradcheck", MLP, "--dropout", "0.3", "--init", "kaiming"));
        assertEquals(0, g.code(), g.out() + g.err());
        assertTrue(g.out().contains("PASSED"), g.out());
        Run r = lmw("gradcheck", "--model", "rnn", "--n-embd", "3", "--n-embd2", "5", "--dropout", "0.5",
                "--recurrent-init", "orthogonal");
        assertEquals(0, r.code(), r.out() + r.err());
        Run t = lmw("gradcheck", "--model", "transformer", "--n-layer", "1", "--n-head", "2", "--n-embd", "4",
                "--dropout", "0.2", "--post-ln", "--scale-residuals", "--samples", "10");
        assertEquals(0, t.code(), t.out() + t.err());
        Run train = lmw(args("train", MLP, "--steps", "20", "--eval-every", "10", "--dropout", "0.2", "--init", "xavier"));
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("training mlp"), train.out());
    }

    @Test
    void compareAddsATableInBitsPerCharacterBesideEachLossTable() {
        Map<String, Table> tables = CompareReport.tables(new Claim.Sources(CompareCommandTest.committed()));
        for (String id : List.of("lm-names", "lm-shakespeare")) {
            Table nats = tables.get(id), bits = tables.get(id + "-bits");
            assertNotNull(bits, id + "-bits in " + tables.keySet());
            assertEquals(nats.columnNames(), bits.columnNames());
            assertTrue(bits.name().contains("bits per character"), bits.name());
            int compared = 0;
            for (int c = 1; c < nats.columnCount(); c++) {
                if (nats.column(c).name().contains("parameters")) {              // the sizes: the same
                    assertEquals(nats.column(c).asList(), bits.column(c).asList());
                    continue;
                }
                for (int r = 0; r < nats.rowCount(); r++) {
                    String n = nats.stringColumn(c).get(r), b = bits.stringColumn(c).get(r);
                    double mn = Double.parseDouble(n.split(" ")[0]), mb = Double.parseDouble(b.split(" ")[0]);
                    assertEquals(mn / Math.log(2), mb, 1e-2, id + " " + nats.column(c).name() + ": " + n + " vs " + b);
                    assertEquals(n.replaceFirst("^[^(]*", ""), b.replaceFirst("^[^(]*", ""), "the same lr");
                    compared++;
                }
            }
            assertTrue(compared > nats.rowCount(), id + ": " + compared + " cells");
        }
    }
}
