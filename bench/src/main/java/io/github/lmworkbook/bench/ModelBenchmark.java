package io.github.lmworkbook.bench;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.Transformer;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.GradClip;
import io.github.lmworkbook.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * The library's side of {@code bench/all.sh}: one of the workbook's language models in makemore's default
 * configuration for that {@code --type}, trained on names as makemore trains it, timed step by step.
 * <ul>
 *   <li>mlp: context 16, n_embd 64, n_embd2 64; rnn, gru, lstm: n_embd 64, n_embd2 64, block 16 (makemore has no
 *       lstm: the same configuration with the LSTM cell, beside {@code bench/lstm_peer.py}); transformer: 4 layers,
 *       4 heads, n_embd 64, block 16;</li>
 *   <li>batch 32, AdamW (lr 5e-4, weight decay 0.01, betas 0.9/0.99, eps 1e-8), no gradient clipping
 *       (makemore does not clip; {@code --clip} turns it on);</li>
 *   <li>a step is what makemore times: fetch the batch, zero the gradients, forward, backward, update.</li>
 * </ul>
 * Prints the median milliseconds per step after warm-up (wall clock, and the CPU time of the training thread,
 * steadier on a loaded machine), the train and test loss after the last step, then one JSON line that
 * {@code bench/peers.py table} joins with the PyTorch peers' lines by model.
 *
 * <p>The test split mimics makemore's: min(1000, 10 %) of the words by a seeded shuffle (makemore uses
 * torch.randperm, so the words differ); the test loss is the per-token mean over all of them. The library computes
 * in double precision unless {@code --precision float32}; makemore in float32.
 */
@Command(name = "model-benchmark", mixinStandardHelpOptions = true,
        description = "Times one language model of the library in makemore's configuration: ms/step and test loss.")
public final class ModelBenchmark implements Callable<Integer> {
    /** The models, named as makemore's --type (lstm: the LSTM peer of bench/lstm_peer.py): mlp, every cell. */
    static final List<String> MODELS = models();

    private static List<String> models() {
        List<String> m = new ArrayList<>(List.of("mlp"));
        for (CellType c : CellType.values()) m.add(c.name().toLowerCase(Locale.ROOT));
        m.add("transformer");
        return List.copyOf(m);
    }

    /** The models that skip the positions after a word's last target unless --all-positions. */
    static final List<String> PADDING_SKIPPED = List.of("mlp", "transformer");

