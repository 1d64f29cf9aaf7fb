package io.github.lmworkbook.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lmworkbook.data.ProjectRoot;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * "A number in a notebook's prose is produced by a cell in that notebook": every measured-looking number in the
 * markdown of a committed notebook (a decimal with two or more digits after the point, or a number in scientific
 * notation; LaTeX math is left out, it holds theory, not measurements) must appear in the outputs of that
 * notebook's code cells. Re-executing a notebook after a change that moves a number makes this test name the
 * stale sentence.
 */
class NotebookProseTest {
    private static final Pattern MEASURED = Pattern.compile("(?<![\\w.])\\d+\\.\\d{2,}(?:e-?\\d+)?|(?<![\\w.])\\d+(?:\\.\\d+)?e-?\\d+");
    private static final Pattern MATH = Pattern.compile("\\$\\$.*?\\$\\$|\\$[^$]*\\$", Pattern.DOTALL);
    private static final Pattern CODE = Pattern.compile("`[^`]*`");

    static Path notebooksDir() {
        String prop = System.getProperty("lmworkbook.root");
        Path root = prop != null && !prop.isBlank() ? Path.of(prop) : ProjectRoot.find().orElseThrow();
        return root.resolve("notebooks");
    }

    /** The measured-looking numbers of a markdown text, outside LaTeX math and inline code. */
    static List<String> measuredNumbers(String markdown) {
        String prose = CODE.matcher(MATH.matcher(markdown).replaceAll(" ")).replaceAll(" ");
        List<String> out = new ArrayList<>();
        Matcher m = MEASURED.matcher(prose);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Test
    void findsMeasuredNumbersButNotMathOrCode() {
        assertEquals(List.of("1.6948", "2.4e-9"),
                measuredNumbers("from 1.6948, error 2.4e-9, $\\varepsilon^{1/2} = 1.49$, `lr = 0.01`, n = 4, 3.5"));
    }

    @Test
    void exponentsAreComparedWithoutLeadingZeros() {
        assertEquals("best h = 1.0e-8, error 2.4e-9, 3e5", normalize("best h = 1.0e-08, error 2.4E-09, 3e+05"));
    }

    @TestFactory
    Stream<DynamicTest> everyNumberInTheProseIsPrintedByACell() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(notebooksDir())) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertTrue(notebooks.size() >= 1, "no notebooks in " + notebooksDir());
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> check(nb)));
    }

    private static void check(Path notebook) throws IOException {
        JsonNode cells = new ObjectMapper().readTree(notebook.toFile()).path("cells");
        StringBuilder outputs = new StringBuilder();
        for (JsonNode c : cells) {
            for (JsonNode o : c.path("outputs")) {
                append(outputs, o.path("text"));
                append(outputs, o.path("data").path("text/plain"));
                append(outputs, o.path("data").path("text/html"));
            }
        }
        String printed = normalize(outputs.toString());
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            JsonNode c = cells.get(i);
            if (!"markdown".equals(c.path("cell_type").asText())) continue;
            StringBuilder md = new StringBuilder();
            append(md, c.path("source"));
            for (String number : measuredNumbers(md.toString())) {
                if (printed.indexOf(normalize(number)) < 0) missing.add("cell " + (i + 1) + ": " + number);
            }
        }
        if (!missing.isEmpty()) {
            fail(notebook.getFileName() + ": numbers in the prose that no cell printed (re-execute the notebook and "
                    + "update the sentence): " + missing);
        }
    }

    /** Writes exponents without leading zeros, so that a printed 1.0e-08 matches 1.0e-8 in the prose. */
    static String normalize(String s) {
        return s.replaceAll("([eE])([-+]?)0+(\\d)", "$1$2$3").replace("E", "e").replace("e+", "e");
    }

    private static void append(StringBuilder sb, JsonNode textOrLines) {
        if (textOrLines.isArray()) textOrLines.forEach(l -> sb.append(l.asText()));
        else if (textOrLines.isTextual()) sb.append(textOrLines.asText());
    }
}
