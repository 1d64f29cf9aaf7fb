package io.github.lmworkbook.cli;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of results that appears all at once ({@code compare --out}): checked before any work
 * ({@link #check}), its files written into a hidden directory beside it ({@code .<name>.part-<pid>-<random>},
 * with the permissions a new directory gets) and renamed into place at the end ({@link #write}). A symbolic link is
 * followed: the directory it names is made (or an empty one replaced) and the link kept, as {@code train --out} keeps
 * a link to a file. The hidden directory is removed on a failure and when the JVM is stopped (Ctrl-C, SIGTERM); one
 * left by a killed process ({@code kill -9}) is removed by the next run for the same directory. If the directory is
 * filled by someone else while the work runs, nothing is overwritten: the results are renamed to
 * {@code <name>-2} (or the next free number) and the line says where they are. The files are made in memory and
 * written with {@link #writeFile} (or {@link #writeText}, {@link #writeCsv}, {@link #writePng}), so that a failure
 * names the file and the reason ("No space left on device"), not a library's "I/O error writing PNG file!".
 */
final class OutputDirectory {
    /** The longest file name (bytes of UTF-8) common file systems take. */
    static final int NAME_MAX = 255;
    private static final int MAX_LINKS = 40;
    private static final String PART = ".part-";
    /** What a temporary name adds around its prefix: "." + ".part-" + pid + "-" + 20 digits. */
    private static final int PART_EXTRA = 1 + PART.length() + 20 + 1 + 20;
    /** Temporary directories of earlier versions: {@code .<name>.part-<random digits>} (Files.createTempDirectory). */
    private static final Pattern OLD_PART = Pattern.compile(Pattern.quote(PART) + "\\d+");
    private static final Pattern NEW_PART = Pattern.compile(Pattern.quote(PART) + "(\\d+)-\\d+");
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK = new AtomicBoolean();
    private static volatile boolean shuttingDown;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the results into a directory. */
    @FunctionalInterface
    interface Writer {
        void write(Path dir) throws IOException;
    }

    private final Path given;
    private final Path target;

    private OutputDirectory(Path given, Path target) {
        this.given = given;
        this.target = target;
    }

    /** The directory the results go to (links followed). */
    Path target() {
        return target;
    }

    /**
     * Checks, before any work, that the results can go to out: after its symbolic links, out must not exist or be
     * an empty directory, its name must fit a file system, and its parent must exist and be writable. Removes what
     * killed earlier runs for the same directory left behind.
     *
     * @throws Main.BadOption naming --out and the problem
     */
    static OutputDirectory check(Path out) {
        Path target = out.toAbsolutePath().normalize();
        String via = "";
        try {
            for (int hops = 0; Files.isSymbolicLink(target); hops++) {
                if (hops == MAX_LINKS) throw bad(out, "more than " + MAX_LINKS + " symbolic links in a row (a loop?)");
                target = target.resolveSibling(Files.readSymbolicLink(target)).normalize();
                via = " (the target of the symbolic link " + out + ")";
            }
        } catch (IOException e) {
            throw bad(out, "cannot follow the symbolic link: " + Main.describe(e));
        }
        if (target.getFileName() == null) throw bad(out, "not a directory name");
        int bytes = target.getFileName().toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NAME_MAX) {
            throw bad(out, "the name" + via + " is " + bytes + " bytes long; file systems take at most " + NAME_MAX);
        }
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) throw bad(out, target + via + " exists and is not a directory");
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) throw bad(out, "the directory" + via + " is not empty (nothing is overwritten)");
            } catch (IOException e) {
                throw bad(out, "cannot list the directory" + via + ": " + Main.describe(e));
            }
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) throw bad(out, "the parent directory" + via + " does not exist");
        if (!Files.isWritable(parent)) throw bad(out, "the parent directory " + parent + via + " is not writable");
        removeStale(parent, target.getFileName().toString());
        return new OutputDirectory(out, target);
    }

    private static Main.BadOption bad(Path out, String problem) {
        return new Main.BadOption("--out " + out + ": " + problem);
    }

    /** The hidden directories' names start with this: "." and the name, shortened to leave room for the rest. */
    static String partPrefix(String name) {
        int room = NAME_MAX - PART_EXTRA;
        StringBuilder sb = new StringBuilder(".");
        int used = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + n > room) break;
            sb.appendCodePoint(cp);
            used += n;
            i += Character.charCount(cp);
        }
        return sb.append(PART).toString();
    }

    /**
     * Removes hidden directories of earlier runs for the directory name in parent that no running process is
     * writing: those of processes that have exited, and those of earlier versions untouched for a minute.
     */
    static void removeStale(Path parent, String name) {
        String prefix = partPrefix(name);
        long own = ProcessHandle.current().pid(), minuteAgo = System.currentTimeMillis() - 60_000;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent,
                e -> e.getFileName().toString().startsWith(prefix))) {
            for (Path e : entries) {
                if (!Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) continue;
                String rest = PART + e.getFileName().toString().substring(prefix.length());
                Matcher m = NEW_PART.matcher(rest);
                boolean stale;
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1));
                    stale = pid != own && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } else {
                    stale = OLD_PART.matcher(rest).matches()
                            && Files.getLastModifiedTime(e, LinkOption.NOFOLLOW_LINKS).toMillis() < minuteAgo;
                }
                if (stale) deleteTree(e);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a stale hidden directory is clutter, not a reason to fail
        }
    }

    /**
     * Writes the results: into a new hidden directory beside the target, then renamed into place.
     *
     * @return where the results are: the target
     * @throws IOException naming the file that could not be written and why (the hidden directory is removed), or
     *         saying where the results went when the target was filled meanwhile
     */
    Path write(Writer writer) throws IOException {
        Path parent = target.getParent();
        if (HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(OutputDirectory::deleteInProgress,
                    "lmworkbook-compare-cleanup"));
        }
        Path tmp = createPart(parent, target.getFileName().toString());
        try {
            try {
                writer.write(tmp);
            } catch (FileWriteException e) {
                throw new FileWriteException(e.getMessage() + "; nothing was written to --out " + given, e);
            }
            synchronized (IN_PROGRESS) {
                if (shuttingDown) throw new IOException("not written: the JVM is shutting down");
                moveIntoPlace(tmp);
            }
            return target;
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        } finally {
            IN_PROGRESS.remove(tmp);
        }
    }

    /** A file of the results that could not be written: its name and the reason (full disk, …). */
    static final class FileWriteException extends IOException {
        FileWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Writes the bytes made in memory into dir; a failure names the file and the reason (No space left on device). */
    static void writeFile(Path dir, String name, byte[] bytes) throws FileWriteException {
        try {
            Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new FileWriteException("cannot write " + name + " (in " + dir + "): " + reason(e), e);
        }
    }

    /** Writes text as UTF-8 ({@link #writeFile}). */
    static void writeText(Path dir, String name, String text) throws FileWriteException {
        writeFile(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a table as CSV ({@link #writeFile}). */
    static void writeCsv(Path dir, String name, Table table) throws FileWriteException {
        StringWriter w = new StringWriter();
        table.write().csv(w);
        writeText(dir, name, w.toString());
    }

    /** Writes a chart as PNG ({@link #writeFile}); the name should end in .png. */
    static void writePng(Path dir, String name, XYChart chart) throws FileWriteException {
        byte[] png;
        try {
            png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new FileWriteException("cannot draw " + name + ": " + reason(e), e);
        }
        writeFile(dir, name, png);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static Path createPart(Path parent, String name) throws IOException {
        String prefix = partPrefix(name) + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path tmp = parent.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()));
            synchronized (IN_PROGRESS) {
                if (shuttingDown) throw new IOException("the JVM is shutting down");
                IN_PROGRESS.add(tmp);
                try {
                    return Files.createDirectory(tmp);      // the permissions of any new directory (the umask)
                } catch (FileAlreadyExistsException e) {
                    IN_PROGRESS.remove(tmp);
                    if (attempt >= 100) throw e;
                } catch (IOException | RuntimeException e) {
                    IN_PROGRESS.remove(tmp);
                    throw new IOException("cannot create a directory in " + parent + ": " + Main.describe(e), e);
                }
            }
        }
    }

    /** Renames tmp to the target (replacing it if it is still an empty directory), or beside it if it was filled. */
    private void moveIntoPlace(Path tmp) throws IOException {
        try {
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) Files.delete(target);  // empty, or it fails
            rename(tmp, target);
            return;
        } catch (IOException e) {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("cannot rename " + tmp + " to " + target + ": " + Main.describe(e), e);
            }
        }
        for (int k = 2; k < 1000; k++) {                  // filled meanwhile (another compare?): keep both
            Path beside = target.resolveSibling(target.getFileName() + "-" + k);
            if (Files.exists(beside, LinkOption.NOFOLLOW_LINKS)) continue;
            try {
                rename(tmp, beside);
            } catch (IOException e) {
                continue;
            }
            throw new IOException("--out " + given + ": " + target + " was filled by another process while this "
                    + "comparison ran; nothing was overwritten: these results are in " + beside);
        }
        throw new IOException("--out " + given + ": " + target + " was filled by another process while this "
                + "comparison ran; nothing was overwritten: these results are in " + tmp);
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteInProgress() {
        synchronized (IN_PROGRESS) {
            shuttingDown = true;
            for (Path p : IN_PROGRESS) {
                for (int attempt = 0; attempt < 3 && Files.exists(p, LinkOption.NOFOLLOW_LINKS); attempt++) {
                    deleteTree(p);         // the writing thread may add a file meanwhile: try again
                }
            }
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | RuntimeException ignored) {
            // best effort: what is left is named by its hidden name and removed by the next run
        }
    }
}
