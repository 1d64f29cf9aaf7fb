package io.github.lmworkbook.evidence;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A claim a notebook makes about training, written once beside its evidence: an id the notebook cites, the
 * statement in words, the experiments it reads, and a predicate over their committed results that must hold at
 * every seed and at both budgets (or the statement says what does hold). {@code mvn verify} checks every claim
 * against the committed evidence; {@code lmworkbook evidence check --dir D} checks them against anyone's re-run.
 *
 * <pre>{@code
 * System.out.println(Claim.check("06.window"));   // the statement, ✓ or ✗, and the numbers of every seed and budget
 * }</pre>
 *
 * @param id          e.g. {@code 06.window} (the notebook, a dot, a name)
 * @param statement   the claim in words, as the notebook's prose makes it
 * @param experiments the ids of the experiments it reads
 * @param check       the predicate
 */
public record Claim(String id, String statement, List<String> experiments, Check check) {

    /** The predicate of a claim: the evidence in, a verdict with the numbers it looked at out. */
    @FunctionalInterface
    public interface Check {
        /**
         * Checks the claim.
         *
         * @param evidence the results it reads
         * @return the verdict, with the numbers it looked at
         */
        Verdict check(Sources evidence);
    }

    /** The results a claim reads, by experiment id, loaded once from one directory. */
    public static final class Sources {
        private final Path dir;
        private final Map<String, Evidence> loaded = new HashMap<>();

        /**
         * The results in a directory.
         *
         * @param dir the evidence directory
         */
        public Sources(Path dir) {
            this.dir = dir;
        }

        /**
         * The results of an experiment.
         *
         * @param id the experiment's id
         * @return its results
         */
        public synchronized Evidence get(String id) {
            return loaded.computeIfAbsent(id, k -> Evidence.load(dir, k));
        }

        /**
         * Whether the directory holds results of the experiment.
         *
         * @param id the experiment's id
         * @return true when its results are there
         */
        public boolean has(String id) {
            return EvidenceStore.at(dir).has(id);
        }

        /**
         * The directory the results are read from.
         *
         * @return the directory
         */
        public Path dir() {
            return dir;
        }
    }

    private static final Pattern ID = Pattern.compile("[0-9a-z]+(\\.[a-z0-9-]+)+");

    /**
     * Checks the id's form.
     *
     * @param id e.g. {@code 06.window} (the notebook, a dot, a name)
     * @param statement the claim in words, as the notebook's prose makes it
     * @param experiments the ids of the experiments it reads
     * @param check the predicate
     */
    public Claim {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("claim id '" + id + "': like 06.window (lower case, dots)");
        }
        experiments = List.copyOf(experiments);
        if (experiments.isEmpty()) throw new IllegalArgumentException("claim " + id + ": reads no experiment");
    }

    /**
     * Checks the claim against the results in a directory.
     *
     * @param evidence the results
     * @return the verdict
     */
    public Verdict verify(Sources evidence) {
        for (String e : experiments) {
            if (!evidence.has(e)) {
                return Verdict.of(false, "no results of " + e + " in " + evidence.dir() + " (lmworkbook evidence run "
                        + e + ")");
            }
        }
        return check.check(evidence);
    }

    /**
     * The claim, checked against the committed evidence, as a notebook shows it.
     *
     * @param id the claim's id, e.g. "06.window"
     * @return the claim and its verdict
     */
    public static Result check(String id) {
        Claim c = Catalog.claim(id);
        return new Result(c, c.verify(new Sources(EvidenceStore.dir())));
    }

    /** A claim and its verdict. */
    public record Result(Claim claim, Verdict verdict) {
        /**
         * Whether the claim holds.
         *
         * @return true when every check passed
         */
        public boolean holds() {
            return verdict.holds();
        }

        /** The verdict, the statement and every line of numbers, wrapped at 100 characters. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(wrap((verdict.holds() ? "HOLDS" : "DOES NOT HOLD") + " ["
                    + claim.id() + "] " + claim.statement(), 100, ""));
            for (String line : verdict.lines()) sb.append('\n').append(wrap("  " + line, 100, "      "));
            return sb.toString();
        }
    }

    /** Breaks a line at spaces so that no line is longer than width; continuation lines start with indent. */
    static String wrap(String line, int width, String indent) {
        StringBuilder out = new StringBuilder();
        String rest = line;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= indent.length()) cut = rest.indexOf(' ', width);
            if (cut < 0) break;
            out.append(rest, 0, cut).append('\n');
            rest = indent + rest.substring(cut + 1);
        }
        return out.append(rest).toString();
    }
}
