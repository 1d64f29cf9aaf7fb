package io.github.lmworkbook.exercises;

import io.github.lmworkbook.gradcheck.GradCheckReport;

import java.util.function.Function;

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
 *   <li>any other exception from the learner's code: one line naming it, and the reference;</li>
 *   <li>a wrong result: the verdict with the worst entries (the report), and the reference.</li>
 * </ul>
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

    /**
     * Grades the learner's function and returns the one to use from here on.
     *
     * @param name      what the learner wrote, as the notebook calls it (e.g. "tanhBackward")
     * @param mine      the learner's function
     * @param reference the library's version, same signature
     * @param check     runs the gradient check with a given function in place
     */
    public static <F> F grade(String name, F mine, F reference, Function<F, GradCheckReport> check) {
        GradCheckReport r = report(name, mine, check);
        return r != null && r.passed() ? mine : reference;
    }

    /** The report of the check of the learner's function, after printing its one line; null when it did not run. */
    public static <F> GradCheckReport report(String name, F mine, Function<F, GradCheckReport> check) {
        GradCheckReport r;
        try {
            r = check.apply(mine);
        } catch (RuntimeException | LinkageError e) {
            System.out.println(problem(name, e));
            return null;
        }
        System.out.println(line(name, r));
        return r;
    }

    /** The one line for a report. */
    static String line(String name, GradCheckReport r) {
        return switch (r.status()) {
            case NOT_IMPLEMENTED -> "`" + name + "`: not implemented yet — the notebook goes on with the library's";
            case PASSED -> "`" + name + "`: correct — " + r.summary();
            case FAILED -> "`" + name + "`: not correct yet — " + r.summary()
                    + " — the notebook goes on with the library's";
        };
    }

    /** The one line for an exception thrown by the learner's code. */
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
        StackTraceElement where = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        return "`" + name + "`: threw " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + (where == null ? "" : " (at line " + where.getLineNumber() + " of " + where.getMethodName() + ")")
                + " — the notebook goes on with the library's";
    }
}
