package io.github.lmworkbook.exercises;

import io.github.lmworkbook.gradcheck.GradCheckReport;

import java.util.function.Function;

/**
 * Grading with a hint that is printed only after a failed attempt: {@link Exercise#grade} prints its one line; when
 * the learner's function was wrong (the check failed) or threw (other than "not implemented yet" or a cell that did
 * not compile), one more line follows, "  hint: …". A first attempt is made without it, as on paper.
 */
public final class Hint {
    private Hint() {}

    /** The prefix of the hint line. */
    public static final String PREFIX = "  hint: ";

    /**
     * {@link Exercise#grade}, then the hint after a failed attempt; returns the function to go on with.
     *
     * @param <F> the type of the function (a functional interface)
     * @param name what the learner wrote, as the notebook calls it
     * @param mine the learner's function
     * @param reference the library's version, same signature
     * @param check runs the gradient check with a given function in place
     * @param hint the hint printed after a failed attempt
     * @return the learner's function when it passes, else the reference
     */
    public static <F> F grade(String name, F mine, F reference, Function<F, GradCheckReport> check, String hint) {
        Object[] seen = new Object[1];
        F used = Exercise.grade(name, mine, reference, f -> {
            try {
                GradCheckReport r = check.apply(f);
                seen[0] = r;
                return r;
            } catch (RuntimeException e) {
                seen[0] = e;
                throw e;
            }
        });
        if (failedAttempt(seen[0])) System.out.println(PREFIX + hint);
        return used;
    }

    /**
     * An exception that says what is wrong with what the learner returned (a shape, a null), in the learner's terms:
     * without a stack trace, so that the grading line names the learner's output and not the checker's code.
     *
     * @param message what is wrong, in the learner's terms
     * @return the exception, to throw
     */
    public static IllegalArgumentException wrong(String message) {
        IllegalArgumentException e = new IllegalArgumentException(message);
        e.setStackTrace(new StackTraceElement[0]);
        return e;
    }

    /** A report that failed, or an exception that is neither "not implemented yet" nor a cell that did not compile. */
    static boolean failedAttempt(Object seen) {
        if (seen instanceof GradCheckReport r) return r.status() == GradCheckReport.Status.FAILED;
        if (!(seen instanceof Throwable e)) return false;
        for (Throwable c = e; c != null; c = c.getCause()) {
            String cls = c.getClass().getName();
            if (c instanceof UnsupportedOperationException || cls.endsWith("UnresolvedReferenceException")
                    || cls.endsWith("SPIResolutionException")) {
                return false;
            }
        }
        return true;
    }
}
