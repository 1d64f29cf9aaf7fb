package io.github.lmworkbook.exercises;

import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.layers.Tanh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the grader does with code that never finishes, overflows the stack or the heap, throws in a notebook cell,
 * or computes a wrong entry: one line each (the learner's line and matrix entry named), and the notebook goes on
 * with the library's function.
 */
class GraderLimitsTest {
    private static final GradientExercises.TanhBackward REFERENCE = GradientExercises::tanhBackward;

    @AfterEach
    void resetTimeLimit() {
        Exercise.timeLimit(Exercise.DEFAULT_TIME_LIMIT);
    }

    private static String printed(Supplier<Object> run, Object[] result) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            result[0] = run.get();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Grades mine as notebook 00 does; returns the one line printed, after checking the reference comes back. */
    private static String grade(GradientExercises.TanhBackward mine) {
        Object[] r = new Object[1];
        String out = printed(() -> Exercise.grade("tanhBackward", mine, REFERENCE, GradientExercises::checkTanh), r);
        assertSame(REFERENCE, r[0], "the notebook goes on with the library's");
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.strip().endsWith("— the notebook goes on with the library's"), out);
        return out.strip();
    }

    @Test
    void anEndlessLoopIsGivenUpAfterTheTimeLimitAndStopped() throws Exception {
        Exercise.timeLimit(Duration.ofMillis(300));
        AtomicLong spins = new AtomicLong();
        long t0 = System.nanoTime();
        String line = grade((dh, h) -> {
            while (!Thread.currentThread().isInterrupted()) spins.incrementAndGet();   // stops when interrupted
            return dh;
        });
        // without a limit this loop never ends: any finite time shows it was given up (no margin on a busy machine)
        assertTrue((System.nanoTime() - t0) / 1e9 < 120, "given up");
        assertEquals("`tanhBackward`: your code did not finish within 0.3 s (an endless loop?) and was stopped — the "
                + "notebook goes on with the library's", line);
        long seen = spins.get();
        Thread.sleep(200);
        assertEquals(seen, spins.get(), "the loop no longer runs");
    }

    @Test
    void aLoopThatIgnoresInterruptsIsStoppedWhereJavaCanStopIt() throws Exception {
        Exercise.timeLimit(Duration.ofMillis(300));
        // From Java 20 on, Thread.stop is gone: such a loop would keep a core busy for the rest of the test run.
        assumeTrue(Runtime.version().feature() < 20, "Thread.stop is unsupported from Java 20 on");
        AtomicLong spins = new AtomicLong();
        String line = grade((dh, h) -> {
            while (true) spins.incrementAndGet();
        });
        assertTrue(line.contains("did not finish within 0.3 s (an endless loop?) and was stopped"), line);
        long seen = spins.get();
        Thread.sleep(200);
        assertEquals(seen, spins.get(), "the loop no longer runs");
    }

    @Test
    void theLimitIsPositive() {
        assertThrows(IllegalArgumentException.class, () -> Exercise.timeLimit(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Exercise.timeLimit(null));
    }

    static int deeper(int n) {
        return deeper(n + 1) + 1;
    }

    @Test
    void aStackOverflowIsOneLine() {
        String line = grade((dh, h) -> new double[deeper(0)][]);
        assertTrue(line.startsWith("`tanhBackward`: overflowed the stack (StackOverflowError: a recursion without "
                + "end?) (at line "), line);
        assertTrue(line.contains(" of deeper)"), line);
    }

    @Test
    void runningOutOfMemoryIsOneLine() {
        String line = grade((dh, h) -> new double[Integer.MAX_VALUE - 16][]);
        assertTrue(line.startsWith("`tanhBackward`: ran out of memory (OutOfMemoryError: "), line);
    }

    /** An exception as the kernel shows it: thrown in a cell's method, JShell's class REPL.$JShell$13. */
    static RuntimeException thrownInACell(int wrapperLine, StackTraceElement... above) {
        RuntimeException e = new ArrayIndexOutOfBoundsException("Index 1 out of bounds for length 1");
        StackTraceElement[] trace = new StackTraceElement[above.length + 3];
        System.arraycopy(above, 0, trace, 0, above.length);
        trace[above.length] = new StackTraceElement("REPL.$JShell$13", "tanhBackward", "$JShell$13.java", wrapperLine);
        trace[above.length + 1] = new StackTraceElement("REPL.$JShell$15", "yourTanhBackward", "$JShell$15.java", 5);
        trace[above.length + 2] = new StackTraceElement("REPL.$JShell$15", "lambda$do_it$0", "$JShell$15.java", 6);
        e.setStackTrace(trace);
        return e;
    }

    @Test
    void anExceptionIsReportedAtTheLineOfTheLearnersCell() {
        // JShell's wrapper puts a cell's line 4 at line 8 (package, imports, class, "public static")
        assertEquals("`tanhBackward`: threw ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 1 at "
                + "line 4 of your cell (in tanhBackward) — the notebook goes on with the library's",
                grade((dh, h) -> {
                    throw thrownInACell(8);
                }));
        // thrown in the library, called from the learner's line 2: the learner's line is named
        String line = grade((dh, h) -> {
            throw thrownInACell(6, new StackTraceElement("io.github.lmworkbook.core.Matrix", "addMatmulTransA",
                    "Matrix.java", 120));
        });
        assertTrue(line.contains(" at line 2 of your cell (in tanhBackward) "), line);
    }

    @Test
    void aWrongEntryIsNamedAsTheLearnerNamesIt() {
        Object[] r = new Object[1];
        String line = printed(() -> GradientExercises.gradeTanh((dh, h) -> {
            double[][] dz = Tanh.backward(new Matrix(h), new Matrix(dh), new Matrix(h.length, h[0].length)).data;
            dz[1][2] += 1;                                   // one wrong entry
            return dz;
        }), r);
        assertTrue(line.startsWith("`tanhBackward`: not correct yet — dz[1][2] is "), line);
        assertTrue(line.contains(" but should be "), line);
        assertFalse(line.contains("dx"), "not the checker's name for it: " + line);
    }

    @Test
    void bpttNamesTheStepAndSequenceOfAWrongDx() {
        Object[] r = new Object[1];
        String out = printed(() -> RnnExercises.gradeBptt((x, h, dh, Wxh, Whh) -> {
            RnnExercises.Grads g = RnnExercises.bptt(x, h, dh, Wxh, Whh);
            g.dx()[3].data[2][1] += 1;                       // step t = 3, sequence b = 2, column 1
            return g;
        }), r);
        assertTrue(out.startsWith("`bptt`: not correct yet — dx[3][2][1] is "), out);
    }

    @Test
    void aCellsStepNamesTheBlockOfTDxw() {
        Object[] r = new Object[1];
        String out = printed(() -> GruExercises.gradeStepBackward((cell, prev, t) -> {
            cell.backward(prev, t);
            int H = cell.hiddenSize();
            for (double[] row : t.dxw.data) row[2 * H + 1] *= 2;   // the candidate's block, da_h
        }), r);
        assertTrue(out.startsWith("`gruStepBackward`: not correct yet — dW_x["), out);
        assertTrue(out.contains("(made from the da_h you write into t.dxw)"), out);
    }
}
