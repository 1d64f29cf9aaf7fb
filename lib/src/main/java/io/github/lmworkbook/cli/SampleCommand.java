package io.github.lmworkbook.cli;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.train.Decoding;
import io.github.lmworkbook.train.ModelFileException;
import io.github.lmworkbook.train.ModelIO;
import io.github.lmworkbook.train.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Builds the model a file written by {@code train --out} records (its kind, configuration and vocabulary) and
 * samples from it, printing each sample as it is drawn. Model options are not needed; any given must agree with the
 * file.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample names (or text) from a model saved by train --out; the model and its vocabulary are read"
                + " from the file (model options, if given, must agree with it).")
final class SampleCommand implements Callable<Integer> {
    /** The largest -n: a million names or characters per run. */
    static final int MAX_COUNT = 1_000_000;

    @Mixin
    ModelOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--params", required = true, description = "The model file written by train --out.")
    Path params;

    @Option(names = {"-n", "--count"}, defaultValue = "20",
            description = "Names to sample, or characters of text (0 to " + MAX_COUNT + "; default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--temperature", defaultValue = "1.0",
            description = "Softmax temperature τ; 0 = greedy (default 1.0; 0.8 with --recipe nanogpt-cpu, as nanoGPT's "
                    + "sample.py).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0",
            description = "Draw only among the k most likely tokens (default: ${DEFAULT-VALUE}, all of them).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0",
            description = "Nucleus sampling: draw only among the smallest set of most likely tokens whose probability "
                    + "adds up to at least p, 0 < p ≤ 1 (default: ${DEFAULT-VALUE}, all of them).")
    double topP;

    @Option(names = "--greedy", description = "Always the most likely token (the same as --temperature 0).")
    boolean greedy;

    @Override
    public Integer call() throws Exception {
        if (count < 0) throw Main.invalid(spec, "-n " + count + ": the number of samples must be ≥ 0");
        if (count > MAX_COUNT) {
            throw Main.invalid(spec, "-n " + count + ": at most " + MAX_COUNT + " samples per run");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw Main.invalid(spec, "--temperature " + temperature + ": must be finite and ≥ 0");
        }
        if (topK < 0) throw Main.invalid(spec, "--top-k " + topK + ": must be ≥ 0 (0 keeps every token)");
        if (!(topP > 0 && topP <= 1)) {
            throw Main.invalid(spec, "--top-p " + topP + ": must be in (0, 1] (1 keeps every token)");
        }
        if (greedy) {
            var parsed = spec.commandLine().getParseResult();
            for (String o : new String[] {"--temperature", "--top-k", "--top-p"}) {
                if (parsed.hasMatchedOption(o)) {
                    throw Main.invalid(spec, "--greedy and " + o + " contradict each other: greedy decoding takes the"
                            + " most likely token, there is nothing to draw");
                }
            }
        }
        if (!Files.isRegularFile(params)) {
            throw new ModelFileException(params, Files.exists(params) ? "not a regular file" : "no such file");
        }
        ModelIO.Saved saved = ModelIO.read(params);
        if (saved.config() == null) saved.model();  // one clear line: the file records no configuration (format 1)
        String clash = options.contradiction(spec.commandLine().getParseResult(), saved);
        if (clash != null) throw Main.invalid(spec, clash);
        Model built = saved.model();
        if (!(built instanceof LanguageModel model)) {
            throw new ModelFileException(params, "holds a " + built.getClass().getSimpleName()
                    + ", not a language model");
        }
        Vocabulary vocab = saved.vocabulary();
        if (vocab == null || vocab.size() != model.vocabSize()) {
            throw new ModelFileException(params, vocab == null ? "records no vocabulary (not written by train --out)"
                    : "corrupted: a vocabulary of " + vocab.size() + " characters for a model of "
                            + model.vocabSize() + " tokens");
        }
        if (options.nanoGpt() && !spec.commandLine().getParseResult().hasMatchedOption("--temperature")) {
            temperature = io.github.lmworkbook.train.NanoGptRecipe.SAMPLE_TEMPERATURE;
        }
        Decoding decoding = greedy ? Decoding.greedy() : new Decoding(temperature, topK, topP);
        Sampler sampler = new Sampler(model, vocab, options.seed).decoding(decoding);
        StandardOutput stdout = StandardOutput.open();
        PrintStream out = stdout.stream();
        if (vocab.hasSpecial()) {
            for (int i = 0; i < count && !stdout.stopped(); i++) out.println(sampler.name());  // as they are drawn
        } else {
            out.print("\n");                             // the prompt, then each character as it is drawn
            sampler.text("\n", count, c -> {
                out.print(c);
                return !stdout.stopped();
            });
            out.println();
        }
        stdout.finish();                                 // a closed pipe stops quietly; a failed write is an error
        return 0;
    }
}
