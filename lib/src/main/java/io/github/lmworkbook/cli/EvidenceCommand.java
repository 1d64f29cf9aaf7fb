package io.github.lmworkbook.cli;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.evidence.Catalog;
import io.github.lmworkbook.evidence.Claim;
import io.github.lmworkbook.evidence.EvidenceRunner;
import io.github.lmworkbook.evidence.EvidenceStore;
import io.github.lmworkbook.evidence.Experiment;
import io.github.lmworkbook.evidence.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The evidence behind the notebooks' claims: list the experiments and claims, run experiments (resumable), and
 * check the claims against committed results or anyone's re-run.
 */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = "The evidence behind the notebooks' claims: long, multi-seed experiments committed as data.",
        subcommands = {EvidenceCommand.ListCommand.class, EvidenceCommand.RunCommand.class,
                EvidenceCommand.CheckCommand.class, EvidenceCommand.ShowCommand.class})
final class EvidenceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static Path dir(CommandSpec spec, Path given) {
        if (given != null) return given;
        try {
            return EvidenceStore.dir();
        } catch (IllegalStateException e) {
            throw Main.invalid(spec, e.getMessage() + " (or give --dir)");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The experiments and the claims.")
    static final class ListCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            System.out.println("experiments (id: runs = conditions × budgets × seeds):");
            for (Experiment e : Catalog.experiments()) {
                System.out.printf(Locale.ROOT, "  %-22s %4d = %d × %d × %d  [%s] %s%n", e.id(), e.runs(),
                        e.conditions().size(), e.scales().length, e.seeds().length, e.notebook(), e.title());
            }
            System.out.println("claims:");
            for (Claim c : Catalog.claims()) System.out.printf("  %-28s %s%n", c.id(), c.statement());
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run experiments into the evidence directory; runs with results there are not run again.")
    static final class RunCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "ID", description = "Experiment ids (see: evidence list).")
        List<String> ids = new ArrayList<>();

        @Option(names = "--all", description = "Every experiment.")
        boolean all;

        @Option(names = "--jobs", defaultValue = "2", description = "Runs at once (default 2).")
        int jobs;

        @Option(names = "--seeds", split = ",", description = "Other seeds than the declared ones, e.g. 7,8,9 (an"
                + " outsider's re-run; give --dir too).")
        long[] seeds;

        @Option(names = "--scales", split = ",", description = "Only these budgets, e.g. 1 or 1,4 (default: the"
                + " declared 1,4).")
        int[] scales;

        @Option(names = "--dir", description = "The evidence directory (default: notebooks/evidence).")
        Path dir;

        @Option(names = "--fresh", description = "Discard the results in the directory first.")
        boolean fresh;

        @Option(names = "--where", split = ",", description = "Only the conditions with these fields, e.g."
                + " --where model=GRU,size=10k (one experiment).")
        List<String> where = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            if (all == !ids.isEmpty()) throw Main.invalid(spec, "name experiment ids or give --all, not both or none");
            if (jobs < 1 || jobs > 64) throw Main.invalid(spec, "--jobs " + jobs + ": must be 1 … 64");
            if (seeds != null) {
                if (seeds.length == 0 || Arrays.stream(seeds).distinct().count() != seeds.length) {
                    throw Main.invalid(spec, "--seeds: give distinct seeds, e.g. 7,8,9");
                }
                if (dir == null) {
                    throw Main.invalid(spec, "--seeds: give --dir too, so that the committed evidence keeps its"
                            + " declared seeds");
                }
            }
            if (scales != null) {
                for (int s : scales) if (s < 1 || s > 64) throw Main.invalid(spec, "--scales: " + s + " is not 1 … 64");
            }
            List<Experiment> todo = new ArrayList<>();
            if (all) {
                todo.addAll(Catalog.experiments());
            } else {
                for (String id : ids) {
                    try {
                        todo.add(Catalog.experiment(id));
                    } catch (IllegalArgumentException e) {
                        throw Main.invalid(spec, e.getMessage());
                    }
                }
            }
            io.github.lmworkbook.evidence.Condition partial = null;
            if (!where.isEmpty()) {
                if (todo.size() != 1) throw Main.invalid(spec, "--where: name exactly one experiment");
                List<Object> kv = new ArrayList<>();
                for (String w : where) {
                    int eq = w.indexOf('=');
                    if (eq < 1) throw Main.invalid(spec, "--where '" + w + "': expected field=value");
                    kv.add(w.substring(0, eq));
                    kv.add(w.substring(eq + 1));
                }
                partial = io.github.lmworkbook.evidence.Condition.of(kv.toArray());
                try {
                    todo.set(0, todo.get(0).only(partial));
                } catch (IllegalArgumentException e) {
                    throw Main.invalid(spec, e.getMessage());
                }
            }
            Path d = dir(spec, dir);
            Files.createDirectories(d);
            Kernels.checkConfiguration();
            System.out.println("evidence into " + d.toAbsolutePath().normalize() + "; product kernels: "
                    + Kernels.active() + "; " + jobs + " run(s) at a time");
            EvidenceRunner runner = new EvidenceRunner(d, jobs, System.out);
            List<String> failed = new ArrayList<>();
            for (Experiment e : todo) {
                Experiment x = e;
                if (seeds != null) x = x.withSeeds(seeds);
                if (scales != null) x = x.withScales(scales);
                EvidenceRunner.Report r = runner.run(x, fresh);
                failed.addAll(r.failed());
            }
            if (!failed.isEmpty()) {
                System.err.println("evidence run: " + failed.size() + " run(s) failed, e.g. " + failed.get(0));
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A metric of an experiment's results: mean ± std (min … max; seeds) per condition and budget.")
    static final class ShowCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "The experiment id.")
        String id;

