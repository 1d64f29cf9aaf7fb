package io.github.lmworkbook.cli;

import io.github.lmworkbook.charts.Tables;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.experiments.Comparison;
import io.github.lmworkbook.experiments.Contender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Runs the comparison of the workbook's models ({@link Comparison}) headless and writes its table (CSV and HTML),
 * its charts (PNG) and the samples into a directory. The files are written into a hidden directory beside the
 * target and renamed into place at the end: the directory holds all of them or none ({@link OutputDirectory}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare the models at matched parameter counts (names, Tiny Shakespeare, the decay of the"
                + " gradient, the adding problem); write the table (CSV, HTML) and the charts (PNG) into a directory.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "The directory to create (must not exist, or be empty).")
    Path out;

    @Option(names = "--budget", defaultValue = "standard",
            description = "standard (the default, ~50,000 parameters, 3,000 steps), notebook (the notebook's), smoke"
                    + " (seconds; checks that everything runs).")
    String budget;

    @Option(names = "--models", split = ",", description = "Comma-separated models (default: all: ${COMPLETION-CANDIDATES}).",
            completionCandidates = ModelNames.class)
    List<String> models;

    @Option(names = "--seeds", description = "The number of seeds, 1, 2, … (default: the budget's).")
    Integer seeds;

    @Option(names = "--params", description = "The parameter count every model is sized to (default: the budget's).")
    Long params;

    @Option(names = "--steps", description = "Training steps on each corpus (default: the budget's; a multiple of"
            + " the budget's evaluation interval is kept by evaluating every steps/10 steps).")
    Integer steps;

    @Option(names = "--no-tasks", description = "Skip the synthetic tasks (the adding problem).")
    boolean noTasks;

    @Override
    public Integer call() throws Exception {
        Comparison.Budget b = budget();
        List<Contender> contenders = contenders();
        OutputDirectory target;
        try {
            target = OutputDirectory.check(out);     // links followed; what killed runs left is removed
        } catch (Main.BadOption e) {
            throw Main.invalid(spec, e.getMessage());
        }
        Kernels.checkConfiguration();
        System.out.println("comparing " + contenders.stream().map(Contender::name).toList() + "; product kernels: "
                + Kernels.active());
        Comparison c = Comparison.run(contenders, b);
        target.write(dir -> write(c, dir));
        System.out.println("wrote " + String.join(", ", FILES) + " to " + target.target());
        return 0;
    }

    /** The files written, in order. */
    static final List<String> FILES = List.of("table.csv", "table.html", "samples.csv", "decay.png",
            "time-names.png", "time-tinyshakespeare.png");

    static void write(Comparison c, Path dir) throws IOException {
        Table t = c.table();
        OutputDirectory.writeCsv(dir, "table.csv", t);
        String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(t.name())
                + "</title></head>\n<body>\n<h1>" + escape(t.name()) + "</h1>\n<p>" + escape(c.budget().toString())
                + "</p>\n" + Tables.html(t, Integer.MAX_VALUE) + "\n<h2>samples</h2>\n"
                + Tables.html(c.samples(), Integer.MAX_VALUE) + "\n<p><img src=\"decay.png\"></p>\n"
                + "<p><img src=\"time-names.png\"></p>\n<p><img src=\"time-tinyshakespeare.png\"></p>\n</body></html>\n";
        OutputDirectory.writeText(dir, "table.html", html);
        OutputDirectory.writeCsv(dir, "samples.csv", c.samples());
        OutputDirectory.writePng(dir, "decay.png", c.decayChart().xyChart());
        OutputDirectory.writePng(dir, "time-names.png", c.timeChart(Comparison.NAMES).xyChart());
        OutputDirectory.writePng(dir, "time-tinyshakespeare.png", c.timeChart(Comparison.SHAKESPEARE).xyChart());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private Comparison.Budget budget() {
        Comparison.Budget b = switch (budget.toLowerCase(Locale.ROOT)) {
            case "standard" -> Comparison.Budget.standard();
            case "notebook" -> Comparison.Budget.notebook();
            case "smoke" -> Comparison.Budget.smoke();
            default -> throw Main.invalid(spec, "--budget '" + budget + "': expected standard, notebook or smoke");
        };
        if (seeds != null) {
            if (seeds < 1 || seeds > 100) throw Main.invalid(spec, "--seeds " + seeds + ": must be 1 … 100");
            long[] s = new long[seeds];
            for (int i = 0; i < s.length; i++) s[i] = i + 1;
            b = b.withSeeds(s);
        }
        if (params != null) {
            if (params < 100 || params > 100_000_000) {
                throw Main.invalid(spec, "--params " + params + ": must be 100 … 100,000,000");
            }
            b = b.withParams(params);
        }
        if (steps != null) {
            if (steps < 10 || steps % 10 != 0) throw Main.invalid(spec, "--steps " + steps + ": must be a multiple of 10, ≥ 10");
            b = b.withSteps(steps, steps / 10);
        }
        if (noTasks) b = b.withTasks(null);
        return b;
    }

    private List<Contender> contenders() {
        if (models == null || models.isEmpty()) return Contender.defaults();
        List<Contender> out = new ArrayList<>();
        for (String m : models) {
            Contender c;
            try {
                c = Contender.of(m);
            } catch (IllegalArgumentException e) {
                throw Main.invalid(spec, "--models: " + e.getMessage());
            }
            if (out.contains(c)) throw Main.invalid(spec, "--models: '" + m + "' is named twice");
            out.add(c);
        }
        return out;
    }

    /** The model names for --help. */
    static final class ModelNames extends ArrayList<String> {
        ModelNames() {
            for (Contender c : Contender.defaults()) add(c.name().toLowerCase(Locale.ROOT));
        }
    }
}
