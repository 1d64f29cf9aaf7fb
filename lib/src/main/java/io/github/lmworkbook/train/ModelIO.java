package io.github.lmworkbook.train;

import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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
 * {@link #save} writes a temporary file in the target's directory and renames it over the target (atomically
 * where the file system allows), so a crash never leaves a half-written file under the real name.
 * {@link #load} reads and checks the whole file (magic, version, truncation, checksum, then every name and shape
 * against the model) before it copies anything, so a bad file leaves the model unchanged.
 */
public final class ModelIO {
    private static final byte[] MAGIC = "LMWPARAM".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    private ModelIO() {}

    /** Writes model's parameters to file (replacing it). */
    public static void save(Model model, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp");
        try {
            CRC32 crc = new CRC32();
            try (OutputStream fos = Files.newOutputStream(tmp);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(fos, 1 << 16))) {
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
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads file into model's parameters.
     *
     * @throws ModelFileException naming the file and the problem (not a parameter file, unsupported version,
     *         truncated, checksum mismatch, extra bytes, different parameter count, name or shape); the model is
     *         then unchanged
     */
    public static void load(Model model, Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
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
