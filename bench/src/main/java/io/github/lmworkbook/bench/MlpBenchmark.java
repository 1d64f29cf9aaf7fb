package io.github.lmworkbook.bench;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.NamesDataset;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.GradClip;
import io.github.lmworkbook.train.Trainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
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
 * makemore's {@code --type mlp} configuration on names, timed: context 16, m = 64, h = 64, batch 32, AdamW
 * (lr 5e-4, weight decay 0.01, betas 0.9/0.99, eps 1e-8), no gradient clipping (makemore does not clip).
 * Prints the median milliseconds per training step after warm-up (fetching the batch, zeroing gradients,
 * forward, backward, update) and the test loss after the last step, then one JSON line for
 * {@code bench/mlp.sh}, which runs makemore side by side and prints the ratio.
 *
 * <p>The test split mimics makemore's: min(1000, 10 %) of the words, chosen by a seeded shuffle (makemore
 * uses torch.randperm, so the words differ); the test loss is the per-token mean over all of them.
 */
@Command(name = "mlp-benchmark", mixinStandardHelpOptions = true,
        description = "Times makemore's MLP configuration (library side) and prints ms/step and the test loss.")
public final class MlpBenchmark implements Callable<Integer> {
    @Option(names = {"-i", "--input"}, description = "words file, one per line (default: the names data set via Datasets)")
    Path input;
    @Option(names = "--steps", defaultValue = "3000", description = "training steps (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup", defaultValue = "100", description = "steps left out of the median (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--seed", defaultValue = "3407", description = "seed of split, init and batches (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--batch-size", defaultValue = "32")
    int batchSize;
    @Option(names = "--lr", defaultValue = "5e-4")
    double lr;
    @Option(names = "--weight-decay", defaultValue = "0.01")
    double weightDecay;
    @Option(names = "--clip", defaultValue = "0", description = "global-norm gradient clipping, 0 = off (makemore: off)")
    double clip;
    @Option(names = "--all-positions", description = "also compute positions whose target is ignored (as makemore does)")
    boolean allPositions;
    @Option(names = "--json-only", description = "print only the JSON summary line")
    boolean jsonOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MlpBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> words = new ArrayList<>();
        if (input == null) input = io.github.lmworkbook.data.Datasets.path("names");
        for (String w : Files.readAllLines(input)) if (!w.strip().isEmpty()) words.add(w.strip());
        if (words.isEmpty()) throw new IllegalArgumentException("no words in " + input);
        int maxLen = words.stream().mapToInt(String::length).max().orElseThrow();
        Vocabulary vocab = Vocabulary.of(words);
        List<String> shuffled = new ArrayList<>(words);
        Collections.shuffle(shuffled, new Random(seed));
        int nTest = Math.min(1000, (int) (words.size() * 0.1));
        NamesDataset train = new NamesDataset(shuffled.subList(0, shuffled.size() - nTest), vocab, maxLen);
        NamesDataset test = new NamesDataset(shuffled.subList(shuffled.size() - nTest, shuffled.size()), vocab, maxLen);

        Mlp model = new Mlp(Mlp.Config.makemore(vocab.size(), seed)).setComputeIgnoredPositions(allPositions);
        AdamW opt = new AdamW(model, lr, weightDecay).betas(0.9, 0.99).eps(1e-8);
        Supplier<Batch> batches = train.randomBatches(batchSize, seed + 1);
        say("%s, block size %d, %d train / %d test words; AdamW lr %.1e wd %.2f; %s", model, train.blockSize(),
                train.size(), test.size(), lr, weightDecay, allPositions ? "all positions computed" : "ignored positions skipped");

        double[] ms = new double[steps];
        double[] cpuMs = new double[steps];    // CPU time of this thread (with one library thread: the step's work)
        var threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
        double loss = Double.NaN;
        long rows = 0;
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime(), c0 = threadBean.getCurrentThreadCpuTime();
            Batch batch = batches.get();
            model.zeroGrad();
            loss = model.lossAndGrad(batch);
            if (clip > 0) GradClip.clipByGlobalNorm(model, clip);
            opt.step();
            ms[s] = (System.nanoTime() - t0) / 1e6;
            cpuMs[s] = (threadBean.getCurrentThreadCpuTime() - c0) / 1e6;
            if (s >= warmup) rows += allPositions ? (long) batch.size() * batch.length() : counted(batch);
            if (!Double.isFinite(loss)) throw new IllegalStateException("loss " + loss + " at step " + s);
            if (!jsonOnly && (s % 500 == 0 || s == steps - 1)) say("step %d | loss %.4f | step time %.2fms", s, loss, ms[s]);
        }
        double[] timed = Arrays.copyOfRange(ms, Math.min(warmup, steps), steps);
        Arrays.sort(timed);
        double median = timed.length == 0 ? Double.NaN : timed[timed.length / 2];
        double[] timedCpu = Arrays.copyOfRange(cpuMs, Math.min(warmup, steps), steps);
        Arrays.sort(timedCpu);
        double medianCpu = timedCpu.length == 0 ? Double.NaN : timedCpu[timedCpu.length / 2];
        double trainLoss = Trainer.evaluate(model, train.inOrder(1000));
        double testLoss = Trainer.evaluate(model, test.inOrder(1000));
        double rowsPerStep = timed.length == 0 ? 0 : (double) rows / timed.length;
        // multiply-adds per computed row: x·H, dH, dx (n·m·h each), a·U, dU, da (h·V each)
        double flopsPerRow = 2.0 * 3 * (16.0 * 64 * 64 + 64.0 * vocab.size());
        double gflops = rowsPerStep * flopsPerRow / (median * 1e6);
        say("median step %.3f ms over %d steps after %d warm-up (%.0f rows/step, %.1f GFLOP/s in the products)",
                median, timed.length, warmup, rowsPerStep, gflops);
        say("after %d steps: train loss %.4f, test loss %.4f (per-token mean over all %d test words)", steps, trainLoss,
                testLoss, test.size());
        String kernel = kernelPath();
        System.out.println(String.format(Locale.ROOT,
                "{\"side\": \"lmworkbook-java\", \"median_step_ms\": %.4f, \"median_step_cpu_ms\": %.4f, "
                        + "\"steps\": %d, \"warmup_steps\": %d, "
                        + "\"last_train_loss\": %.6f, \"last_test_loss\": %.6f, \"rows_per_step\": %.1f, "
                        + "\"all_positions\": %b, \"gflops\": %.2f, \"dtype\": \"float64\", \"kernel\": \"%s\", "
                        + "\"java\": \"%s\", \"cores\": %d}",
                median, medianCpu, steps, warmup, trainLoss, testLoss, rowsPerStep, allPositions, gflops, kernel,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
        return 0;
    }

    /** The product kernel path in use. */
    static String kernelPath() {
        return io.github.lmworkbook.core.Kernels.active().replace("\"", "'");
    }

    private static long counted(Batch b) {
        long n = 0;
        for (int[] r : b.y()) for (int t : r) if (t >= 0) n++;
        return n;
    }

    private void say(String fmt, Object... args) {
        if (!jsonOnly) System.out.println(String.format(Locale.ROOT, fmt, args));
    }
}
