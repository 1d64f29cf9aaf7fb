package io.github.lmworkbook.cli;

import io.github.lmworkbook.evidence.CompareReport;
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

/** {@code compare}: notebook 06's tables, charts and claims from the committed evidence; bad options. */
class CompareCommandTest {
    static Path committed() {
        return Path.of(System.getProperty("lmworkbook.root", ".."), "notebooks", "evidence");
    }

    @Test
    void compareWritesTheReportFromTheCommittedEvidence(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("results");
        MainTest.Run r = capture(() -> Main.run("compare", "--out", out.toString(), "--evidence",
                committed().toString()));
        assertEquals(0, r.code(), r.out() + r.err());
        for (String f : new String[] {"lm-names.csv", "lm-shakespeare.csv", "factors.csv", "copy.csv", "adding.csv",
                "counting.csv", "decay.png", "claims.txt", "index.html"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " in " + r.out());
        }
        Table t = Table.read().csv(out.resolve("lm-shakespeare.csv").toFile());
        assertEquals(CompareReport.models().size(), t.rowCount());
        assertEquals("MLP", t.stringColumn("model").get(0));
        String claims = Files.readString(out.resolve("claims.txt"));
        assertTrue(claims.contains("[06.window.gradient]") && !claims.contains("FAILS"), claims);
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("<table") && html.contains("decay.png") && html.contains("alt="), html);
        BufferedImage img = ImageIO.read(out.resolve("decay.png").toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() >= 900, "decay.png " + img.getWidth());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(1, left.count(), "no temporary directory is left behind");
        }
    }

    @Test
    void badOptionsAreOneLineBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "x");
        Path empty = Files.createDirectory(dir.resolve("empty-evidence"));
        String a = dir.resolve("a").toString();
        String[][] bad = {
            {"compare", "--out", full.toString(), "--evidence", committed().toString()},
            {"compare", "--out", a, "--seeds", "7,8,9", "--evidence", empty.toString()},
            {"compare", "--out", a, "--run"},
            {"compare", "--out", a, "--run", "--seeds", "7,8,9"},
            {"compare", "--out", a, "--run", "--evidence", empty.toString(), "--seeds", "7,7"},
            {"compare", "--out", a, "--evidence", empty.toString()},
            {"compare", "--out", a, "--jobs", "0", "--evidence", committed().toString()},
            {"compare", "--out", dir.resolve("no/such/dir").toString(), "--evidence", committed().toString()},
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
