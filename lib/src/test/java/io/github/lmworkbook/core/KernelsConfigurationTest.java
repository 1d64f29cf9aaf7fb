package io.github.lmworkbook.core;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An invalid -Dlmworkbook.kernel or -Dlmworkbook.threads gives one IllegalArgumentException naming the property,
 * never an ExceptionInInitializerError: the parsing is tested here, class loading in a forked JVM.
 */
class KernelsConfigurationTest {

    @Test
    void kernelValues() {
        assertEquals("plain", Kernels.parseKernel(" Plain "));
        assertEquals("vector", Kernels.parseKernel("VECTOR"));
        assertEquals("auto", Kernels.parseKernel(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.parseKernel("foo"));
        assertEquals("-Dlmworkbook.kernel=foo: unknown kernel, expected plain, vector or auto", e.getMessage());
    }

    @Test
    void threadValues() {
        assertEquals(1, Kernels.parseThreads("1"));
        assertEquals(2, Kernels.parseThreads(" 2 "));
        for (String bad : new String[] {"3", "0", "-1", "two", "", "99999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.parseThreads(bad));
            assertEquals("-Dlmworkbook.threads=" + bad + ": expected 1 or 2", e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.setThreads(3));
        assertEquals("threads 3: expected 1 or 2", e.getMessage());
    }

    /** Runs Probe in a fresh JVM with the given options; returns its standard output and error. */
    static String fork(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the forked JVM did not finish");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    /** Multiplies two small matrices and prints the outcome in one line. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                Matrix c = Matrix.matmul(Matrix.row(1, 2), Matrix.of(new double[][] {{3}, {4}}));
                System.out.println("ok " + c.get(0, 0));
                Kernels.setThreads(1);  // a valid setting replaces a bad -Dlmworkbook.threads
                System.out.println("then " + Matrix.matmul(Matrix.row(1), Matrix.row(5)).get(0, 0));
            } catch (Throwable t) {
                System.out.println(t.getClass().getName() + ": " + t.getMessage());
                Kernels.setThreads(1);
                try {
                    System.out.println("then " + Matrix.matmul(Matrix.row(1), Matrix.row(5)).get(0, 0));
                } catch (Throwable u) {
                    System.out.println("still " + u.getClass().getName() + ": " + u.getMessage());
                }
            }
        }
    }

    @Test
    void invalidPropertiesAreOneClearExceptionNotAnInitializerError() throws Exception {
        assertEquals("java.lang.IllegalArgumentException: -Dlmworkbook.threads=3: expected 1 or 2\nthen 5.0",
                fork("-Dlmworkbook.threads=3"));
        assertEquals("java.lang.IllegalArgumentException: -Dlmworkbook.kernel=foo: unknown kernel, expected plain, "
                + "vector or auto\nstill java.lang.IllegalArgumentException: -Dlmworkbook.kernel=foo: unknown kernel, "
                + "expected plain, vector or auto", fork("-Dlmworkbook.kernel=foo"));
        assertEquals("ok 11.0\nthen 5.0", fork("-Dlmworkbook.kernel=plain", "-Dlmworkbook.threads=2"));
        String out = fork("-Dlmworkbook.precision=half");
        assertTrue(out.startsWith("java.lang.IllegalArgumentException: -Dlmworkbook.precision=half: unknown precision, "
                + "expected float64 or float32\n"), out);
        assertEquals("ok 11.0\nthen 5.0", fork("-Dlmworkbook.precision=float32"));
    }
}
