package io.github.lmworkbook.cli;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.CrossEntropy;
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

import java.nio.file.Path;
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

    @Option(names = "--out", description = "Save the trained parameters to this file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        validate();
        ModelOptions.Data data = options.loadData(batchSize);
        try {
            options.checkMemory(data.vocab().size(), data.blockSize(), 4, (long) batchSize * data.blockSize(),
                    "training it");
        } catch (IllegalArgumentException e) {
            throw Main.invalid(spec, e.getMessage());
        }
        LanguageModel model = options.build(data);
        System.out.println("training " + options.describe(model) + "; product kernels: " + Kernels.active());
        Trainer<Batch> trainer = Trainer.of(model, new AdamW(model, lr, weightDecay))
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
            ModelIO.save(model, out);
            System.out.println("saved " + model.numParams() + " parameters to " + out);
        }
        return 0;
    }

    /** The options, before any data is loaded: one line naming the first bad one. */
    private void validate() {
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
