package io.github.lmworkbook.bench;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.GradClip;
import io.github.lmworkbook.train.Trainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * makemore's transformer configuration, side by side with makemore itself in one run on the same machine.
 *
 * <p>Both sides: vocabulary 27, block size 16, 4 layers, 4 heads, n_embd 64 (204,544 parameters), batch 32, AdamW
 * (lr 5e-4, weight decay 0.01, betas 0.9/0.99, eps 1e-8), no gradient clipping (makemore does not clip;
 * {@code --clip} turns it on here), 3000 steps. Reported: the median wall-clock time of one training step after a
 * warm-up (fetching the batch, forward, backward, update, as makemore times it) and the test loss after the last
 * step. The library computes in double, makemore in float32. By default the library computes only the positions up
 * to the last target of each name (the loss and gradients are those of all 16 positions: attention is causal);
 * {@code --all-positions} computes all 32 × 16, as makemore does.
 *
 * <p>The test split mimics makemore's: min(1000, 10 %) of the words by a seeded shuffle (makemore uses
 * torch.randperm, so the words differ); the library's test loss is the per-token mean over all of them, makemore's
 * the mean of per-batch means. The PyTorch side runs {@code bench/makemore_peer.py} with {@code --max-steps steps+1}
 * (makemore evaluates at step index s after that step's update and stops before index max-steps).
 *
 * <pre>bench/transformer.sh [--steps 3000] [--makemore /path/to/makemore.py] [--no-peer] [--all-positions]</pre>
 */
@Command(name = "transformer-benchmark", mixinStandardHelpOptions = true,
        description = "makemore's transformer configuration: ms per step and test loss, library vs PyTorch makemore")
public final class TransformerBenchmark implements Callable<Integer> {
    @Option(names = {"-i", "--input"}, description = "words file, one per line (default: the names data set via Datasets)")
    Path input;
    @Option(names = "--steps", description = "training steps on each side (default ${DEFAULT-VALUE})")
    int steps = 3000;
    @Option(names = "--warmup", description = "steps left out of the median (default ${DEFAULT-VALUE})")
    int warmup = 100;
    @Option(names = "--seed", description = "seed of the library side's split, initialisation and batches (default ${DEFAULT-VALUE})")
    long seed = 3407;
    @Option(names = "--clip", description = "clip the global gradient norm at this value on the library side; 0 = off, as makemore (default ${DEFAULT-VALUE})")
    double clip = 0;
    @Option(names = "--all-positions", description = "the library also computes the padding after each name, as makemore does")
    boolean allPositions;
    @Option(names = "--makemore", description = "path to makemore.py (default: $MAKEMORE, else ./makemore.py; see bench/README.md)")
    String makemore = System.getenv().getOrDefault("MAKEMORE", "makemore.py");
    @Option(names = "--python", description = "python with torch (default ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";
    @Option(names = "--threads", description = "torch intra-op threads of the peer (default: all cores)")
    Integer peerThreads;
    @Option(names = "--harness", description = "the peer harness (default: bench/makemore_peer.py of the project)")
    String harnessPath;
    @Option(names = "--no-peer", description = "run the library side only")
    boolean noPeer;
    @Option(names = "--json-only", description = "print only the library side's JSON line (implies --no-peer)")
    boolean jsonOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TransformerBenchmark()).execute(args));
    }

    /** The library side's result. */
    public record Result(double medianStepMs, double cpuStepMs, double trainLoss, double testLoss, double rowsPerStep,
                         double seconds, long params) {}

    /**
     * Trains makemore's transformer configuration on the words for the given steps; returns step time and losses. The
     * test split is min(1000, 10 %) of the words by a shuffle seeded with seed.
     */
    public static Result runLibrary(List<String> words, int steps, int warmup, long seed, double clip,
                                    boolean allPositions, PrintStream log) {
        Vocabulary vocab = Vocabulary.of(words);
        int maxLen = words.stream().mapToInt(String::length).max().orElse(1);
        List<String> shuffled = new ArrayList<>(words);
        Collections.shuffle(shuffled, new Random(seed));
        int nTest = Math.min(1000, (int) (words.size() * 0.1));
        NamesDataset train = new NamesDataset(shuffled.subList(0, shuffled.size() - nTest), vocab, maxLen);
        NamesDataset test = new NamesDataset(shuffled.subList(shuffled.size() - nTest, shuffled.size()), vocab, maxLen);
        Transformer model = new Transformer(Transformer.Config.makemore(vocab.size(), train.blockSize(), seed))
                .computeIgnoredPositions(allPositions);
        AdamW opt = new AdamW(model, 5e-4, 0.01).betas(0.9, 0.99).eps(1e-8);
        Supplier<Batch> batches = train.randomBatches(32, seed + 1);
        if (log != null) {
            log.printf(Locale.ROOT, "  %s; %d train / %d test words; %s%n", model, train.size(), test.size(),
                    allPositions ? "all positions computed" : "padding after the last target skipped");
        }
        double[] ms = new double[steps];
        long rows = 0;
        long start = System.nanoTime(), cpu0 = 0;
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            Batch batch = batches.get();
            model.zeroGrad();
            double loss = model.lossAndGrad(batch);
            if (clip > 0) GradClip.clipByGlobalNorm(model, clip);
            opt.step();
            ms[s] = (System.nanoTime() - t0) / 1e6;
            if (s >= warmup) rows += model.inputGradient().rows;
            if (s == warmup - 1 || (warmup == 0 && s == 0)) cpu0 = mx.getCurrentThreadCpuTime();
            if (!Double.isFinite(loss)) throw new IllegalStateException("loss " + loss + " at step " + s);
            if (log != null && (s % 500 == 0 || s == steps - 1)) {
                log.printf(Locale.ROOT, "  library step %4d | loss %.4f | step time %.3f ms%n", s, loss, ms[s]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / Math.max(1, steps - Math.max(warmup, 1));
        NamesDataset train1000 = new NamesDataset(shuffled.subList(0, Math.min(1000, shuffled.size() - nTest)), vocab, maxLen);
        double trainLoss = Trainer.evaluate(model, train1000.inOrder(100));            // 1000 training words
        double testLoss = Trainer.evaluate(model, test.inOrder(100));
        double[] timed = Arrays.copyOfRange(ms, Math.min(warmup, steps - 1), steps);
        Arrays.sort(timed);
        double median = timed.length % 2 == 1 ? timed[timed.length / 2]
                : (timed[timed.length / 2 - 1] + timed[timed.length / 2]) / 2;
        return new Result(median, cpuMs, trainLoss, testLoss, (double) rows / Math.max(1, steps - warmup), seconds,
                model.numParams());
    }

    @Override
    public Integer call() throws Exception {
        List<String> words = new ArrayList<>();
        for (String w : (input == null ? Datasets.lines("names") : Files.readAllLines(input))) {
            if (!w.strip().isEmpty()) words.add(w.strip());
        }
        if (words.isEmpty()) throw new IllegalArgumentException("no words in " + (input == null ? "names" : input));
        PrintStream log = jsonOnly ? null : System.out;
        if (log != null) {
            log.printf(Locale.ROOT, "makemore transformer configuration: %d names, 4 layers, 4 heads, n_embd 64, block 16, "
                    + "batch 32, AdamW lr 5e-4 wd 0.01 betas 0.9/0.99, %d steps%n", words.size(), steps);
            log.println("library kernels: " + kernelPath() + "; Java " + Runtime.version());
        }
        Result lib = runLibrary(words, steps, warmup, seed, clip, allPositions, log);
        if (log != null) {
            log.printf(Locale.ROOT, "library (double):   %.3f ms/step (median after %d warm-up steps; mean CPU time of the "
                    + "training thread %.3f ms/step; %.0f rows/step), test loss %.4f (per-token mean, 1000 test words), "
                    + "%.1f s%n", lib.medianStepMs, warmup, lib.cpuStepMs, lib.rowsPerStep, lib.testLoss, lib.seconds);
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"side\": \"lmworkbook-java\", \"model\": \"transformer\", \"median_step_ms\": %.4f, "
                        + "\"cpu_step_ms\": %.4f, \"steps\": %d, "
                        + "\"warmup_steps\": %d, \"last_train_loss\": %.6f, \"last_test_loss\": %.6f, "
                        + "\"rows_per_step\": %.1f, \"all_positions\": %b, \"params\": %d, \"dtype\": \"float64\", "
                        + "\"kernel\": \"%s\", \"threads\": %d, \"java\": \"%s\", \"cores\": %d, \"load_average\": %.2f}",
                lib.medianStepMs, lib.cpuStepMs, steps, warmup, lib.trainLoss, lib.testLoss, lib.rowsPerStep, allPositions,
                lib.params, kernelPath(), io.github.lmworkbook.core.Kernels.threads(), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadAverage()));
        if (noPeer || jsonOnly) return 0;
        if (!Files.isRegularFile(Path.of(makemore))) {
            System.out.println("makemore.py not found at '" + makemore + "': pass --makemore PATH or set MAKEMORE "
                    + "(see bench/README.md), or --no-peer");
            return 2;
        }
        Path names = input != null ? input : Datasets.path("names");
        Path out = Files.createTempDirectory("makemore-transformer");
        Path harness = harnessPath != null ? Path.of(harnessPath)
                : Path.of(System.getProperty("lmworkbook.root", "."), "bench", "makemore_peer.py");
        if (!Files.isRegularFile(harness)) {
            System.out.println("peer harness not found at " + harness + " (pass --harness PATH, or --no-peer)");
            return 1;
        }
        List<String> cmd = new ArrayList<>(List.of(python, harness.toString(), "--makemore", makemore,
                "--warmup-steps", String.valueOf(warmup)));
        if (peerThreads != null) cmd.addAll(List.of("--threads", String.valueOf(peerThreads)));
        cmd.addAll(List.of("--", "--type", "transformer", "--max-steps", String.valueOf(steps + 1),
                "-i", names.toString(), "-o", out.toString()));
        System.out.println("peer: " + String.join(" ", cmd));
        double loadBefore = loadAverage();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String json;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            json = r.lines().reduce("", (a, b) -> b.startsWith("{") ? b : a);
        }
        int rc = p.waitFor();
        if (rc != 0 || json.isEmpty()) {
            System.out.println("peer failed (exit " + rc + "): is makemore.py at " + makemore + " and torch importable by "
                    + python + "? (see bench/README.md)");
            return 1;
        }
        JsonNode peer = new ObjectMapper().readTree(json);
        double peerMs = number(peer, "median_step_ms"), peerTest = number(peer, "last_test_loss");
        String peerLoss = Double.isNaN(peerTest) ? "no test loss (makemore evaluates every 500 steps)"
                : String.format(Locale.ROOT, "test loss %.4f at step %d (makemore evaluate: 1000 test words)", peerTest,
                        (int) number(peer, "eval_step"));
        System.out.printf(Locale.ROOT, "pytorch (%s, torch %s, %d threads): %.3f ms/step (median), %s; load average %.2f "
                        + "before, %.2f after%n", peer.path("dtype").asText("?"), peer.path("torch_version").asText("?"),
                peer.path("threads").asInt(), peerMs, peerLoss, loadBefore, loadAverage());
        System.out.printf(Locale.ROOT, "ratio library/pytorch: %.2f (target <= 1.0); test loss difference %+.4f "
                + "(target within 0.01)%n", lib.medianStepMs / peerMs, lib.testLoss - peerTest);
        System.out.println("peer summary: " + json);
        deleteQuietly(out.toFile());
        return 0;
    }

    /** What the library's product kernels run on. */
    static String kernelPath() {
        return io.github.lmworkbook.core.Kernels.active().replace("\"", "'");
    }

    /** The one-minute load average (NaN where the system does not say). */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** A number of the peer's JSON summary; NaN when it is missing or null. */
    private static double number(JsonNode json, String key) {
        JsonNode v = json.path(key);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static void deleteQuietly(File f) {
        File[] kids = f.listFiles();
        if (kids != null) for (File k : kids) deleteQuietly(k);
        f.delete();
    }
}
