package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.ProjectRoot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradcheck commands a reader copies from the README pass on the library's correct models: every
 * {@code $J gradcheck …} line of README.md (read from the file, so that a new example is tested too), and
 * {@code gradcheck --model mlp} (makemore's size) for seeds 1–3. Needs the names data set (LMW_DATA_MIRROR or the
 * cache), like {@link MainTest}.
 */
class GradCheckReadmeTest {

    /** The arguments of every "$J gradcheck ..." line of the README (comments after '#' removed). */
    static List<String[]> readmeGradchecks() throws IOException {
        String prop = System.getProperty("lmworkbook.root");
        Path root = prop != null && !prop.isBlank() ? Path.of(prop) : ProjectRoot.find().orElseThrow();
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("README.md"))) {
            String l = line.strip();
            if (!l.startsWith("$J gradcheck")) continue;
            int hash = l.indexOf('#');
            String cmd = (hash < 0 ? l : l.substring(0, hash)).substring(2).strip();
            out.add(cmd.split("\\s+"));
        }
        return out;
    }

    @Test
    void theReadmeHasAGradcheckExample() throws IOException {
        List<String[]> cmds = readmeGradchecks();
        assertFalse(cmds.isEmpty(), "no '$J gradcheck' line in README.md");
        assertEquals("gradcheck", cmds.get(0)[0]);
    }

    @TestFactory
    Stream<DynamicTest> theReadmesGradcheckExamplesPass() throws IOException {
        return readmeGradchecks().stream().map(args -> DynamicTest.dynamicTest(String.join(" ", args),
                () -> assertPasses(args)));
    }

    @TestFactory
    Stream<DynamicTest> theMlpAtMakemoresSizePassesForSeeds1To3() {
        return Stream.of("1", "2", "3").map(seed -> DynamicTest.dynamicTest("gradcheck --model mlp --seed " + seed,
                () -> assertPasses("gradcheck", "--model", "mlp", "--seed", seed)));
    }

    static void assertPasses(String... args) {
        MainTest.Run r = MainTest.capture(() -> Main.run(args));
        assertEquals(0, r.code(), Arrays.toString(args) + "\n" + r.out() + r.err());
        assertTrue(r.out().contains("gradient check PASSED"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\w+\\(\\d+×\\d+\\): ok.*")), r.out()); // verdicts
    }
}
