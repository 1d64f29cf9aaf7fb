package io.github.lmworkbook.cli;

import io.github.lmworkbook.Version;
import io.github.lmworkbook.core.Kernels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * The command line: {@code java -jar lib/target/lmworkbook-all.jar <command>}.
 *
 * <pre>
 * lmworkbook datasets                       list the registered data sets (and fetch them with --fetch)
 * lmworkbook train --model mlp --steps 3000 --out mlp.bin
 * lmworkbook sample --model mlp --params mlp.bin -n 20
 * lmworkbook gradcheck --model rnn
 * lmworkbook compare --out results          the models side by side: table (CSV, HTML) and charts (PNG)
 * lmworkbook tasks --task reverse --length 20 --attention additive      an encoder–decoder on a transduction
 * lmworkbook train --model gru --steps 3000 --out gru.bin        (mlp, rnn or gru)
 * </pre>
 * Add {@code --add-modules=jdk.incubator.vector} to the java command for the fast product kernels.
 *
 * <p>Every failure is one line on standard error, {@code lmworkbook <command>: <the problem>}, never a stack
 * trace: exit code 2 for an invalid option (checked before any work), 1 for anything that goes wrong while
 * working (a bad file, a failed download, a diverged run, too little memory).
 */
@Command(name = "lmworkbook", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Language models from first principles: train, sample and gradient-check the workbook's models.",
        subcommands = {DatasetsCommand.class, TrainCommand.class, SampleCommand.class, GradCheckCommand.class,
                CompareCommand.class, EvidenceCommand.class, TasksCommand.class})
public final class Main implements Runnable {

    /**
     * The command line: {@code lmworkbook <command> [options]}; exits with the command's code.
     *
     * @param args the command and its options ({@code --help} lists them)
     */
    public static void main(String[] args) {
        StandardOutput.processOutput = true;     // sample tells a closed pipe from a failed write
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code (for tests).
     *
     * @param args the command and its options
     * @return the exit code: 0 on success
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main())
                .setParameterExceptionHandler((e, a) -> {
                    // an invalid option: one line naming it, no usage screen
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage()
                            + (e.getMessage().startsWith("-") ? "" : " (see --help)"));
                    cmd.getErr().flush();
                    return cmd.getCommandSpec().exitCodeOnInvalidInput();
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // expected failures (a bad file, an unknown character, a diverged run) are one clear line
                    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
                    cmd.getErr().flush();
                    return e instanceof BadOption ? cmd.getCommandSpec().exitCodeOnInvalidInput() : 1;
                })
                .setExecutionStrategy(Main::checkThenRun);
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            PrintWriter err = cl.getErr();
            err.println("lmworkbook: out of memory (" + e.getMessage() + "); give java more memory with -Xmx, or "
                    + "choose smaller --n-embd, --n-embd2, --context or --batch-size");
            err.flush();
            return 1;
        }
    }

    /**
     * Before a command that computes runs: the kernel settings ({@code -Dlmworkbook.kernel/threads}) and the model
     * sizes are checked, so that a bad value is one line before any data is loaded.
     */
    private static int checkThenRun(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) return help;
        java.util.List<CommandLine> chain = parsed.asCommandLineList();
        CommandLine leaf = chain.get(chain.size() - 1);
        CommandSpec spec = leaf.getCommandSpec();
        CommandSpec mixin = spec.mixins().get("options");
        if (mixin != null && mixin.userObject() instanceof ModelOptions options) {
            try {
                Kernels.checkConfiguration();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
            }
            try {
                options.applyRecipe(leaf.getParseResult());
                options.validate();
            } catch (IllegalArgumentException e) {
                throw new ParameterException(leaf, e.getMessage(), e);
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** One line for an exception: its message, with the kind of problem where the message alone is unclear. */
    static String describe(Throwable e) {
        String msg = e.getMessage();
        if (e instanceof NoSuchFileException f) return f.getFile() + ": no such file";
        if (e instanceof AccessDeniedException f) return f.getFile() + ": permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getFile() + ": " + f.getReason();
        if (e instanceof IOException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof java.io.UncheckedIOException) {
            if (msg != null && !msg.isBlank()) return firstLine(msg);
        }
        if (e instanceof RuntimeException && e.getClass().getPackageName().startsWith("io.github.lmworkbook")
                && msg != null && !msg.isBlank()) {
            return firstLine(msg);   // the library's own exceptions (diverged run, data set) say what happened
        }
        return "internal error: " + e.getClass().getName() + (msg == null ? "" : ": " + firstLine(msg))
                + " (please report it)";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** An invalid option value of a command: one line, exit code 2, before any work. */
    static ParameterException invalid(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * An invalid option value found where no command spec is at hand (the shared model options, while the data are
     * read): one line naming the option, exit code 2.
     */
    static final class BadOption extends IllegalArgumentException {
        BadOption(String message) {
            super(message);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"LM Workbook " + Version.get() + " (Java " + Runtime.version() + ")"};
        }
    }
}
