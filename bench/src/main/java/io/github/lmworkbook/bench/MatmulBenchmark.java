package io.github.lmworkbook.bench;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.PlainKernels;
import io.github.lmworkbook.core.VectorKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * GFLOP/s of the product kernels, C += A·B, C += Aᵀ·B and C += A·Bᵀ in double, one thread, for the shapes the
 * models use: naive i-j-k loops (reference), {@link PlainKernels}, {@link VectorKernels}, and optionally a BLAS
 * figure measured in the same run by {@code bench/blas_reference.py --serve} (numpy + OpenBLAS) in a child
 * process, and optionally an MKL figure, {@code bench/blas_reference.py --serve --lib torch} (torch.mm in float64
 * on one thread, MKL's dgemm in the PyPI wheel) in a second child process. Run it through {@code bench/matmul.sh},
 * or directly:
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp bench/target/lmworkbook-bench.jar io.github.lmworkbook.bench.MatmulBenchmark [--blas-python PYTHON] [--torch-python PYTHON]
 * </pre>
 * Each figure is the median over {@code --reps} rounds; a round runs one batch of calls (≥ {@code --batch-ms}) of
 * every variant, BLAS included, in an order that rotates from round to round, after a warm-up of ≥ 0.3 s per
 * variant and shape so that C2 has compiled the kernel. A ratio to BLAS (or to MKL) is the median of the
 * per-round ratios: both of its sides ran within the same ~200 ms, under the same load.
 *
 * <p>{@code --precision float32} measures the float32 products instead: the vector variant is {@code FloatKernels}
 * (what {@code Kernels.setPrecision(FLOAT32)} runs), the references run sgemm ({@code blas_reference.py --dtype
 * float32}: float32 arrays in numpy, float32 tensors in torch), and the peak counts float lanes; naive and plain stay
 * the double loops, for scale.
 */
@Command(name = "MatmulBenchmark", mixinStandardHelpOptions = true,
        description = "GFLOP/s of the matrix-product kernels (one thread, double) against a BLAS reference.")
public final class MatmulBenchmark implements Callable<Integer> {

    /** (m, k, n) with C m × n and contraction length k: the models' forward products and their backward ones. */
    static final int[][] SHAPES = {
        {32, 64, 64},    // MLP hidden layer h·W, RNN h·Whh (B=32, H=64)
        {32, 192, 64},   // concatenated context (3 × 64) · W
        {32, 64, 27},    // logits: h · Wout (vocabulary 27)
        {512, 64, 27},   // logits over all time steps at once (B·T = 512)
        {512, 64, 64},   // input projection x·Wx batched over time steps
        {64, 32, 64},    // weight gradient hᵀ·dy (as Aᵀ·B)
        {32, 27, 64},    // input gradient dlogits·Woutᵀ (as A·Bᵀ)
        {64, 512, 27},   // weight gradient over all time steps
        {64, 64, 64},
        {128, 128, 128},
        {256, 256, 256},
        {512, 512, 512},
        {512, 1024, 64}, // makemore's MLP at all 512 positions: x (context 16 × embedding 64) · H
    };

    static final String[] KINDS = {"AB", "AtB", "ABt"};
    static final Map<String, String> KIND_LABEL = Map.of("AB", "A·B", "AtB", "Aᵀ·B", "ABt", "A·Bᵀ");

    @Option(names = "--blas", description = "CSV written by bench/blas_reference.py (m,k,n,kind,gflops,best,library); "
            + "measured before, not interleaved: prefer --blas-python.")
    Path blas;

    @Option(names = "--blas-python", description = "Python whose numpy is the BLAS reference: runs "
            + "bench/blas_reference.py --serve and interleaves its batches with the Java ones (bench/matmul.sh passes it).")
    String blasPython;

    @Option(names = "--torch-python", description = "Python whose torch (MKL in the PyPI wheel) is the second "
            + "reference: runs bench/blas_reference.py --serve --lib torch and interleaves its batches too (bench/matmul.sh "
            + "passes it). Without torch there the column is left out, with one line saying why.")
    String torchPython;

    @Option(names = "--blas-script", defaultValue = "bench/blas_reference.py",
            description = "The reference script for --blas-python and --torch-python (default: ${DEFAULT-VALUE}).")
    Path blasScript;

    @Option(names = "--print-shapes", description = "Print the shapes (m,k,n per line) and exit.")
    boolean printShapes;

    @Option(names = "--shapes", split = ";", description = "Shapes to run instead of the default list, e.g. 32,64,64;256,256,256.")
    List<String> shapes;

    @Option(names = "--naive", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Measure the naive i-j-k loops too (default: ${DEFAULT-VALUE}).")
    boolean naive;

    @Option(names = "--reps", defaultValue = "9", description = "Timed batches per figure; the median is reported.")
    int reps;

    @Option(names = "--batch-ms", defaultValue = "40", description = "Minimum duration of one timed batch.")
    double batchMs;

    @Option(names = "--jit-warmup-ms", defaultValue = "200", description = "Global warm-up per kernel, kind and "
            + "warm-up shape before the first timed shape (default: ${DEFAULT-VALUE}).")
    long jitWarmupMs;

    @Option(names = "--clock", defaultValue = "wall", description = "wall: elapsed time (default); cpu: the measuring "
            + "thread's CPU time on both sides (time the thread was not scheduled does not count: steadier ratios on a "
            + "loaded machine, but not what a user waits for).")
    String clock;

    @Option(names = "--peak-gflops", description = "Peak GFLOP/s of one core (default: cpu MHz × 2 FMA units × lanes × 2).")
    Double peakGflops;

    @Option(names = "--csv", description = "Also write the long result table to this CSV file.")
    Path csvOut;

    @Option(names = "--precision", defaultValue = "float64", description = "float64 (default: the vector kernels "
            + "against dgemm) or float32 (FloatKernels against sgemm).")
    String precision;

    private boolean f32;

    /** A product kernel: C (m × n) += op(A) · op(B). */
    interface Kernel {
        void run(double[][] A, double[][] B, double[][] C, int m, int k, int n);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MatmulBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        int[][] shapeList = shapes == null ? SHAPES : shapes.stream()
                .map(s -> Arrays.stream(s.split(",")).mapToInt(v -> Integer.parseInt(v.trim())).toArray())
                .toArray(int[][]::new);
        if (printShapes) {
            for (int[] s : shapeList) System.out.println(s[0] + "," + s[1] + "," + s[2]);
            return 0;
        }
        if (!clock.equals("wall") && !clock.equals("cpu")) {
            System.err.println("--clock " + clock + ": expected wall or cpu");
            return 2;
        }
        cpu = clock.equals("cpu");
        if (!precision.equals("float64") && !precision.equals("float32")) {
            System.err.println("--precision " + precision + ": expected float64 or float32");
            return 2;
        }
        f32 = precision.equals("float32");
        double peak = peak();
        boolean vector = Kernels.vectorAvailable();
        System.out.println("Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("Kernels.active(): " + Kernels.active());
        if (!vector) System.out.println("vector variant skipped: run java with --add-modules=jdk.incubator.vector");
        else System.out.println("vector micro-kernel: "
                + (f32 ? VectorVariant.floatBlock() + " floats" : VectorVariant.block()) + " block of C (rows × columns)");
        System.out.println("precision: "
                + (f32 ? "float32 (the vector variant is FloatKernels; BLAS and MKL run sgemm)" : "float64 (dgemm)"));

        Map<String, double[]> blasGflops = new LinkedHashMap<>();
        BlasServer server = null;
        Reference blasRef = blasPython == null ? null : startReference(blasPython, blasScript, "numpy", precision);
        if (blasRef != null && blasRef.server == null) {
            System.out.println("BLAS reference: none (" + blasRef.reason + ")");
        } else if (blasRef != null) {
            server = blasRef.server;
            String[] info = blasRef.info;   // short, long, warning, label
            System.out.println("BLAS reference: " + info[1]);
            if (info.length > 2 && !info[2].isEmpty()) {
                String bar = "!".repeat(100);
                System.out.println(bar + "\n!!! WARNING: " + info[2] + "\n!!! The BLAS column of this run is NOT a fair "
                        + "reference. Use a current numpy without OPENBLAS_CORETYPE (bench/peer_env.sh).\n" + bar);
            }
            System.out.println("BLAS reference: " + info[0] + " (interleaved with the Java kernels, batch by batch)");
        } else if (blas != null) {
            Table b = Table.read().csv(CsvReadOptions.builder(blas.toFile()).build());
            for (Row r : b) {
                blasGflops.put(key(r.getInt("m"), r.getInt("k"), r.getInt("n"), r.getString("kind")),
                        new double[] {r.getDouble("gflops"), r.getDouble("best")});
            }
            if (b.rowCount() > 0) System.out.println("BLAS reference: " + b.stringColumn("library").get(0)
                    + " (measured before the Java kernels, not interleaved)");
        } else {
            System.out.println("BLAS reference: none (pass --blas-python, or run bench/matmul.sh)");
        }
        BlasServer mklServer = null;
        String mkl = "MKL";   // the column's label: MKL, or torch when torch's BLAS is not MKL
        if (torchPython != null) {
            Reference r = startReference(torchPython, blasScript, "torch", precision);
            if (r.server == null) {
                System.out.println("MKL column: none (" + r.reason + ")");
            } else {
                mklServer = r.server;
                String[] info = r.info;   // short, long, warning, label
                if (info.length > 3 && !info[3].isEmpty()) mkl = info[3];
                System.out.println(mkl + " reference: " + info[1]);
                if (info.length > 2 && !info[2].isEmpty()) {
                    String bar = "!".repeat(100);
                    System.out.println(bar + "\n!!! WARNING: " + info[2] + "\n!!! The " + mkl + " column of this run "
                            + "is NOT a fair reference. Use the PyPI torch wheel without ATEN_CPU_CAPABILITY / "
                            + "MKL_ENABLE_INSTRUCTIONS (bench/peer_env.sh).\n" + bar);
                }
                System.out.println(mkl + " reference: " + info[0] + " (interleaved with the Java kernels and BLAS, "
                        + "batch by batch)");
            }
        } else {
            System.out.println("MKL column: none (pass --torch-python, or run bench/matmul.sh with torch in its venv)");
        }
        System.out.println("load average at the start: " + loadAverage());
        System.out.println("clock: " + (cpu ? "CPU time of the measuring thread (--clock cpu)" : "wall (elapsed) time"));
        System.out.println();

        Map<String, Kernel> plainK = Map.of("AB", PlainKernels::gemm, "AtB", PlainKernels::gemmTransA,
                "ABt", PlainKernels::gemmTransB);
        Map<String, Kernel> naiveK = Map.of("AB", MatmulBenchmark::naiveAB, "AtB", MatmulBenchmark::naiveAtB,
                "ABt", MatmulBenchmark::naiveABt);
        Map<String, Kernel> vectorK =
                vector ? (f32 ? VectorVariant.floatKernels() : VectorVariant.kernels()) : Map.of();

        StringColumn shapeCol = StringColumn.create("shape m×k×n"), kindCol = StringColumn.create("kind"),
                variantCol = StringColumn.create("variant");
        DoubleColumn gCol = DoubleColumn.create("GFLOP/s"), peakCol = DoubleColumn.create("%peak"),
                ratioCol = DoubleColumn.create("ratio to BLAS"), bestCol = DoubleColumn.create("best GFLOP/s"),
                mklRatioCol = DoubleColumn.create("ratio to " + mkl);
        Table wide = Table.create("Summary (GFLOP/s; ratio = kernel / BLAS" + (mklServer != null ? " or / " + mkl : "")
                + ")", StringColumn.create("shape m×k×n"), StringColumn.create("kind"), DoubleColumn.create("naive"),
                DoubleColumn.create("plain"), DoubleColumn.create("vector"), DoubleColumn.create("BLAS"),
                DoubleColumn.create("plain/BLAS"), DoubleColumn.create("vector/BLAS"), DoubleColumn.create("vector %peak"));
        if (mklServer != null) {
            wide.insertColumn(6, DoubleColumn.create(mkl));
            wide.addColumns(DoubleColumn.create("vector/" + mkl), DoubleColumn.create(mkl + "/BLAS"));
        }

        SplittableRandom rng = new SplittableRandom(1);
        // Global warm-up: get every kernel compiled by C2 before the first timed shape.
        System.out.println("warming up the kernels (JIT) ...");
        // Shapes with edge blocks and more than one block in m, k and n, so that every branch has been profiled
        // (a branch never seen by C2 becomes an uncommon trap: deoptimization and recompilation mid-measurement).
        for (int[] s : new int[][] {{64, 64, 64}, {133, 259, 27}, {37, 70, 515}, {30, 27, 61}}) {
            int m = s[0], k = s[1], n = s[2], r = Math.max(Math.max(m, k), n);
            double[][] A = random(r, r, rng), B = random(r, r, rng), C = random(m, n, rng);
            for (String kind : KINDS) {
                for (Map<String, Kernel> ks : List.of(plainK, vectorK)) {
                    Kernel f = ks.get(kind);
                    if (f == null) continue;
                    long t = System.nanoTime();
                    while (System.nanoTime() - t < jitWarmupMs * 1_000_000L) f.run(A, B, C, m, k, n);
                }
            }
        }
        for (int[] s : shapeList) {
            int m = s[0], k = s[1], n = s[2];
            String shape = m + "×" + k + "×" + n;
            for (String kind : KINDS) {
                double[][] A = kind.equals("AtB") ? random(k, m, rng) : random(m, k, rng);
                double[][] B = kind.equals("ABt") ? random(n, k, rng) : random(k, n, rng);
                double[][] C = random(m, n, rng);
                Map<String, Timed> variants = new LinkedHashMap<>();
                if (naive) variants.put("naive", javaVariant(naiveK.get(kind), A, B, C, m, k, n));
                variants.put("plain", javaVariant(plainK.get(kind), A, B, C, m, k, n));
                if (vector) variants.put("vector", javaVariant(vectorK.get(kind), A, B, C, m, k, n));
                if (server != null) variants.put("BLAS", server.variant(m, k, n, kind));
                if (mklServer != null) variants.put(mkl, mklServer.variant(m, k, n, kind));
                Map<String, double[]> rates = interleave(variants, 2.0 * m * k * n);
                Map<String, double[]> row = new LinkedHashMap<>();
                rates.forEach((v, g) -> row.put(v, medianAndBest(g)));
                double[] csvRef = blasGflops.get(key(m, k, n, kind));
                if (csvRef != null) row.put("BLAS", csvRef);
                double[] ref = row.get("BLAS");
                Map<String, Double> ratio = new LinkedHashMap<>();
                for (String v : row.keySet()) {
                    // interleaved: the median of the per-round ratios (both sides of each ratio measured within
                    // one round, i.e. under the same load); from a CSV: the ratio of the medians
                    ratio.put(v, ref == null ? Double.NaN : rates.containsKey("BLAS") && rates.containsKey(v)
                            ? median(pairedRatios(rates.get(v), rates.get("BLAS"))) : row.get(v)[0] / ref[0]);
                }
                Map<String, Double> mklRatio = new LinkedHashMap<>();
                if (mklServer != null) {
                    for (String v : row.keySet()) {
                        mklRatio.put(v, rates.containsKey(v) ? median(pairedRatios(rates.get(v), rates.get(mkl)))
                                : row.get(v)[0] / row.get(mkl)[0]);
                    }
                }
                for (Map.Entry<String, double[]> e : row.entrySet()) {
                    shapeCol.append(shape);
                    kindCol.append(KIND_LABEL.get(kind));
                    variantCol.append(e.getKey());
                    gCol.append(e.getValue()[0]);
                    peakCol.append(100 * e.getValue()[0] / peak);
                    ratioCol.append(ratio.get(e.getKey()));
                    mklRatioCol.append(mklRatio.getOrDefault(e.getKey(), Double.NaN));
                    bestCol.append(e.getValue()[1]);
                }
                double blasG = ref == null ? Double.NaN : ref[0];
                double pl = row.get("plain")[0], ve = row.containsKey("vector") ? row.get("vector")[0] : Double.NaN;
                wide.stringColumn("shape m×k×n").append(shape);
                wide.stringColumn("kind").append(KIND_LABEL.get(kind));
                wide.doubleColumn("naive").append(row.containsKey("naive") ? row.get("naive")[0] : Double.NaN);
                wide.doubleColumn("plain").append(pl);
                wide.doubleColumn("vector").append(ve);
                wide.doubleColumn("BLAS").append(blasG);
                wide.doubleColumn("plain/BLAS").append(ratio.get("plain"));
                wide.doubleColumn("vector/BLAS").append(ratio.getOrDefault("vector", Double.NaN));
                wide.doubleColumn("vector %peak").append(100 * ve / peak);
                String ratios = "";
                if (ref != null && vector) ratios += String.format(Locale.ROOT, "  vector/BLAS %.2f", ratio.get("vector"));
                if (mklServer != null) {
                    wide.doubleColumn(mkl).append(row.get(mkl)[0]);
                    wide.doubleColumn("vector/" + mkl).append(mklRatio.getOrDefault("vector", Double.NaN));
                    wide.doubleColumn(mkl + "/BLAS").append(ratio.get(mkl));
                    if (vector) ratios += String.format(Locale.ROOT, "  vector/%s %.2f", mkl, mklRatio.get("vector"));
                }
                System.out.printf(Locale.ROOT, "%-12s %-5s %s%s  [load %s]%n", shape, KIND_LABEL.get(kind), format(row),
                        ratios, loadAverage());
            }
        }
        if (server != null) server.close();
        if (mklServer != null) mklServer.close();
        Table results = Table.create("C += op(A)·op(B), " + (f32 ? "float32 products (vector = FloatKernels; "
                + "BLAS/MKL: sgemm)" : "double") + ", one thread; GFLOP/s = median of " + reps + " batches"
                + (cpu ? " (per CPU second)" : ""),
                shapeCol, kindCol, variantCol, gCol, peakCol, ratioCol, bestCol);
        if (mklServer != null) results.insertColumn(6, mklRatioCol);
        for (DoubleColumn c : List.of(gCol, peakCol, bestCol)) c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        ratioCol.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(2));
        mklRatioCol.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(2));
        for (int c = 2; c < wide.columnCount(); c++) {
            DoubleColumn col = wide.doubleColumn(c);
            col.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(col.name().contains("/") ? 2 : 1));
        }
        System.out.println();
        System.out.println(results.printAll());
        System.out.println();
        System.out.println(wide.printAll());
        String how = server != null
                ? "each the median of " + reps + " per-round ratios, BLAS and Java interleaved batch by batch"
                : "ratios of medians, BLAS measured before the Java kernels";
        System.out.println();
        if (vector) summarize(wide.doubleColumn("vector/BLAS"), how);
        if (mklServer != null) {
            String howMkl = "each the median of " + reps + " per-round ratios, " + mkl + " interleaved likewise";
            if (vector) summarize(wide.doubleColumn("vector/" + mkl), howMkl);
            if (server != null) summarize(wide.doubleColumn(mkl + "/BLAS"), howMkl);
        }
        System.out.println("load average at the end: " + loadAverage());
        if (csvOut != null) results.write().csv(csvOut.toFile());
        return 0;
    }

    /** "NAME over all shapes and kinds: min, median, max" of a ratio column, if it has any value. */
    private static void summarize(DoubleColumn ratio, String how) {
        if (ratio.countMissing() == ratio.size()) return;
        System.out.printf(Locale.ROOT, "%s over all shapes and kinds: min %.2f, median %.2f, max %.2f (%s)%n",
                ratio.name(), ratio.min(), ratio.median(), ratio.max(), how);
    }

    /** A started reference server with its info fields, or no server and the one-line reason why. */
    static final class Reference {
        final BlasServer server;
        final String[] info;
        final String reason;

        Reference(BlasServer server, String[] info, String reason) {
            this.server = server;
            this.info = info;
            this.reason = reason;
        }
    }

    /**
     * Starts {@code script --serve --lib lib} under {@code python} and asks for its info; if that fails (no such
     * python, the library is not installed there, the process ended), no server and the reason on one line.
     */
    static Reference startReference(String python, Path script, String lib) {
        return startReference(python, script, lib, "float64");
    }

    /** As above, the reference computing in dtype (float64: dgemm, float32: sgemm). */
    static Reference startReference(String python, Path script, String lib, String dtype) {
        BlasServer s;
        try {
            s = new BlasServer(python, script, lib, dtype);
        } catch (IOException e) {
            return new Reference(null, null, "cannot run " + python + ": " + e.getMessage());
        }
        try {
            return new Reference(s, s.info().split("\t", -1), null);
        } catch (RuntimeException e) {
            s.close();
            String m = e.getMessage();
            int at = m.indexOf("(error ");
            return new Reference(null, null, at >= 0 ? m.substring(at + 7, m.length() - 1)
                    : python + " " + script + " --serve --lib " + lib + " gave no answer (see its message above)");
        }
    }

    /**
     * A timed variant: {@code warmUp()} returns seconds per call once it is warm, {@code batch(c)} times c calls:
     * {wall seconds, CPU seconds of the measuring thread}.
     */
    interface Timed {
        double warmUp();

        double[] batch(int calls);
    }

    private boolean cpu;

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private Timed javaVariant(Kernel f, double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        return new Timed() {
            @Override
            public double warmUp() {
                // At least 0.3 s, then until two consecutive 50 ms batches agree within 10% (C2 has compiled the
                // kernel: interpreted Vector API code is ~1000× slower), at most 5 s.
                long start = System.nanoTime();
                double last = 0, perCall;
                while (true) {
                    long t = System.nanoTime();
                    long calls = 0;
                    do {
                        f.run(A, B, C, m, k, n);
                        calls++;
                    } while (System.nanoTime() - t < 50_000_000L);
                    perCall = (System.nanoTime() - t) * 1e-9 / calls;
                    double rate = 1 / perCall;
                    long elapsed = System.nanoTime() - start;
                    if (elapsed > 5_000_000_000L || (elapsed > 300_000_000L && Math.abs(rate - last) < 0.1 * rate)) break;
                    last = rate;
                }
                return perCall;
            }

            @Override
            public double[] batch(int calls) {
                long t = System.nanoTime(), c0 = THREADS.getCurrentThreadCpuTime();
                for (int c = 0; c < calls; c++) f.run(A, B, C, m, k, n);
                long c1 = THREADS.getCurrentThreadCpuTime(), t1 = System.nanoTime();
                return new double[] {(t1 - t) * 1e-9, (c1 - c0) * 1e-9};
            }
        };
    }

    /**
     * GFLOP/s of every variant in each of {@code reps} rounds. Each variant is warmed up, then every round runs
     * one batch (≥ {@code batchMs}) of each variant, the order rotating from round to round, so that every variant
     * sees the same load (the machine is shared) and a ratio can be taken within each round.
     */
    private Map<String, double[]> interleave(Map<String, Timed> variants, double flop) {
        List<String> names = new ArrayList<>(variants.keySet());
        Map<String, Integer> calls = new LinkedHashMap<>();
        for (String v : names) {
            double perCall = variants.get(v).warmUp();
            calls.put(v, (int) Math.max(1, Math.ceil(batchMs * 1e-3 / perCall)));
        }
        Map<String, double[]> g = new LinkedHashMap<>();
        for (String v : names) g.put(v, new double[reps]);
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < names.size(); i++) {
                String v = names.get((i + r) % names.size());
                double seconds = variants.get(v).batch(calls.get(v))[cpu ? 1 : 0];
                g.get(v)[r] = flop * calls.get(v) / seconds * 1e-9;
            }
        }
        return g;
    }

    private static double[] pairedRatios(double[] a, double[] b) {
        double[] q = new double[a.length];
        for (int i = 0; i < a.length; i++) q[i] = a[i] / b[i];
        return q;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** {median, best} of a variant's rounds. */
    private static double[] medianAndBest(double[] g) {
        return new double[] {median(g), Arrays.stream(g).max().orElse(Double.NaN)};
    }

    /** The 1, 5 and 15 minute load averages (/proc/loadavg), or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * {@code bench/blas_reference.py --serve --lib numpy|torch} in a child process (one BLAS thread;
     * OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, MKL_ENABLE_INSTRUCTIONS, MKL_CBWR, MKL_DEBUG_CPU_TYPE and
     * ATEN_CPU_CAPABILITY removed so that OpenBLAS, MKL and torch pick their own kernels): a BLAS variant whose
     * batches run between the Java ones. While one side runs, the others wait on their pipes and use no CPU.
     */
    static final class BlasServer implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedWriter in;
        private final java.io.BufferedReader out;

        BlasServer(String python, Path script, String lib) throws IOException {
            this(python, script, lib, "float64");
        }

        BlasServer(String python, Path script, String lib, String dtype) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--lib", lib, "--dtype", dtype);
            for (String v : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR",
                    "MKL_DEBUG_CPU_TYPE", "ATEN_CPU_CAPABILITY", "MKL_VERBOSE")) {
                pb.environment().remove(v);
            }
            pb.environment().put("OPENBLAS_NUM_THREADS", "1");
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().put("MKL_NUM_THREADS", "1");
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);   // errors only: the BLAS is described by "info"
            process = pb.start();
            in = new java.io.BufferedWriter(new java.io.OutputStreamWriter(process.getOutputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        String ask(String command) {
            try {
                in.write(command);
                in.newLine();
                in.flush();
                String answer = out.readLine();
                if (answer == null || answer.startsWith("error")) {
                    throw new IllegalStateException("BLAS reference: no answer to '" + command + "' ("
                            + (answer == null ? "the process ended; see its message above" : answer) + ")");
                }
                return answer.trim();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("BLAS reference: " + e.getMessage(), e);
            }
        }

        String info() {
            return ask("info");
        }

        Timed variant(int m, int k, int n, String kind) {
            return new Timed() {
                @Override
                public double warmUp() {
                    return Double.parseDouble(ask("prep " + m + " " + k + " " + n + " " + kind));
                }

                @Override
                public double[] batch(int calls) {
                    String[] t = ask("batch " + calls).split(" ");
                    return new double[] {Double.parseDouble(t[0]), Double.parseDouble(t[1])};
                }
            };
        }

        @Override
        public void close() {
            try {
                ask("quit");
            } catch (RuntimeException e) {
                // no answer expected: the process ends
            }
            process.destroy();
        }
    }

    /** Separate class so that {@link VectorKernels} is only loaded when the module is present. */
    private static final class VectorVariant {
        static Map<String, Kernel> kernels() {
            return Map.of("AB", VectorKernels::gemm, "AtB", VectorKernels::gemmTransA, "ABt", VectorKernels::gemmTransB);
        }

        static int lanes() {
            return VectorKernels.lanes();
        }

        static Map<String, Kernel> floatKernels() {
            return Map.of("AB", io.github.lmworkbook.core.FloatKernels::gemm,
                    "AtB", io.github.lmworkbook.core.FloatKernels::gemmTransA,
                    "ABt", io.github.lmworkbook.core.FloatKernels::gemmTransB);
        }

        static String floatBlock() {
            return io.github.lmworkbook.core.FloatKernels.block();
        }

        static String block() {
            return VectorKernels.block();
        }
    }

    /** One core's peak, and a line saying how it was obtained. */
    private double peak() throws IOException {
        if (peakGflops != null) {
            System.out.printf(Locale.ROOT, "peak: %.1f GFLOP/s per core (given with --peak-gflops)%n", peakGflops);
            return peakGflops;
        }
        double mhz = Double.NaN;
        String model = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("cpu MHz") && Double.isNaN(mhz)) mhz = Double.parseDouble(line.split(":")[1].trim());
                if (line.startsWith("model name") && model.equals("unknown CPU")) model = line.split(":")[1].trim();
            }
        }
        if (Double.isNaN(mhz)) mhz = 2450;
        int lanes = (Kernels.vectorAvailable() ? VectorVariant.lanes() : 4) * (f32 ? 2 : 1);
        int flopPerCycle = 2 /* FMA units */ * lanes * 2 /* flop per FMA */;
        double peak = mhz * 1e-3 * flopPerCycle;
        System.out.printf(Locale.ROOT, "peak: %.1f GFLOP/s per core = %.0f MHz (/proc/cpuinfo, %s) × %d flop/cycle "
                + "(2 FMA units × %d %s × 2 flop; override with --peak-gflops)%n", peak, mhz, model, flopPerCycle, lanes,
                f32 ? "floats" : "doubles");
        return peak;
    }

    private static String key(int m, int k, int n, String kind) {
        return m + "," + k + "," + n + "," + kind;
    }

    private static String format(Map<String, double[]> row) {
        List<String> parts = new ArrayList<>();
        row.forEach((v, g) -> parts.add(String.format(Locale.ROOT, "%s %.1f (best %.1f)", v, g[0], g[1])));
        return String.join("  ", parts);
    }

    private static double[][] random(int rows, int cols, SplittableRandom rng) {
        double[][] x = new double[rows][cols];
        for (double[] r : x) for (int j = 0; j < cols; j++) r[j] = rng.nextDouble(-1, 1);
        return x;
    }

    /** Naive C += A·B: i-j-k, dot products. */
    static void naiveAB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += A[i][p] * B[p][j];
            C[i][j] += s;
        }
    }

    /** Naive C += Aᵀ·B. */
    static void naiveAtB(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += A[p][i] * B[p][j];
            C[i][j] += s;
        }
    }

    /** Naive C += A·Bᵀ. */
    static void naiveABt(double[][] A, double[][] B, double[][] C, int m, int k, int n) {
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += A[i][p] * B[j][p];
            C[i][j] += s;
        }
    }
}
