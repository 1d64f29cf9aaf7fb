package io.github.lmworkbook.cli;

import io.github.lmworkbook.data.Batch;
import io.github.lmworkbook.gradcheck.GradCheckReport;
import io.github.lmworkbook.gradcheck.GradientChecker;
import io.github.lmworkbook.models.LanguageModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Checks a model's hand-written backward pass against finite differences on a real batch; the criterion is
 * {@link GradientChecker}'s (the error each numeric estimate can have, plus rtol relative).
 */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check every parameter's analytic gradient against finite differences; exit 1 on failure.")
final class GradCheckCommand implements Callable<Integer> {
    @Mixin
    ModelOptions options;

    @Option(names = "--batch-size", defaultValue = "2", description = "Sequences in the checked batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = {"--rtol", "--threshold"}, defaultValue = "1e-7",
            description = "rtol, the relative part of the allowed error |a − n| ≤ z·(σ_n + ρ) + t + rtol·(|a| + |n|) "
                    + "(default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--samples", defaultValue = "100",
            description = "Entries checked per parameter, a seeded sample of a larger one (default: ${DEFAULT-VALUE}).")
    int samples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batchSize < 1) throw Main.invalid(spec, "--batch-size " + batchSize + ": must be ≥ 1");
        if (!(rtol >= 0) || Double.isInfinite(rtol)) {
            throw Main.invalid(spec, "--rtol " + rtol + ": must be finite and ≥ 0");
        }
        if (samples < 1) throw Main.invalid(spec, "--samples " + samples + ": must be ≥ 1 (entries per parameter)");
        ModelOptions.Data data = options.loadData(batchSize);
        LanguageModel model = options.build(data);
        // with dropout the loss and the backward pass must see the same masks
        if (model instanceof io.github.lmworkbook.models.Mlp m) m.freezeDropout(true);
        if (model instanceof io.github.lmworkbook.models.RecurrentLM r) r.freezeDropout(true);
        if (model instanceof io.github.lmworkbook.models.Transformer t) t.freezeDropout(true);
        Batch batch = data.train().get();
        GradCheckReport report = GradientChecker.builder().rtol(rtol).samplesPerParam(samples).seed(options.seed)
                .check(model, batch);
        System.out.println("gradient check of " + options.describe(model));
        System.out.println(report);
        return report.passed() ? 0 : 1;
    }
}
