package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads a model's parameters. The file (big-endian, {@link DataOutputStream}):
 * <pre>
 *   magic    8 bytes   "LMWPARAM"
 *   version  int       1
 *   count    int       number of parameters
 *   count ×  { name (modified UTF-8, writeUTF), rows int, cols int, rows·cols doubles row by row }
 *   crc32    long      CRC-32 of every byte before it
 * </pre>
 * {@link #save} checks the target ({@link #checkSaveTarget}) and refuses non-finite values before it writes
 * anything; it writes a temporary file {@code <name>.saving-<pid>-<random>.tmp} in the target's directory, forces
 * it to disk and renames it over the target (atomically where the file system allows), so a crash or a kill never
 * leaves a half-written file under the real name. The temporary file is deleted on any failure and when the JVM
 * shuts down (Ctrl-C, SIGTERM); one left by a killed process ({@code kill -9}) is removed by the next save of the
 * same target. A symbolic link is followed: its final target is replaced and the link is kept.
 * {@link #load} reads and checks the whole file (magic, version, truncation, checksum, finite values, then every
 * name and shape against the model) before it copies anything, so a bad file leaves the model unchanged.
 * Every problem is a {@link ModelFileException} whose message names the file and the problem in one line.
 */
public final class ModelIO {
    private static final byte[] MAGIC = "LMWPARAM".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int MAX_LINKS = 40;
    private static final String TEMP_MARK = ".saving-";
    private static final String TEMP_SUFFIX = ".tmp";
    /** Temporary files of this library's earlier versions: {@code <name>.<random digits>.tmp}. */
    private static final Pattern OLD_TEMP = Pattern.compile("\\.-?\\d+\\.tmp");
    private static final Pattern TEMP = Pattern.compile(Pattern.quote(TEMP_MARK) + "(\\d+)-\\d+" + Pattern.quote(TEMP_SUFFIX));
    /** Temporary files being written now; deleted by a shutdown hook if the JVM exits mid-save. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK = new AtomicBoolean();
    private static volatile boolean shuttingDown;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private ModelIO() {}

    /**
     * Writes model's parameters to file, replacing it (or, if file is a symbolic link, the file it points to).
     *
     * @throws ModelFileException naming the file and the problem: a place that cannot hold the file (see
     *         {@link #checkSaveTarget}), or a parameter holding NaN or ±∞ (named, with its first bad entry; nothing
     *         is written and the old file stays as it was), or a failed write (the old file stays as it was)
     */
    public static void save(Model model, Path file) throws IOException {
        Path target = checkSaveTarget(file);
        for (Param p : model.params()) {
            String bad = firstNonFinite(p.value.data);
            if (bad != null) {
                throw new ModelFileException(file, "parameter '" + p.name + "' " + p.shape() + " holds " + bad
                        + "; non-finite parameters are never saved (the file was not written)");
            }
        }
        Path dir = target.getParent();
        String name = target.getFileName().toString();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot create the directory " + dir + ": " + describe(e));
        }
        removeStaleTempFiles(dir, name);
        if (HOOK.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(ModelIO::deleteInProgress, "lmworkbook-save-cleanup"));
        }
        Path tmp;
        try {
            tmp = createTempFile(dir, name, target);   // registered in IN_PROGRESS before it is created
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot create a temporary file in " + dir + ": " + describe(e));
        }
        try {
            if (shuttingDown) throw new ModelFileException(file, "not saved: the JVM is shutting down");
            CRC32 crc = new CRC32();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
                DataOutputStream body = new DataOutputStream(new CheckedOutputStream(out, crc));
                body.write(MAGIC);
                body.writeInt(VERSION);
                List<Param> params = model.params();
                body.writeInt(params.size());
                for (Param p : params) {
                    body.writeUTF(p.name);
                    body.writeInt(p.value.rows);
                    body.writeInt(p.value.cols);
                    for (double[] row : p.value.data) for (double v : row) body.writeDouble(v);
                }
                body.flush();
                out.writeLong(crc.getValue());
                out.flush();
                ch.force(true);  // the bytes are on disk before the rename makes them the file
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } catch (ModelFileException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelFileException(file, "could not be written (the old file, if any, is unchanged): " + describe(e));
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } finally {
                IN_PROGRESS.remove(tmp);
            }
        }
    }

    /**
     * Creates {@code <name>.saving-<pid>-<random>.tmp} in dir with the permissions a new file gets (the umask),
     * or those of the file it will replace (Files.createTempFile would make it readable by its owner only).
     */
    private static Path createTempFile(Path dir, String name, Path target) throws IOException {
        String prefix = name + TEMP_MARK + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()) + TEMP_SUFFIX);
            synchronized (IN_PROGRESS) {       // against the shutdown hook: it deletes what is registered
                if (shuttingDown) throw new IOException("the JVM is shutting down");
                IN_PROGRESS.add(tmp);
                try {
                    Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                } catch (FileAlreadyExistsException e) {
                    IN_PROGRESS.remove(tmp);
                    if (attempt < 100) continue;
                    throw e;
                } catch (IOException | RuntimeException e) {
                    IN_PROGRESS.remove(tmp);
                    throw e;
                }
            }
            try {
                if (Files.isRegularFile(target)) Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            } catch (UnsupportedOperationException | IOException e) {
                // not a POSIX file system, or not ours to change: the new file keeps the default permissions
            }
            return tmp;
        }
    }

    /**
     * Checks, before any work, that {@link #save} can write file: follows symbolic links to their final target
     * and refuses a directory, a device, pipe or socket, a path under a regular file, a directory that cannot be
     * written and a link loop. Does not create or change anything.
     *
     * @return the path save will replace (file, or the final target of the link file)
     * @throws ModelFileException naming file and the problem
     */
    public static Path checkSaveTarget(Path file) throws ModelFileException {
        Path target = file.toAbsolutePath();
        String via = "";
        try {
            for (int hops = 0; Files.isSymbolicLink(target); hops++) {
                if (hops == MAX_LINKS) {
                    throw new ModelFileException(file, "cannot save here: more than " + MAX_LINKS
                            + " symbolic links in a row (a loop?)");
                }
                target = target.resolveSibling(Files.readSymbolicLink(target));
                via = " (the target of the symbolic link " + file + ")";
            }
        } catch (IOException e) {
            if (e instanceof ModelFileException m) throw m;
            throw new ModelFileException(file, "cannot follow the symbolic link: " + describe(e));
        }
        if (target.getFileName() == null) {
            throw new ModelFileException(file, "cannot save here: not a file name");
        }
        if (Files.isDirectory(target)) {
            throw new ModelFileException(file, "cannot save here: " + target + via + " is a directory; give a file name");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new ModelFileException(file, "cannot save here: " + target + via
                    + " is not a regular file (a device, pipe or socket); give a file name");
        }
        Path dir = target.getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();   // the part that exists (links followed)
        if (dir == null) throw new ModelFileException(file, "cannot save here: no existing directory above " + target);
        if (!Files.isDirectory(dir)) {
            throw new ModelFileException(file, "cannot save here: " + dir + " is a file, not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new ModelFileException(file, "cannot save here: the directory " + dir + " is not writable");
        }
        return target;
    }

    /**
     * Deletes temporary files of earlier saves of name in dir that no running process is writing: those of a
     * process that has exited, and those of this library's earlier versions older than a minute.
     */
    private static void removeStaleTempFiles(Path dir, String name) {
        String prefix = name + ".";
        long ownPid = ProcessHandle.current().pid();
        long minuteAgo = System.currentTimeMillis() - 60_000;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                e -> e.getFileName().toString().startsWith(prefix) && e.getFileName().toString().endsWith(TEMP_SUFFIX))) {
            for (Path e : entries) {
                String rest = e.getFileName().toString().substring(name.length());
                Matcher m = TEMP.matcher(rest);
                boolean stale;
                if (m.matches()) {
                    long pid = Long.parseLong(m.group(1));
                    stale = pid != ownPid && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                } else {
                    stale = OLD_TEMP.matcher(rest).matches() && Files.getLastModifiedTime(e).toMillis() < minuteAgo;
                }
                if (stale && Files.isRegularFile(e, LinkOption.NOFOLLOW_LINKS)) Files.deleteIfExists(e);
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: a stale temporary file is clutter, not a reason to fail the save
        }
    }

    private static void deleteInProgress() {
        synchronized (IN_PROGRESS) {   // no temporary file is created after this (createTempFile checks the flag)
            shuttingDown = true;
            for (Path p : IN_PROGRESS) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the JVM is exiting; the next save removes what is left
                }
            }
        }
    }

    /** Makes the rename durable (fsync of the directory); not every file system supports it. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the rename is done; durability across a power cut is best effort here
        }
    }

    /** "NaN at [i][j]" for the first non-finite entry, or null. */
    private static String firstNonFinite(double[][] v) {
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v[i].length; j++) {
                if (!Double.isFinite(v[i][j])) return v[i][j] + " at [" + i + "][" + j + "]";
            }
        }
        return null;
    }

    /** An I/O error as one phrase: "no such file: …", "permission denied: …", or the exception's own message. */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file: " + e.getMessage();
        if (e instanceof AccessDeniedException) return "permission denied: " + e.getMessage();
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + (f.getFile() != null ? " (" + f.getFile() + ")" : "");
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * Reads file into model's parameters.
     *
     * @throws ModelFileException naming the file and the problem (missing or unreadable, not a parameter file,
     *         unsupported version, truncated, checksum mismatch, a NaN or ±∞ value, extra bytes, different parameter
     *         count, name or shape); the model is then unchanged
     */
    public static void load(Model model, Path file) throws IOException {
        if (Files.isDirectory(file)) throw new ModelFileException(file, "is a directory, not a parameter file");
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new ModelFileException(file, "is not a regular file (a device, pipe or socket), not a parameter file");
        }
        byte[] bytes;
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 8) {
                throw new ModelFileException(file, "is too large (" + Files.size(file) + " bytes) to be a parameter file");
            }
            bytes = Files.readAllBytes(file);
        } catch (ModelFileException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new ModelFileException(file, "no such file");
        } catch (IOException e) {
            throw new ModelFileException(file, "cannot be read: " + describe(e));
        }
        List<String> names = new ArrayList<>();
        List<double[][]> values = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int bodyLength;
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new ModelFileException(file, "not a parameter file (the first bytes are not \"LMWPARAM\")");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new ModelFileException(file, "unsupported format version " + version + " (this library reads " + VERSION + ")");
            }
            int count = in.readInt();
            if (count < 0) throw new ModelFileException(file, "corrupted: negative parameter count " + count);
            for (int k = 0; k < count; k++) {
                String name = in.readUTF();
                int rows = in.readInt(), cols = in.readInt();
                if (rows < 0 || cols < 0 || (long) rows * cols * 8 > in.available()) {
                    throw new ModelFileException(file, "truncated or corrupted: parameter '" + name + "' claims shape ("
                            + rows + "×" + cols + ") but only " + in.available() + " bytes remain");
                }
                double[][] v = new double[rows][cols];
                for (double[] row : v) for (int j = 0; j < cols; j++) row[j] = in.readDouble();
                String bad = firstNonFinite(v);
                if (bad != null) {
                    throw new ModelFileException(file, "parameter '" + name + "' holds " + bad
                            + "; a file with non-finite parameters (from a diverged run?) is never loaded");
                }
                names.add(name);
                values.add(v);
                shapes.add(new int[] {rows, cols});
            }
            bodyLength = bytes.length - in.available();
            long stored = in.readLong();
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, bodyLength);
            if (crc.getValue() != stored) {
                throw new ModelFileException(file, String.format("checksum mismatch (stored %08x, computed %08x): the file is corrupted",
                        stored, crc.getValue()));
            }
            if (in.available() > 0) {
                throw new ModelFileException(file, in.available() + " unexpected bytes after the checksum");
            }
        } catch (EOFException e) {
            throw new ModelFileException(file, "truncated: the file ends after " + bytes.length + " bytes");
        }

        List<Param> params = model.params();
        if (params.size() != names.size()) {
            throw new ModelFileException(file, "the file holds " + names.size() + " parameters " + names
                    + " but the model has " + params.size() + " " + params);
        }
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            int rows = shapes.get(k)[0], cols = shapes.get(k)[1];
            if (!p.name.equals(names.get(k))) {
                throw new ModelFileException(file, "parameter " + k + " is '" + names.get(k) + "' in the file but '"
                        + p.name + "' in the model");
            }
            if (p.value.rows != rows || p.value.cols != cols) {
                throw new ModelFileException(file, "parameter '" + p.name + "' has shape (" + rows + "×" + cols
                        + ") in the file but " + p.shape() + " in the model");
            }
        }
        for (int k = 0; k < params.size(); k++) {
            double[][] src = values.get(k), dst = params.get(k).value.data;
            for (int i = 0; i < src.length; i++) System.arraycopy(src[i], 0, dst[i], 0, src[i].length);
        }
    }
}
