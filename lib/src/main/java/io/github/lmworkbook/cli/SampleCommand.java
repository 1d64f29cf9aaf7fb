package io.github.lmworkbook.cli;

import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Loads saved parameters into a model of the same shape and samples from it. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample names (or text) from a saved model; give the same model options as when training.")
final class SampleCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--params", required = true, description = "The parameter file written by train --out.")
    Path params;

    @Option(names = {"-n", "--count"}, defaultValue = "20", description = "Names to sample, or characters of text.")
    int count;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Softmax temperature τ; 0 = greedy.")
    double temperature;

    @Override
    public Integer call() throws Exception {
        ModelOptions.Data data = options.loadData(1);
        LanguageModel model = options.build(data);
        ModelIO.load(model, params);
        Sampler sampler = new Sampler(model, data.vocab(), options.seed).temperature(temperature);
        if (data.words()) {
            sampler.names(count).forEach(System.out::println);
        } else {
            System.out.println(sampler.text("\n", count));
        }
        return 0;
    }
}
