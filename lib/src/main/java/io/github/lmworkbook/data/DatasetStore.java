package io.github.lmworkbook.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provides data-set files from a verified local cache, filling the cache from a mirror directory or by download.
 *
 * <p>Most code uses the static facade {@link Datasets}, which uses {@link #fromEnvironment()}. Tests and special
 * set-ups build their own store with {@link #builder()}.
 *
 * <p>Lookup for a data set: if {@code cacheDir/<file>} exists and its SHA-256 matches the registry, it is used.
 * Otherwise, if a mirror directory is configured, the file is copied from there (a missing mirror file is an error);
 * else it is downloaded from the registry URL. The bytes always go to a temporary file in the cache directory, are
 * checked against the expected SHA-256 and only then atomically renamed into place; on any failure the temporary
 * file is deleted, so no partial or corrupted file is ever left in the cache. A temporary file left by a process
 * that was killed ({@code <file>.fetching-<pid>-<n>.part}) is removed by the next fetch of the same file.
 *
 * <p>Downloads time out: connecting and every read wait at most {@link Builder#timeout} (30 s by default), so a
 * server that sends its headers and then stops sending is given up, and the whole transfer must finish within
 * {@link Builder#deadline} (10 minutes by default). The deadline holds whatever the transfer waits for — the
 * connection, a TLS handshake or headers sent a byte at a time, the body — because the transfer runs in a thread of
 * its own that is stopped (its connection closed) when the deadline passes. The registry records each file's size:
 * a download stops there (a server that sends more is cut off), a server that announces another size is refused
 * before anything is read, and a transfer that ends early is reported as cut short, not as a checksum mismatch.
 * A cache directory that cannot be written is reported as such.
 */
public final class DatasetStore {

    /** Environment variable: cache directory. */
    public static final String ENV_DATA_DIR = "LMW_DATA_DIR";
    /** Environment variable: mirror directory holding the data files under their registry file names. */
    public static final String ENV_DATA_MIRROR = "LMW_DATA_MIRROR";

    private static final long PROGRESS_THRESHOLD = 512 * 1024;

    private final DatasetRegistry registry;
    private final Path cacheDir;
    private final Path mirrorDir;
    private final Map<String, URI> urlOverrides;
    private final Duration timeout;
    private final Duration deadline;
    private final PrintStream log;
    private final Map<String, Path> verified = new ConcurrentHashMap<>();

    private DatasetStore(Builder b) {
        this.registry = b.registry != null ? b.registry : DatasetRegistry.bundled();
        this.cacheDir = (b.cacheDir != null ? b.cacheDir : defaultCacheDir()).toAbsolutePath().normalize();
        this.mirrorDir = b.mirrorDir == null ? null : b.mirrorDir.toAbsolutePath().normalize();
        this.urlOverrides = Map.copyOf(b.urlOverrides);
        this.timeout = b.timeout;
        this.deadline = b.deadline;
        this.log = b.log;
    }

    /**
     * A store configured from the environment: {@code LMW_DATA_DIR}, {@code LMW_DATA_MIRROR}, the bundled registry.
     *
     * @return the store
     */
    public static DatasetStore fromEnvironment() {
        return builder().mirrorDir(envPath(ENV_DATA_MIRROR)).build();
    }

    /**
     * A builder of a store with explicit settings.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default cache directory: {@code $LMW_DATA_DIR}, else {@code <project root>/data/cache}, else
     * {@code ~/.cache/lmworkbook}.
     *
     * @return the directory
     */
    public static Path defaultCacheDir() {
        Path env = envPath(ENV_DATA_DIR);
        if (env != null) {
            return env;
        }
        return ProjectRoot.find()
                .map(root -> root.resolve("data").resolve("cache"))
                .orElseGet(() -> Paths.get(System.getProperty("user.home"), ".cache", "lmworkbook"));
    }

    private static Path envPath(String var) {
        String v = System.getenv(var);
        return v == null || v.isBlank() ? null : Paths.get(v.trim());
    }

    /**
     * The registry this store fetches from.
     *
     * @return the registry
     */
    public DatasetRegistry registry() {
        return registry;
    }

    /**
     * The directory holding verified copies of the data sets.
     *
     * @return the cache directory
     */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * The mirror directory, or {@code null} when files are downloaded.
     *
     * @return the mirror directory, or null
     */
    public Path mirrorDir() {
        return mirrorDir;
    }

    /**
     * Path of the verified local copy of the data set, fetching it first if needed.
     *
     * @param name the data set's registry name
     * @return the path of the verified file in the cache
     */
    public Path path(String name) {
        Dataset d = registry.get(name);
        Path known = verified.get(name);
        if (known != null && Files.isRegularFile(known)) {
            return known;
        }
        Path target = cacheDir.resolve(d.fileName());
        if (Files.isRegularFile(target)) {
            String actual = sha256(target);
            if (actual.equals(d.sha256())) {
                verified.put(name, target);
                return target;
            }
            log.println("[lmworkbook] cached " + target + " has SHA-256 " + actual + ", expected " + d.sha256()
                    + "; fetching it again");
        }
        fetch(d, target);
        verified.put(name, target);
        return target;
    }

    /**
     * The whole data set as UTF-8 text.
     *
     * @param name the data set's registry name
     * @return its text
     */
    public String text(String name) {
        try {
            return Files.readString(path(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The data set's lines (UTF-8, line terminators removed).
     *
     * @param name the data set's registry name
     * @return its lines
     */
    public List<String> lines(String name) {
        try {
            return Files.readAllLines(path(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void fetch(Dataset d, Path target) {
        Path tmp;
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new DatasetException("cannot create the data cache directory " + cacheDir + ": " + reason(e)
                    + " (" + ENV_DATA_DIR + " chooses another)", e);
        }
        if (!Files.isWritable(cacheDir)) {
            throw new DatasetException("the data cache directory " + cacheDir + " is not writable, so data set '"
                    + d.name() + "' cannot be fetched into it (set " + ENV_DATA_DIR + " to a writable directory)");
        }
        try {
            removeStalePartFiles(d.fileName());
            tmp = Files.createTempFile(cacheDir, d.fileName() + PART_MARK + ProcessHandle.current().pid() + "-",
                    PART_SUFFIX);
        } catch (IOException e) {
            throw new DatasetException("cannot write into the data cache directory " + cacheDir + ": " + reason(e)
                    + " (set " + ENV_DATA_DIR + " to a writable directory)", e);
        }
        try {
            if (mirrorDir != null) {
                copyFromMirror(d, tmp);
            } else {
                download(d, tmp);
            }
            String actual = sha256(tmp);
            if (!actual.equals(d.sha256())) {
                throw new DatasetException("checksum mismatch for data set '" + d.name() + "' (" + d.fileName()
                        + " from " + sourceOf(d) + "): expected SHA-256 " + d.sha256() + " but got " + actual
                        + "; the file was discarded");
            }
            moveIntoPlace(tmp, target);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private String sourceOf(Dataset d) {
        return mirrorDir != null ? mirrorDir.resolve(d.fileName()).toString() : urlOf(d).toString();
    }

    private URI urlOf(Dataset d) {
        return urlOverrides.getOrDefault(d.name(), d.url());
    }

    private void copyFromMirror(Dataset d, Path tmp) {
        Path src = mirrorDir.resolve(d.fileName());
        if (!Files.isRegularFile(src)) {
            throw new DatasetException("data set '" + d.name() + "': file " + d.fileName() + " is missing from the mirror "
                    + mirrorDir + " (" + src + " does not exist; " + ENV_DATA_MIRROR + " points the workbook there)");
        }
        try {
            long size = Files.size(src);
            if (d.size() >= 0 && size != d.size()) {
                throw new DatasetException("data set '" + d.name() + "': the mirror's " + src + " is " + size
                        + " bytes but the registry's file is " + d.size() + " bytes (a different or damaged file); "
                        + "nothing was copied");
            }
            Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DatasetException("data set '" + d.name() + "': cannot copy " + src + ": " + reason(e), e);
        }
    }

    private static final String PART_MARK = ".fetching-";
    private static final String PART_SUFFIX = ".part";
    /** Temporary files of this library's earlier versions: {@code <file>.<random digits>.part}. */
    private static final Pattern OLD_PART = Pattern.compile("\\.-?\\d+\\.part");
    private static final Pattern PART = Pattern.compile(Pattern.quote(PART_MARK) + "(\\d+)-\\d+" + Pattern.quote(PART_SUFFIX));

    /**
     * Deletes temporary files of earlier fetches of fileName that no running process is writing: those of a
     * process that has exited, and those of earlier versions of this library not written to for a minute.
     */
    private void removeStalePartFiles(String fileName) {
        String prefix = fileName + ".";
        long ownPid = ProcessHandle.current().pid();
        long minuteAgo = System.currentTimeMillis() - 60_000;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(cacheDir, e -> {
            String n = e.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(PART_SUFFIX);
        })) {
            for (Path e : entries) {
                String rest = e.getFileName().toString().substring(fileName.length());
                Matcher m = PART.matcher(rest);
                boolean stale;
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1));
                    stale = pid != ownPid && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } else {
                    stale = OLD_PART.matcher(rest).matches() && Files.getLastModifiedTime(e).toMillis() < minuteAgo;
                }
                if (stale && Files.isRegularFile(e, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(e);
                    log.println("[lmworkbook] removed " + e + ", left by an interrupted fetch");
                }
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: a stale partial file is clutter, not a reason to fail the fetch
        }
    }

    private void download(Dataset d, Path tmp) {
        URI url = urlOf(d);
        log.println("[lmworkbook] downloading data set '" + d.name() + "' from " + url);
        long end = System.nanoTime() + deadline.toNanos();
        AtomicLongArray done = new AtomicLongArray(new long[] {0, -1});  // bytes received, announced (−1: unknown)
        AtomicReference<HttpURLConnection> open = new AtomicReference<>();
        // The transfer runs in a thread of its own, so that the deadline holds whatever it waits for: a connection,
        // headers or a TLS handshake sent a byte at a time (each byte resets the read timeout), the body.
        FutureTask<Void> transfer = new FutureTask<>(() -> {
            transfer(d, url, tmp, done, end, open);
            return null;
        });
        Thread worker = new Thread(transfer, "lmworkbook-download-" + d.name());
        worker.setDaemon(true);
        worker.start();
        try {
            transfer.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            stop(worker, open);
            throw deadlinePassed(d, url, done, e);
        } catch (InterruptedException e) {
            stop(worker, open);
            Thread.currentThread().interrupt();
            throw new DatasetException("download of data set '" + d.name() + "' from " + url + " was interrupted; "
                    + "the partial file was removed", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DatasetException de) throw de;
            if (cause instanceof SocketTimeoutException t) {
                throw new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: "
                        + (String.valueOf(t.getMessage()).contains("connect") ? "could not connect within "
                        : "the server sent no data for ") + seconds(timeout) + " s" + progress(done)
                        + "; the partial file was removed (offline? set " + ENV_DATA_MIRROR + " to a directory holding "
                        + d.fileName() + ")", t);
            }
            if (cause instanceof DeadlineException) throw deadlinePassed(d, url, done, cause);
            if (cause instanceof HttpStatusException h) {
                throw new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: "
                        + h.getMessage() + " (set " + ENV_DATA_MIRROR + " to a directory holding " + d.fileName() + ")",
                        h);
            }
            if (cause instanceof IOException io && String.valueOf(io.getMessage()).contains("Premature EOF")) {
                throw shortTransfer(d, url, done, io);
            }
            if (cause instanceof IOException io) {
                throw new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: "
                        + describe(io) + progress(done) + " (offline? set " + ENV_DATA_MIRROR
                        + " to a directory holding " + d.fileName() + ")", io);
            }
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new DatasetException("download of data set '" + d.name() + "' failed: " + cause, cause);
        } finally {
            HttpURLConnection c = open.get();
            if (c != null) c.disconnect();
        }
    }

    /** The download is given up: its connection closed (which ends a blocked read), its thread interrupted. */
    private static void stop(Thread worker, AtomicReference<HttpURLConnection> open) {
        HttpURLConnection c = open.get();
        if (c != null) c.disconnect();
        worker.interrupt();
        try {
            worker.join(2000);          // its writes end before the caller removes the partial file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DatasetException deadlinePassed(Dataset d, URI url, AtomicLongArray done, Throwable cause) {
        return new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: it did not "
                + "finish within " + seconds(deadline) + " s" + progress(done) + "; the partial file was removed "
                + "(slow network? set " + ENV_DATA_MIRROR + " to a directory holding " + d.fileName() + ")", cause);
    }

    private DatasetException shortTransfer(Dataset d, URI url, AtomicLongArray done, Throwable cause) {
        long got = done.get(0), announced = done.get(1);
        String of = announced >= 0 ? " of the " + announced + " bytes the server announced"
                : d.size() >= 0 ? " of the registry's " + d.size() + " bytes" : " bytes";
        return new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: the transfer "
                + "was cut short after " + got + of + " (the connection closed early); the partial file was removed "
                + "(try again, or set " + ENV_DATA_MIRROR + " to a directory holding " + d.fileName() + ")", cause);
    }

    /** Connects, checks the announced size against the registry's, copies the body, and checks it is whole. */
    private void transfer(Dataset d, URI url, Path tmp, AtomicLongArray done, long end,
                          AtomicReference<HttpURLConnection> open) throws IOException {
        HttpURLConnection c = connect(url, end, open);
        long announced = c.getContentLengthLong();
        done.set(1, announced);
        if (d.size() >= 0 && announced >= 0 && announced != d.size()) {
            throw new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: the server "
                    + "announced " + announced + " bytes but the registry's file is " + d.size() + " bytes (a "
                    + "different file?); nothing was kept (set " + ENV_DATA_MIRROR + " to a directory holding "
                    + d.fileName() + ")");
        }
        try (InputStream in = c.getInputStream()) {
            copyWithProgress(d, url, in, tmp, done, end);
        }
        long got = done.get(0), expected = announced >= 0 ? announced : d.size();
        if (expected >= 0 && got < expected) throw shortTransfer(d, url, done, null);
    }

    private static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private static String progress(AtomicLongArray done) {
        long got = done.get(0), announced = done.get(1);
        return got == 0 ? "" : " (after " + got + (announced >= 0 ? " of " + announced : "") + " bytes)";
    }

    /** The server answered with a status other than 200 (after redirects). */
    private static final class HttpStatusException extends IOException {
        HttpStatusException(String message) {
            super(message);
        }
    }

    /** The whole-transfer deadline passed. */
    private static final class DeadlineException extends IOException {
        DeadlineException() {
            super("deadline passed");
        }
    }

    /**
     * Opens url with the connect and read timeouts and follows up to five redirects (never from https to http);
     * returns a connection whose status is 200.
     */
    private HttpURLConnection connect(URI url, long end, AtomicReference<HttpURLConnection> open) throws IOException {
        URI current = url;
        for (int hop = 0; ; hop++) {
            if (System.nanoTime() > end) throw new DeadlineException();
            HttpURLConnection c = (HttpURLConnection) current.toURL().openConnection();
            open.set(c);                       // the caller closes it when the deadline passes
            int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            c.setConnectTimeout(ms);
            c.setReadTimeout(ms);              // every read of the body, not only the headers
            c.setInstanceFollowRedirects(false);
            c.setRequestProperty("User-Agent", "lmworkbook");
            int status = c.getResponseCode();
            if (status == 200) return c;
            String location = c.getHeaderField("Location"), reason = c.getResponseMessage();
            c.disconnect();
            if (status / 100 == 3 && location != null && hop < 5) {
                URI next = current.resolve(location);
                if ("https".equalsIgnoreCase(current.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                    throw new IOException("refusing a redirect from https to " + next);
                }
                current = next;
                continue;
            }
            throw new HttpStatusException("the server answered HTTP status " + status
                    + (reason == null || reason.isBlank() ? "" : " " + reason)
                    + (status / 100 == 3 ? " (too many redirects, or no Location)" : "") + (current.equals(url) ? ""
                    : " for " + current));
        }
    }

    /**
     * Copies in to tmp, at most the registry's size (a server that sends more is cut off there); done[0] counts
     * the bytes, done[1] is the announced total (−1: unknown).
     */
    private void copyWithProgress(Dataset d, URI url, InputStream in, Path tmp, AtomicLongArray done, long end)
            throws IOException {
        long total = done.get(1) >= 0 ? done.get(1) : d.size();
        boolean progress = total > PROGRESS_THRESHOLD;
        byte[] buf = new byte[64 * 1024];
        int lastPercent = -1;
        try (OutputStream out = Files.newOutputStream(tmp)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (d.size() >= 0 && done.get(0) + n > d.size()) {
                    throw new DatasetException("download of data set '" + d.name() + "' from " + url + " failed: the "
                            + "server sent more than the registry's " + d.size() + " bytes; stopped there and removed "
                            + "the partial file (set " + ENV_DATA_MIRROR + " to a directory holding " + d.fileName()
                            + ")");
                }
                if (Thread.currentThread().isInterrupted()) throw new DeadlineException();
                out.write(buf, 0, n);
                long got = done.addAndGet(0, n);
                if (System.nanoTime() > end) throw new DeadlineException();
                if (progress) {
                    int percent = (int) (100 * got / total);
                    if (percent / 10 != lastPercent / 10) {
                        lastPercent = percent;
                        log.print("\r[lmworkbook]   " + percent + "% of " + total / 1024 + " KiB");
                    }
                }
            }
        }
        if (progress) {
            log.println();
        }
    }

    /** A file-system error as a phrase: "permission denied", "Read-only file system", "No space left on device". */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }

    private static void moveIntoPlace(Path tmp, Path target) {
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot move " + tmp + " to " + target + ": " + e, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the original error matters more
        }
    }

    /**
     * SHA-256 of a file as 64 lower-case hex digits.
     *
     * @param file the file
     * @return its SHA-256, in hex
     */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Configures a {@link DatasetStore}; everything left unset takes the environment-based default. */
    public static final class Builder {
        private DatasetRegistry registry;
        private Path cacheDir;
        private Path mirrorDir;
        private final Map<String, URI> urlOverrides = new java.util.HashMap<>();
        private Duration timeout = Duration.ofSeconds(30);
        private Duration deadline = Duration.ofMinutes(10);
        private PrintStream log = System.err;

        private Builder() {
        }

        /**
         * The registry to use (default: the bundled one).
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder registry(DatasetRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * The cache directory (default: {@link DatasetStore#defaultCacheDir()}).
         *
         * @param cacheDir the cache directory
         * @return this builder
         */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * A mirror directory to copy from instead of downloading; {@code null} means download.
         *
         * @param mirrorDir the mirror directory, or null
         * @return this builder
         */
        public Builder mirrorDir(Path mirrorDir) {
            this.mirrorDir = mirrorDir;
            return this;
        }

        /**
         * Downloads data set {@code name} from {@code url} instead of the registry URL.
         *
         * @param name the data set's registry name
         * @param url the URL to download it from
         * @return this builder
         */
        public Builder url(String name, URI url) {
            urlOverrides.put(Objects.requireNonNull(name), Objects.requireNonNull(url));
            return this;
        }

        /**
         * The longest wait of a download for a connection and then for each next bytes of the response (default
         * 30 s): a server that stops sending is given up after this long.
         *
         * @param timeout the longest wait
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /**
         * The longest a whole download may take (default 10 minutes).
         *
         * @param deadline the longest download
         * @return this builder
         */
        public Builder deadline(Duration deadline) {
            this.deadline = positive("deadline", deadline);
            return this;
        }

        private static Duration positive(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " " + d + " must be positive");
            return d;
        }

        /**
         * Where progress and notes go (default {@code System.err}).
         *
         * @param log the stream for progress and notes
         * @return this builder
         */
        public Builder log(PrintStream log) {
            this.log = Objects.requireNonNull(log);
            return this;
        }

        /**
         * The store with these settings.
         *
         * @return the store
         */
        public DatasetStore build() {
            return new DatasetStore(this);
        }
    }
}
