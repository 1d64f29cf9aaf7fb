package io.github.lmworkbook.cli;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.data.Datasets;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.CrossEntropy;
import io.github.lmworkbook.train.NanoGptRecipe;
import io.github.lmworkbook.train.ModelFileException;
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.Sampler;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Trains a model with AdamW, reports progress and held-out loss, and saves its parameters. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model with AdamW and clipping by global norm; print progress, dev and test loss (in nats,"
                + " bits per character and perplexity) beside the uniform, unigram and bigram baselines, samples.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--steps", defaultValue = "3000", description = "Training steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch-size", defaultValue = "32", description = "Batch size B (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "5e-4", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay λ (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip", defaultValue = "1.0", description = "Clip the global gradient norm at this value; 0 = off.")
    double clip;

    @Option(names = "--eval-every", defaultValue = "500", description = "Evaluate on the dev split every N steps.")
    long evalEvery;

    @Option(names = "--out", description = "Save the trained model (its configuration, vocabulary and parameters) to"
            + " this file.")
    Path out;

    @Option(names = "--save-worse", description = "Save the model even when its dev loss ends worse than the untrained"
            + " model's (a diverged run); by default such a run is reported and nothing is saved.")
    boolean saveWorse;

    @Option(names = "--precision", paramLabel = "P",
            description = "float64 (the default) or float32: the precision of the matrix products (float32 on the "
                    + "vector path; also -Dlmworkbook.precision).")
    String precision;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW's β₁ (default: ${DEFAULT-VALUE}).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.99", description = "AdamW's β₂ (default: ${DEFAULT-VALUE}).")
    double beta2;

    @Option(names = "--warmup", paramLabel = "N",
            description = "With --recipe: linear warm-up iterations of the learning rate (nanoGPT's warmup_iters; 100).")
    Integer warmup;

    @Option(names = "--min-lr", paramLabel = "LR",
            description = "With --recipe: where the cosine decay of the learning rate ends (min_lr; 1e-4).")
    Double minLr;

    @Option(names = "--lr-decay-steps", paramLabel = "N",
            description = "With --recipe: the iteration where the cosine reaches --min-lr (lr_decay_iters; default --steps).")
    Integer lrDecaySteps;

    @Option(names = "--eval-iters", paramLabel = "N",
            description = "With --recipe: random batches per split in each loss estimate (eval_iters; 20).")
    Integer evalIters;

    @Option(names = "--log-csv", paramLabel = "FILE",
            description = "With --recipe: write the run's log (every iteration's loss, lr, ms; every estimate) as CSV.")
    Path logCsv;

    @Override
    public Integer call() throws Exception {
        validate();
        if (precision != null) Kernels.setPrecision(parsePrecision());
        if (options.nanoGpt()) return callRecipe();
        // before the data are read (their batches take memory too): with the smallest vocabulary and block size
        options.checkMemory(2, options.data.equals("names") ? 2 : options.blockSize, 4, batchSize,
                "training it", true);
        ModelOptions.Data data = options.loadData(batchSize);
        options.checkMemory(data.vocab().size(), data.blockSize(), 4, batchSize, "training it", false);
        LanguageModel model = options.build(data);
        Map<String, String> notes = Map.of("data", options.data);
        ModelIO.header(model, data.vocab(), notes);      // a configuration the file cannot record fails now
        System.out.println("training " + options.describe(model) + "; product kernels: " + Kernels.active());
        Trainer<Batch> trainer = Trainer.of(model, new AdamW(model, lr, weightDecay).betas(beta1, beta2))
                .data(data.train()).steps(steps).eval(data.dev(), evalEvery).lossUnits(true);
        if (clip > 0) trainer.clipGradNorm(clip);
        TrainingHistory history = trainer.run();
        requireFinite(model, trainer.step());
        double dev = Trainer.evaluate(model, data.dev()), test = Trainer.evaluate(model, data.test());
        if (!Double.isFinite(dev) || !Double.isFinite(test)) {
            throw diverged(trainer.step(), "the dev loss is " + dev + " and the test loss " + test);
        }
        System.out.printf("dev loss %.4f %s, test loss %.4f %s after %d steps (%.1f s)%n", dev,
                CrossEntropy.unitsOf(dev), test, CrossEntropy.unitsOf(test), trainer.step(), history.seconds());
        if (data.trainInOrder() != null) {
            System.out.println("baselines on the test split, counted on the training split: "
                    + CrossEntropy.baselines(data.trainInOrder(), data.test(), data.vocab().size()));
        }
        double untrained = history.evalSteps().length > 0 && history.evalSteps()[0] == 0 ? history.devLosses()[0]
                : dev;                                     // evaluated before the first update
        boolean worse = dev > untrained;
        if (worse && !saveWorse) {
            throw diverged(trainer.step(), String.format(java.util.Locale.ROOT, "the dev loss %.4g is worse than the "
                    + "untrained model's %.4f%s", dev, untrained, out != null && Files.exists(out)
                    ? " (" + out + " is kept as it was; --save-worse replaces it anyway)" : ""));
        }
        Sampler sampler = new Sampler(model, data.vocab(), options.seed);
        try {
            if (data.words()) {
                System.out.println("samples: " + String.join(", ", sampler.names(10)));
            } else {
                System.out.println("sample:\n" + sampler.text("\n", 300));
            }
        } catch (IllegalArgumentException e) {   // NaN logits from parameters too large to use
            String why = e.getMessage().replaceFirst("^sample: ", "");
            throw diverged(trainer.step(), "the model's next-token logits are not finite ("
                    + (why.contains(";") ? why.substring(0, why.indexOf(';')) : why) + ")");
        }
        if (out != null) {
            ModelIO.save(model, data.vocab(), notes, out);
            System.out.println("saved " + model.numParams() + " parameters to " + out
                    + (worse ? " (--save-worse: its dev loss is worse than the untrained model's)" : ""));
        }
        return 0;
    }

    /** --recipe nanogpt-cpu: nanoGPT's CPU recipe, its settings printed first, then nanoGPT's log lines. */
    private int callRecipe() throws Exception {
        NanoGptRecipe r = recipe();
        String text = Datasets.text(options.data);
        try {
            options.checkMemory(io.github.lmworkbook.data.Vocabulary.ofText(text).size(), r.blockSize(), 4,
                    (long) r.batchSize() * r.blockSize(), "training it", false);
        } catch (IllegalArgumentException e) {
            throw Main.invalid(spec, e.getMessage());
        }
        System.out.println("nanoGPT's CPU recipe (--recipe " + options.recipe + "), every setting:");
        System.out.print(r.settings());
        NanoGptRecipe.Run run = r.run(text, System.out, Math.max(1, r.maxIters() / 40));
        requireFinite(run.model(), r.maxIters());
        double val = run.finalValLoss();
        if (!Double.isFinite(val)) throw diverged(r.maxIters(), "the val loss is " + val);
        System.out.printf(Locale.ROOT, "val loss %.4f after %d iterations (nanoGPT's README: 1.88); %.1f ms per "
                        + "iteration (median; %.1f ms CPU), %.0f s in all%n", val, r.maxIters(), run.medianIterMs(10),
                run.medianIterCpuMs(10), run.seconds());
        if (logCsv != null) {
            run.writeCsv(logCsv);
            System.out.println("wrote the log to " + logCsv);
        }
        System.out.println("sample (temperature " + NanoGptRecipe.SAMPLE_TEMPERATURE + ", as nanoGPT's sample.py):");
        System.out.println(run.sample(500, options.seed));
        if (out != null) {
            ModelIO.save(run.model(), run.vocab(), Map.of("data", options.data), out);
            System.out.println("saved " + run.model().numParams() + " parameters to " + out);
        }
        return 0;
    }

    /** The recipe with every training option given on the command line in place of nanoGPT's value. */
    private NanoGptRecipe recipe() {
        NanoGptRecipe c = NanoGptRecipe.cpu();
        picocli.CommandLine.ParseResult given = spec.commandLine().getParseResult();
        int iters = given.hasMatchedOption("--steps") ? (int) steps : c.maxIters();
        int warm = warmup != null ? warmup : Math.min(c.warmupIters(), Math.max(0, iters / 10));
        try {
            return new NanoGptRecipe(options.nLayer, options.nHead, options.nEmbd, options.blockSize,
                    given.hasMatchedOption("--batch-size") ? batchSize : c.batchSize(), iters,
                    given.hasMatchedOption("--lr") ? lr : c.learningRate(), minLr != null ? minLr : c.minLr(), warm,
                    lrDecaySteps != null ? lrDecaySteps : warmup != null ? iters : Math.max(iters, warm + 1),
                    given.hasMatchedOption("--beta1") ? beta1 : c.beta1(),
                    given.hasMatchedOption("--beta2") ? beta2 : c.beta2(),
                    given.hasMatchedOption("--weight-decay") ? weightDecay : c.weightDecay(),
                    given.hasMatchedOption("--clip") ? clip : c.gradClip(),
                    given.hasMatchedOption("--eval-every") ? (int) evalEvery : c.evalInterval(),
                    evalIters != null ? evalIters : c.evalIters(), options.seed);
        } catch (IllegalArgumentException e) {
            throw Main.invalid(spec, e.getMessage().replaceFirst("^nanoGPT recipe: ", "--recipe " + options.recipe
                    + ": "));
        }
    }

    private Kernels.Precision parsePrecision() {
        switch (precision.trim().toLowerCase(Locale.ROOT)) {
            case "float64":
                return Kernels.Precision.FLOAT64;
            case "float32":
                return Kernels.Precision.FLOAT32;
            default:
                throw Main.invalid(spec, "--precision " + precision + ": expected float64 or float32");
        }
    }

    /** The options, before any data is loaded: one line naming the first bad one. */
    private void validate() {
        if (precision != null) parsePrecision();
        if (!options.nanoGpt()) {
            String only = warmup != null ? "--warmup" : minLr != null ? "--min-lr" : lrDecaySteps != null
                    ? "--lr-decay-steps" : evalIters != null ? "--eval-iters" : logCsv != null ? "--log-csv" : null;
            if (only != null) throw Main.invalid(spec, only + ": only with --recipe " + ModelOptions.NANOGPT_CPU);
        } else {
            if (steps > Integer.MAX_VALUE - 8) throw Main.invalid(spec, "--steps " + steps + ": at most " + (Integer.MAX_VALUE - 8) + " with --recipe");
            if (evalEvery > Integer.MAX_VALUE) throw Main.invalid(spec, "--eval-every " + evalEvery + ": too large");
            recipe();                                      // its own checks, one line each
            if (logCsv != null) {
                Path dir = logCsv.toAbsolutePath().getParent();
                if (Files.isDirectory(logCsv)) throw Main.invalid(spec, "--log-csv " + logCsv + ": is a directory");
                if (dir == null || !Files.isDirectory(dir)) {
                    throw Main.invalid(spec, "--log-csv " + logCsv + ": no such directory " + dir);
                }
                if (!Files.isWritable(dir)) throw Main.invalid(spec, "--log-csv " + logCsv + ": cannot write in " + dir);
            }
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw Main.invalid(spec, "--beta1 " + beta1 + ", --beta2 " + beta2 + ": each must be in [0, 1)");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw Main.invalid(spec, "--lr " + lr + ": the learning rate must be finite and > 0");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw Main.invalid(spec, "--weight-decay " + weightDecay + ": must be finite and ≥ 0");
        }
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw Main.invalid(spec, "--clip " + clip + ": the clipping threshold must be finite and > 0, or 0 for no "
                    + "clipping");
        }
        if (steps < 0) throw Main.invalid(spec, "--steps " + steps + ": must be ≥ 0");
        if (batchSize < 1) throw Main.invalid(spec, "--batch-size " + batchSize + ": must be ≥ 1");
        if (evalEvery < 1) throw Main.invalid(spec, "--eval-every " + evalEvery + ": must be ≥ 1");
        if (out != null) {
            try {
                ModelIO.checkSaveTarget(out);    // a bad --out fails now, not after the training
            } catch (ModelFileException e) {
                throw Main.invalid(spec, "--out " + e.getMessage());
            }
        }
    }

    private static IllegalStateException diverged(long steps, String what) {
        return new IllegalStateException("training diverged: after " + steps + (steps == 1 ? " step " : " steps ") + what
                + "; nothing was saved (try a smaller --lr, or --clip)");
    }

    /**
     * The Trainer stops when the loss or a gradient is not finite, but the last update itself can overflow the
     * parameters: such a model is reported, not evaluated, sampled or saved.
     */
    private static void requireFinite(LanguageModel model, long steps) {
        for (Param p : model.params()) {
            double[][] v = p.value.data;
            for (int i = 0; i < v.length; i++) {
                for (int j = 0; j < v[i].length; j++) {
                    if (!Double.isFinite(v[i][j])) {
                        throw diverged(steps, "parameter '" + p.name + "' " + p.shape() + " holds " + v[i][j]
                                + " at [" + i + "][" + j + "]");
                    }
                }
            }
        }
    }
}
