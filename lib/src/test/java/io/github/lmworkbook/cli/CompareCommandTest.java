package io.github.lmworkbook.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.github.lmworkbook.cli.MainTest.capture;
import static org.junit.jupiter.api.Assertions.*;

/** {@code compare} end to end at the smoke budget: the files are there and parse. */
class CompareCommandTest {

    @Test
    void compareWritesTheTableAndTheChartsThatParse(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        MainTest.Run r = capture(() -> Main.run("compare", "--budget", "smoke", "--models", "mlp,rnn,transformer",
                "--out", out.toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("equal time"), r.out());
        for (String f : CompareCommand.FILES) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        Table t = Table.read().csv(out.resolve("table.csv").toFile());
        assertEquals(3, t.rowCount());
        assertEquals("MLP", t.stringColumn("model").get(0));
        assertEquals("RNN", t.stringColumn("model").get(1));
        assertEquals("Transformer", t.stringColumn("model").get(2));
        for (int i = 1; i < 3; i++) {
            double loss = t.numberColumn("names: test loss, equal steps").getDouble(i);
            assertTrue(loss > 0 && loss < 5, t.stringColumn("model").get(i) + " names loss " + loss);
        }
        Table s = Table.read().csv(out.resolve("samples.csv").toFile());
        assertEquals(2, s.rowCount());
        String html = Files.readString(out.resolve("table.html"));
        assertTrue(html.contains("<table") && html.contains("RNN") && html.contains("Transformer")
                && html.contains("decay.png"), html);
        for (String png : new String[] {"decay.png", "time-names.png", "time-tinyshakespeare.png"}) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(img, png);
            assertTrue(img.getWidth() >= 900, png + " " + img.getWidth());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary directory is left behind");
        }
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        String[][] bad = {
            {"compare", "--out", full.toString()},
            {"compare", "--out", dir.resolve("a").toString(), "--models", "mlp,cnn"},
            {"compare", "--out", dir.resolve("a").toString(), "--budget", "huge"},
            {"compare", "--out", dir.resolve("a").toString(), "--seeds", "0"},
            {"compare", "--out", dir.resolve("a").toString(), "--steps", "15"},
            {"compare", "--out", dir.resolve("no/such/dir").toString()},
            {"compare", "--out", dir.resolve("a").toString(), "--models", "rnn,rnn"},
        };
        for (String[] args : bad) {
            MainTest.Run r = capture(() -> Main.run(args));
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("lmworkbook compare: "), r.err());
        }
        assertEquals("x", Files.readString(full.resolve("keep.txt")));
        assertFalse(Files.exists(dir.resolve("a")));
    }
}
