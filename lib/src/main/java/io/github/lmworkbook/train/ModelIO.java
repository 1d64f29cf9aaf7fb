package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Vocabulary;

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
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads a model: its parameters and, for a model built from a configuration record (a public field
 * {@code config} holding a record, as {@code Mlp}, {@code RecurrentLM} and {@code Transformer} have), what it is: the
 * model's class, every component of its configuration and the vocabulary, so that {@link #read} rebuilds the model
 * from the file alone ({@link Saved#model()}) and {@link #load} refuses a model built differently. The file
 * (big-endian, {@link DataOutputStream}):
 * <pre>
 *   magic    8 bytes   "LMWPARAM"
 *   version  int       2 (1: the same without the header, read too)
 *   header   int length, then that many bytes of UTF-8 text, one {@code key=value} a line ({@link Properties}'
 *                      escapes): model=&lt;class&gt;, config=&lt;record class&gt;, config.&lt;component&gt;=&lt;value&gt; …,
 *                      vocabulary=&lt;its characters in id order&gt;, vocabulary.special=true|false, note.&lt;key&gt;=…
 *                      (empty for a model without a configuration)
 *   count    int       number of parameters
 *   count ×  { name (modified UTF-8, writeUTF), rows int, cols int, rows·cols doubles row by row }
 *   crc32    long      CRC-32 of every byte before it
 * </pre>
 * The configuration is read generically, component by component (primitives, strings, enums, nested records,
 * arrays of numbers): a component added to a {@code Config} later is recorded with no change here.
 *
 * <p>{@link #save} checks the target ({@link #checkSaveTarget}) and refuses non-finite values before it writes
 * anything; it writes a temporary file {@code <name>.saving-<pid>-<random>.tmp} in the target's directory (a long
 * name is shortened in it), forces it to disk and renames it over the target (atomically where the file system
 * allows), so a crash or a kill never leaves a half-written file under the real name. The temporary file is deleted
 * on any failure and when the JVM shuts down (Ctrl-C, SIGTERM); one left by a killed process ({@code kill -9}) is
 * removed by the next save of the same target. A symbolic link is followed: its final target is replaced and the
 * link is kept; a replaced file keeps its permissions, and a read-only one is refused.
 * {@link #load} reads and checks the whole file (magic, version, truncation, checksum, finite values, the recorded
 * configuration, then every name and shape against the model) before it copies anything, so a bad file leaves the
 * model unchanged. Every problem is a {@link ModelFileException} whose message names the file and the problem in
 * one line.
 */
public final class ModelIO {
    private static final byte[] MAGIC = "LMWPARAM".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 2;
    private static final int MAX_LINKS = 40;
    /** The longest file name (bytes of UTF-8) common file systems take (ext4, XFS, btrfs, APFS, NTFS in chars). */
    static final int NAME_MAX = 255;
    private static final int MAX_HEADER = 1 << 20;
    private static final String TEMP_MARK = ".saving-";
    private static final String TEMP_SUFFIX = ".tmp";
    /** The most a temporary name adds to its prefix: ".saving-" + pid + "-" + 20 digits + ".tmp". */
    private static final int TEMP_EXTRA = TEMP_MARK.length() + 20 + 1 + 20 + TEMP_SUFFIX.length();
    /** Temporary files of this library's earlier versions: {@code <name>.<random digits>.tmp}. */
    private static final Pattern OLD_TEMP = Pattern.compile("\\.-?\\d+\\.tmp");
    private static final Pattern TEMP = Pattern.compile(Pattern.quote(TEMP_MARK) + "(\\d+)-\\d+" + Pattern.quote(TEMP_SUFFIX));
    private static final Pattern NOTE_KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    /** Temporary files being written now; deleted by a shutdown hook if the JVM exits mid-save. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK = new AtomicBoolean();
    private static volatile boolean shuttingDown;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private ModelIO() {}

    /**
     * Writes model's parameters to file, replacing it (or, if file is a symbolic link, the file it points to), with
     * the model's configuration when it has one ({@link #configOf}); no vocabulary.
     *
     * @param model the model whose parameters are written
     * @param file the file to write (replaced through a temporary file renamed into place)
     * @throws IOException naming the file and the problem, as {@link #save(Model, Vocabulary, Map, Path)}
     * @see #save(Model, Vocabulary, Map, Path)
     */
    public static void save(Model model, Path file) throws IOException {
        save(model, null, Map.of(), file);
    }

    /**
     * Writes the model — its class and configuration ({@link #configOf}), the vocabulary, notes and the parameters —
     * to file, replacing it (or, if file is a symbolic link, the file it points to).
     *
     * @param vocabulary the model's vocabulary, or null
     * @param notes      anything else worth recording (e.g. {@code data=names}); keys of letters, digits, '.', '-'
     *                   and '_'
     * @param model the model to write
     * @param file the file to write (replaced through a temporary file renamed into place)
     * @throws ModelFileException naming the file and the problem: a place that cannot hold the file (see
     *         {@link #checkSaveTarget}), or a parameter holding NaN or ±∞ (named, with its first bad entry; nothing
     *         is written and the old file stays as it was), or a failed write (the old file stays as it was)
     * @throws IllegalArgumentException if a component of the configuration cannot be recorded (see {@link #header})
     */
    public static void save(Model model, Vocabulary vocabulary, Map<String, String> notes, Path file)
            throws IOException {
        Path target = checkSaveTarget(file);
        for (Param p : model.params()) {
            String bad = firstNonFinite(p.value.data);
            if (bad != null) {
                throw new ModelFileException(file, "parameter '" + p.name + "' " + p.shape() + " holds " + bad
                        + "; non-finite parameters are never saved (the file was not written)");
            }
        }
        byte[] header = headerText(header(model, vocabulary, notes)).getBytes(StandardCharsets.UTF_8);
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
            tmp = createTempFile(dir, name);   // registered in IN_PROGRESS before it is created
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
                body.writeInt(header.length);
                body.write(header);
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
            keepPermissions(tmp, target);
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
     * The configuration record model was built from: the value of its public field {@code config} when that is a
     * record and the model's class has a public constructor taking it (the library's models follow this
     * convention), else null.
     *
     * @param model a model
     * @return its configuration record, or null when it has none by the convention above
     */
    public static Record configOf(Model model) {
        try {
            Field f = model.getClass().getField("config");
            if (Modifier.isStatic(f.getModifiers()) || !f.getType().isRecord()) return null;
            Object c = f.get(model);
            if (c == null) return null;
            model.getClass().getConstructor(c.getClass());
            return (Record) c;
        } catch (NoSuchFieldException | NoSuchMethodException | IllegalAccessException | SecurityException e) {
            return null;
        }
    }

    /**
     * What {@link #save} records besides the parameters, as the file's header entries in order: {@code model},
     * {@code config} and every {@code config.<component>} (when the model has a configuration), {@code vocabulary}
     * and {@code vocabulary.special} (when given), {@code note.<key>} for each note.
     *
     * @param model the model to describe
     * @param vocabulary the vocabulary to record, or null
     * @param notes notes to record as {@code note.<key>} entries, or null
     * @return the header entries, in the order {@link #save} writes them
     * @throws IllegalArgumentException if a configuration component has a type a file cannot record, or a note's
     *         key is not made of letters, digits, '.', '-' and '_'
     */
    public static Map<String, String> header(Model model, Vocabulary vocabulary, Map<String, String> notes) {
        Map<String, String> h = new LinkedHashMap<>();
        Record config = configOf(model);
        if (config != null) {
            h.put("model", model.getClass().getName());
            h.put("config", config.getClass().getName());
            ConfigCodec.encode("config.", config, h);
        }
        if (vocabulary != null) {
            h.put("vocabulary", vocabulary.chars());
            h.put("vocabulary.special", Boolean.toString(vocabulary.hasSpecial()));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(notes).entrySet()) {
            if (!NOTE_KEY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("note key '" + e.getKey() + "': letters, digits, '.', '-' and '_' only");
            }
            h.put("note." + e.getKey(), Objects.requireNonNull(e.getValue(), "note value"));
        }
        return h;
    }

    /** The header as text: one {@code key=value} a line, escaped as {@link Properties#load(java.io.Reader)} reads it. */
    private static String headerText(Map<String, String> h) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : h.entrySet()) {
            escape(e.getKey(), sb);
            sb.append('=');
            escape(e.getValue(), sb);
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\f' -> sb.append("\\f");
                case ' ', '=', ':', '#', '!' -> sb.append('\\').append(c);
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
    }

    /**
     * Creates {@code <prefix>.saving-<pid>-<random>.tmp} in dir (the prefix is name, shortened when the whole would
     * be longer than a file name may be), with the permissions a new file gets (the umask).
     */
    private static Path createTempFile(Path dir, String name) throws IOException {
        String prefix = tempPrefix(name) + TEMP_MARK + ProcessHandle.current().pid() + "-";
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
            return tmp;
        }
    }

    /**
     * The start of the temporary files' names for target name: the name itself, or its first characters when the
     * temporary name would be longer than {@link #NAME_MAX} bytes.
     */
    static String tempPrefix(String name) {
        int room = NAME_MAX - TEMP_EXTRA;
        if (utf8Length(name) <= room) return name;
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int n = utf8Length(new String(Character.toChars(cp)));
            if (bytes + n > room) break;
            sb.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** No write permission for its owner (root may write it all the same: refused for root too), or not writable. */
    private static boolean readOnly(Path file) {
        try {
            if (!Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_WRITE)) return true;
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: ask the operating system below
        }
        return !Files.isWritable(file);
    }

    /** After writing: the new file takes the permissions of the file it replaces (if any). */
    private static void keepPermissions(Path tmp, Path target) {
        try {
            if (Files.isRegularFile(target)) Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not ours to change: the new file keeps the default permissions
        }
    }

    /**
     * Checks, before any work, that {@link #save} can write file: follows symbolic links to their final target
     * and refuses a directory, a device, pipe or socket, an existing file that is read-only, a file name longer
     * than {@value #NAME_MAX} bytes, a path under a regular file, a directory that cannot be written and a link
     * loop. Does not create or change anything.
     *
     * @param file the file {@link #save} is asked to write
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
        int nameBytes = utf8Length(target.getFileName().toString());
        if (nameBytes > NAME_MAX) {
            throw new ModelFileException(file, "cannot save here: the file name" + via + " is " + nameBytes
                    + " bytes long; file systems take at most " + NAME_MAX);
        }
        if (Files.isDirectory(target)) {
            throw new ModelFileException(file, "cannot save here: " + target + via + " is a directory; give a file name");
        }
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new ModelFileException(file, "cannot save here: " + target + via
                    + " is not a regular file (a device, pipe or socket); give a file name");
        }
        if (Files.isRegularFile(target) && readOnly(target)) {
            throw new ModelFileException(file, "cannot save here: " + target + via + " exists and is read-only; make "
                    + "it writable (chmod u+w) to replace it, or choose another file");
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
    private static void removeStaleTempFiles(Path dir, String target) {
        String name = tempPrefix(target), prefix = name + ".";
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
     * Reads file into model's parameters. When the file records a configuration and the model has one
     * ({@link #configOf}), they must agree in every component but the seed (which only chose the initial values the
     * file replaces).
     *
     * @param model the model whose parameters are replaced by the file's
     * @param file the model file written by {@link #save}
     * @throws ModelFileException naming the file and the problem (missing or unreadable, not a parameter file,
     *         unsupported version, truncated, checksum mismatch, a NaN or ±∞ value, extra bytes, a different model or
     *         configuration, a different parameter count, name or shape); the model is then unchanged
     */
    public static void load(Model model, Path file) throws IOException {
        Saved saved = read(file);
        Record mine = configOf(model);
        if (saved.config != null && mine != null) {
            String diff = difference(saved.config, mine);
            if (diff != null) {
                throw new ModelFileException(file, "the file holds a different model: " + diff
                        + " (ModelIO.read(file).model() builds the file's)");
            }
        }
        saved.copyInto(model);
    }

    /** The first difference between two configurations, "n_head: 2 in the file, 4 in the model", or null. */
    private static String difference(Record inFile, Record inModel) {
        if (inFile.getClass() != inModel.getClass()) {
            return "a " + inFile.getClass().getName() + " in the file, a " + inModel.getClass().getName()
                    + " in the model";
        }
        Map<String, String> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        ConfigCodec.encode("", inFile, a);
        ConfigCodec.encode("", inModel, b);
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (e.getKey().equals("seed")) continue;
            String other = b.get(e.getKey());
            if (!e.getValue().equals(other)) {
                return e.getKey() + " is " + e.getValue() + " in the file but " + other + " in the model";
            }
        }
        return null;
    }

    /**
     * Reads and checks a whole model file: magic, version, header, every parameter (finite), checksum. The model it
     * describes is built by {@link Saved#model()} (when the file records its configuration) or filled in by
     * {@link #load}.
     *
     * @param file the model file to read
     * @return everything the file holds, checked
     * @throws ModelFileException naming the file and the problem
     */
    public static Saved read(Path file) throws IOException {
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
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        int version;
        Map<String, String> header = Map.of();
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new ModelFileException(file, "not a parameter file (the first bytes are not \"LMWPARAM\")");
            }
            version = in.readInt();
            if (version != 1 && version != VERSION) {
                throw new ModelFileException(file, "unsupported format version " + version + " (this library reads 1 and "
                        + VERSION + ")");
            }
            if (version >= 2) {
                int length = in.readInt();
                if (length < 0 || length > MAX_HEADER || length > in.available()) {
                    throw new ModelFileException(file, "truncated or corrupted: a header of " + length + " bytes, with "
                            + in.available() + " bytes left in the file");
                }
                byte[] text = new byte[length];
                in.readFully(text);
                header = parseHeader(file, text);
            }
            int count = in.readInt();
            if (count < 0) throw new ModelFileException(file, "corrupted: negative parameter count " + count);
            for (int k = 0; k < count; k++) {
                String name = in.readUTF();
                int rows = in.readInt(), cols = in.readInt();
                // the values must be in the file; and no more rows than bytes left (a row of 0 columns costs memory)
                if (rows < 0 || cols < 0 || (long) rows * cols * 8 > in.available() || rows > in.available()) {
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
            }
            int bodyLength = bytes.length - in.available();
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
        return new Saved(file, version, header, names, values);
    }

    private static Map<String, String> parseHeader(Path file, byte[] text) throws ModelFileException {
        Properties p = new Properties();
        try {
            p.load(new StringReader(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(text))
                    .toString()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFileException(file, "corrupted: the header cannot be read (" + e.getMessage() + ")");
        }
        Map<String, String> h = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) h.put(k, p.getProperty(k));
        return h;
    }

    /**
     * A model file as read by {@link #read}: what it records about the model (class, configuration, vocabulary,
     * notes; each null or empty when not recorded) and the parameters, checked.
     */
    public static final class Saved {
        private final Path file;
        private final int version;
        private final Map<String, String> header;
        private final List<String> names;
        private final List<double[][]> values;
        private final Class<?> modelClass;
        private final Record config;
        private final Vocabulary vocabulary;
        private final Map<String, String> notes;

        private Saved(Path file, int version, Map<String, String> header, List<String> names, List<double[][]> values)
                throws ModelFileException {
            this.file = file;
            this.version = version;
            this.header = header;
            this.names = names;
            this.values = values;
            Map<String, String> n = new LinkedHashMap<>();
            header.forEach((k, v) -> {
                if (k.startsWith("note.")) n.put(k.substring(5), v);
            });
            this.notes = Collections.unmodifiableMap(n);
            this.vocabulary = vocabulary(file, header);
            String model = header.get("model"), config = header.get("config");
            if (model == null && config == null) {
                this.modelClass = null;
                this.config = null;
                return;
            }
            if (model == null || config == null) {
                throw new ModelFileException(file, "corrupted: the header names " + (model == null ? "a configuration "
                        + "but no model" : "a model but no configuration"));
            }
            this.modelClass = libraryClass(file, model);
            Class<?> configClass = libraryClass(file, config);
            if (!Model.class.isAssignableFrom(modelClass) || !configClass.isRecord()) {
                throw new ModelFileException(file, "corrupted: " + model + " is not a model with a " + config);
            }
            try {
                modelClass.getConstructor(configClass);
            } catch (NoSuchMethodException e) {
                throw new ModelFileException(file, "holds a " + modelClass.getSimpleName() + ", which this version of "
                        + "the library cannot build from a " + configClass.getSimpleName());
            }
            Map<String, String> own = new LinkedHashMap<>();
            header.forEach((k, v) -> {
                if (k.startsWith("config.")) own.put(k, v);
            });
            try {
                this.config = ConfigCodec.decode(configClass, "config.", own);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "the recorded configuration of its " + modelClass.getSimpleName()
                        + " cannot be used: " + e.getMessage());
            }
            Map<String, String> used = new LinkedHashMap<>();
            ConfigCodec.encode("config.", this.config, used);
            for (String k : own.keySet()) {
                if (!used.containsKey(k)) {
                    throw new ModelFileException(file, "records '" + k.substring(7) + "', which this version's "
                            + configClass.getSimpleName() + " of " + modelClass.getSimpleName() + " does not have");
                }
            }
        }

        private static Class<?> libraryClass(Path file, String name) throws ModelFileException {
            if (!name.startsWith("io.github.lmworkbook.")) {
                throw new ModelFileException(file, "names a class outside the library (" + name + "); not loaded");
            }
            try {
                return Class.forName(name, false, ModelIO.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ModelFileException(file, "holds a model of class " + name + ", which this version of the "
                        + "library does not have");
            }
        }

        private static Vocabulary vocabulary(Path file, Map<String, String> header) throws ModelFileException {
            String chars = header.get("vocabulary");
            if (chars == null) return null;
            boolean special = Boolean.parseBoolean(header.get("vocabulary.special"));
            Vocabulary v;
            try {
                if (special) {
                    if (!chars.startsWith(String.valueOf(Vocabulary.SPECIAL_CHAR))) {
                        throw new IllegalArgumentException("a word vocabulary starts with its special token '.'");
                    }
                    v = Vocabulary.of(List.of(chars.substring(1)));
                } else {
                    v = Vocabulary.ofText(chars);
                }
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(file, "corrupted: the recorded vocabulary cannot be used (" + e.getMessage()
                        + ")");
            }
            if (!v.chars().equals(chars)) {
                throw new ModelFileException(file, "corrupted: the recorded vocabulary is not sorted and distinct");
            }
            return v;
        }

        /** {@return the file this was read from} */
        public Path file() {
            return file;
        }

        /** {@return the format version: 1 (no header) or 2} */
        public int version() {
            return version;
        }

        /**
         * {@return the model's class, or null when the file does not record it (format 1, or a model with no config)}
         */
        public Class<?> modelClass() {
            return modelClass;
        }

        /** {@return the model's configuration, or null when the file does not record it} */
        public Record config() {
            return config;
        }

        /** {@return the vocabulary, or null when the file does not record one} */
        public Vocabulary vocabulary() {
            return vocabulary;
        }

        /** {@return the notes saved with the model (without their "note." prefix)} */
        public Map<String, String> notes() {
            return notes;
        }

        /** {@return every header entry as written (empty for format 1)} */
        public Map<String, String> header() {
            return Collections.unmodifiableMap(header);
        }

        /** {@return the number of scalar parameters in the file} */
        public long numParams() {
            long n = 0;
            for (double[][] v : values) for (double[] row : v) n += row.length;
            return n;
        }

        /**
         * Builds the model the file records (its class and configuration) and copies the parameters into it.
         *
         * @return the model, with the file's parameters
         * @throws ModelFileException when the file records no configuration (format 1, or a model without one), or
         *         the configuration's parameter count (its {@code numParams()}, when it has one) is not the file's,
         *         checked before the model is built, or the parameters do not fit the model built
         */
        public Model model() throws ModelFileException {
            if (config == null) {
                throw new ModelFileException(file, version == 1
                        ? "an old parameter file (format 1) that does not record its model's configuration; train "
                                + "the model again to get a file that does (or build the model and use ModelIO.load)"
                        : "records no model configuration (saved from a model without one); build the model and "
                                + "use ModelIO.load");
            }
            try {
                Object n = config.getClass().getMethod("numParams").invoke(config);
                if (n instanceof Long count && count != numParams()) {
                    throw new ModelFileException(file, "corrupted: its " + modelClass.getSimpleName()
                            + " configuration has " + count + " parameters but the file holds " + numParams());
                }
            } catch (NoSuchMethodException | IllegalAccessException e) {
                // no parameter count to compare before building: the shapes are compared after
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw new ModelFileException(file, "the recorded configuration cannot be used: " + e.getCause());
            }
            Model m;
            try {
                m = (Model) modelClass.getConstructor(config.getClass()).newInstance(config);
            } catch (java.lang.reflect.InvocationTargetException e) {
                if (e.getCause() instanceof OutOfMemoryError oom) throw oom;
                throw new ModelFileException(file, "the recorded configuration cannot be used: "
                        + (e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getCause()));
            } catch (ReflectiveOperationException e) {
                throw new ModelFileException(file, "cannot build its " + modelClass.getSimpleName() + ": " + e);
            }
            copyInto(m);
            return m;
        }

        /** Checks the parameters' count, names and shapes against model's, then copies them in. */
        void copyInto(Model model) throws ModelFileException {
            List<Param> params = model.params();
            if (params.size() != names.size()) {
                throw new ModelFileException(file, "the file holds " + names.size() + " parameters " + names
                        + " but the model has " + params.size() + " " + params);
            }
            for (int k = 0; k < params.size(); k++) {
                Param p = params.get(k);
                double[][] v = values.get(k);
                int rows = v.length, cols = rows == 0 ? p.value.cols : v[0].length;
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
}
