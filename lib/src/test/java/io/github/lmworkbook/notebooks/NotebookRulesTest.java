package io.github.lmworkbook.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The rules every committed notebook keeps (lib/ARCHITECTURE.md, the developers' guide):
 * <ul>
 *   <li>every {@code import} is in the first code cell after {@code %classpath}/{@code %jars}: on IJava an import
 *       in a later cell resets the variables declared before it;</li>
 *   <li>code lines are at most {@value #MAX_LINE} characters, so that no cell scrolls sideways;</li>
 *   <li>"not implemented yet" is printed at most once by any cell (one line per unfinished exercise);</li>
 *   <li>no cell shows a bare display id: {@code display(...)} returns one, and as a cell's last expression it is
 *       shown as the cell's result (a UUID that changes on every run); such a cell ends with a caption string or
 *       puts the call in braces, {@code { display(chart.image()); }};</li>
 *   <li>no TAB character inside LaTeX in markdown ({@code "$n_\text{embd}$"} written with a JSON {@code \t} is a TAB
 *       and renders as broken math);</li>
 *   <li>printed lines are at most {@value #MAX_LINE} characters, like the code: a longer one wraps mid-word in the
 *       notebook column ({@code charts.Text.wrap(line, 100)} breaks it at spaces);</li>
 *   <li>every image has alternative text: JupyterLab draws an {@code image/png} output as an {@code <img>} without
 *       one, so a chart is shown as HTML, {@code display(chart.html(), "text/html")} or {@code
 *       display(Images.html(image, alt), "text/html")} (the notebooks of {@link #IMAGES_WITHOUT_ALT} excepted until
 *       their owners re-execute them);</li>
 *   <li>an exercise cell declares the learner's method ({@code myX}) and the next cell grades it: in one cell, a
 *       syntax error in the method stops the cell before the grader can give its one-line verdict.</li>
 * </ul>
 */
class NotebookRulesTest {
    static final int MAX_LINE = 100;
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;");
    private static final Pattern MAGIC = Pattern.compile("^\\s*%");

    /** The cells of a notebook: type, source and the text of its outputs. */
    record Cell(String type, String source, String output) {}

    static List<Cell> cells(JsonNode notebook) {
        List<Cell> out = new ArrayList<>();
        for (JsonNode c : notebook.path("cells")) {
            StringBuilder src = new StringBuilder(), text = new StringBuilder();
            append(src, c.path("source"));
            for (JsonNode o : c.path("outputs")) {
                append(text, o.path("text"));
                append(text, o.path("data").path("text/plain"));
                append(text, o.path("data").path("text/html"));
            }
            out.add(new Cell(c.path("cell_type").asText(), src.toString(), text.toString()));
        }
        return out;
    }

    /** Every break of the rules, one line each ("cell 7: ..."), cells counted from 1 as JupyterLab shows them. */
    static List<String> problems(List<Cell> cells) {
        List<String> out = new ArrayList<>();
        boolean importsSeen = false;
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            if (!c.type().equals("code")) continue;
            String[] lines = c.source().split("\n", -1);
            boolean magic = lines.length > 0 && MAGIC.matcher(lines[0]).find();
            if (!magic) {
                for (String l : lines) {
                    if (IMPORT.matcher(l).find() && importsSeen) {
                        out.add("cell " + (i + 1) + ": '" + l.strip() + "' — every import belongs in the first code"
                                + " cell (on IJava a later import resets the variables declared before it)");
                    }
                }
                importsSeen = true;      // the first code cell after %classpath is the only one that may import
            }
            for (int k = 0; k < lines.length; k++) {
                if (lines[k].length() > MAX_LINE) {
                    out.add("cell " + (i + 1) + ", line " + (k + 1) + ": " + lines[k].length() + " characters (at most "
                            + MAX_LINE + "): " + lines[k].strip());
                }
            }
            int nyi = c.output().split("not implemented yet", -1).length - 1;
            if (nyi > 1) out.add("cell " + (i + 1) + ": prints \"not implemented yet\" " + nyi + " times (once)");
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookKeepsTheRules() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(NotebookProseTest.notebooksDir())) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertTrue(notebooks.size() >= 1);
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            JsonNode json = new ObjectMapper().readTree(nb.toFile());
            List<String> p = new ArrayList<>(problems(cells(json)));
            p.addAll(outputProblems(json));
            String name = nb.getFileName().toString();
            if (IMAGES_WITHOUT_ALT.stream().anyMatch(name::startsWith)) p.removeIf(x -> x.contains(NO_ALT));
            if (!GRADED_WITH_THE_EXERCISE.stream().anyMatch(name::startsWith)) p.addAll(exerciseProblems(cells(json)));
            if (!p.isEmpty()) fail(nb.getFileName() + ":\n  " + String.join("\n  ", p));
        }));
    }

    /** Notebooks other helpers own whose exercise cells still grade the learner's method in the same cell. */
    static final List<String> GRADED_WITH_THE_EXERCISE = List.of();
    private static final Pattern LEARNER_METHOD =
            Pattern.compile("^(?!\\s*return\\b)\\s*[\\w.]+(?:<[^>]*>)?(?:\\[\\])*\\s+my[A-Z]\\w*\\s*\\(", Pattern.MULTILINE);
    private static final Pattern GRADE_CALL = Pattern.compile("\\.grade\\w*\\(");

    /** Cells that declare the learner's method and grade it too (one line each). */
    static List<String> exerciseProblems(List<Cell> cells) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            if (!c.type().equals("code")) continue;
            var m = LEARNER_METHOD.matcher(c.source());
            if (m.find() && GRADE_CALL.matcher(c.source()).find()) {
                out.add("cell " + (i + 1) + ": declares the learner's method (" + m.group().strip() + "…) and grades it"
                        + " in the same cell: a syntax error in it would stop the cell before the verdict; grade in"
                        + " the next cell through a wrapper (void yourX(…) { myX(…); })");
            }
        }
        return out;
    }

    /** Notebooks other helpers own whose charts are still plain image/png outputs (issue 25: convert, then drop). */
    static final List<String> IMAGES_WITHOUT_ALT = List.of();
    static final String NO_ALT = "an image without alternative text";
    private static final Pattern IMG_TAG = Pattern.compile("<img\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ALT = Pattern.compile("\\balt=\"\\s*[^\"\\s][^\"]*\"");

    private static final Pattern DISPLAY_ID =
            Pattern.compile("\"?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"?");
    private static final Pattern MATH = Pattern.compile("\\$\\$.*?\\$\\$|\\$[^$\n]*\\$", Pattern.DOTALL);

    /**
     * Every break of the output rules, one line each: a bare display id as a cell's result, a TAB inside LaTeX in
     * markdown, a printed line over {@value #MAX_LINE} characters.
     */
    static List<String> outputProblems(JsonNode notebook) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode c : notebook.path("cells")) {
            i++;
            if (c.path("cell_type").asText().equals("markdown")) {
                StringBuilder src = new StringBuilder();
                append(src, c.path("source"));
                var m = MATH.matcher(src);
                while (m.find()) {
                    if (m.group().indexOf('\t') >= 0) {
                        out.add("cell " + i + ": a TAB inside LaTeX (" + m.group().replace("\t", "<TAB>").strip()
                                + "): a \\t in the notebook's JSON that was meant as the backslash of \\text");
                    }
                }
                continue;
            }
            for (JsonNode o : c.path("outputs")) {
                String type = o.path("output_type").asText();
                if (o.path("data").has("image/png")) {
                    out.add("cell " + i + ": " + NO_ALT + " (an image/png output, drawn as an <img> with no alt): "
                            + "display(chart.html(), \"text/html\") or display(Images.html(image, alt), \"text/html\")");
                }
                StringBuilder htmlText = new StringBuilder();
                append(htmlText, o.path("data").path("text/html"));
                var img = IMG_TAG.matcher(htmlText);
                while (img.find()) {
                    if (!ALT.matcher(img.group()).find()) {
                        out.add("cell " + i + ": " + NO_ALT + " (an <img> in HTML with no or an empty alt)");
                    }
                }
                StringBuilder text = new StringBuilder();
                if (type.equals("stream")) append(text, o.path("text"));
                if (type.equals("execute_result")) {
                    StringBuilder plain = new StringBuilder();
                    append(plain, o.path("data").path("text/plain"));
                    if (DISPLAY_ID.matcher(plain.toString().strip()).matches()) {
                        out.add("cell " + i + ": shows a bare display id (" + plain.toString().strip() + "): the cell"
                                + " ends with display(...); end it with a caption string or write { display(...); }");
                    }
                    if (o.path("data").size() == 1) text.append(plain);
                }
                for (String line : text.toString().split("\n")) {
                    if (line.length() <= MAX_LINE) continue;
                    out.add("cell " + i + ": prints a line of " + line.length() + " characters (at most " + MAX_LINE
                            + ", or it wraps mid-word; charts.Text.wrap(line, 100)): " + line.strip());
                }
            }
        }
        return out;
    }

    private static final Pattern SHOW =
            Pattern.compile("Code\\.show\\(\\s*(\\w+)\\.class((?:\\s*,\\s*\"\\w+\")+)\\s*\\)");

    /**
     * The library code a notebook shows under its derivation ({@code Code.show(X.class, "forward", ...)}) keeps
     * the same line limit as the cells: it is read in the same column.
     */
    @TestFactory
    Stream<DynamicTest> theLibraryCodeANotebookShowsFitsTheColumn() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(NotebookProseTest.notebooksDir())) {
            notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), () -> {
            List<String> p = new ArrayList<>();
            for (Cell c : cells(new ObjectMapper().readTree(nb.toFile()))) {
                if (!c.type().equals("code")) continue;
                var m = SHOW.matcher(c.source());
                while (m.find()) {
                    String[] members = java.util.Arrays.stream(m.group(2).split(","))
                            .map(String::strip).filter(x -> !x.isEmpty())
                            .map(x -> x.substring(1, x.length() - 1)).toArray(String[]::new);
                    Class<?> type = libraryClass(m.group(1));
                    String[] lines = io.github.lmworkbook.source.Code.source(type, members).split("\n");
                    for (String l : lines) {
                        if (l.length() > MAX_LINE) {
                            p.add(type.getSimpleName() + " " + String.join("/", members) + ": " + l.length()
                                    + " characters (at most " + MAX_LINE + "): " + l.strip());
                        }
                    }
                }
            }
            if (!p.isEmpty()) fail(nb.getFileName() + " shows lines too long:\n  " + String.join("\n  ", p));
        }));
    }

    /** The library class of that simple name (any package). */
    static Class<?> libraryClass(String simpleName) throws IOException {
        Path base = NotebookProseTest.notebooksDir().getParent()
                .resolve("lib/src/main/java/io/github/lmworkbook");
        try (Stream<Path> s = Files.walk(base)) {
            Path file = s.filter(f -> f.getFileName().toString().equals(simpleName + ".java")).findFirst()
                    .orElseThrow(() -> new AssertionError("no library class " + simpleName));
            String name = base.getParent().getParent().getParent().relativize(file).toString()
                    .replace('/', '.').replaceAll("\\.java$", "");
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anImportAfterTheFirstCodeCellIsCaught() {
        List<Cell> cells = List.of(
                new Cell("markdown", "# title\nimport this is prose", ""),
                new Cell("code", "%classpath ../lib/target/lmworkbook-all.jar", ""),
                new Cell("code", "import java.util.*;\nimport static java.lang.Math.max;\nint a = 1;", ""),
                new Cell("code", "int b = 2;\n  import java.util.function.*;\n// import in a comment is fine", ""));
        List<String> p = problems(cells);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("cell 4: 'import java.util.function.*;'"), p.get(0));
    }

    @Test
    void longLinesAndRepeatedNotImplementedAreCaught() {
        String longLine = "x".repeat(MAX_LINE + 1);
        List<String> p = problems(List.of(new Cell("code", "int a;\n" + longLine, ""),
                new Cell("code", "f();", "`f`: not implemented yet\nnot implemented yet")));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("cell 1, line 2: 101 characters"), p.get(0));
        assertTrue(p.get(1).startsWith("cell 2: prints \"not implemented yet\" 2 times"), p.get(1));
        assertTrue(problems(List.of(new Cell("code", "x".repeat(MAX_LINE), ""))).isEmpty());
    }

    @Test
    void bareDisplayIdsTabsInMathAndLongPrintedLinesAreCaught() throws IOException {
        String nb = """
                {"cells": [
                 {"cell_type": "markdown", "source": ["the width $n_\\text{embd}$ and $n_\\\\text{embd}$"]},
                 {"cell_type": "code", "source": ["display(x);"], "outputs": [
                   {"output_type": "execute_result", "data": {"text/plain": ["ff833fa1-1073-4b22-af09-d3c0f9458ecf"]}}]},
                 {"cell_type": "code", "source": ["println"], "outputs": [
                   {"output_type": "stream", "name": "stdout", "text": ["short\\n", "%s\\n"]}]},
                 {"cell_type": "code", "source": ["\\"caption\\";"], "outputs": [
                   {"output_type": "execute_result", "data": {"text/plain": ["\\"a caption\\""]}}]}
                ]}
                """.formatted("y".repeat(MAX_LINE + 1));
        JsonNode json = new ObjectMapper().readTree(nb);
        List<String> p = outputProblems(json);
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("cell 1: a TAB inside LaTeX ($n_<TAB>ext{embd}$)"), p.get(0));
        assertTrue(p.get(1).startsWith("cell 2: shows a bare display id"), p.get(1));
        assertTrue(p.get(2).startsWith("cell 3: prints a line of 101 characters"), p.get(2));
    }

    @Test
    void imagesWithoutAlternativeTextAreCaught() throws IOException {
        String nb = """
                {"cells": [
                 {"cell_type": "code", "source": ["display(c.image());"], "outputs": [
                   {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["img"]}}]},
                 {"cell_type": "code", "source": ["display(html);"], "outputs": [
                   {"output_type": "display_data", "data": {"text/html": ["<img src=\\"data:x\\" alt=\\" \\">"]}}]},
                 {"cell_type": "code", "source": ["display(c.html());"], "outputs": [
                   {"output_type": "display_data", "data": {"text/html": ["<img src=\\"data:x\\" alt=\\"a chart\\">"]}}]}
                ]}
                """;
        List<String> p = outputProblems(new ObjectMapper().readTree(nb));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("cell 1: " + NO_ALT + " (an image/png output"), p.get(0));
        assertTrue(p.get(1).startsWith("cell 2: " + NO_ALT + " (an <img> in HTML"), p.get(1));
    }

    @Test
    void anExerciseGradedInItsOwnCellIsCaught() {
        List<String> p = exerciseProblems(List.of(
                new Cell("code", "double[] myBackward(double[] x) {\n    return x;\n}\n"
                        + "var used = Ex.gradeBackward(x -> myBackward(x));", ""),
                new Cell("code", "double[] myForward(double[] x) {\n    return x;\n}", ""),
                new Cell("code", "double[] yourForward(double[] x) {\n    return myForward(x);\n}\n"
                        + "var f = Ex.gradeForward(x -> yourForward(x));", "")));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("cell 1: declares the learner's method (double[] myBackward("), p.get(0));
    }

    private static void append(StringBuilder sb, JsonNode textOrLines) {
        if (textOrLines.isArray()) textOrLines.forEach(l -> sb.append(l.asText()));
        else if (textOrLines.isTextual()) sb.append(textOrLines.asText());
    }
}
