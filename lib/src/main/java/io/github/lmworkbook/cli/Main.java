package io.github.lmworkbook.cli;

import io.github.lmworkbook.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code java -jar lib/target/lmworkbook-all.jar <command>}.
 *
 * <pre>
 * lmworkbook datasets                       list the registered data sets (and fetch them with --fetch)
 * lmworkbook train --model mlp --steps 3000 --out mlp.bin
 * lmworkbook sample --model mlp --params mlp.bin -n 20
 * lmworkbook gradcheck --model rnn
 * lmworkbook train --model gru --steps 3000 --out gru.bin        (mlp, rnn or gru)
 * </pre>
 * Add {@code --add-modules=jdk.incubator.vector} to the java command for the fast product kernels.
 */
@Command(name = "lmworkbook", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Language models from first principles: train, sample and gradient-check the workbook's models.",
        subcommands = {DatasetsCommand.class, TrainCommand.class, SampleCommand.class, GradCheckCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // expected failures (a bad file, an unknown character, a diverged run) are one clear line
                    cmd.getErr().println("lmworkbook " + cmd.getCommandName() + ": " + e.getMessage());
                    return 1;
                })
                .execute(args);
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
