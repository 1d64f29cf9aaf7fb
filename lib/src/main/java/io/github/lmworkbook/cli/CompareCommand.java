package io.github.lmworkbook.cli;

import io.github.lmworkbook.charts.LineChart;
import io.github.lmworkbook.charts.Tables;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.evidence.Catalog;
import io.github.lmworkbook.evidence.Claim;
import io.github.lmworkbook.evidence.CompareReport;
import io.github.lmworkbook.evidence.EvidenceRunner;
import io.github.lmworkbook.evidence.EvidenceStore;
import io.github.lmworkbook.evidence.Experiment;
import io.github.lmworkbook.evidence.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Notebook 06's comparison headless: its tables (CSV, HTML), charts (PNG) and the verdicts of its claims, from the
 * evidence — the committed results by default, or results run here at the evidence's budget ({@code --run}: every
 * run of 06's experiments that the evidence directory does not hold yet, resumable; with {@code --seeds}, an
 * outsider's re-run at other seeds). The report's files are written into a temporary directory beside the target
 * and renamed into place at the end: the directory holds all of them or none ({@link OutputDirectory}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "The models side by side (notebook 06) from the evidence: tables (CSV, HTML), charts (PNG) and"
                + " the claims' verdicts; --run runs the evidence's experiments first (hours on 2 cores; resumable).")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "The directory to create (must not exist, or be empty).")
    Path out;

    @Option(names = "--evidence", description = "The evidence directory (default: the committed notebooks/evidence).")
    Path evidence;

    @Option(names = "--run", description = "Run 06's experiments into --evidence first (only the runs it does not"
            + " hold yet): the evidence's budget, 5 seeds, 1× and 4×.")
    boolean run;

    @Option(names = "--seeds", split = ",", description = "With --run: these seeds instead of 1–5, e.g. 7,8,9 (give"
            + " --evidence, so that the committed results keep their seeds).")
    long[] seeds;

    @Option(names = "--jobs", defaultValue = "2", description = "With --run: runs at once (default 2).")
    int jobs;

    @Override
    public Integer call() throws Exception {
        if (seeds != null && !run) throw Main.invalid(spec, "--seeds: only with --run");
        if (seeds != null && evidence == null) {
            throw Main.invalid(spec, "--seeds: give --evidence too (a directory of your own)");
        }
        if (seeds != null && (seeds.length == 0 || Arrays.stream(seeds).distinct().count() != seeds.length)) {
            throw Main.invalid(spec, "--seeds: give distinct seeds, e.g. 7,8,9");
        }
        if (jobs < 1 || jobs > 64) throw Main.invalid(spec, "--jobs " + jobs + ": must be 1 … 64");
        if (run && evidence == null) throw Main.invalid(spec, "--run: give --evidence (where the runs go)");
        OutputDirectory target;
        try {
            target = OutputDirectory.check(out);     // links followed; what killed runs left is removed
        } catch (Main.BadOption e) {
            throw Main.invalid(spec, e.getMessage());
        }
        Path ev = EvidenceCommand.dir(spec, evidence);
        if (!run) {
            for (String id : CompareReport.experiments()) {
                if (!EvidenceStore.at(ev).has(id)) {
                    throw Main.invalid(spec, "--evidence " + ev + ": no results of " + id + " (compare --run"
                            + " --evidence " + ev + " runs them)");
                }
            }
        }
        if (run) {
            Kernels.checkConfiguration();
            Files.createDirectories(ev);
            System.out.println("running notebook 06's experiments into " + ev + "; product kernels: "
                    + Kernels.active());
            EvidenceRunner runner = new EvidenceRunner(ev, jobs, System.out);
            for (Experiment e : CompareReport.declared()) runner.run(seeds == null ? e : e.withSeeds(seeds), false);
        }
        List<String> files = new ArrayList<>();
        target.write(dir -> files.addAll(write(new Claim.Sources(ev), dir)));
        System.out.println("wrote " + files.size() + " files to " + target.target() + ": " + String.join(", ", files));
        return 0;
    }

    /** Writes the report into a directory; returns the file names, in order. */
    static List<String> write(Claim.Sources ev, Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>LM"
                + " Workbook: the models side by side</title></head>\n<body>\n<h1>The models side by side</h1>\n<p>From"
                + " the evidence in " + escape(ev.dir().toAbsolutePath().normalize().toString()) + ".</p>\n");
        for (Map.Entry<String, Table> t : CompareReport.tables(ev).entrySet()) {
            OutputDirectory.writeCsv(dir, t.getKey() + ".csv", t.getValue());
            files.add(t.getKey() + ".csv");
            html.append("<h2>").append(escape(t.getValue().name())).append("</h2>\n")
                    .append(Tables.html(t.getValue(), Integer.MAX_VALUE)).append('\n');
        }
        for (Map.Entry<String, LineChart> c : CompareReport.charts(ev).entrySet()) {
            OutputDirectory.writePng(dir, c.getKey() + ".png", c.getValue().xyChart());
            files.add(c.getKey() + ".png");
            html.append("<p><img src=\"").append(c.getKey()).append(".png\" alt=\"").append(escape(c.getKey()))
                    .append("\"></p>\n");
        }
        StringBuilder claims = new StringBuilder();
        html.append("<h2>claims</h2>\n<pre>\n");
        for (Claim c : Catalog.claims()) {
            if (!c.id().startsWith("06.") || !c.experiments().stream().allMatch(ev::has)) continue;
            Verdict v = c.verify(ev);
            String block = (v.holds() ? "HOLDS " : "FAILS ") + "[" + c.id() + "] " + c.statement() + "\n"
                    + v.toString().indent(2);
            claims.append(block).append('\n');
            html.append(escape(block)).append('\n');
        }
        html.append("</pre>\n</body></html>\n");
        OutputDirectory.writeText(dir, "claims.txt", claims.toString());
        OutputDirectory.writeText(dir, "index.html", html.toString());
        files.add("claims.txt");
        files.add("index.html");
        return files;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
