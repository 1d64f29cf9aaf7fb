package io.github.lmworkbook.cli;

import io.github.lmworkbook.core.Kernels;
import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.AdamW;
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.Sampler;
import io.github.lmworkbook.train.Trainer;
import io.github.lmworkbook.train.TrainingHistory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Trains a model with AdamW, reports progress and held-out loss, and saves its parameters. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model with AdamW and clipping by global norm; print progress, dev and test loss, samples.")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

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
        ModelOptions.Data data = options.loadData(batchSize);
        LanguageModel model = options.build(data);
        System.out.println("training " + options.describe(model) + "; product kernels: " + Kernels.active());
        Trainer<Batch> trainer = Trainer.of(model, new AdamW(model, lr, weightDecay))
                .data(data.train()).steps(steps).eval(data.dev(), evalEvery);
        if (clip > 0) trainer.clipGradNorm(clip);
        TrainingHistory history = trainer.run();
        System.out.printf("dev loss %.4f, test loss %.4f after %d steps (%.1f s)%n",
                Trainer.evaluate(model, data.dev()), Trainer.evaluate(model, data.test()), trainer.step(),
                history.seconds());
        Sampler sampler = new Sampler(model, data.vocab(), options.seed);
        if (data.words()) {
            System.out.println("samples: " + String.join(", ", sampler.names(10)));
        } else {
            System.out.println("sample:\n" + sampler.text("\n", 300));
        }
        if (out != null) {
            ModelIO.save(model, out);
            System.out.println("saved " + model.numParams() + " parameters to " + out);
        }
        return 0;
    }
}
