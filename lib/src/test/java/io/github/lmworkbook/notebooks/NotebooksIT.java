package io.github.lmworkbook.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every {@code notebooks/*.ipynb} through the real Java kernel with {@code notebooks/run_notebooks.py},
 * after {@code mvn package} has built {@code lib/target/lmworkbook-all.jar}. Needs {@code ./setup.sh} first
 * (the Python environment with Jupyter and the JJava kernel).
 *
 * <p>Python: {@code $LMW_PYTHON}, else {@code <root>/.venv/bin/python}. Per-notebook time limit:
 * {@code $LMW_NOTEBOOK_TIMEOUT} seconds (default 600); the time budget, 2 minutes on 2 cores (150 s on the clock
 * and in kernel CPU), is the runner's ({@code --budget}, {@code $LMW_NOTEBOOK_BUDGET}). The environment, e.g. {@code LMW_DATA_MIRROR}, reaches the
 * kernel.
 */
class NotebooksIT {

    private static final Path ROOT = root();
    private static final Path RUNNER = ROOT.resolve("notebooks").resolve("run_notebooks.py");
    private static final long TIMEOUT_S = Long.parseLong(envOr("LMW_NOTEBOOK_TIMEOUT", "600"));

    @TempDir
    Path tmp;

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static Path root() {
        String prop = System.getProperty("lmworkbook.root");
        Path start = Paths.get(prop != null && !prop.isBlank() ? prop : System.getProperty("user.dir"));
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks")) && Files.isRegularFile(p.resolve("setup.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("project root not found from " + start);
    }

    private static Path python() {
        String env = System.getenv("LMW_PYTHON");
        Path py = env != null && !env.isBlank() ? Paths.get(env) : ROOT.resolve(".venv").resolve("bin").resolve("python");
        if (!Files.isExecutable(py)) {
            fail("no Python environment with the Java kernel at " + py + ": run ./setup.sh first"
                    + " (or point LMW_PYTHON at a Python that has jupyter and jjava)");
        }
        return py;
    }

    /** The result of one runner invocation. */
    record Run(int exitCode, List<String> lines) {
        String output() {
            return String.join("\n", lines);
        }

        /** The runner's failure report(s), without the kernel's own log lines. */
        String failureReport() {
            int start = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("NOTEBOOK FAILED")) {
                    start = i;
                    break;
                }
            }
            List<String> tail = start < 0 ? lines : lines.subList(start, lines.size());
            return tail.stream().filter(l -> !l.startsWith("[I ") && !l.startsWith("[W "))
                    .collect(Collectors.joining("\n"));
        }
    }

    /** Runs the runner on the notebooks, streaming its output (and the kernel's) to this process's stdout. */
    private static Run runNotebooks(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python().toString(), RUNNER.toString(), "--timeout", Long.toString(TIMEOUT_S)));
        cmd.addAll(List.of(args));
        System.out.println("[NotebooksIT] " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("PYTHONUNBUFFERED", "1");
        Process process = pb.start();
        process.getOutputStream().close();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("[run_notebooks] " + line);
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(reading the runner's output failed: " + e + ")");
            }
        }, "run_notebooks-output");
        pump.setDaemon(true);
        pump.start();
        // The runner enforces the per-notebook limit itself; this is the backstop if it hangs.
        long limit = TIMEOUT_S * Math.max(1, args.length) + 120;
        if (!process.waitFor(limit, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            pump.join(5000);
            fail("run_notebooks.py did not finish within " + limit + " s; output so far:\n" + String.join("\n", lines));
        }
        pump.join(10_000);
        return new Run(process.exitValue(), new ArrayList<>(lines));
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsWithoutErrors() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> s = Files.list(ROOT.resolve("notebooks"))) {
            notebooks = s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().collect(Collectors.toList());
        }
        assertFalse(notebooks.isEmpty(), "no notebooks found in " + ROOT.resolve("notebooks"));
        assertTrue(Files.isRegularFile(ROOT.resolve("lib/target/lmworkbook-all.jar")),
                "lib/target/lmworkbook-all.jar is missing: the notebooks load it (mvn package builds it)");
        return notebooks.stream().map(nb -> DynamicTest.dynamicTest(nb.getFileName().toString(), nb.toUri(), () -> {
            Run run = runNotebooks(ROOT.relativize(nb).toString());
            if (run.exitCode() != 0) {
                fail("notebook " + ROOT.relativize(nb) + " failed (run_notebooks.py exit " + run.exitCode() + "):\n"
                        + run.failureReport());
            }
            assertTrue(run.output().contains("OK " + ROOT.relativize(nb)), run.output());
        }));
    }

    @Test
    void aFailingCellFailsTheRunWithCellNumberAndError() throws Exception {
        Path nb = tmp.resolve("failing.ipynb");
        Files.writeString(nb, """
                {
                 "cells": [
                  {"cell_type": "markdown", "metadata": {}, "source": ["# A notebook with a failing cell"]},
                  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
                   "source": ["int answer = 6 * 7;\\n", "System.out.println(answer);"]},
                  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
                   "source": ["throw new IllegalStateException(\\"boom from cell 2\\");"]},
                  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
                   "source": ["System.out.println(\\"never reached\\");"]}
                 ],
                 "metadata": {"kernelspec": {"name": "java", "display_name": "Java (jjava)", "language": "java"}},
                 "nbformat": 4,
                 "nbformat_minor": 5
                }
                """);

        Run run = runNotebooks(nb.toString());

        assertNotEquals(0, run.exitCode(), "a failing cell must fail the run:\n" + run.output());
        String report = run.failureReport();
        assertTrue(report.contains("NOTEBOOK FAILED: " + Paths.get("").toAbsolutePath().relativize(nb))
                || report.contains(nb.getFileName().toString()), report);
        assertTrue(report.contains("cell 3 of 4 (counting all cells; code cell 2)"), report);
        assertTrue(report.contains("IllegalStateException"), report);
        assertTrue(report.contains("boom from cell 2"), report);
        assertFalse(run.output().contains("never reached"), "execution stops at the failing cell");
        assertEquals(4, Files.readString(nb).split("\"cell_type\"", -1).length - 1, "the input file is not rewritten");
    }

    @Test
    void aNotebookWithoutAnyChartFails() throws Exception {
        Path nb = tmp.resolve("no_chart.ipynb");
        Files.writeString(nb, """
                {
                 "cells": [
                  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
                   "source": ["System.out.println(\\"text only\\");"]}
                 ],
                 "metadata": {"kernelspec": {"name": "java", "display_name": "Java (jjava)", "language": "java"}},
                 "nbformat": 4,
                 "nbformat_minor": 5
                }
                """);

        Run run = runNotebooks(nb.toString());

        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.failureReport().contains("no image/png output"), run.failureReport());
    }

    /**
     * The time budget (run_notebooks.py --budget): a notebook is over it when BOTH its time on the clock and its
     * kernel's CPU time exceed it. A cell that keeps a core busy for 14 s of CPU is over a 10 s budget; one that
     * sleeps 14 s is not (long on the clock, little CPU: what a loaded machine looks like).
     */
    @Test
    void aNotebookOverTheTimeBudgetFailsButASleepingOneDoesNot() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        Path busy = tmp.resolve("busy.ipynb"), sleepy = tmp.resolve("sleepy.ipynb");
        for (Path file : List.of(busy, sleepy)) {
            var nb = json.createObjectNode();
            var cells = nb.putArray("cells");
            if (file.equals(busy)) {
                cells.add(codeCell(json, false,
                        "var cpu = java.lang.management.ManagementFactory.getThreadMXBean();",
                        "double x = 0;",
                        "while (cpu.getCurrentThreadCpuTime() < 14_000_000_000L) x += Math.sqrt(x + 1);",
                        "System.out.println(x > 0);"));
            } else {
                cells.add(codeCell(json, false, "Thread.sleep(14_000);", "System.out.println(\"slept\");"));
            }
            var meta = nb.putObject("metadata").putObject("kernelspec");
            meta.put("name", "java").put("display_name", "Java (jjava)").put("language", "java");
            nb.put("nbformat", 4).put("nbformat_minor", 5);
            json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), nb);
        }

        Run over = runNotebooks("--no-image-check", "--budget", "10", busy.toString());
        assertNotEquals(0, over.exitCode(), over.output());
        assertTrue(over.failureReport().contains("over the time budget"), over.failureReport());
        assertTrue(over.failureReport().contains("both above 10 s"), over.failureReport());

        Run slept = runNotebooks("--no-image-check", "--budget", "10", sleepy.toString());
        assertEquals(0, slept.exitCode(), slept.failureReport());
        assertTrue(slept.output().contains("s kernel CPU"), slept.output());
    }

    /** A code cell; tagged "raises-exception" when its error is expected (the runner then goes on). */
    private static com.fasterxml.jackson.databind.node.ObjectNode codeCell(
            com.fasterxml.jackson.databind.ObjectMapper json, boolean raises, String... lines) {
        var cell = json.createObjectNode().put("cell_type", "code").putNull("execution_count");
        var meta = cell.putObject("metadata");
        if (raises) meta.putArray("tags").add("raises-exception");
        cell.putArray("outputs");
        var src = cell.putArray("source");
        for (int i = 0; i < lines.length; i++) src.add(lines[i] + (i < lines.length - 1 ? "\n" : ""));
        return cell;
    }

    /**
     * A learner's exercise cell that does not compile, through the real kernel: the cell shows the compiler's
     * message, and the grading cell below it — written as the notebooks write it, calling the learner's method
     * through a method of its own — prints one line, not a stack trace, and the notebook goes on. First with a
     * correct definition that the broken one replaces (the learner edits the cell and runs it again), then with a
     * method that calls something undefined.
     */
    @Test
    void aLearnersCompileErrorIsOneLineInTheGradingCell() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String jar = ROOT.resolve("lib/target/lmworkbook-all.jar").toAbsolutePath().toString();
        String[] grade = {
                "double[][] yourTanhBackward(double[][] dh, double[][] h) { return tanhBackward(dh, h); }",
                "GradientExercises.TanhBackward tanhUsed = GradientExercises.gradeTanh(",
                "    (dh, h) -> yourTanhBackward(dh, h));",
                "\"graded\";"};
        String[] correct = {"double[][] tanhBackward(double[][] dh, double[][] h) {",
                "    double[][] dz = new double[dh.length][dh[0].length];",
                "    for (int i = 0; i < dh.length; i++) for (int j = 0; j < dh[0].length; j++)",
                "        dz[i][j] = dh[i][j] * (1 - h[i][j] * h[i][j]);",
                "    return dz;", "}"};
        var nb = json.createObjectNode();
        var cells = nb.putArray("cells");
        cells.add(codeCell(json, false, "%classpath " + jar));
        cells.add(codeCell(json, false, "import io.github.lmworkbook.exercises.*;"));
        cells.add(codeCell(json, false, correct));
        cells.add(codeCell(json, false, grade));                                              // cell 4: correct
        cells.add(codeCell(json, true, "double[][] tanhBackward(double[][] dh, double[][] h) {",
                "    return dh * 2;", "}"));                                                  // does not compile
        cells.add(codeCell(json, false, grade));                                              // cell 6: one line
        cells.add(codeCell(json, true, "double[][] tanhBackward(double[][] dh, double[][] h) {",
                "    return notDefinedAnywhere(dh, h);", "}"));                               // unresolved
        cells.add(codeCell(json, false, grade));                                              // cell 8: one line
        cells.add(codeCell(json, false, "System.out.println(\"went on: \" + (tanhUsed != null));"));
        var meta = nb.putObject("metadata").putObject("kernelspec");
        meta.put("name", "java").put("display_name", "Java (jjava)").put("language", "java");
        nb.put("nbformat", 4).put("nbformat_minor", 5);
        Path file = tmp.resolve("compile_error.ipynb");
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), nb);

        Run run = runNotebooks("--inplace", "--no-image-check", file.toString());
        assertEquals(0, run.exitCode(), run.failureReport());
        var done = json.readTree(file.toFile()).path("cells");
        assertTrue(stdout(done.get(3)).startsWith("`tanhBackward`: correct"), stdout(done.get(3)));
        assertTrue(hasError(done.get(4)), "the broken cell shows the compiler's message");
        String line = "`tanhBackward`: does not compile — fix the cell that defines it (the notebook goes on with the"
                + " library's)";
        for (int c : new int[] {5, 7}) {
            assertEquals(line, stdout(done.get(c)).strip(), "cell " + (c + 1));
            assertFalse(hasError(done.get(c)), "cell " + (c + 1) + " prints one line, no error");
        }
        assertEquals("went on: true", stdout(done.get(8)).strip());
    }

    /**
     * After a kernel restart the library is neither loaded nor imported: a cell that uses it fails with "cannot find
     * symbol", and the kernel's start-up script (run_notebooks.py's KERNEL_STARTUP_SCRIPT, written into the
     * kernelspec by ./setup.sh) adds one line saying to run the %classpath and imports cells again. Once they have
     * run, an unresolved name is only the compiler's error.
     */
    @Test
    void aCellRunAfterARestartSaysToRunTheFirstCellsAgain() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String jar = ROOT.resolve("lib/target/lmworkbook-all.jar").toAbsolutePath().toString();
        var nb = json.createObjectNode();
        var cells = nb.putArray("cells");
        cells.add(codeCell(json, true, "Matrix m = new Matrix(2, 2);"));                 // as after a restart
        cells.add(codeCell(json, false, "%classpath " + jar));
        cells.add(codeCell(json, true, "Matrix m = new Matrix(2, 2);"));                 // loaded, not imported
        cells.add(codeCell(json, false, "import io.github.lmworkbook.core.*;"));
        cells.add(codeCell(json, false, "Matrix m = new Matrix(2, 2);", "System.out.println(m.rows);"));
        cells.add(codeCell(json, true, "int y = notDefinedAnywhere + 1;"));              // a plain mistake
        var meta = nb.putObject("metadata").putObject("kernelspec");
        meta.put("name", "java").put("display_name", "Java (jjava)").put("language", "java");
        nb.put("nbformat", 4).put("nbformat_minor", 5);
        Path file = tmp.resolve("restart.ipynb");
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), nb);

        Run run = runNotebooks("--inplace", "--no-image-check", file.toString());
        assertEquals(0, run.exitCode(), run.failureReport());
        var done = json.readTree(file.toFile()).path("cells");
        String hint = "Kernel restarted? Run the %classpath and imports cells at the top again, then this cell.";
        for (int c : new int[] {0, 2}) {
            assertTrue(hasError(done.get(c)), "cell " + (c + 1) + " fails to compile");
            assertEquals(hint, stdout(done.get(c)).strip(), "cell " + (c + 1));
        }
        assertEquals("2", stdout(done.get(4)).strip());
        assertTrue(hasError(done.get(5)));
        assertEquals("", stdout(done.get(5)).strip(), "with the library loaded and imported: no hint");
    }

    /**
     * A learner's method that throws, loops for ever or recurses without end, through the real kernel: each grading
     * cell prints one line — the exception at its line in the learner's cell (as the learner counts it, not JShell's
     * wrapper), the time limit, the stack overflow — and the notebook goes on with the library's function.
     */
    @Test
    void aLearnersRuntimeProblemsAreOneLineInTheGradingCell() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String jar = ROOT.resolve("lib/target/lmworkbook-all.jar").toAbsolutePath().toString();
        String[] grade = {
                "double[][] yourTanhBackward(double[][] dh, double[][] h) { return tanhBackward(dh, h); }",
                "GradientExercises.TanhBackward tanhUsed = GradientExercises.gradeTanh(",
                "    (dh, h) -> yourTanhBackward(dh, h));",
                "\"graded\";"};
        var nb = json.createObjectNode();
        var cells = nb.putArray("cells");
        cells.add(codeCell(json, false, "%classpath " + jar));
        cells.add(codeCell(json, false, "import io.github.lmworkbook.exercises.*;", "import java.time.Duration;"));
        cells.add(codeCell(json, false, "Exercise.timeLimit(Duration.ofSeconds(2));"));
        cells.add(codeCell(json, false, "/** dz = dh ⊙ (1 − h²). */",                                   // cell 4
                "double[][] tanhBackward(double[][] dh, double[][] h) {",
                "    int[] none = new int[0];",
                "    return new double[none[1]][];",                                     // line 4: out of bounds
                "}"));
        cells.add(codeCell(json, false, grade));                                               // cell 5
        cells.add(codeCell(json, false, "double[][] tanhBackward(double[][] dh, double[][] h) {",
                "    while (true) { }", "}"));                                             // cell 6: endless
        cells.add(codeCell(json, false, grade));                                               // cell 7
        cells.add(codeCell(json, false, "int deeper(int n) { return deeper(n + 1) + 1; }",
                "double[][] tanhBackward(double[][] dh, double[][] h) {",
                "    return new double[deeper(0)][];", "}"));                             // cell 8: recursion
        cells.add(codeCell(json, false, grade));                                               // cell 9
        cells.add(codeCell(json, false, "System.out.println(\"went on: \" + (tanhUsed != null));"));
        var meta = nb.putObject("metadata").putObject("kernelspec");
        meta.put("name", "java").put("display_name", "Java (jjava)").put("language", "java");
        nb.put("nbformat", 4).put("nbformat_minor", 5);
        Path file = tmp.resolve("runtime_problems.ipynb");
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), nb);

        Run run = runNotebooks("--inplace", "--no-image-check", "--budget", "0", file.toString());
        assertEquals(0, run.exitCode(), run.failureReport());
        var done = json.readTree(file.toFile()).path("cells");
        String tail = " — the notebook goes on with the library's";
        assertEquals("`tanhBackward`: threw ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 0 at line 4"
                + " of your cell (in tanhBackward)" + tail, stdout(done.get(4)).strip());
        String loop = stdout(done.get(6)).strip();
        assertTrue(loop.startsWith("`tanhBackward`: your code did not finish within 2 s (an endless loop?) "), loop);
        assertTrue(loop.endsWith(tail) && loop.lines().count() == 1, loop);
        String deep = stdout(done.get(8)).strip();
        assertTrue(deep.startsWith("`tanhBackward`: overflowed the stack (StackOverflowError: a recursion without end?)"
                + " at line 1 of your cell (in deeper)"), deep);
        for (int c : new int[] {4, 6, 8}) assertFalse(hasError(done.get(c)), "cell " + (c + 1) + ": one line, no error");
        assertEquals("went on: true", stdout(done.get(9)).strip());
    }

    private static String stdout(JsonNode cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : cell.path("outputs")) {
            if ("stream".equals(o.path("output_type").asText())) {
                JsonNode t = o.path("text");
                if (t.isArray()) t.forEach(l -> sb.append(l.asText()));
                else sb.append(t.asText());
            }
        }
        return sb.toString();
    }

    private static boolean hasError(JsonNode cell) {
        for (JsonNode o : cell.path("outputs")) if ("error".equals(o.path("output_type").asText())) return true;
        return false;
    }
}
