package io.github.lmworkbook;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The library's layering (lib/ARCHITECTURE.md): the import graph between its packages has no cycle, and the
 * lowest layers import only what is below them.
 */
class ArchitectureTest {
    private static final Path SRC = Path.of(System.getProperty("lmworkbook.root", "."), "lib/src/main/java/io/github/lmworkbook");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.github\\.lmworkbook\\.(\\w+)\\.", Pattern.MULTILINE);

    /** package → the library packages its sources import. */
    static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = SRC.relativize(f);
                if (rel.getNameCount() < 2) continue;                    // Version.java at the top
                String pkg = rel.getName(0).toString();
                Set<String> to = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                String text = Files.readString(f);
                Matcher m = IMPORT.matcher(text);
                while (m.find()) if (!m.group(1).equals(pkg)) to.add(m.group(1));
                Matcher q = Pattern.compile("io\\.github\\.lmworkbook\\.(\\w+)\\.[A-Z]").matcher(
                        text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", ""));
                while (q.find()) if (!q.group(1).equals(pkg)) to.add(q.group(1)); // fully qualified uses in code
            }
        }
        return g;
    }

    @Test
    void noCycleBetweenPackages() throws IOException {
        Map<String, Set<String>> g = imports();
        assertTrue(g.size() > 8, "found packages " + g.keySet() + " under " + SRC.toAbsolutePath());
        for (String start : g.keySet()) {
            List<String> cycle = cycleFrom(start, start, g, new ArrayList<>(List.of(start)), new TreeSet<>());
            assertNull(cycle, () -> "import cycle: " + String.join(" → ", cycle) + "\n" + g);
        }
    }

    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> g, List<String> path,
                                          Set<String> seen) {
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> c = new ArrayList<>(path);
                c.add(start);
                return c;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> c = cycleFrom(start, next, g, path, seen);
                if (c != null) return c;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    @Test
    void theLowestLayersImportOnlyWhatIsBelowThem() throws IOException {
        Map<String, Set<String>> g = imports();
        assertEquals(Set.of(), g.get("core"), "core imports no other package of the library");
        assertEquals(Set.of("core"), g.get("layers"));
        assertTrue(Set.of("core", "layers").containsAll(g.get("cells")), "cells: " + g.get("cells"));
        assertTrue(Set.of("core").containsAll(g.get("data")), "data: " + g.get("data"));
        assertTrue(Set.of("core").containsAll(g.get("gradcheck")), "gradcheck: " + g.get("gradcheck"));
        assertFalse(g.get("models").contains("analysis") || g.get("models").contains("gradcheck"), "models: " + g.get("models"));
    }
}
