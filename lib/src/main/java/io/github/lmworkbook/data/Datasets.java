package io.github.lmworkbook.data;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The workbook's data sets by name ({@code "names"}, {@code "tinyshakespeare"}), configured from the environment.
 *
 * <pre>{@code
 * List<String> names = Datasets.lines("names");
 * String shakespeare = Datasets.text("tinyshakespeare");
 * }</pre>
 *
 * <p>The first call fetches the file into the cache directory ({@code $LMW_DATA_DIR}, else
 * {@code <project root>/data/cache}, else {@code ~/.cache/lmworkbook}) from {@code $LMW_DATA_MIRROR} if set, else
 * from the registry URL, and verifies its SHA-256. See {@link DatasetStore} for details and for a configurable store.
 */
public final class Datasets {

    private static volatile DatasetStore store;

    private Datasets() {
    }

    /**
     * The shared, environment-configured store.
     *
     * @return the store
     */
    public static DatasetStore store() {
        DatasetStore s = store;
        if (s == null) {
            synchronized (Datasets.class) {
                s = store;
                if (s == null) {
                    store = s = DatasetStore.fromEnvironment();
                }
            }
        }
        return s;
    }

    /**
     * Path of the verified local copy of data set {@code name}.
     *
     * @param name the data set's registry name
     * @return the path of the verified file
     */
    public static Path path(String name) {
        return store().path(name);
    }

    /**
     * The data set as UTF-8 text.
     *
     * @param name the data set's registry name
     * @return its text
     */
    public static String text(String name) {
        return store().text(name);
    }

    /**
     * The data set's lines.
     *
     * @param name the data set's registry name
     * @return its lines
     */
    public static List<String> lines(String name) {
        return store().lines(name);
    }

    /**
     * The registered data-set names.
     *
     * @return the names
     */
    public static Collection<String> names() {
        return store().registry().names();
    }

    /**
     * The registry entry (file, URL, SHA-256, source, licence) for {@code name}.
     *
     * @param name the data set's registry name
     * @return its entry
     */
    public static Dataset info(String name) {
        return store().registry().get(name);
    }
}
