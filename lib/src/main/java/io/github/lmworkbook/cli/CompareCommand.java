package io.github.lmworkbook.cli;

import io.github.lmworkbook.charts.Tables;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.experiments.Comparison;
import io.github.lmworkbook.experiments.Contender;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Runs the comparison of the workbook's models ({@link Comparison}) headless and writes its table (CSV and HTML),
 * its charts (PNG) and the samples into a directory. The files are written into a temporary directory beside the
 * target and renamed into place at the end: the directory holds all of them or none.
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
        Path target = out.toAbsolutePath().normalize();
        checkTarget(target);
        Kernels.checkConfiguration();
        System.out.println("comparing " + contenders.stream().map(Contender::name).toList() + "; product kernels: "
                + Kernels.active());
        Comparison c = Comparison.run(contenders, b);
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".part-");
        try {
            write(c, tmp);
            if (Files.isDirectory(target)) Files.delete(target);   // empty (checked): replaced by the full one
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        System.out.println("wrote " + String.join(", ", FILES) + " to " + target);
        return 0;
    }

    /** The files written, in order. */
    static final List<String> FILES = List.of("table.csv", "table.html", "samples.csv", "decay.png",
            "time-names.png", "time-tinyshakespeare.png");

    static void write(Comparison c, Path dir) throws IOException {
        Table t = withBits(c.table());
        t.write().csv(dir.resolve("table.csv").toFile());
        String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(t.name())
                + "</title></head>\n<body>\n<h1>" + escape(t.name()) + "</h1>\n<p>" + escape(c.budget().toString())
                + "</p>\n" + Tables.html(t, Integer.MAX_VALUE) + "\n<h2>samples</h2>\n"
                + Tables.html(c.samples(), Integer.MAX_VALUE) + "\n<p><img src=\"decay.png\"></p>\n"
                + "<p><img src=\"time-names.png\"></p>\n<p><img src=\"time-tinyshakespeare.png\"></p>\n</body></html>\n";
        Files.writeString(dir.resolve("table.html"), html, StandardCharsets.UTF_8);
        c.samples().write().csv(dir.resolve("samples.csv").toFile());
        png(c.decayChart().xyChart(), dir.resolve("decay.png"));
        png(c.timeChart(Comparison.NAMES).xyChart(), dir.resolve("time-names.png"));
        png(c.timeChart(Comparison.SHAKESPEARE).xyChart(), dir.resolve("time-tinyshakespeare.png"));
    }

    /**
     * The table with, after each test loss (nats per character, mean and std over the seeds), the same in bits per
     * character: one number in two units (÷ ln 2, which carries through a mean and a standard deviation).
     */
    static Table withBits(Table t) {
        for (String corpus : List.of(Comparison.NAMES, Comparison.SHAKESPEARE)) {
            for (String loss : List.of(Comparison.LOSS_STEPS, Comparison.LOSS_TIME)) {
                String name = corpus + ": " + loss;
                if (!t.columnNames().contains(name)) continue;
                String bits = name.replace("test loss", "test bits/char");
                for (String suffix : List.of("", " ± std")) {
                    tech.tablesaw.api.DoubleColumn nats = t.doubleColumn(name + suffix);
                    double[] b = new double[nats.size()];
                    for (int i = 0; i < b.length; i++) {
                        double v = nats.getDouble(i) / Math.log(2);
                        b[i] = Double.isFinite(v) ? Math.round(v * 1e4) / 1e4 : v;
                    }
                    t.insertColumn(t.columnIndex(name + " ± std") + 1 + (suffix.isEmpty() ? 0 : 1),
                            tech.tablesaw.api.DoubleColumn.create(bits + suffix, b));
                }
            }
        }
        return t;
    }

    private static void png(XYChart chart, Path file) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);   // adds no suffix: ends .png
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

    private void checkTarget(Path target) throws IOException {
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) throw Main.invalid(spec, "--out " + out + ": exists and is not a directory");
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw Main.invalid(spec, "--out " + out + ": the directory is not empty (nothing is overwritten)");
                }
            }
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw Main.invalid(spec, "--out " + out + ": the parent directory does not exist");
        }
        if (!Files.isWritable(parent)) throw Main.invalid(spec, "--out " + out + ": the parent directory is not writable");
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover hidden .part directory names itself
        }
    }

    /** The model names for --help. */
    static final class ModelNames extends ArrayList<String> {
        ModelNames() {
            for (Contender c : Contender.defaults()) add(c.name().toLowerCase(Locale.ROOT));
        }
    }
}
