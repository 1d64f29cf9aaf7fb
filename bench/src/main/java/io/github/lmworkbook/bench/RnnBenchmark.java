package io.github.lmworkbook.bench;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Splits;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.models.RecurrentLM;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * makemore's rnn configuration, side by side with makemore itself in one run on the same machine; with
 * {@code --cell lstm}, the same language model with the library's LSTM cell beside the PyTorch LSTM peer
 * ({@code bench/lstm_peer.py}: makemore's RNN with a makemore-style LSTMCell loop, and with {@code nn.LSTM}; both
 * variants run, the ratio is against the faster).
 *
 * <p>Both sides: vocabulary 27, n_embd 64, n_embd2 64, block size 16, batch 32, AdamW (lr 5e-4, weight decay
 * 0.01, betas 0.9/0.99, eps 1e-8), no gradient clipping (makemore does not clip; {@code --clip} turns it on
 * here), 3000 steps. Reported: the median wall-clock time of one training step after a warm-up (fetching the
 * batch, forward, backward, update, as makemore times it) and the test loss after the last step. The library
 * computes in double, makemore in float32. The PyTorch side runs through {@code bench/makemore_peer.py} with
 * {@code --max-steps steps+1}: makemore evaluates at step index s after that step's update and stops before index
 * {@code max-steps}, so its evaluation at index {@code steps} is the one "after {@code steps} steps" (one more update
 * than the library side's). makemore's test loss is on 1000 random test words; the library's on its whole 10 % split.
 *
 * <pre>bench/rnn.sh [--cell rnn|lstm] [--steps 3000] [--makemore /path/to/makemore.py] [--no-peer] [--json-only]</pre>
 * With {@code --json-only} (for {@code bench/java_sides.sh}) the library side alone prints one JSON line.
 */
@Command(name = "rnn-benchmark", mixinStandardHelpOptions = true,
        description = "makemore's rnn configuration: ms per step and test loss, library vs PyTorch makemore")
public final class RnnBenchmark implements Callable<Integer> {
    @Option(names = "--steps", description = "training steps on each side (default ${DEFAULT-VALUE})")
    int steps = 3000;
    @Option(names = "--cell", description = "the recurrent cell, makemore's --type (default ${DEFAULT-VALUE})")
    String cell = "rnn";
    @Option(names = "--warmup", description = "steps left out of the median (default ${DEFAULT-VALUE})")
    int warmup = 100;
    @Option(names = "--seed", description = "seed of the library side (default ${DEFAULT-VALUE})")
    long seed = 3407;
    @Option(names = "--clip", description = "clip the global gradient norm at this value on the library side; 0 = off, as makemore (default ${DEFAULT-VALUE})")
    double clip = 0;
    @Option(names = "--makemore", description = "path to makemore.py (default: $MAKEMORE, else ./makemore.py; see bench/README.md)")
    String makemore = System.getenv().getOrDefault("MAKEMORE", "makemore.py");
    @Option(names = "--python", description = "python with torch (default ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";
    @Option(names = "--harness", description = "the peer harness (default: bench/makemore_peer.py of the project)")
    String harnessPath;
    @Option(names = "--no-peer", description = "run the library side only")
    boolean noPeer;
    @Option(names = {"-i", "--input"}, description = "words file, one per line (default: the names data set via Datasets)")
    Path input;
    @Option(names = "--json-only", description = "run the library side only and print only its JSON summary line")
    boolean jsonOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RnnBenchmark()).execute(args));
    }

    /** The library side's result. */
    public record Result(double medianStepMs, double testLoss, double seconds) {}

    /** Trains makemore's rnn configuration on names for the given steps; returns step time and test loss. */
    public static Result runLibrary(List<String> words, CellType cell, int steps, int warmup, long seed, double clip,
                                    java.io.PrintStream log) {
        Vocabulary vocab = Vocabulary.of(words);
        int maxLen = words.stream().mapToInt(String::length).max().orElse(1);
        Splits splits = Splits.of(words, seed);
        NamesDataset train = new NamesDataset(splits.train(), vocab, maxLen);
        NamesDataset test = new NamesDataset(splits.test(), vocab, maxLen);
        RecurrentLM model = new RecurrentLM(RecurrentLM.Config.makemore(cell, vocab.size(), seed));
        AdamW opt = new AdamW(model, 5e-4, 0.01).betas(0.9, 0.99).eps(1e-8);
        Supplier<Batch> batches = train.randomBatches(32, seed);
        double[] ms = new double[steps];
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            Batch batch = batches.get();
            model.zeroGrad();
            double loss = model.lossAndGrad(batch);
            if (clip > 0) GradClip.clipByGlobalNorm(model, clip);
            opt.step();
            ms[s] = (System.nanoTime() - t0) / 1e6;
            if (log != null && (s % 500 == 0 || s == steps - 1)) {
                log.printf(Locale.ROOT, "  library step %4d | loss %.4f | step time %.3f ms%n", s, loss, ms[s]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double testLoss = Trainer.evaluate(model, test.inOrder(100));
        double[] timed = Arrays.copyOfRange(ms, Math.min(warmup, steps - 1), steps);
        Arrays.sort(timed);
        double median = timed.length % 2 == 1 ? timed[timed.length / 2]
                : (timed[timed.length / 2 - 1] + timed[timed.length / 2]) / 2;
        return new Result(median, testLoss, seconds);
    }

    @Override
    public Integer call() throws Exception {
        Path names = input != null ? input : Datasets.path("names");
        List<String> words = Files.readAllLines(names).stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
        if (words.isEmpty()) throw new IllegalArgumentException("no words in " + names);
        CellType type = CellType.of(cell);
        if (jsonOnly) {
            Result lib = runLibrary(words, type, steps, warmup, seed, clip, null);
            System.out.println(String.format(Locale.ROOT, "{\"side\": \"lmworkbook-java\", \"cell\": \"%s\", "
                    + "\"median_step_ms\": %.4f, \"steps\": %d, \"warmup_steps\": %d, \"last_test_loss\": %.6f, "
                    + "\"dtype\": \"float64\", \"kernel\": \"%s\", \"java\": \"%s\", \"cores\": %d}", type, lib.medianStepMs,
                    steps, warmup, lib.testLoss, kernelPath().replace("\"", "'"), System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors()));
            return 0;
        }
        System.out.printf(Locale.ROOT, "makemore %s configuration: %d names, n_embd 64, n_embd2 64, block 16, batch 32, "
                + "AdamW lr 5e-4 wd 0.01 betas 0.9/0.99, %d steps%n", type, words.size(), steps);
        System.out.println("library kernels: " + kernelPath() + "; Java " + Runtime.version() + ", 1 thread");
        Result lib = runLibrary(words, type, steps, warmup, seed, clip, System.out);
        System.out.printf(Locale.ROOT, "library (double):   %.3f ms/step (median after %d warm-up steps), test loss %.4f "
                + "(full 10%% test split), %.1f s%n", lib.medianStepMs, warmup, lib.testLoss, lib.seconds);
        if (noPeer) return 0;
        if (!Files.isRegularFile(Path.of(makemore))) {
            System.out.println("makemore.py not found at '" + makemore + "': pass --makemore PATH or set MAKEMORE "
                    + "(see bench/README.md), or --no-peer");
            return 2;
        }
        boolean lstm = type == CellType.LSTM;
        Path harness = harnessPath != null ? Path.of(harnessPath)
                : Path.of(System.getProperty("lmworkbook.root", "."), "bench", lstm ? "lstm_peer.py" : "makemore_peer.py");
        if (!Files.isRegularFile(harness)) {
            System.out.println("peer harness not found at " + harness + " (pass --harness PATH, or --no-peer)");
            return 1;
        }
        double fastest = Double.POSITIVE_INFINITY;
        for (String variant : lstm ? List.of("cell", "nn") : List.of("makemore")) {
            Path out = Files.createTempDirectory("makemore-" + cell);
            List<String> cmd = new ArrayList<>(List.of(python, harness.toString(), "--makemore", makemore,
                    "--warmup-steps", String.valueOf(warmup)));
            if (lstm) cmd.addAll(List.of("--variant", variant, "--"));
            else cmd.addAll(List.of("--", "--type", cell));
            cmd.addAll(List.of("--max-steps", String.valueOf(steps + 1), "-i", names.toString(), "-o", out.toString()));
            System.out.println("peer: " + String.join(" ", cmd));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String json;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                json = r.lines().reduce("", (a, b) -> b.startsWith("{") ? b : a);
            }
            int rc = p.waitFor();
            deleteQuietly(out.toFile());
            if (rc != 0 || json.isEmpty()) {
                System.out.println("peer failed (exit " + rc + "): is makemore.py at " + makemore + " and torch importable by "
                        + python + "? (see bench/README.md)");
                return 1;
            }
            JsonNode peer = new ObjectMapper().readTree(json);
            double peerMs = number(peer, "median_step_ms"), peerTest = number(peer, "last_test_loss");
            fastest = Math.min(fastest, peerMs);
            String peerLoss = Double.isNaN(peerTest) ? "no test loss (makemore evaluates every 500 steps)"
                    : String.format(Locale.ROOT, "test loss %.4f at step %d (makemore evaluate: 1000 test words)", peerTest,
                            (int) number(peer, "eval_step"));
            System.out.printf(Locale.ROOT, "pytorch %s (%s, torch %s, %d threads): %.3f ms/step (median), %s%n",
                    peer.path("variant").asText(variant), peer.path("dtype").asText("?"), peer.path("torch_version").asText("?"),
                    peer.path("threads").asInt(), peerMs, peerLoss);
            System.out.printf(Locale.ROOT, "ratio library/pytorch %s: %.2f%n", peer.path("variant").asText(variant),
                    lib.medianStepMs / peerMs);
            System.out.println("peer summary: " + json);
        }
        System.out.printf(Locale.ROOT, "ratio library/pytorch (the faster peer): %.2f (target <= 0.5)%n",
                lib.medianStepMs / fastest);
        return 0;
    }

    /** What the library's product kernels run on. */
    static String kernelPath() {
        return io.github.lmworkbook.core.Kernels.active();
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
