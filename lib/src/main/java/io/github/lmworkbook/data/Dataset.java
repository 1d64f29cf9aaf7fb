package io.github.lmworkbook.data;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One entry of the data-set registry ({@code data/datasets.properties}).
 *
 * @param name     registry name, e.g. {@code "names"}
 * @param fileName file name in the cache and in a mirror directory, e.g. {@code "names.txt"}
 * @param url      where the file is downloaded from when it is neither cached nor mirrored
 * @param sha256   expected SHA-256 of the file, 64 lower-case hex digits
 * @param source   human-readable provenance
 * @param license  licence notes
 * @param size     the file's size in bytes, or −1 when unknown: a download stops at it, and a shorter transfer is
 *                 reported as short
 */
public record Dataset(String name, String fileName, URI url, String sha256, String source, String license,
                      long size) {

    /**
     * An entry of unknown size.
     *
     * @param name registry name, e.g. {@code "names"}
     * @param fileName file name in the cache and in a mirror directory
     * @param url where the file is downloaded from
     * @param sha256 expected SHA-256 of the file, 64 hex digits
     * @param source human-readable provenance
     * @param license licence notes
     */
    public Dataset(String name, String fileName, URI url, String sha256, String source, String license) {
        this(name, fileName, url, sha256, source, license, -1);
    }

    /**
     * Checks the entry: name, file, URL and SHA-256 present, the SHA-256 64 hex digits (stored in lower case), a plain file name and a size ≥ 0 or −1.
     *
     * @param name registry name, e.g. {@code "names"}
     * @param fileName file name in the cache and in a mirror directory, e.g. {@code "names.txt"}
     * @param url where the file is downloaded from when it is neither cached nor mirrored
     * @param sha256 expected SHA-256 of the file, 64 lower-case hex digits
     * @param source human-readable provenance
     * @param license licence notes
     * @param size the file's size in bytes, or −1 when unknown: a download stops at it, and a shorter transfer is
     *     reported as short
     */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(sha256, "sha256");
        sha256 = sha256.trim().toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("data set '" + name + "': sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
        if (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("data set '" + name + "': bad file name '" + fileName + "'");
        }
        source = source == null ? "" : source;
        license = license == null ? "" : license;
        if (size < -1) throw new IllegalArgumentException("data set '" + name + "': size " + size + " must be ≥ 0 (or −1: unknown)");
    }

    /**
     * The same entry with the file's size in bytes.
     *
     * @param bytes the file's size in bytes
     * @return the new entry
     */
    public Dataset withSize(long bytes) {
        return new Dataset(name, fileName, url, sha256, source, license, bytes);
    }

    /**
     * A data set with no provenance notes (handy for tests).
     *
     * @param name registry name
     * @param fileName file name in the cache and in a mirror directory
     * @param url where the file is downloaded from
     * @param sha256 expected SHA-256 of the file, 64 hex digits
     * @return the entry, of unknown size
     */
    public static Dataset of(String name, String fileName, String url, String sha256) {
        return new Dataset(name, fileName, URI.create(url), sha256, "", "");
    }
}