    @Option(names = "--model", required = true, description = "mlp, rnn, gru, lstm, transformer")
    String modelName;
    @Option(names = {"-i", "--input"}, description = "words file, one per line (default: the names data set)")
    Path input;
    @Option(names = "--steps", defaultValue = "3000", description = "training steps (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup", defaultValue = "100", description = "steps left out of the median (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--seed", defaultValue = "3407", description = "seed of split, init and batches (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--clip", defaultValue = "0", description = "global-norm gradient clipping, 0 = off (makemore: off)")
    double clip;
    @Option(names = "--all-positions", description = "mlp, transformer: also compute the positions whose target is "
            + "padding, as makemore does (equal work); without it the library skips them")
    boolean allPositions;
    @Option(names = "--json-only", description = "print only the JSON summary line")
    boolean jsonOnly;
    @Option(names = "--precision", defaultValue = "float64",
            description = "the products' precision: float64 (default) or float32 (Kernels.setPrecision)")
    String precision;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelBenchmark()).execute(args));
    }

    /** What one timed run measured. */
    public record Result(String model, String variant, long params, double medianStepMs, double medianStepCpuMs,
                         double trainLoss, double testLoss, double seconds) {}

    @Override
    public Integer call() throws IOException {
        if (!MODELS.contains(modelName)) {
            System.err.println("model-benchmark: unknown --model '" + modelName + "' (choose from " + MODELS + ")");
            return 2;
        }
        if (steps < 1 || warmup < 0) {
            System.err.println("model-benchmark: --steps must be >= 1 and --warmup >= 0");
            return 2;
        }
        String prec = precision.trim().toLowerCase(Locale.ROOT);
        if (!prec.equals("float64") && !prec.equals("float32")) {
            System.err.println("model-benchmark: --precision " + precision + ": expected float64 or float32");
            return 2;
        }
        Kernels.setPrecision(prec.equals("float32") ? Kernels.Precision.FLOAT32 : Kernels.Precision.FLOAT64);
        if (allPositions && !PADDING_SKIPPED.contains(modelName)) {
            System.err.println("model-benchmark: --all-positions is for " + PADDING_SKIPPED + " (the recurrent "
                    + "models compute every position of the block already)");
            return 2;
        }
        Path names = input != null ? input : Datasets.path("names");
        List<String> words = new ArrayList<>();
        for (String w : Files.readAllLines(names)) if (!w.strip().isEmpty()) words.add(w.strip());
        if (words.isEmpty()) {
            System.err.println("model-benchmark: no words in " + names);
            return 2;
        }
        Result r = run(words, modelName, allPositions, steps, warmup, seed, clip, jsonOnly ? null : System.out);
        System.out.println(json(r));
        return 0;
    }

    /** makemore's configuration of {@code model} for a vocabulary of V tokens and a block of T positions. */
    static LanguageModel build(String model, int V, int T, long seed, boolean allPositions) {
        switch (model) {
            case "mlp":
                return new Mlp(Mlp.Config.makemore(V, seed)).setComputeIgnoredPositions(allPositions);
            case "transformer":
                return new Transformer(Transformer.Config.makemore(V, T, seed)).computeIgnoredPositions(allPositions);
            default:
                return new RecurrentLM(RecurrentLM.Config.makemore(CellType.of(model), V, seed));
        }
    }

    /** Trains {@code model} on {@code words} for {@code steps} steps, timing each; log may be null. */
    public static Result run(List<String> words, String model, boolean allPositions, int steps, int warmup, long seed,
                             double clip, java.io.PrintStream log) {
        int maxLen = words.stream().mapToInt(String::length).max().orElseThrow();
        Vocabulary vocab = Vocabulary.of(words);
        List<String> shuffled = new ArrayList<>(words);
        Collections.shuffle(shuffled, new Random(seed));
        int nTest = Math.min(1000, (int) (words.size() * 0.1));
        NamesDataset train = new NamesDataset(shuffled.subList(0, shuffled.size() - nTest), vocab, maxLen);
        NamesDataset test = new NamesDataset(shuffled.subList(shuffled.size() - nTest, shuffled.size()), vocab, maxLen);
        LanguageModel lm = build(model, vocab.size(), train.blockSize(), seed, allPositions);
        AdamW opt = new AdamW(lm, 5e-4, 0.01).betas(0.9, 0.99).eps(1e-8);
        Supplier<Batch> batches = train.randomBatches(32, seed + 1);
        String variant = variant(model, allPositions);
        if (log != null) {
            log.printf(Locale.ROOT, "%s%s, %d parameters, block %d, %d train / %d test words, batch 32, AdamW lr 5e-4 "
                            + "wd 0.01, %d steps; kernels: %s; Java %s, %d library thread(s)%n", model,
                    variant.isEmpty() ? "" : " (" + variant + ")", lm.numParams(), train.blockSize(), train.size(),
                    test.size(), steps, Kernels.active(), Runtime.version(), Kernels.threads());
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] ms = new double[steps];
        double[] cpuMs = new double[steps];   // CPU time of this thread: the step's work when the library uses one
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime(), c0 = threads.getCurrentThreadCpuTime();
            Batch batch = batches.get();
            lm.zeroGrad();
            double loss = lm.lossAndGrad(batch);
            if (clip > 0) GradClip.clipByGlobalNorm(lm, clip);
            opt.step();
            ms[s] = (System.nanoTime() - t0) / 1e6;
            cpuMs[s] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
            if (!Double.isFinite(loss)) throw new IllegalStateException("loss " + loss + " at step " + s);
            if (log != null && (s % 500 == 0 || s == steps - 1)) {
                log.printf(Locale.ROOT, "  step %4d | loss %.4f | step time %.3f ms%n", s, loss, ms[s]);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double trainLoss = Trainer.evaluate(lm, train.inOrder(1000));
        double testLoss = Trainer.evaluate(lm, test.inOrder(1000));
        Result r = new Result(model, variant, lm.numParams(), median(ms, warmup), median(cpuMs, warmup), trainLoss,
                testLoss, seconds);
        if (log != null) {
            log.printf(Locale.ROOT, "median step %.3f ms (CPU %.3f ms) after %d warm-up steps; train loss %.4f, "
                            + "test loss %.4f (all %d test words); %.1f s%n", r.medianStepMs, r.medianStepCpuMs,
                    Math.min(warmup, steps - 1), trainLoss, testLoss, test.size(), seconds);
        }
        return r;
    }

    /** "all positions" / "skip padding" for the mlp and the transformer (makemore's work / the library's), else "". */
    static String variant(String model, boolean allPositions) {
        return !PADDING_SKIPPED.contains(model) ? "" : allPositions ? "all positions" : "skip padding";
    }

    /** The median of xs[warmup..] (of the last value when warmup leaves none). */
    static double median(double[] xs, int warmup) {
        double[] t = Arrays.copyOfRange(xs, Math.min(warmup, xs.length - 1), xs.length);
        Arrays.sort(t);
        int n = t.length;
        return n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    }

    /** The line bench/peers.py joins with the peers' lines. */
    static String json(Result r) {
        return String.format(Locale.ROOT, "{\"side\": \"lmworkbook-java\", \"model\": \"%s\", \"java_variant\": \"%s\", "
                        + "\"params\": %d, \"median_step_ms\": %.4f, \"median_step_cpu_ms\": %.4f, "
                        + "\"last_train_loss\": %.6f, \"last_test_loss\": %.6f, \"seconds\": %.2f, \"dtype\": \"%s\", "
                        + "\"kernel\": \"%s\", \"threads\": %d, \"java\": \"%s\", \"cores\": %d}",
                r.model, r.variant, r.params, r.medianStepMs, r.medianStepCpuMs, r.trainLoss, r.testLoss, r.seconds,
                Kernels.precision().name().toLowerCase(Locale.ROOT), Kernels.active().replace("\"", "'"),
                Kernels.threads(), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
    }
}
