package io.github.lmworkbook.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.lmworkbook.Version;
import io.github.lmworkbook.experiments.Outcome;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The evidence directory ({@code notebooks/evidence/}): per experiment {@code <id>.csv} (every number of every run,
 * tidy: the condition fields, scale, seed, metric, x, value — values as Java prints a double, so they read back
 * to the same bits), {@code <id>.json} (provenance: the library version, the configuration and its SHA-256, seeds,
 * budgets, the commit each run was made at) and {@code <id>.cpu.csv} (each run's CPU seconds: a measure of the
 * machine, never read by a claim). Every file is written to a temporary file beside it and renamed into place.
 */
public final class EvidenceStore {
    /** The system property (or environment variable {@code LMW_EVIDENCE_DIR}) that names the directory. */
    public static final String PROPERTY = "lmworkbook.evidence";

    private final Path dir;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvidenceStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The store in a directory.
     *
     * @param dir the directory
     * @return the store
     */
    public static EvidenceStore at(Path dir) {
        return new EvidenceStore(dir);
    }

    /**
     * The committed evidence directory: {@code -Dlmworkbook.evidence} or {@code $LMW_EVIDENCE_DIR} if set, else the
     * first of {@code notebooks/evidence}, {@code evidence} and {@code ../notebooks/evidence} that exists under the
     * working directory (the repository's root, the notebooks' directory, a module's directory).
     *
     * @return the directory
     */
    public static Path dir() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv("LMW_EVIDENCE_DIR");
        if (p != null && !p.isBlank()) return Path.of(p);
        for (String c : List.of("notebooks/evidence", "evidence", "../notebooks/evidence")) {
            Path d = Path.of(c);
            if (Files.isDirectory(d)) return d;
        }
        throw new IllegalStateException("no evidence directory: run from the repository (notebooks/evidence), from"
                + " notebooks/, or set -D" + PROPERTY + " or LMW_EVIDENCE_DIR");
    }

    /**
     * The directory of this store.
     *
     * @return the directory
     */
    public Path path() {
        return dir;
    }

    Path csv(String id) {
        return dir.resolve(id + ".csv");
    }

    /**
     * The provenance field naming the kernels the runs were made with: the Vector API's exponential differs in the
     * last bit between vector widths, so results are bit for bit the same only on kernels of the same width.
     */
    public static final String KERNELS = "product kernels";

    Path json(String id) {
        return dir.resolve(id + ".json");
    }

    Path cpu(String id) {
        return dir.resolve(id + ".cpu.csv");
    }

    /**
     * Whether results of the experiment exist here.
     *
     * @param id the experiment's id
     * @return true when they exist
     */
    public boolean has(String id) {
        return Files.isRegularFile(csv(id));
    }

    // ------------------------------------------------------------------------------------------------- rows

    /** One number of one run. x is NaN for a single number (a metric), the point's x for a curve. */
    record Row(Condition condition, int scale, long seed, String metric, double x, double value) {}

    /** Every number of the evidence, in the order of the file. */
    static List<Row> rows(Evidence ev) {
        List<Row> out = new ArrayList<>();
        for (Condition c : ev.conditions()) {
            for (int s : ev.scales()) {
                for (long seed : ev.seeds(c, s)) {
                    Outcome o = ev.run(c, s, seed);
                    o.metrics().forEach((m, v) -> out.add(new Row(c, s, seed, m, Double.NaN, v)));
                    o.curves().forEach((m, xy) -> {
                        for (int k = 0; k < xy[0].length; k++) out.add(new Row(c, s, seed, m, xy[0][k], xy[1][k]));
                    });
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------- read

    /**
     * The results of an experiment; one line naming the file when it is missing or malformed.
     *
     * @param id the experiment's id
     * @return the results
     */
    public Evidence load(String id) {
        Path f = csv(id);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no evidence '" + id + "' in " + dir.toAbsolutePath().normalize()
                    + " (run: lmworkbook evidence run " + id + ")");
        }
        Table t;
        try {
            List<String> header = List.of(Files.newBufferedReader(f, StandardCharsets.UTF_8).readLine().split(",",
                    -1));
            ColumnType[] types = new ColumnType[header.size()];
            Arrays.fill(types, ColumnType.STRING);
            t = Table.read().usingOptions(CsvReadOptions.builder(f.toFile()).columnTypes(types)
                    .missingValueIndicator("").maxCharsPerColumn(1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException(f + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(f + ": not an evidence file (" + e.getMessage() + ")", e);
        }
        List<String> cols = t.columnNames();
        int n = cols.size();
        if (n < 5 || !cols.subList(n - 5, n).equals(List.of("scale", "seed", "metric", "x", "value"))) {
            throw new IllegalArgumentException(f + ": expected the columns <fields…>, scale, seed, metric, x, value; got "
                    + cols);
        }
        List<String> fields = cols.subList(0, n - 5);
        Map<String, Outcome> runs = new LinkedHashMap<>();
        Map<String, Condition> conditions = new LinkedHashMap<>();
        Map<String, Map<String, List<double[]>>> curves = new LinkedHashMap<>();   // run → curve → points
        for (int r = 0; r < t.rowCount(); r++) {
            Map<String, String> fv = new LinkedHashMap<>();
            for (String name : fields) fv.put(name, t.stringColumn(name).get(r));
            Condition c = conditions.computeIfAbsent(Condition.of(fv).key(), k -> Condition.of(fv));
            int scale;
            long seed;
            double x, value;
            String metric = t.stringColumn("metric").get(r);
            try {
                scale = Integer.parseInt(t.stringColumn("scale").get(r));
                seed = Long.parseLong(t.stringColumn("seed").get(r));
                String xs = t.stringColumn("x").get(r);
                x = xs.isEmpty() ? Double.NaN : Double.parseDouble(xs);
                value = Double.parseDouble(t.stringColumn("value").get(r));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(f + ": row " + (r + 2) + ": " + e.getMessage());
            }
            String key = Evidence.key(c, scale, seed);
            Outcome o = runs.computeIfAbsent(key, k -> new Outcome());
            if (Double.isNaN(x)) {
                o.metric(metric, value);
            } else {
                curves.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(metric,
                        k -> new ArrayList<>()).add(new double[] {x, value});
            }
        }
        curves.forEach((key, cs) -> cs.forEach((name, pts) -> {
            double[] xs = new double[pts.size()], ys = new double[pts.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = pts.get(i)[0];
                ys[i] = pts.get(i)[1];
            }
            runs.get(key).curve(name, xs, ys);
        }));
        return new Evidence(id, fields, List.copyOf(conditions.values()), runs);
    }

    /**
     * The provenance of an experiment's results (empty if there is none).
     *
     * @param id the experiment's id
     * @return the provenance
     */
    public ObjectNode provenance(String id) {
        Path f = json(id);
        if (!Files.isRegularFile(f)) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (!(n instanceof ObjectNode o)) throw new IllegalArgumentException(f + ": not a JSON object");
            return o;
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not readable as JSON (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The CPU seconds of each run, by run key (empty if none were recorded).
     *
     * @param id the experiment's id
     * @return the CPU seconds by run key
     */
    public Map<String, Double> cpuSeconds(String id) {
        Map<String, Double> out = new LinkedHashMap<>();
        Path f = cpu(id);
        if (!Files.isRegularFile(f)) return out;
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                int comma = line.lastIndexOf(',');
                if (comma > 0) out.put(line.substring(0, comma), Double.parseDouble(line.substring(comma + 1)));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(f + ": not readable (" + e.getMessage() + ")", e);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------- write

    /** Writes the results, their provenance and the CPU seconds (each file atomically). */
    void write(Experiment e, Evidence ev, Map<String, String> commits, Map<String, Double> cpu) throws IOException {
        Files.createDirectories(dir);
        writeAtomically(csv(e.id()), csvText(ev));
        writeAtomically(json(e.id()), provenanceText(e, ev, commits));
        StringBuilder sb = new StringBuilder("run,cpu seconds\n");
        for (Map.Entry<String, Double> c : cpu.entrySet()) sb.append(c.getKey()).append(',').append(c.getValue())
                .append('\n');
        writeAtomically(cpu(e.id()), sb.toString());
    }

    static String csvText(Evidence ev) {
        List<StringColumn> cols = new ArrayList<>();
        for (String f : ev.fields()) cols.add(StringColumn.create(f));
        StringColumn scale = StringColumn.create("scale"), seed = StringColumn.create("seed"),
                metric = StringColumn.create("metric"), x = StringColumn.create("x"), value = StringColumn.create("value");
        for (Row r : rows(ev)) {
            for (int i = 0; i < cols.size(); i++) cols.get(i).append(r.condition().get(ev.fields().get(i)));
            scale.append(String.valueOf(r.scale()));
            seed.append(String.valueOf(r.seed()));
            metric.append(r.metric());
            x.append(Double.isNaN(r.x()) ? "" : Double.toString(r.x()));
            value.append(Double.toString(r.value()));
        }
        Table t = Table.create(ev.id());
        for (StringColumn c : cols) t.addColumns(c);
        t.addColumns(scale, seed, metric, x, value);
        StringWriter w = new StringWriter();
        t.write().csv(w);
        return w.toString();
    }

    String provenanceText(Experiment e, Evidence ev, Map<String, String> commits) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        o.put("title", e.title());
        o.put("notebook", e.notebook());
        o.put("library", Version.get());
        o.put(KERNELS, io.github.lmworkbook.core.Kernels.active());
        o.put("budget", e.budget());
        ArrayNode scales = o.putArray("scales");
        for (int s : ev.scales()) scales.add(s);
        ArrayNode seeds = o.putArray("seeds");
        for (long s : ev.seeds()) seeds.add(s);
        ArrayNode fields = o.putArray("fields");
        for (String f : ev.fields()) fields.add(f);
        o.put("conditions", ev.conditions().size());
        o.put("runs", ev.runs().size());
        o.put("config", e.config());
        o.put("config sha-256", sha256(e.config()));
        o.put("regenerate", "java --add-modules=jdk.incubator.vector -jar lib/target/lmworkbook-all.jar evidence run "
                + e.id());
        ObjectNode at = o.putObject("commit of each run");
        for (String k : ev.runs().keySet()) at.put(k, commits.getOrDefault(k, "unknown"));
        return JSON.writeValueAsString(o) + "\n";
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The SHA-256 of a text, in hex. */
    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The commit the working tree is at ("…-dirty" with uncommitted changes to tracked files), or "unknown". */
    static String commit() {
        try {
            String head = git("rev-parse", "HEAD");
            if (head == null || head.isBlank()) return "unknown";
            String status = git("status", "--porcelain", "--untracked-files=no", "--", "lib/src/main");
            return head.trim() + (status != null && !status.isBlank() ? "-dirty" : "");
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public String toString() {
        return "EvidenceStore(" + dir + ")";
    }

}
