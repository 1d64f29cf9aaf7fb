package io.github.lmworkbook.data;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Downloads against a server that misbehaves at the socket level (issue 26): headers sent a byte at a time, a body
 * that never ends, a transfer cut short, a size other than the registry's; a cache directory that cannot be written.
 * Each is one message, within the deadline, and no partial file is left.
 */
class DownloadLimitsTest {
    private static final byte[] CONTENT = "alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8);   // 17 bytes
    private static final String SHA = sha256(CONTENT);

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir
    Path tmp;

    private final ExecutorService pool = Executors.newCachedThreadPool();
    private ServerSocket server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) server.close();
        pool.shutdownNow();
    }

    /** How one connection is answered, after the request's headers were read. */
    @FunctionalInterface
    interface Answer {
        void answer(OutputStream out) throws Exception;
    }

    /** A server that answers every connection so; returns its URL. */
    private URI serve(Answer answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                pool.submit(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        int state = 0;                            // read up to the blank line after the headers
                        while (state < 4) {
                            int b = in.read();
                            if (b < 0) return;
                            state = (b == '\r' || b == '\n') ? state + 1 : 0;
                        }
                        answer.answer(s.getOutputStream());
                    } catch (Exception ignored) {
                        // the client went away
                    }
                });
            }
        });
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/fake.txt");
    }

    private Path cache() {
        return tmp.resolve("cache");
    }

    private DatasetStore store(URI url, long size, Duration timeout, Duration deadline) {
        return DatasetStore.builder().registry(DatasetRegistry.of(new Dataset("fake", "fake.txt", url,
                        SHA, "", "", size)))
                .cacheDir(cache()).mirrorDir(null).timeout(timeout).deadline(deadline)
                .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build();
    }

    private List<String> cacheListing() throws IOException {
        if (!Files.isDirectory(cache())) return List.of();
        try (Stream<Path> s = Files.list(cache())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] headers(long length) {
        return ("HTTP/1.1 200 OK\r\n" + (length >= 0 ? "Content-Length: " + length + "\r\n" : "")
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void headersSentAByteAtATimeDoNotOutlastTheDeadline() throws IOException {
        byte[] h = headers(CONTENT.length);                     // 58 bytes: 23 s at 0.4 s a byte
        URI url = serve(out -> {
            for (byte b : h) {                                  // every byte well within the read timeout
                out.write(b);
                out.flush();
                Thread.sleep(400);
            }
            out.write(CONTENT);
        });
        DatasetStore store = store(url, CONTENT.length, Duration.ofSeconds(5), Duration.ofSeconds(1));
        long t0 = System.nanoTime();
        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));
        double seconds = (System.nanoTime() - t0) / 1e9, headerSeconds = 0.4 * h.length;
        // given up long before the headers end (a margin of ~20 s for a loaded machine)
        assertTrue(seconds < headerSeconds / 2, "gave up after " + seconds + " s, not at the deadline (1 s) but "
                + "when the headers ended (~" + headerSeconds + " s)?");
        assertTrue(e.getMessage().contains("failed: it did not finish within 1 s"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), cacheListing(), "no partial file");
    }

    @Test
    void anEndlessBodyStopsAtTheRegistrysSize() throws IOException {
        URI url = serve(out -> {
            out.write(headers(-1));                             // no length: read until the connection closes
            byte[] chunk = new byte[8192];
            while (true) out.write(chunk);
        });
        DatasetStore store = store(url, CONTENT.length, Duration.ofSeconds(5), Duration.ofSeconds(600));
        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));
        // stopped by the size, not by the deadline (10 minutes here) or a timeout: the message says which
        assertTrue(e.getMessage().contains("failed: the server sent more than the registry's 17 bytes; stopped there "
                + "and removed the partial file"), e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void anAnnouncedSizeOtherThanTheRegistrysIsRefusedBeforeReading() throws IOException {
        URI url = serve(out -> {
            out.write(headers(4_200_000_000L));
            out.write(CONTENT);
        });
        DatasetException e = assertThrows(DatasetException.class,
                () -> store(url, CONTENT.length, Duration.ofSeconds(5), Duration.ofSeconds(30)).path("fake"));
        assertTrue(e.getMessage().contains("failed: the server announced 4200000000 bytes but the registry's file is "
                + "17 bytes (a different file?)"), e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void aTransferCutShortIsReportedAsShortNotAsAChecksumMismatch() throws IOException {
        URI url = serve(out -> {
            out.write(headers(CONTENT.length));
            out.write(CONTENT, 0, 8);                           // then the connection closes
        });
        for (long size : new long[] {CONTENT.length, -1}) {     // the registry's size known, or not
            DatasetException e = assertThrows(DatasetException.class,
                    () -> store(url, size, Duration.ofSeconds(5), Duration.ofSeconds(30)).path("fake"));
            assertTrue(e.getMessage().contains("failed: the transfer was cut short after 8 of the 17 bytes the server "
                    + "announced (the connection closed early)"), e.getMessage());
            assertFalse(e.getMessage().contains("checksum"), e.getMessage());
            assertEquals(List.of(), cacheListing());
        }
        server.close();
        URI unannounced = serve(out -> {
            out.write(headers(-1));
            out.write(CONTENT, 0, 8);
        });
        DatasetException e = assertThrows(DatasetException.class,
                () -> store(unannounced, CONTENT.length, Duration.ofSeconds(5), Duration.ofSeconds(30)).path("fake"));
        assertTrue(e.getMessage().contains("cut short after 8 of the registry's 17 bytes"), e.getMessage());
    }

    @Test
    void aWholeTransferOfTheRegistrysSizeIsKept() throws IOException {
        URI url = serve(out -> {
            out.write(headers(CONTENT.length));
            out.write(CONTENT);
        });
        assertEquals(List.of("alpha", "beta", "gamma"),
                store(url, CONTENT.length, Duration.ofSeconds(5), Duration.ofSeconds(30)).lines("fake"));
        assertEquals(List.of("fake.txt"), cacheListing());
    }

    @Test
    void aMirrorFileOfAnotherSizeIsNamedAsSuch() throws IOException {
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Files.write(mirror.resolve("fake.txt"), new byte[1000]);
        DatasetStore store = DatasetStore.builder().registry(DatasetRegistry.of(new Dataset("fake", "fake.txt",
                        URI.create("http://127.0.0.1:1/x"), SHA, "", "", CONTENT.length)))
                .cacheDir(cache()).mirrorDir(mirror).build();
        DatasetException e = assertThrows(DatasetException.class, () -> store.path("fake"));
        assertTrue(e.getMessage().contains("the mirror's " + mirror.resolve("fake.txt") + " is 1000 bytes but the "
                + "registry's file is 17 bytes"), e.getMessage());
    }

    @Test
    void theRegistryRecordsEachFilesSize() throws IOException {
        for (Dataset d : DatasetRegistry.bundled().all()) assertTrue(d.size() > 0, d.name());
        Properties p = new Properties();
        p.setProperty("x.file", "x.txt");
        p.setProperty("x.url", "http://example.org/x.txt");
        p.setProperty("x.sha256", SHA);
        DatasetException e = assertThrows(DatasetException.class, () -> DatasetRegistry.fromProperties(p));
        assertTrue(e.getMessage().contains("entry 'x' has no 'x.size'"), e.getMessage());
        Path mirror = mirrorOrSkip();
        for (Dataset d : DatasetRegistry.bundled().all()) {
            Path f = mirror.resolve(d.fileName());
            if (Files.isRegularFile(f)) assertEquals(Files.size(f), d.size(), d.name());
        }
    }

    /** The shared data mirror: $LMW_DATA_MIRROR, else ../shared/data next to the project root; or the cache. */
    private static Path mirrorOrSkip() {
        String m = System.getenv(DatasetStore.ENV_DATA_MIRROR);
        Path p = m != null && !m.isBlank() ? Path.of(m)
                : ProjectRoot.find().map(r -> r.resolveSibling("shared").resolve("data")).orElse(null);
        if (p == null || !Files.isDirectory(p)) p = DatasetStore.defaultCacheDir();
        assumeTrue(Files.isDirectory(p), "no data mirror or cache to compare the sizes with");
        return p;
    }

    @Test
    void aReadOnlyCacheDirectoryIsReportedAsSuch() throws Exception {
        Path ro = Files.createDirectories(cache());
        assumeTrue(ro.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        boolean immutable = false;
        try {
            if (Files.isWritable(ro)) {                         // root writes anyway: make it immutable if possible
                Process p = new ProcessBuilder("chattr", "+i", ro.toString()).redirectErrorStream(true).start();
                immutable = p.waitFor() == 0;
            }
            assumeTrue(!Files.isWritable(ro), "a directory this process cannot write");
            DatasetException e = assertThrows(DatasetException.class, () -> store(URI.create("http://127.0.0.1:1/x"),
                    CONTENT.length, Duration.ofSeconds(1), Duration.ofSeconds(2)).path("fake"));
            assertEquals("the data cache directory " + ro.toAbsolutePath().normalize() + " is not writable, so data "
                    + "set 'fake' cannot be fetched into it (set LMW_DATA_DIR to a writable directory)", e.getMessage());
        } finally {
            if (immutable) new ProcessBuilder("chattr", "-i", ro.toString()).start().waitFor();
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
