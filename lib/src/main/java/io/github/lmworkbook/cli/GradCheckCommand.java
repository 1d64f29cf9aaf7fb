package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.models.LanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** Checks a model's hand-written backward pass against central differences on a small real batch. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check every parameter's analytic gradient against central differences; exit 1 on failure.")
final class GradCheckCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--batch-size", defaultValue = "2", description = "Sequences in the checked batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threshold", defaultValue = "1e-7", description = "Largest relative error that passes.")
    double threshold;

    @Override
    public Integer call() {
        ModelOptions.Data data = options.loadData(batchSize);
        LanguageModel model = options.build(data);
        Batch batch = data.train().get();
        GradCheckReport report = GradientChecker.builder().threshold(threshold).check(model, batch);
        System.out.println("gradient check of " + options.describe(model));
        System.out.println(report);
        return report.passed() ? 0 : 1;
    }
}
