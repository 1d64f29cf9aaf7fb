import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The RNN training step of the code before the redesign (commit 719f4a2, {@code RnnBenchmark.runLibrary}) against
 * today's ({@code ModelBenchmark.run(.., "rnn", ..)}) in ONE JVM: each jar in its own class loader, the two sides
 * alternating round by round (the first side swaps every round), a fresh model per round. Run by
 * bench/before_after.sh; arguments: OLD_JAR NEW_JAR ROUNDS STEPS.
 *
 * <p>Why one JVM: the step time of either code varies by up to ±30 % between runs and between fresh models of one
 * run (memory layout); separate processes measured minutes apart confound that spread with the code.
 */
public class BeforeAfterRnn {
    public static void main(String[] a) throws Exception {
        if (a.length != 4) {
            System.err.println("usage: BeforeAfterRnn OLD_JAR NEW_JAR ROUNDS STEPS");
            System.exit(2);
        }
        int rounds = Integer.parseInt(a[2]), steps = Integer.parseInt(a[3]);
        ClassLoader parent = ClassLoader.getPlatformClassLoader();
        ClassLoader oldL = new URLClassLoader(new URL[]{Path.of(a[0]).toUri().toURL()}, parent);
        ClassLoader newL = new URLClassLoader(new URL[]{Path.of(a[1]).toUri().toURL()}, parent);
        // names.txt through today's data registry (downloaded or taken from LMW_DATA_MIRROR on first use)
        Path names = (Path) newL.loadClass("io.github.lmworkbook.data.Datasets").getMethod("path", String.class)
                .invoke(null, "names");
        List<String> words = new ArrayList<>();
        for (String w : Files.readAllLines(names)) if (!w.strip().isEmpty()) words.add(w.strip());
        Method before = oldL.loadClass("io.github.lmworkbook.bench.RnnBenchmark").getMethod("runLibrary",
                List.class, int.class, int.class, long.class, double.class, java.io.PrintStream.class);
        Method after = newL.loadClass("io.github.lmworkbook.bench.ModelBenchmark").getMethod("run", List.class,
                String.class, boolean.class, int.class, int.class, long.class, double.class,
                java.io.PrintStream.class);
        double[] o = new double[rounds], n = new double[rounds], q = new double[rounds];
        int newFaster = 0;
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == (r % 2 == 0)) {
                    o[r] = median(before.invoke(null, words, steps, 100, 3407L, 0.0, null));
                } else {
                    n[r] = median(after.invoke(null, words, "rnn", false, steps, 100, 3407L, 0.0, null));
                }
            }
            q[r] = n[r] / o[r];
            if (q[r] < 1) newFaster++;
            System.out.printf(Locale.ROOT, "round %2d: before %.3f ms, after %.3f ms, after/before %.3f%n", r + 1,
                    o[r], n[r], q[r]);
        }
        Arrays.sort(o);
        Arrays.sort(n);
        Arrays.sort(q);
        System.out.printf(Locale.ROOT, "median ms/step: before %.3f [%.3f..%.3f], after %.3f [%.3f..%.3f]; "
                        + "after/before median %.3f [%.3f..%.3f]; after faster in %d of %d rounds of %d steps%n",
                o[rounds / 2], o[0], o[rounds - 1], n[rounds / 2], n[0], n[rounds - 1], q[rounds / 2], q[0],
                q[rounds - 1], newFaster, rounds, steps);
    }

    private static double median(Object result) throws Exception {
        return (double) result.getClass().getMethod("medianStepMs").invoke(result);
    }
}
