package io.github.lmworkbook.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetStoreTest {

    private static final String NAMES_SHA = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d";
    private static final String SHAKESPEARE_SHA = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";
    /** Nothing listens on port 1: connecting fails at once, without any network. */
    private static final String DEAD_URL = "http://127.0.0.1:1/fake.txt";
    private static final String CONTENT = "alpha\nbeta\ngamma\n";

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    private Path cache() {
        return tmp.resolve("cache");
    }

    private Path mirror() throws IOException {
        return Files.createDirectories(tmp.resolve("mirror"));
    }

    private static String sha256(String s) throws IOException {
        Path f = Files.createTempFile("sha", ".txt");
        try {
            Files.writeString(f, s);
            return DatasetStore.sha256(f);
        } finally {
            Files.delete(f);
        }
    }

    private DatasetRegistry fakeRegistry() throws IOException {
        return DatasetRegistry.of(Dataset.of("fake", "fake.txt", DEAD_URL, sha256(CONTENT)));
    }

    private DatasetStore.Builder store(Path mirror) throws IOException {
        return DatasetStore.builder().registry(fakeRegistry()).cacheDir(cache()).mirrorDir(mirror)
                .timeout(Duration.ofSeconds(5)).log(log);
    }

    private List<String> cacheListing() throws IOException {
        if (!Files.isDirectory(cache())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache())) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** The shared data mirror: $LMW_DATA_MIRROR, else ../shared/data next to the project root. */
    private static Path realMirror() {
        String env = System.getenv(DatasetStore.ENV_DATA_MIRROR);
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return ProjectRoot.find().map(r -> r.resolveSibling("shared").resolve("data")).orElse(null);
    }

    @Test
    void realMirrorProvidesVerifiedNames() throws IOException {
        Path mirror = realMirror();
        assumeTrue(mirror != null && Files.isRegularFile(mirror.resolve("names.txt")),
                "no data mirror with names.txt (set LMW_DATA_MIRROR)");
        DatasetStore store = DatasetStore.builder().cacheDir(cache()).mirrorDir(mirror).log(log).build();

        Path p = store.path("names");

        assertEquals(cache().resolve("names.txt"), p);
        assertEquals(NAMES_SHA, DatasetStore.sha256(p));
        List<String> names = store.lines("names");
        assertEquals(32033, names.size());
        assertEquals(List.of("emma", "olivia", "ava"), names.subList(0, 3));
        assertEquals(List.of("names.txt"), cacheListing(), "only the verified file is left in the cache");
    }

    @Test
    void tempMirrorWithFakeEntryIsCopiedAndVerified() throws IOException {
        Files.writeString(mirror().resolve("fake.txt"), CONTENT);
        DatasetStore store = store(mirror()).build();

        assertEquals(CONTENT, store.text("fake"));
        assertEquals(List.of("alpha", "beta", "gamma"), store.lines("fake"));
        assertEquals(List.of("fake.txt"), cacheListing());
    }

    @Test
    void missingMirrorFileNamesMirrorAndFile() throws IOException {
        Path mirror = mirror();
        DatasetStore store = store(mirror).build();

        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));

        assertTrue(e.getMessage().contains(mirror.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("fake.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertEquals(List.of(), cacheListing(), "no file may be left behind");
    }

    @Test
    void corruptedFileIsRejectedWithBothHashesAndNothingIsLeft() throws IOException {
        String corrupted = "alpha\nbeta\ngamma!\n";
        Files.writeString(mirror().resolve("fake.txt"), corrupted);
        DatasetStore store = store(mirror()).build();

        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));

        String msg = e.getMessage();
        assertTrue(msg.contains("fake.txt"), msg);
        assertTrue(msg.contains(sha256(CONTENT)), "expected hash in: " + msg);
        assertTrue(msg.contains(sha256(corrupted)), "actual hash in: " + msg);
        assertEquals(List.of(), cacheListing(), "neither the temp file nor a target file may be left");
    }

    @Test
    void failedDownloadNamesUrlAndLeavesNoPartialFile() throws IOException {
        DatasetStore store = store(null).build();

        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));

        assertTrue(e.getMessage().contains(DEAD_URL), e.getMessage());
        assertTrue(e.getMessage().contains("failed"), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException"), "the cause is named: " + e.getMessage());
        assertTrue(e.getCause() != null);
        assertEquals(List.of(), cacheListing(), "no partial file may be left behind");
    }

    @Test
    void urlOverrideIsUsedForDownloads() throws IOException {
        String url = "http://127.0.0.1:1/elsewhere/fake.txt";
        DatasetStore store = store(null).url("fake", java.net.URI.create(url)).build();

        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));

        assertTrue(e.getMessage().contains(url), e.getMessage());
    }

    @Test
    void verifiedCacheIsUsedWithoutMirrorOrNetwork() throws IOException {
        Files.createDirectories(cache());
        Files.writeString(cache().resolve("fake.txt"), CONTENT);
        DatasetStore store = store(null).build(); // no mirror, URL unreachable

        assertEquals(CONTENT, store.text("fake"));
        assertEquals("", logBytes.toString(StandardCharsets.UTF_8), "nothing is downloaded");
    }

    @Test
    void corruptedCacheFileIsFetchedAgain() throws IOException {
        Files.createDirectories(cache());
        Files.writeString(cache().resolve("fake.txt"), "truncated");
        Files.writeString(mirror().resolve("fake.txt"), CONTENT);
        DatasetStore store = store(mirror()).build();

        assertEquals(CONTENT, store.text("fake"));
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("fetching it again"));
        assertEquals(List.of("fake.txt"), cacheListing());
    }

    @Test
    void unknownNameListsKnownDataSets() {
        DatasetStore store = DatasetStore.builder().cacheDir(cache()).log(log).build();

        DatasetException e = assertThrows(DatasetException.class, () -> store.path("shakespeare"));

        assertTrue(e.getMessage().contains("unknown data set 'shakespeare'"), e.getMessage());
        assertTrue(e.getMessage().contains("names"), e.getMessage());
        assertTrue(e.getMessage().contains("tinyshakespeare"), e.getMessage());
    }

    @Test
    void bundledRegistryMatchesProjectFile() {
        DatasetRegistry bundled = DatasetRegistry.bundled();
        assertEquals(List.of("names", "tinyshakespeare"), List.copyOf(bundled.names()));
        assertEquals(NAMES_SHA, bundled.get("names").sha256());
        assertEquals("names.txt", bundled.get("names").fileName());
        assertEquals(SHAKESPEARE_SHA, bundled.get("tinyshakespeare").sha256());
        assertEquals("tinyshakespeare.txt", bundled.get("tinyshakespeare").fileName());
        assertFalse(bundled.get("names").license().isBlank());

        Path root = ProjectRoot.find().orElseThrow();
        DatasetRegistry file = DatasetRegistry.load(root.resolve(ProjectRoot.MARKER));
        assertEquals(List.copyOf(file.all()), List.copyOf(bundled.all()), "the jar carries data/datasets.properties");
    }

    @Test
    void projectRootIsFoundFromASubdirectory() throws IOException {
        Path root = tmp.resolve("project");
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve(ProjectRoot.MARKER), "");
        Path notebooks = Files.createDirectories(root.resolve("notebooks").resolve("deep"));

        assertEquals(root.toAbsolutePath().normalize(), ProjectRoot.findFrom(notebooks).orElseThrow());
        assertTrue(ProjectRoot.findFrom(tmp).isEmpty());
    }
}
