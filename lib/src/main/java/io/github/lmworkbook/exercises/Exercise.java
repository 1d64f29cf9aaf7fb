package io.github.lmworkbook.exercises;

import io.github.lmworkbook.gradcheck.GradCheckReport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one mechanism behind every graded exercise of the notebooks. The learner writes a function with the same
 * signature as a piece of the library (a backward pass, usually); a check runs the library's forward pass with
 * the learner's function in the place of the library's and compares with central differences
 * ({@link io.github.lmworkbook.gradcheck.GradientChecker}). {@link #grade} prints exactly one line and returns the
 * function the notebook goes on with: the learner's when it passed, the library's reference otherwise.
 * <ul>
 *   <li>a body that still throws {@code UnsupportedOperationException("not implemented yet")}: one line saying
 *       so, and the reference;</li>
 *   <li>a cell that did not compile: one line, "`name` does not compile — fix the cell that defines it", and
 *       the reference (see below);</li>
 *   <li>any other exception or error from the learner's code (a StackOverflowError, an OutOfMemoryError): one
 *       line naming it and the line of the learner's cell where it happened (JShell's wrapper lines taken off),
 *       and the reference;</li>
 *   <li>code that does not finish within the time limit ({@link #timeLimit(Duration)}, 10 s by default): one line,
 *       and the reference; the thread that runs it is stopped where Java can (up to Java 19), else the line says
 *       that it keeps running until the kernel is restarted;</li>
 *   <li>a wrong result: the worst entries, named as the learner's matrices name them ({@link Entries}), and the
 *       reference.</li>
 * </ul>
 * The learner's code runs in a thread of its own, so that the grader can give up on it.
 *
 * <h2>A cell that does not compile</h2>
 * The kernel (JShell) rejects a method whose body does not compile, and drops the definition it had before, so a
 * grading cell that names the learner's method directly would itself fail to compile, with the kernel's message
 * instead of one line. The notebooks therefore call the learner's method through a method declared in the grading
 * cell:
 * <pre>{@code
 * double[][] yourTanhBackward(double[][] dh, double[][] h) { return tanhBackward(dh, h); }
 * var tanhUsed = GradientExercises.gradeTanh((dh, h) -> yourTanhBackward(dh, h));
 * }</pre>
 * JShell keeps a method whose body names something missing ("recoverably defined"): the grading cell compiles,
 * calling {@code yourTanhBackward} throws JShell's unresolved-reference exception, and {@link #problem} turns it
 * into the one line. NotebooksIT runs exactly this through the real kernel.
 */
public final class Exercise {
    private Exercise() {}

    /** How long the learner's code may run, by default. */
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(10);
    /**
     * JShell compiles a cell's method inside a class whose first lines are the package, the imports (all on one
     * line) and the class, then "public static" on a line of its own: the method's line n is the class's n + 4.
     */
    static final int JSHELL_WRAPPER_LINES = 4;
    private static volatile Duration timeLimit = DEFAULT_TIME_LIMIT;

    /**
     * The learner's name of an entry the checker compared, for the line of a wrong answer: which entry of which of
     * the learner's matrices ({@code dz[1][2]}, {@code cell.Whh.grad[0][3]}). Called with row = col = −1 for the
     * matrix as a whole ({@code dz}).
     */
    @FunctionalInterface
    public interface Entries {
        /**
         * The learner's name of an entry.
         *
         * @param param the checker's name of the parameter (or input)
         * @param row the entry's row, or −1 for the whole matrix
         * @param col the entry's column, or −1 for the whole matrix
         * @return the name, e.g. {@code dz[1][2]}
         */
        String name(String param, int row, int col);

        /**
         * The checker's own names: {@code param[row][col]}.
         *
         * @return the naming {@code param[row][col]}
         */
        static Entries asChecked() {
            return (p, r, c) -> r < 0 ? p : p + "[" + r + "][" + c + "]";
        }
    }

    /**
     * The longest the learner's code may run in one grading (default {@link #DEFAULT_TIME_LIMIT}, measured in the
     * CPU time of the thread that runs it where the JVM measures that, so a loaded machine does not shorten it; and at
     * most six times as long on the clock).
     *
     * @param limit the new time limit
     */
    public static void timeLimit(Duration limit) {
        if (limit == null || limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the time limit must be positive, got " + limit);
        }
        timeLimit = limit;
    }

    /**
     * The time limit in force.
     *
     * @return the limit
     */
    public static Duration timeLimit() {
        return timeLimit;
    }

    /**
     * Grades the learner's function and returns the one to use from here on.
     *
     * @param <F>       the type of the function (a functional interface)
     * @param name      what the learner wrote, as the notebook calls it (e.g. "tanhBackward")
     * @param mine      the learner's function
     * @param reference the library's version, same signature
     * @param check     runs the gradient check with a given function in place
     * @return the learner's function when it passes, else the reference
     */
    public static <F> F grade(String name, F mine, F reference, Function<F, GradCheckReport> check) {
        return grade(name, mine, reference, check, Entries.asChecked());
    }

    /**
     * Grades the learner's function and returns the one to use from here on; a wrong answer's line names the
     * learner's entries as entries says.
     *
     * @param <F> the type of the function (a functional interface)
     * @param name what the learner wrote, as the notebook calls it
     * @param mine the learner's function
     * @param reference the library's version, same signature
     * @param check runs the gradient check with a given function in place
     * @param entries the learner's names of the entries
     * @return the learner's function when it passes, else the reference
     */
    public static <F> F grade(String name, F mine, F reference, Function<F, GradCheckReport> check, Entries entries) {
        GradCheckReport r = report(name, mine, check, entries);
        return r != null && r.passed() ? mine : reference;
    }

    /**
     * The report of the check of the learner's function, after printing its one line; null when it did not run.
     *
     * @param <F> the type of the function (a functional interface)
     * @param name what the learner wrote, as the notebook calls it
     * @param mine the learner's function
     * @param check runs the gradient check with a given function in place
     * @return the report, or null
     */
    public static <F> GradCheckReport report(String name, F mine, Function<F, GradCheckReport> check) {
        return report(name, mine, check, Entries.asChecked());
    }

    /**
     * The report of the check of the learner's function, after printing its one line; null when it did not run
     * (an exception, an error such as StackOverflowError or OutOfMemoryError, or the time limit).
     *
     * @param <F> the type of the function (a functional interface)
     * @param name what the learner wrote, as the notebook calls it
     * @param mine the learner's function
     * @param check runs the gradient check with a given function in place
     * @param entries the learner's names of the entries
     * @return the report, or null
     */
    public static <F> GradCheckReport report(String name, F mine, Function<F, GradCheckReport> check,
                                             Entries entries) {
        Outcome o = run(() -> check.apply(mine));
        if (o.problem != null) {
            System.out.println(problem(name, o.problem));
            return null;
        }
        if (o.report == null) {
            System.out.println(o.stopped ? "`" + name + "`: your code did not finish within " + seconds(timeLimit)
                    + " s (an endless loop?) and was stopped — the notebook goes on with the library's"
                    : "`" + name + "`: your code did not finish within " + seconds(timeLimit) + " s (an endless "
                    + "loop?); it is still running and keeps a core busy: Kernel → Restart stops it (then run the "
                    + "first cells again) — the notebook goes on with the library's");
            return null;
        }
        System.out.println(line(name, o.report, entries));
        return o.report;
    }

    /** What running the check gave: a report, an exception or error, or neither (the time limit passed). */
    private record Outcome(GradCheckReport report, Throwable problem, boolean stopped) {}

    /**
     * Runs the check in a thread of its own, so that an endless loop is given up after the time limit and a
     * StackOverflowError or OutOfMemoryError is caught like any exception. A thread still running then is
     * interrupted and, where Java still can (up to Java 19), stopped.
     */
    private static Outcome run(Supplier<GradCheckReport> check) {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                result.set(check.get());
            } catch (Throwable e) {        // everything the learner's code can throw, errors included
                result.set(e);
            }
        }, "lmworkbook-exercise");
        worker.setDaemon(true);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isThreadCpuTimeSupported();
        try {
            if (cpu && !mx.isThreadCpuTimeEnabled()) mx.setThreadCpuTimeEnabled(true);
        } catch (UnsupportedOperationException | SecurityException e) {
            cpu = false;
        }
        long limit = timeLimit.toNanos(), wallLimit = 6 * limit, t0 = System.nanoTime();
        worker.start();
        try {
            while (true) {
                worker.join(50);
                if (!worker.isAlive()) break;
                long used = cpu ? mx.getThreadCpuTime(worker.getId()) : -1;
                long wall = System.nanoTime() - t0;
                if ((cpu && used > limit) || (!cpu && wall > limit) || wall > wallLimit) {
                    return new Outcome(null, null, stop(worker));
                }
            }
        } catch (InterruptedException e) {             // the kernel's interrupt (the ■ button): stop it too
            boolean stopped = stop(worker);
            Thread.currentThread().interrupt();
            return new Outcome(null, new InterruptedException("interrupted" + (stopped ? ""
                    : "; your code is still running: Kernel → Restart stops it")), false);
        }
        Object r = result.get();
        if (r instanceof GradCheckReport report) return new Outcome(report, null, false);
        if (r instanceof Throwable t) return new Outcome(null, t, false);
        return new Outcome(null, new IllegalStateException("the check returned no report"), false);
    }

    /** Interrupts the thread and, if it goes on, stops it where Java can (Thread.stop, up to Java 19). */
    static boolean stop(Thread t) {
        t.interrupt();
        try {
            t.join(200);
            if (!t.isAlive()) return true;
            try {
                Thread.class.getMethod("stop").invoke(t);   // deprecated; UnsupportedOperationException from Java 20
            } catch (ReflectiveOperationException | RuntimeException e) {
                // from Java 20 on only the interrupt can end it: give a loaded machine time to deliver it
            }
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    /** The one line for a report. */
    static String line(String name, GradCheckReport r) {
        return line(name, r, Entries.asChecked());
    }

    /** The one line for a report; a wrong answer names its worst entries as the learner calls them. */
    static String line(String name, GradCheckReport r, Entries entries) {
        return switch (r.status()) {
            case NOT_IMPLEMENTED -> "`" + name + "`: not implemented yet — the notebook goes on with the library's";
            case PASSED -> "`" + name + "`: correct — " + r.summary();
            case FAILED -> "`" + name + "`: not correct yet — " + wrong(r, entries)
                    + " — the notebook goes on with the library's";
        };
    }

    /**
     * The failing entries in the learner's words: "dz[1][2] is −0.8109 but should be −1.811 (central differences);
     * 3 of 12 entries of dz are off", at most three matrices.
     */
    static String wrong(GradCheckReport r, Entries entries) {
        StringBuilder sb = new StringBuilder();
        List<GradCheckReport.Entry> failures = r.failures();
        for (int k = 0; k < failures.size() && k < 3; k++) {
            GradCheckReport.Entry e = failures.get(k);
            GradCheckReport.Comparison c = e.worst();
            if (sb.length() > 0) sb.append("; ");
            String whole = entries.name(e.name(), -1, -1);
            if (c == null) {
                sb.append(whole).append(" could not be compared");
                continue;
            }
            sb.append(entries.name(e.name(), c.row(), c.col())).append(" is ").append(number(c.analytic()))
                    .append(" but should be ").append(number(c.numeric()));
            if (k == 0) sb.append(" (by central differences)");
            if (e.failed() > 1) {
                sb.append(", ").append(e.failed()).append(" of ").append(e.checked()).append(" entries of ")
                        .append(whole).append(" are off");
            }
        }
        if (failures.size() > 3) sb.append("; and ").append(failures.size() - 3).append(" more");
        return sb.toString();
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** The one line for an exception (or error) thrown by the learner's code. */
    static String problem(String name, Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String cls = c.getClass().getName();
            if (cls.endsWith("UnresolvedReferenceException") || cls.endsWith("SPIResolutionException")) {
                return "`" + name + "`: does not compile — fix the cell that defines it (the notebook goes on with the"
                        + " library's)";
            }
            if (c instanceof UnsupportedOperationException) {
                return "`" + name + "`: not implemented yet — the notebook goes on with the library's";
            }
        }
        String where = where(e);
        if (e instanceof InterruptedException) {
            return "`" + name + "`: " + e.getMessage() + " — the notebook goes on with the library's";
        }
        if (e instanceof StackOverflowError) {
            return "`" + name + "`: overflowed the stack (StackOverflowError: a recursion without end?)" + where
                    + " — the notebook goes on with the library's";
        }
        if (e instanceof OutOfMemoryError) {
            return "`" + name + "`: ran out of memory (OutOfMemoryError" + (e.getMessage() == null ? ""
                    : ": " + e.getMessage()) + ")" + where + " — the notebook goes on with the library's";
        }
        String msg = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
        return "`" + name + "`: threw " + e.getClass().getSimpleName() + msg + where
                + " — the notebook goes on with the library's";
    }

    /**
     * Where the learner's code failed, as the learner sees it: the first frame of code defined in a notebook cell
     * (JShell's class REPL.$JShell$…), at its line in the cell; else the first frame.
     */
    static String where(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        for (StackTraceElement f : trace) {
            if (f.getClassName().startsWith("REPL.$JShell$") && f.getLineNumber() > JSHELL_WRAPPER_LINES) {
                String method = f.getMethodName();
                String in = method.startsWith("lambda$") || method.startsWith("do_it$") ? "" : " (in " + method + ")";
                return " at line " + (f.getLineNumber() - JSHELL_WRAPPER_LINES) + " of your cell" + in;
            }
        }
        if (trace.length == 0) return "";
        return " (at line " + trace[0].getLineNumber() + " of " + trace[0].getMethodName() + ")";
    }
}
