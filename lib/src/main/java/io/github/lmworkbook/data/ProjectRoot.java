package io.github.lmworkbook.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Finds the workbook's project root: the directory holding {@code data/datasets.properties}. */
public final class ProjectRoot {

    /** The marker file, relative to the project root. */
    public static final String MARKER = "data/datasets.properties";

    private ProjectRoot() {
    }

    /**
     * The project root: the system property {@code lmworkbook.root} if it names a directory with the marker,
     * else the first directory with the marker found walking up from the working directory
     * (a notebook runs in {@code notebooks/}, so this finds the root from there).
     *
     * @return the root, or empty when none is found
     */
    public static Optional<Path> find() {
        String prop = System.getProperty("lmworkbook.root");
        if (prop != null && !prop.isBlank()) {
            Path p = Paths.get(prop).toAbsolutePath().normalize();
            if (Files.isRegularFile(p.resolve(MARKER))) {
                return Optional.of(p);
            }
        }
        return findFrom(Paths.get(System.getProperty("user.dir")));
    }

    /**
     * The first directory at or above {@code start} that holds the marker file.
     *
     * @param start the directory to start from
     * @return that directory, or empty when none holds the marker
     */
    public static Optional<Path> findFrom(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }
}