        @Parameters(index = "1", arity = "0..1", paramLabel = "METRIC", description = "The metric (default: the"
                + " first; the list is printed).")
        String metric;

        @Option(names = "--dir", description = "The evidence directory (default: notebooks/evidence).")
        Path dir;

        @Option(names = "--where", split = ",", description = "Only conditions with these fields, e.g."
                + " --where model=GRU,size=10k")
        List<String> where = new ArrayList<>();

        @Override
        public Integer call() {
            Path d = dir(spec, dir);
            io.github.lmworkbook.evidence.Evidence ev;
            try {
                ev = io.github.lmworkbook.evidence.Evidence.load(d, id);
            } catch (IllegalArgumentException e) {
                throw Main.invalid(spec, e.getMessage());
            }
            List<Object> partial = new ArrayList<>();
            for (String w : where) {
                int eq = w.indexOf('=');
                if (eq < 1) throw Main.invalid(spec, "--where '" + w + "': expected field=value");
                partial.add(w.substring(0, eq));
                partial.add(w.substring(eq + 1));
            }
            var first = ev.run(ev.conditions().get(0), ev.scales()[0], ev.seeds(ev.conditions().get(0),
                    ev.scales()[0])[0]);
            String m = metric == null ? first.metrics().keySet().iterator().next() : metric;
            if (!first.metrics().containsKey(m)) {
                throw Main.invalid(spec, "no metric '" + m + "'; there are " + first.metrics().keySet());
            }
            System.out.println("metrics: " + first.metrics().keySet() + "; curves: " + first.curves().keySet());
            System.out.println(ev.summary(m, partial.toArray()).printAll());
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check the claims against the results in a directory (default: the committed evidence).")
    static final class CheckCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..*", paramLabel = "CLAIM", description = "Claim ids (default: every claim whose"
                + " experiments have results there).")
        List<String> ids = new ArrayList<>();

        @Option(names = "--dir", description = "The evidence directory (default: notebooks/evidence).")
        Path dir;

        @Option(names = "--quiet", description = "Only the verdict line of each claim.")
        boolean quiet;

        @Override
        public Integer call() {
            Path d = dir(spec, dir);
            Claim.Sources sources = new Claim.Sources(d);
            List<Claim> claims = new ArrayList<>();
            if (ids.isEmpty()) {
                for (Claim c : Catalog.claims()) {
                    if (c.experiments().stream().allMatch(sources::has)) claims.add(c);
                }
            } else {
                for (String id : ids) {
                    try {
                        claims.add(Catalog.claim(id));
                    } catch (IllegalArgumentException e) {
                        throw Main.invalid(spec, e.getMessage());
                    }
                }
            }
            int held = 0, unchecked = 0;
            for (Claim c : claims) {
                Verdict v;
                try {
                    v = c.verify(sources);
                } catch (IllegalArgumentException | IllegalStateException e) {   // a partial re-run lacks its runs
                    unchecked++;
                    System.out.println("CANNOT CHECK [" + c.id() + "] " + c.statement());
                    System.out.println("  the evidence lacks runs the claim needs: " + e.getMessage());
                    continue;
                }
                if (v.holds()) held++;
                System.out.println((v.holds() ? "HOLDS " : "FAILS ") + "[" + c.id() + "] " + c.statement());
                if (!quiet || !v.holds()) System.out.println(v.toString().indent(2).stripTrailing());
            }
            System.out.printf("%d of %d claims hold against %s%s%n", held, claims.size(), d.toAbsolutePath().normalize(),
                    unchecked == 0 ? "" : " (" + unchecked + " could not be checked: their runs are missing)");
            return held == claims.size() ? 0 : 1;
        }
    }
}
