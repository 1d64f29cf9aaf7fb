package io.github.lmworkbook.cli;

import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.TransductionBatch;
import io.github.lmworkbook.data.TransductionTask;
import io.github.lmworkbook.models.Seq2Seq;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.LrSchedule;
import io.github.lmworkbook.train.ModelFileException;
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Trains an encoder–decoder ({@link Seq2Seq}) on a sequence transduction with an exact answer
 * ({@link TransductionTask}: reverse, copy or sort a random string of L symbols) and reports its accuracy per symbol
 * and per whole string, with teacher forcing and free-running (greedy), on held-out strings.
 */
@Command(name = "tasks", mixinStandardHelpOptions = true,
        description = "Train an encoder–decoder (--model seq2seq) on a transduction task (reverse, copy or sort a random"
                + " string of --length symbols), with or without attention; print the held-out accuracy per symbol and"
                + " per string, with teacher forcing and free-running.")
final class TasksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--task", defaultValue = "reverse", description = "reverse, copy or sort (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--model", defaultValue = "seq2seq", description = "seq2seq: the RNN encoder–decoder (default).")
    String model;

    @Option(names = "--cell", defaultValue = "gru", description = "The encoder's and decoder's cell: rnn, gru or lstm"
            + " (default: ${DEFAULT-VALUE}).")
    String cell;

    @Option(names = "--attention", defaultValue = "additive",
            description = "none, additive (Bahdanau's) or dot (Luong's) (default: ${DEFAULT-VALUE}).")
    String attention;

    @Option(names = "--length", defaultValue = "20", description = "L, the length of a string (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--alphabet", defaultValue = "8", description = "A, the number of symbols (default: ${DEFAULT-VALUE}).")
    int alphabet;

    @Option(names = "--n-embd", defaultValue = "16", description = "m, the size of a symbol's vector (default: ${DEFAULT-VALUE}).")
    int nEmbd;

    @Option(names = {"--hidden", "--n-embd2"}, defaultValue = "32",
            description = "H, the hidden size of the encoder and the decoder (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--attention-size", defaultValue = "0",
            description = "The additive score's hidden size (0: the hidden size; default: ${DEFAULT-VALUE}).")
    int attentionSize;

    @Option(names = "--steps", defaultValue = "2000", description = "Training steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch-size", defaultValue = "32", description = "Pairs per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-2",
            description = "Peak learning rate of AdamW: warm-up over 5 % of the steps, cosine decay to lr/10"
                    + " (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip", defaultValue = "1.0", description = "Clip the global gradient norm at this value; 0 = off.")
    double clip;

    @Option(names = "--test", defaultValue = "256", description = "Held-out pairs (default: ${DEFAULT-VALUE}).")
    int test;

    @Option(names = "--eval-every", defaultValue = "500", description = "Held-out loss every N steps (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Save the trained parameters to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Seq2Seq.Config config = validate();
        Kernels.checkConfiguration();
        TransductionTask t = new TransductionTask(TransductionTask.Kind.of(task), alphabet, length);
        Seq2Seq m = new Seq2Seq(config);
        System.out.printf(Locale.ROOT, "training %s on %s, A = %d, L = %d (%.0f bits a string); %d parameters, seed %d;"
                + " product kernels: %s%n", describe(config), t.kind(), alphabet, length, t.bits(length), m.numParams(),
                seed, Kernels.active());
        List<TransductionBatch> held = t.heldOut(test, length, 1_000_000L + length);
        Trainer<TransductionBatch> trainer = Trainer.of(m, new AdamW(m, lr, 0.0)).data(t.batches(batchSize, seed))
                .steps(steps).eval(held, evalEvery);
        if (steps > 0) trainer.schedule(LrSchedule.warmupCosine(lr, steps / 20, steps, lr / 10));
        if (clip > 0) trainer.clipGradNorm(clip);
        TrainingHistory history = trainer.run();
        for (Param p : m.params()) {
            if (!p.value.isFinite()) {
                throw new IllegalStateException("training diverged: after " + trainer.step() + " steps parameter '"
                        + p.name + "' " + p.shape() + " is not finite; nothing was saved (try a smaller --lr, or --clip)");
            }
        }
        Seq2Seq.Accuracy a = m.evaluate(held);
        System.out.printf(Locale.ROOT, "held-out loss %.4f after %d steps (%.1f s)%n", Trainer.evaluate(m, held),
                trainer.step(), history.seconds());
        System.out.printf(Locale.ROOT, "held-out accuracy (%d strings of L = %d)   per symbol   per string%n", test,
                length);
        System.out.printf(Locale.ROOT, "  teacher forcing                          %8.4f    %8.4f%n",
                a.tokenTeacherForced(), a.sequenceTeacherForced());
        System.out.printf(Locale.ROOT, "  free-running (greedy)                    %8.4f    %8.4f%n",
                a.tokenFreeRunning(), a.sequenceFreeRunning());
        System.out.printf(Locale.ROOT, "  exposure bias (per symbol)               %8.4f%n", a.exposureBias());
        System.out.printf(Locale.ROOT, "  chance                                   %8.4f    %8.2g%n", t.chanceAccuracy(),
                Math.pow(t.chanceAccuracy(), length));
        if (out != null) {
            ModelIO.save(m, out);
            System.out.println("saved " + m.numParams() + " parameters to " + out);
        }
        return 0;
    }

    /** Every option, before any work: one line naming the first bad one (exit 2). */
    private Seq2Seq.Config validate() {
        if (!model.strip().equalsIgnoreCase("seq2seq")) {
            throw Main.invalid(spec, "--model " + model + ": expected seq2seq (the encoder–decoder)");
        }
        CellType c;
        Seq2Seq.Attention at;
        try {
            TransductionTask.Kind.of(task);
        } catch (IllegalArgumentException e) {
            throw Main.invalid(spec, "--task " + task + ": expected reverse, copy or sort");
        }
        try {
            c = CellType.of(cell);
        } catch (IllegalArgumentException e) {
            throw Main.invalid(spec, "--cell " + cell + ": expected rnn, gru or lstm");
        }
        try {
            at = Seq2Seq.Attention.of(attention);
        } catch (IllegalArgumentException e) {
            throw Main.invalid(spec, "--attention " + attention + ": expected none, additive or dot");
        }
        positive("--length", length);
        if (alphabet < 2) throw Main.invalid(spec, "--alphabet " + alphabet + ": must be ≥ 2");
        positive("--n-embd", nEmbd);
        positive("--hidden", hidden);
        if (attentionSize < 0) throw Main.invalid(spec, "--attention-size " + attentionSize + ": must be ≥ 0");
        if (steps < 0) throw Main.invalid(spec, "--steps " + steps + ": must be ≥ 0");
        positive("--batch-size", batchSize);
        positive("--test", test);
        if (evalEvery < 1) throw Main.invalid(spec, "--eval-every " + evalEvery + ": must be ≥ 1");
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw Main.invalid(spec, "--lr " + lr + ": the learning rate must be finite and > 0");
        }
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw Main.invalid(spec, "--clip " + clip + ": the clipping threshold must be finite and > 0, or 0 for no "
                    + "clipping");
        }
        Seq2Seq.Config config = new Seq2Seq.Config(c, alphabet, alphabet, nEmbd, hidden, at, attentionSize, seed);
        checkMemory(config);
        if (out != null) {
            try {
                ModelIO.checkSaveTarget(out);
            } catch (ModelFileException e) {
                throw Main.invalid(spec, "--out " + e.getMessage());
            }
        }
        return config;
    }

    private void positive(String option, int value) {
        if (value < 1) throw Main.invalid(spec, option + " " + value + ": must be ≥ 1");
    }

    /**
     * Refuses sizes whose memory this JVM cannot hold, before anything is built: the parameters (values, gradients,
     * AdamW's two moments), the two recurrences' steps and the attention's per-step cache (L steps × B·L rows × the
     * score's size), for the larger of the training batch and the held-out batch.
     */
    private void checkMemory(Seq2Seq.Config config) {
        double B = Math.max(batchSize, Math.min(test, TransductionTask.HELD_OUT_BATCH)), L = length, H = hidden, G = config.cell().gates;
        double A = Math.max(config.scoreSize(), 1), rows = B * L;
        double doubles = 4.0 * config.numParams() + 2 * rows * (3 * G * H + 6 * H + 2 * nEmbd + 3 * alphabet);
        if (config.attention() != Seq2Seq.Attention.NONE) doubles += L * (rows * A + B * (2 * L + 3 * H + A));
        double bytes = 8 * doubles;
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > available) {
            throw Main.invalid(spec, String.format(Locale.ROOT, "--length %d --hidden %d --batch-size %d --test %d:"
                    + " about %.1f GB needed, this JVM can use %.1f GB more; choose smaller sizes (or give java more"
                    + " memory with -Xmx)", length, hidden, batchSize, test, bytes / 1e9, available / 1e9));
        }
    }

    private static String describe(Seq2Seq.Config c) {
        return "seq2seq (" + c.cell() + ", H = " + c.hidden() + ", "
                + (c.attention() == Seq2Seq.Attention.NONE ? "no attention" : c.attention() + " attention") + ")";
    }
}
