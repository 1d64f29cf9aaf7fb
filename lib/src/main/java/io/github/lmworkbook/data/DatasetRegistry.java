package io.github.lmworkbook.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The known data sets, read from {@code datasets.properties}. The file lives at {@code data/datasets.properties}
 * in the project and is packaged into the jar as {@value #RESOURCE}.
 */
public final class DatasetRegistry {

    /** Class-path location of the bundled registry. */
    public static final String RESOURCE = "/io/github/lmworkbook/data/datasets.properties";

    private final Map<String, Dataset> datasets;

    private DatasetRegistry(Map<String, Dataset> datasets) {
        this.datasets = Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
    }

    /**
     * The registry bundled in the jar (a copy of {@code data/datasets.properties}).
     *
     * @return the bundled registry
     */
    public static DatasetRegistry bundled() {
        try (InputStream in = DatasetRegistry.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new DatasetException("data-set registry " + RESOURCE + " is not on the class path; rebuild the library (mvn package)");
            }
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return fromProperties(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Reads a registry file such as {@code data/datasets.properties}.
     *
     * @param file the properties file
     * @return the registry it describes
     */
    public static DatasetRegistry load(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return fromProperties(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data-set registry " + file, e);
        }
    }

    /**
     * Builds a registry from {@code NAME.file / NAME.url / NAME.sha256 / NAME.size [/ NAME.source / NAME.license]}
     * entries.
     *
     * @param p the entries
     * @return the registry they describe
     */
    public static DatasetRegistry fromProperties(Properties p) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            int dot = key.indexOf('.');
            if (dot > 0) {
                names.add(key.substring(0, dot));
            }
        }
        Map<String, Dataset> map = new LinkedHashMap<>();
        for (String name : names) {
            String file = required(p, name, "file");
            String url = required(p, name, "url");
            String sha = required(p, name, "sha256");
            String size = required(p, name, "size");
            long bytes;
            try {
                bytes = Long.parseLong(size);
            } catch (NumberFormatException e) {
                throw new DatasetException("data-set registry: '" + name + ".size' is '" + size + "', not a number of bytes");
            }
            if (bytes < 0) throw new DatasetException("data-set registry: '" + name + ".size' is negative: " + bytes);
            map.put(name, new Dataset(name, file, URI.create(url), sha,
                    p.getProperty(name + ".source", ""), p.getProperty(name + ".license", ""), bytes));
        }
        return new DatasetRegistry(map);
    }

    /**
     * A registry holding exactly the given data sets.
     *
     * @param sets the data sets
     * @return the registry
     */
    public static DatasetRegistry of(Dataset... sets) {
        Map<String, Dataset> map = new LinkedHashMap<>();
        for (Dataset d : sets) {
            map.put(d.name(), d);
        }
        return new DatasetRegistry(map);
    }

    private static String required(Properties p, String name, String field) {
        String v = p.getProperty(name + "." + field);
        if (v == null || v.isBlank()) {
            throw new DatasetException("data-set registry: entry '" + name + "' has no '" + name + "." + field + "'");
        }
        return v.trim();
    }

    /**
     * The data set called {@code name}; an unknown name is an error that lists the known ones.
     *
     * @param name the data set's registry name
     * @return its entry
     */
    public Dataset get(String name) {
        Dataset d = datasets.get(name);
        if (d == null) {
            throw new DatasetException("unknown data set '" + name + "'; known data sets: " + String.join(", ", datasets.keySet()));
        }
        return d;
    }

    /**
     * The names of the registered data sets.
     *
     * @return the names, in the registry's order
     */
    public Collection<String> names() {
        return datasets.keySet();
    }

    /**
     * Every registered data set.
     *
     * @return the entries, in the registry's order
     */
    public Collection<Dataset> all() {
        return datasets.values();
    }
}
