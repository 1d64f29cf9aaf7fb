package io.github.lmworkbook.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Checks against makemore's numbers on the real names.txt, when the local data mirror (LMW_DATA_MIRROR) has it. */
class NamesFileTest {
    static Path names() {
        String mirror = System.getProperty("lmworkbook.data.mirror", System.getenv("LMW_DATA_MIRROR"));
        Path p = mirror == null ? null : Path.of(mirror, "names.txt");
        assumeTrue(p != null && Files.isRegularFile(p), "names.txt not in the data mirror (set LMW_DATA_MIRROR)");
        return p;
    }

    @Test
    void makemoreNumbers() throws IOException {
        List<String> words = Files.readAllLines(names()).stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
        assertEquals(32033, words.size());
        Vocabulary v = Vocabulary.of(words);
        assertEquals(27, v.size());
        assertEquals(".abcdefghijklmnopqrstuvwxyz", v.chars());
        NamesDataset ds = new NamesDataset(words, v);
        assertEquals(16, ds.blockSize()); // max word length 15 + 1
        Splits s = Splits.of(words, 42);
        assertEquals(List.of(25626, 3203, 3204), List.of(s.train().size(), s.dev().size(), s.test().size()));
    }
}
