package io.github.lmworkbook.bench;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.train.NanoGptRecipe;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * The library's side of {@code bench/nanogpt.sh}: nanoGPT's CPU recipe ({@link NanoGptRecipe#cpu()}, the settings of
 * nanoGPT's README run) trained from scratch on Tiny Shakespeare, timed iteration by iteration, at the precision the
 * run names. Prints the recipe's log (unless {@code --json-only}) and one JSON line that
 * {@code bench/nanogpt_table.py} joins with nanoGPT's (bench/nanogpt_peer.py).
 *
 * <p>What is timed is what nanoGPT's log times: one iteration, from the same point of the previous one (fetch the
 * batch, zero the gradients, forward, backward, clip, AdamW update); iterations with an estimate in between are left
 * out of the median, as the first {@code --warmup} iterations are. The CPU time is the training thread's.
 */
@Command(name = "nanogpt-benchmark", mixinStandardHelpOptions = true,
        description = "Times nanoGPT's CPU recipe in the library: ms per iteration and the val loss.")
public final class NanoGptBenchmark implements Callable<Integer> {
    @Option(names = "--iters", defaultValue = "2000",
            description = "max_iters (lr_decay_iters follows; default ${DEFAULT-VALUE}, the recipe's)")
    int iters;
    @Option(names = "--precision", defaultValue = "float32", description = "float32 or float64 (default ${DEFAULT-VALUE})")
    String precision;
    @Option(names = "--warmup", defaultValue = "50", description = "iterations left out of the medians (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--seed", defaultValue = "1337", description = "the recipe's seed (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = {"-i", "--input"}, description = "tinyshakespeare.txt (default: the data set, through LMW_DATA_MIRROR)")
    Path input;
    @Option(names = "--csv", description = "write the run's log as CSV")
    Path csv;
    @Option(names = "--json-only", description = "print only the JSON summary line")
    boolean jsonOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NanoGptBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Kernels.Precision p;
        switch (precision.trim().toLowerCase(Locale.ROOT)) {
            case "float32" -> p = Kernels.Precision.FLOAT32;
            case "float64" -> p = Kernels.Precision.FLOAT64;
            default -> {
                System.err.println("nanogpt-benchmark: --precision " + precision + ": expected float32 or float64");
                return 2;
            }
        }
        if (iters < 1 || warmup < 0) {
            System.err.println("nanogpt-benchmark: --iters must be >= 1 and --warmup >= 0");
            return 2;
        }
        Kernels.setPrecision(p);
        String text = input != null ? Files.readString(input) : Datasets.text("tinyshakespeare");
        NanoGptRecipe recipe = iters == NanoGptRecipe.cpu().maxIters() ? NanoGptRecipe.cpu().withSeed(seed)
                : NanoGptRecipe.cpu().withMaxIters(iters).withSeed(seed);
        if (!jsonOnly) System.out.print(recipe.settings());
        NanoGptRecipe.Run run = recipe.run(text, jsonOnly ? null : System.out, jsonOnly ? 0 : 100);
        if (csv != null) run.writeCsv(csv);
        System.out.println(json(run, warmup));
        return 0;
    }

    /** The line bench/nanogpt_table.py reads. */
    static String json(NanoGptRecipe.Run run, int warmup) {
        StringJoiner evals = new StringJoiner(", ", "[", "]");
        for (int k = 0; k < run.evalIters().length; k++) {
            evals.add(String.format(Locale.ROOT, "[%d, %.4f, %.4f]", run.evalIters()[k], run.trainLoss()[k],
                    run.valLoss()[k]));
        }
        int last = run.evalIters().length - 1;
        return String.format(Locale.ROOT, "{\"side\": \"lmworkbook-java\", \"model\": \"nanogpt-cpu\", "
                        + "\"median_iter_ms\": %.3f, \"median_iter_cpu_ms\": %.3f, \"warmup_iters\": %d, "
                        + "\"last_iter\": %d, \"eval_iter\": %d, \"last_train_loss\": %.4f, \"last_val_loss\": %.4f, "
                        + "\"evals\": %s, \"params\": %d, \"dtype\": \"%s\", \"kernel\": \"%s\", \"threads\": %d, "
                        + "\"java\": \"%s\", \"cores\": %d, \"wall_s\": %.1f, \"seed\": %d}",
                run.medianIterMs(warmup), run.medianIterCpuMs(warmup), warmup, run.recipe().maxIters(),
                run.evalIters()[last], run.trainLoss()[last], run.valLoss()[last], evals, run.model().numParams(),
                run.precision().name().toLowerCase(Locale.ROOT), run.kernels().replace("\"", "'"), Kernels.threads(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), run.seconds(),
                run.recipe().seed());
    }
}
