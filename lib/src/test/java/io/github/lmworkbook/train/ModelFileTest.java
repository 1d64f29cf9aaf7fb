package io.github.lmworkbook.train;

import io.github.lmworkbook.Allocated;
import io.github.lmworkbook.cells.CellType;
import io.github.lmworkbook.core.Matrix;
import io.github.lmworkbook.core.Model;
import io.github.lmworkbook.core.Param;
import io.github.lmworkbook.data.Vocabulary;
import io.github.lmworkbook.models.LanguageModel;
import io.github.lmworkbook.models.Mlp;
import io.github.lmworkbook.models.RecurrentLM;
import io.github.lmworkbook.models.SequenceRegressor;
import io.github.lmworkbook.models.Transformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Model files that know what they are: the model's class, every component of its configuration and the vocabulary
 * are recorded, read back generically, and a file is refused when it is not the model asked for, crafted, or old.
 */
class ModelFileTest {
    @TempDir
    Path dir;

    static final Vocabulary NAMES = Vocabulary.of(List.of("abcdefghijklmnopqrstuvwxyz"));
    /** A text vocabulary with every character the header escapes. */
    static final Vocabulary ODD = Vocabulary.ofText("ab \n\t\r\f=:#!\\\u0000\u007fé€😀");

    static List<Model> everyKind() {
        int V = NAMES.size();
        return List.of(new Mlp(new Mlp.Config(V, 3, 4, 5, true, 1)),
                new RecurrentLM(new RecurrentLM.Config(V, CellType.RNN, 3, 4, true, 2)),
                new RecurrentLM(new RecurrentLM.Config(V, CellType.GRU, 3, 4, false, 3)),
                new RecurrentLM(new RecurrentLM.Config(V, CellType.LSTM, 3, 4, true, 4)),
                new Transformer(new Transformer.Config(V, 9, 2, 2, 8, Transformer.Positions.SINUSOIDAL, true, false, 5)),
                new SequenceRegressor(new SequenceRegressor.Config(CellType.GRU, 2, 3, 6)));
    }

    static void assertSameValues(Model a, Model b) {
        assertEquals(a.params().size(), b.params().size());
        for (int k = 0; k < a.params().size(); k++) {
            double[][] x = a.params().get(k).value.data, y = b.params().get(k).value.data;
            assertEquals(a.params().get(k).name, b.params().get(k).name);
            for (int i = 0; i < x.length; i++) assertArrayEquals(x[i], y[i], 0.0);
        }
    }

    @Test
    void everyModelIsRebuiltFromItsFileAlone() throws IOException {
        for (Model m : everyKind()) {
            Path f = dir.resolve(m.getClass().getSimpleName() + ".bin");
            ModelIO.save(m, NAMES, Map.of("data", "names"), f);
            ModelIO.Saved saved = ModelIO.read(f);
            assertEquals(ModelIO.configOf(m), saved.config(), "every component, read back");
            assertEquals(m.getClass(), saved.modelClass());
            assertEquals(NAMES.chars(), saved.vocabulary().chars());
            assertTrue(saved.vocabulary().hasSpecial());
            assertEquals(Map.of("data", "names"), saved.notes());
            Model back = saved.model();
            assertEquals(m.getClass(), back.getClass());
            assertSameValues(m, back);
        }
    }

    @Test
    void theHeaderRecordsEveryComponentOfTheConfigWhateverItHolds() {
        // Components added to a Config later are recorded with no change to ModelIO: the header is made from the
        // record's components, so every one of them is there.
        for (Model m : everyKind()) {
            Record config = ModelIO.configOf(m);
            Map<String, String> h = ModelIO.header(m, null, Map.of());
            assertEquals(m.getClass().getName(), h.get("model"));
            for (RecordComponent c : config.getClass().getRecordComponents()) {
                assertTrue(h.containsKey("config." + c.getName()), c.getName() + " of " + config);
            }
        }
        Transformer t = (Transformer) everyKind().get(4);
        Map<String, String> h = ModelIO.header(t, null, Map.of());
        assertEquals("2", h.get("config.heads"));
        assertEquals("SINUSOIDAL", h.get("config.positions"));
        assertEquals("false", h.get("config.layerNorm"));
    }

    /** A configuration with every kind of component a file records, and a model built from it. */
    public record Odd(int i, long l, double d, float f, boolean b, char c, String s, CellType e, Inner inner,
                      int[] ints, double[] doubles, boolean[] flags, Integer boxed, String none) {
        public record Inner(short sh, byte by, long[] longs) {}
    }

    /** A model with an {@link Odd} configuration: one parameter whose size is i. */
    public static final class OddModel implements Model {
        public final Odd config;
        final Param w;

