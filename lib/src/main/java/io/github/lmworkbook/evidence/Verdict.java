package io.github.lmworkbook.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * What checking a claim against the evidence found: whether it holds, and the numbers it looked at, one line per
 * check (each line names the condition, the budget and the value of every seed). {@link #toString()} is what a
 * notebook prints under a claim.
 *
 * @param holds whether every check passed
 * @param lines one line per check, "✓ …" or "✗ …"
 */
public record Verdict(boolean holds, List<String> lines) {
    /**
     * Makes the lines an unmodifiable copy.
     *
     * @param holds whether every check passed
     * @param lines one line per check, "✓ …" or "✗ …"
     */
    public Verdict {
        lines = List.copyOf(lines);
    }

    /**
     * One check.
     *
     * @param holds whether the check passed
     * @param line the line, without its mark
     * @return the verdict
     */
    public static Verdict of(boolean holds, String line) {
        return new Verdict(holds, List.of((holds ? "✓ " : "✗ ") + line));
    }

    /**
     * A line of information that does not decide anything (e.g. the learning rate chosen on dev).
     *
     * @param line the line
     * @return the verdict, which holds
     */
    public static Verdict note(String line) {
        return new Verdict(true, List.of("· " + line));
    }

    /**
     * All of the checks: holds when each holds.
     *
     * @param parts the checks
     * @return the verdict
     */
    public static Verdict all(List<Verdict> parts) {
        boolean ok = true;
        List<String> lines = new ArrayList<>();
        for (Verdict v : parts) {
            ok &= v.holds;
            lines.addAll(v.lines);
        }
        return new Verdict(ok, lines);
    }

    /**
     * All of the checks.
     *
     * @param parts the checks
     * @return the verdict
     */
    public static Verdict all(Verdict... parts) {
        return all(List.of(parts));
    }

    /**
     * This and more checks.
     *
     * @param more the other checks
     * @return the verdict
     */
    public Verdict and(Verdict more) {
        return all(this, more);
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
