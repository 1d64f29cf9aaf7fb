package io.github.lmworkbook;

import org.junit.jupiter.api.function.Executable;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The bytes the current thread allocates while some code runs (HotSpot's per-thread count). A test that something
 * is refused "at once", before the arrays a hostile file or option claims are made, asserts a small allocation
 * rather than a short time: the count does not depend on how loaded the machine is.
 */
public final class Allocated {
    /** A generous bound for a refusal: far below any array the hostile cases claim (gigabytes), far above startup. */
    public static final long LITTLE = 256L << 20;

    private Allocated() {}

    /** The bytes this thread allocated while body ran, or −1 (after running it) where the JVM does not count them. */
    public static long by(Executable body) throws Throwable {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean hs) || !hs.isThreadAllocatedMemorySupported()
                || !hs.isThreadAllocatedMemoryEnabled()) {
            body.execute();
            return -1;
        }
        long before = hs.getCurrentThreadAllocatedBytes();     // not Thread.getId(): deprecated since JDK 19
        body.execute();
        return hs.getCurrentThreadAllocatedBytes() - before;
    }
}