        public OddModel(Odd config) {
            this.config = config;
            this.w = new Param("w", Matrix.randn(1, config.i(), 1.0, new Random(config.l())));
        }

        @Override
        public List<Param> params() {
            return List.of(w);
        }
    }

    @Test
    void anyComponentTypeRoundTrips() throws IOException {
        Odd odd = new Odd(3, -7L, Math.PI / 3, 1.1f, true, '=', "a b=c:d#e!f\\g\nh", CellType.LSTM,
                new Odd.Inner((short) -2, (byte) 9, new long[] {1, -2, Long.MAX_VALUE}), new int[] {}, new double[] {
                Double.MIN_VALUE, -0.0, 1e300}, new boolean[] {true, false}, null, null);
        OddModel m = new OddModel(odd);
        Path f = dir.resolve("odd.bin");
        ModelIO.save(m, ODD, Map.of(), f);
        ModelIO.Saved saved = ModelIO.read(f);
        Odd back = (Odd) saved.config();
        assertEquals(odd.i(), back.i());
        assertEquals(odd.l(), back.l());
        assertEquals(Double.doubleToRawLongBits(odd.d()), Double.doubleToRawLongBits(back.d()));
        assertEquals(odd.f(), back.f());
        assertEquals(odd.c(), back.c());
        assertEquals(odd.s(), back.s());
        assertEquals(odd.e(), back.e());
        assertEquals(odd.inner().sh(), back.inner().sh());
        assertEquals(odd.inner().by(), back.inner().by());
        assertArrayEquals(odd.inner().longs(), back.inner().longs());
        assertArrayEquals(odd.ints(), back.ints());
        assertArrayEquals(odd.doubles(), back.doubles(), 0.0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back.doubles()[1]));
        assertArrayEquals(odd.flags(), back.flags());
        assertNull(back.boxed());
        assertNull(back.none());
        assertEquals(ODD.chars(), saved.vocabulary().chars(), "every escaped character comes back");
        assertFalse(saved.vocabulary().hasSpecial());
        assertSameValues(m, saved.model());
    }

    /** A configuration component a file cannot record. */
    public record Unrecordable(int n, List<String> names) {}

    public static final class UnrecordableModel implements Model {
        public final Unrecordable config;

        public UnrecordableModel(Unrecordable config) {
            this.config = config;
        }

        @Override
        public List<Param> params() {
            return List.of();
        }
    }

    @Test
    void aComponentAFileCannotRecordIsSaidBeforeAnythingIsWritten() {
        Model m = new UnrecordableModel(new Unrecordable(1, List.of("a")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelIO.header(m, null, Map.of()));
        assertTrue(e.getMessage().contains("cannot record the configuration's component 'config.names' of type "
                + "java.util.List"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelIO.save(m, dir.resolve("u.bin")));
        assertFalse(Files.exists(dir.resolve("u.bin")));
    }

    @Test
    void loadingIntoAModelBuiltDifferentlyIsRefused() throws IOException {
        int V = NAMES.size();
        Transformer two = new Transformer(new Transformer.Config(V, 9, 1, 2, 8, Transformer.Positions.LEARNED, true,
                true, 1));
        Path f = dir.resolve("gpt.bin");
        ModelIO.save(two, NAMES, Map.of(), f);
        Transformer four = new Transformer(new Transformer.Config(V, 9, 1, 4, 8, Transformer.Positions.LEARNED, true,
                true, 1));                                   // the same shapes: n_head 4 is another function
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.load(four, f));
        assertEquals(f + ": the file holds a different model: heads is 2 in the file but 4 in the model "
                + "(ModelIO.read(file).model() builds the file's)", e.getMessage());
        Transformer otherSeed = new Transformer(two.config.withSeed(99));
        ModelIO.load(otherSeed, f);                         // the seed only chose the values the file replaces
        assertSameValues(two, otherSeed);
        ModelFileException kind = assertThrows(ModelFileException.class,
                () -> ModelIO.load(new Mlp(new Mlp.Config(V, 3, 4, 5, false, 1)), f));
        assertTrue(kind.getMessage().contains("a io.github.lmworkbook.models.Transformer$Config in the file, a "
                + "io.github.lmworkbook.models.Mlp$Config in the model"), kind.getMessage());
    }

    @Test
    void anOldFileLoadsIntoAModelButCannotBuildOne() throws IOException {
        Model m = everyKind().get(0);
        Path f = dir.resolve("old.bin");
        ModelIOSafetyTest.writeRaw(m, f);                   // format 1: no header
        ModelIO.Saved saved = ModelIO.read(f);
        assertEquals(1, saved.version());
        assertNull(saved.config());
        ModelFileException e = assertThrows(ModelFileException.class, saved::model);
        assertEquals(f + ": an old parameter file (format 1) that does not record its model's configuration; train "
                + "the model again to get a file that does (or build the model and use ModelIO.load)", e.getMessage());
        Model into = new Mlp(new Mlp.Config(NAMES.size(), 3, 4, 5, true, 7));
        ModelIO.load(into, f);
        assertSameValues(m, into);
    }

    // ---- crafted files -----------------------------------------------------------------------------------------

    /** A format-2 file written by hand: the header text as given, then the parameters. */
    static void writeV2(Path f, String header, List<String> names, List<double[][]> values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("LMWPARAM".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(2);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        out.writeInt(h.length);
        out.write(h);
        out.writeInt(names.size());
        for (int k = 0; k < names.size(); k++) {
            out.writeUTF(names.get(k));
            double[][] v = values.get(k);
            out.writeInt(v.length);
            out.writeInt(v.length == 0 ? 0 : v[0].length);
            for (double[] row : v) for (double x : row) out.writeDouble(x);
        }
        out.flush();
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Files.write(f, bytes.toByteArray());
    }

    static String mlpHeader(String... extra) {
        StringBuilder sb = new StringBuilder("model=io.github.lmworkbook.models.Mlp\n"
                + "config=io.github.lmworkbook.models.Mlp$Config\n");
        for (String e : extra) sb.append(e).append('\n');
        return sb.toString();
    }

    static final String[] MLP_CONFIG = {"config.vocabSize=27", "config.context=3", "config.embed=4", "config.hidden=5",
            "config.direct=false", "config.seed=1"};

    ModelFileException refused(String header) throws IOException {
        Path f = dir.resolve("crafted.bin");
        writeV2(f, header, List.of(), List.of());
        return assertThrows(ModelFileException.class, () -> ModelIO.read(f).model());
    }

    @Test
    void aFileWrittenBeforeTheLaterOptionsIsReadWithTheirDefaults() throws Throwable {
        Path f = dir.resolve("older.bin");
        writeV2(f, mlpHeader(MLP_CONFIG), List.of(), List.of());          // no dropout, no init recorded
        assertEquals(new Mlp.Config(27, 3, 4, 5, false, 1), ModelIO.read(f).config());
        String gpt = "model=io.github.lmworkbook.models.Transformer\nconfig=io.github.lmworkbook.models.Transformer$Config\n"
                + String.join("\n", "config.vocabSize=27", "config.blockSize=9", "config.layers=1", "config.heads=2",
                        "config.embed=8", "config.positions=LEARNED", "config.residual=true", "config.layerNorm=true",
                        "config.seed=5", "config.bias=false", "config.tieWeights=true", "config.init=NANOGPT") + "\n";
        writeV2(f, gpt, List.of(), List.of());                              // written before dropout, post-LN
        Transformer.Config c = (Transformer.Config) ModelIO.read(f).config();
        assertEquals(new Transformer.Config(27, 9, 1, 2, 8, Transformer.Positions.LEARNED, true, true, 5, false, true,
                Transformer.Init.NANOGPT), c);
        assertEquals(0.0, c.dropout());
        assertFalse(c.postLayerNorm() || c.scaleResiduals());
        // a gap is not an older file: a component missing before one that is recorded is named
        String gap = mlpHeader(MLP_CONFIG) + "config.init=DEFAULT\n";
        assertTrue(refused(gap).getMessage().contains("no value for 'config.dropout'"), refused(gap).getMessage());
    }

    @Test
    void craftedHeadersAreRefusedWithOneLine() throws Throwable {
        assertTrue(refused("model=java.lang.Runtime\nconfig=java.lang.Record\n").getMessage()
                .contains("names a class outside the library (java.lang.Runtime); not loaded"));
        assertTrue(refused("model=io.github.lmworkbook.models.Mamba\nconfig=io.github.lmworkbook.models.Mamba$Config\n")
                .getMessage().contains("holds a model of class io.github.lmworkbook.models.Mamba, which this version "
                        + "of the library does not have"));
        assertTrue(refused("model=io.github.lmworkbook.models.Mlp\n").getMessage()
                .contains("corrupted: the header names a model but no configuration"));
        String noHidden = mlpHeader("config.vocabSize=27", "config.context=3", "config.embed=4", "config.direct=false",
                "config.seed=1");
        assertTrue(refused(noHidden).getMessage().contains("no value for 'config.hidden' (the file was written by a "
                + "version whose Config had no 'hidden')"), refused(noHidden).getMessage());
        String extra = mlpHeader(MLP_CONFIG) + "config.tied=true\n";
        assertTrue(refused(extra).getMessage().contains("records 'tied', which this version's Config of Mlp does not "
                + "have"), refused(extra).getMessage());
        String notANumber = mlpHeader(MLP_CONFIG).replace("config.embed=4", "config.embed=four");
        assertTrue(refused(notANumber).getMessage().contains("'config.embed': 'four' is not a int"));
        String invalid = mlpHeader(MLP_CONFIG).replace("config.embed=4", "config.embed=0");
        assertTrue(refused(invalid).getMessage().contains("the recorded configuration of its Mlp cannot be used: Mlp: "
                + "vocabSize, context, embed and hidden must be ≥ 1"), refused(invalid).getMessage());
        // a huge model claimed by a small file is refused before anything is built
        String huge = mlpHeader(MLP_CONFIG).replace("config.embed=4", "config.embed=2000000000");
        ModelFileException[] hugeRefused = new ModelFileException[1];
        long bytes = Allocated.by(() -> hugeRefused[0] = refused(huge));
        assertTrue(hugeRefused[0].getMessage().contains("corrupted: its Mlp configuration has "),
                hugeRefused[0].getMessage());
        assertTrue(bytes < Allocated.LITTLE, "refused before anything was built: " + bytes + " bytes allocated");
        String unsorted = mlpHeader(MLP_CONFIG) + "vocabulary=.ba\nvocabulary.special=true\n";
        assertTrue(refused(unsorted).getMessage().contains("the recorded vocabulary is not sorted and distinct"));
    }

    @Test
    void aTinyFileClaimingAHugeShapeIsRefusedAtOnce() throws Throwable {
        // 35 bytes: magic, version 1, one parameter "W" of 2³¹−1 rows and 0 columns (each row would cost memory)
        for (int rows : new int[] {Integer.MAX_VALUE, 200_000_000}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write("LMWPARAM".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(1);
            out.writeInt(1);
            out.writeUTF("W");
            out.writeInt(rows);
            out.writeInt(0);
            out.writeLong(0);
            Path f = Files.write(dir.resolve("tiny.bin"), bytes.toByteArray());
            assertEquals(35, Files.size(f));
            ModelFileException[] refused = new ModelFileException[1];
            long allocated = Allocated.by(() -> refused[0] = assertThrows(ModelFileException.class,
                    () -> ModelIO.read(f)));
            assertTrue(allocated < Allocated.LITTLE, "refused at once: " + allocated + " bytes allocated");
            ModelFileException e = refused[0];
            assertEquals(f + ": truncated or corrupted: parameter 'W' claims shape (" + rows + "×0) but only 8 bytes "
                    + "remain", e.getMessage());
        }
    }

    // ---- where a file can be saved -----------------------------------------------------------------------------

    @Test
    void aReadOnlyFileIsRefusedBeforeAnythingIsWrittenAndKept() throws IOException {
        Path f = dir.resolve("keep.bin");
        Model m = everyKind().get(0);
        ModelIO.save(m, f);
        byte[] before = Files.readAllBytes(f);
        assumeTrue(f.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.checkSaveTarget(f));
        assertEquals(f + ": cannot save here: " + f + " exists and is read-only; make it writable (chmod u+w) to "
                + "replace it, or choose another file", e.getMessage());
        assertThrows(ModelFileException.class, () -> ModelIO.save(everyKind().get(0), f));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file");
        }
    }

    @Test
    void aLongNameIsSavedThroughAShorterTemporaryNameAndATooLongOneIsRefused() throws IOException {
        Model m = everyKind().get(0);
        Path f = dir.resolve("m".repeat(240) + ".bin");          // 244 bytes: legal, the temporary name would not be
        ModelIO.checkSaveTarget(f);
        ModelIO.save(m, f);
        assertSameValues(m, ModelIO.read(f).model());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f.getFileName().toString()), s.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(ModelIO.tempPrefix(f.getFileName().toString()).length() < 240);
        Path tooLong = dir.resolve("é".repeat(128) + ".bin");   // 260 bytes of UTF-8
        ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.checkSaveTarget(tooLong));
        assertTrue(e.getMessage().endsWith("cannot save here: the file name is 260 bytes long; file systems take at "
                + "most 255"), e.getMessage());
    }

    @Test
    void aLanguageModelIsSampledFromItsFile() throws IOException {
        LanguageModel m = (LanguageModel) everyKind().get(3);
        Path f = dir.resolve("lstm.bin");
        ModelIO.save(m, NAMES, Map.of(), f);
        ModelIO.Saved saved = ModelIO.read(f);
        List<String> a = new Sampler(m, NAMES, 5).names(5);
        List<String> b = new Sampler((LanguageModel) saved.model(), saved.vocabulary(), 5).names(5);
        assertEquals(a, b);
    }
}
