package io.github.lmworkbook.evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every experiment and every claim of the workbook, from the notebooks' evidence classes ({@link Topic}s). The command
 * line runs the experiments ({@code evidence run --all}), the tests check the claims.
 */
public final class Catalog {
    private Catalog() {}

    /** A notebook's (or a theme's) experiments and the claims made on them. */
    public interface Topic {
        List<Experiment> experiments();

        List<Claim> claims();
    }

    /** The topics, in the order of the notebooks. */
    static List<Topic> topics() {
        return List.of(new GruEvidence(), new LstmEvidence(), new Seq2SeqEvidence(), new AttentionEvidence(),
                new CompareEvidence(), new PracticeEvidence());
    }

    /** Every experiment, in the order of the notebooks. */
    public static List<Experiment> experiments() {
        Map<String, Experiment> out = new LinkedHashMap<>();
        for (Topic t : topics()) {
            for (Experiment e : t.experiments()) {
                if (out.put(e.id(), e) != null) throw new IllegalStateException("experiment " + e.id() + " twice");
            }
        }
        return List.copyOf(out.values());
    }

    /** The experiment with this id, or one line naming the ids there are. */
    public static Experiment experiment(String id) {
        List<String> ids = new ArrayList<>();
        for (Experiment e : experiments()) {
            if (e.id().equals(id)) return e;
            ids.add(e.id());
        }
        throw new IllegalArgumentException("unknown experiment '" + id + "'; there are " + ids);
    }

    /** Every claim, in the order of the notebooks. */
    public static List<Claim> claims() {
        Map<String, Claim> out = new LinkedHashMap<>();
        for (Topic t : topics()) {
            for (Claim c : t.claims()) {
                if (out.put(c.id(), c) != null) throw new IllegalStateException("claim " + c.id() + " twice");
            }
        }
        return List.copyOf(out.values());
    }

    /** The claim with this id, or one line naming the ids there are. */
    public static Claim claim(String id) {
        List<String> ids = new ArrayList<>();
        for (Claim c : claims()) {
            if (c.id().equals(id)) return c;
            ids.add(c.id());
        }
        throw new IllegalArgumentException("unknown claim '" + id + "'; there are " + ids);
    }
}
