package io.github.lmworkbook.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Downloads from a local server (com.sun.net.httpserver): a server that sends its headers and then stalls, or
 * trickles forever, is given up within the configured timeouts, with one message and no partial file; partial
 * files of earlier, killed fetches are removed.
 */
class DatasetDownloadTest {
    private static final byte[] CONTENT = "alpha\nbeta\ngamma\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private final CountDownLatch release = new CountDownLatch(1);   // lets stalled handlers finish at the end
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private HttpServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) server.stop(0);
        pool.shutdownNow();
    }

    private URI serve(String path, HttpHandler handler) throws IOException {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(pool);
            server.start();
        }
        server.createContext(path, handler);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private DatasetStore store(URI url, Duration timeout, Duration deadline) throws IOException {
        Path f = Files.createTempFile(tmp, "sha", ".txt");
        Files.write(f, CONTENT);
        String sha = DatasetStore.sha256(f);
        Files.delete(f);
        return DatasetStore.builder().registry(DatasetRegistry.of(Dataset.of("fake", "fake.txt", url.toString(), sha)))
                .cacheDir(cache()).mirrorDir(null).timeout(timeout).deadline(deadline)
                .log(new PrintStream(logBytes, true, StandardCharsets.UTF_8)).build();
    }

    private Path cache() {
        return tmp.resolve("cache");
    }

    private List<String> cacheListing() throws IOException {
        if (!Files.isDirectory(cache())) return List.of();
        try (Stream<Path> s = Files.list(cache())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Sends the headers (Content-Length 17) and 5 bytes, then nothing until the test ends. */
    private void stall(HttpExchange x) throws IOException {
        x.sendResponseHeaders(200, CONTENT.length);
        OutputStream out = x.getResponseBody();
        out.write(CONTENT, 0, 5);
        out.flush();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
            // the test is over
        }
        x.close();
    }

    @Test
    void aServerThatStallsAfterItsHeadersTimesOutAndLeavesNoPartialFile() throws IOException {
        URI url = serve("/stall.txt", this::stall);
        DatasetStore store = store(url, Duration.ofMillis(500), Duration.ofSeconds(20));
        long t0 = System.nanoTime();
        DatasetException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetException.class, () -> store.path("fake")));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(seconds < 5, "gave up after " + seconds + " s");
        assertTrue(e.getMessage().contains("download of data set 'fake' from " + url + " failed: the server sent no data "
                + "for 0.5 s (after 5 of 17 bytes); the partial file was removed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), cacheListing(), "no .part file is left");
    }

    @Test
    void aServerThatTricklesForeverHitsTheDeadline() throws IOException {
        URI url = serve("/trickle.txt", x -> {
            x.sendResponseHeaders(200, 0);    // chunked, no length
            OutputStream out = x.getResponseBody();
            try {
                while (!release.await(100, TimeUnit.MILLISECONDS)) {
                    out.write('a');
                    out.flush();
                }
            } catch (InterruptedException | IOException ignored) {
                // the client went away or the test is over
            }
            x.close();
        });
        DatasetStore store = store(url, Duration.ofSeconds(2), Duration.ofMillis(800));
        DatasetException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetException.class, () -> store.path("fake")));
        // the deadline holds to the moment: on a loaded machine no byte may have arrived yet, so "(after n bytes)"
        // may or may not follow
        assertTrue(e.getMessage().contains("failed: it did not finish within 0.8 s"), e.getMessage());
        assertTrue(e.getMessage().contains("the partial file was removed"), e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void aServerThatNeverAnswersTimesOutToo() throws IOException {
        URI url = serve("/silent.txt", x -> {
            try {
                release.await(30, TimeUnit.SECONDS);       // no headers at all
            } catch (InterruptedException ignored) {
                // the test is over
            }
            x.close();
        });
        DatasetStore store = store(url, Duration.ofMillis(500), Duration.ofSeconds(20));
        DatasetException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DatasetException.class, () -> store.path("fake")));
        assertTrue(e.getMessage().contains("failed: the server sent no data for 0.5 s;"), e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    @Test
    void aGoodServerAndARedirectDownloadAndVerify() throws IOException {
        serve("/real.txt", x -> {
            x.sendResponseHeaders(200, CONTENT.length);
            x.getResponseBody().write(CONTENT);
            x.close();
        });
        URI moved = serve("/moved.txt", x -> {
            x.getResponseHeaders().add("Location", "/real.txt");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        DatasetStore store = store(moved, Duration.ofSeconds(5), Duration.ofSeconds(20));
        assertEquals(List.of("alpha", "beta", "gamma"), store.lines("fake"));
        assertEquals(List.of("fake.txt"), cacheListing());
    }

    @Test
    void anHttpErrorIsOneLine() throws IOException {
        URI url = serve("/missing.txt", x -> {
            x.sendResponseHeaders(404, -1);
            x.close();
        });
        DatasetException e = assertThrows(DatasetException.class,
                () -> store(url, Duration.ofSeconds(5), Duration.ofSeconds(20)).path("fake"));
        assertTrue(e.getMessage().contains("from " + url + " failed: the server answered HTTP status 404 Not Found (set LMW_DATA_MIRROR"), e.getMessage());
        assertEquals(List.of(), cacheListing());
    }

    /** The pid of a process that has exited. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-version")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        assumeTrue(ProcessHandle.of(p.pid()).map(h -> !h.isAlive()).orElse(true));
        return p.pid();
    }

    @Test
    void partialFilesOfKilledFetchesAreRemovedBeforeANewFetch() throws Exception {
        Files.createDirectories(cache());
        long dead = deadPid();
        Path killed = Files.writeString(cache().resolve("fake.txt.fetching-" + dead + "-77.part"), "alp");
        Path oldStyle = Files.writeString(cache().resolve("fake.txt.1234567.part"), "al");
        Files.setLastModifiedTime(oldStyle, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path fresh = Files.writeString(cache().resolve("fake.txt.7654321.part"), "a");   // maybe still written to
        long live = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        Path running = Files.writeString(cache().resolve("fake.txt.fetching-" + live + "-5.part"), "alph");
        Path other = Files.writeString(cache().resolve("other.txt.fetching-" + dead + "-1.part"), "x");
        serve("/fake.txt", x -> {
            x.sendResponseHeaders(200, CONTENT.length);
            x.getResponseBody().write(CONTENT);
            x.close();
        });
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/fake.txt");
        DatasetStore store = store(url, Duration.ofSeconds(5), Duration.ofSeconds(20));

        store.path("fake");

        assertFalse(Files.exists(killed));
        assertFalse(Files.exists(oldStyle));
        assertTrue(Files.exists(fresh) && Files.exists(running) && Files.exists(other));
        assertTrue(logBytes.toString(StandardCharsets.UTF_8).contains("removed " + killed + ", left by an interrupted fetch"));
        assertEquals(List.of("fake.txt", "fake.txt.7654321.part", running.getFileName().toString(),
                "other.txt.fetching-" + dead + "-1.part"), cacheListing());
    }

    @Test
    void timeoutsMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DatasetStore.builder().timeout(Duration.ZERO));
        assertTrue(e.getMessage().contains("timeout PT0S must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DatasetStore.builder().deadline(Duration.ofSeconds(-1)));
    }
}
