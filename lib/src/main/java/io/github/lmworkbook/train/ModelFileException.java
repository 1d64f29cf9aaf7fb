package io.github.lmworkbook.train;

import java.io.IOException;
import java.nio.file.Path;

/** A parameter file that cannot be loaded into a model: names the file and the problem. */
public final class ModelFileException extends IOException {
    /** The file the problem is with. */
    private final Path file;

    /**
     * A problem with a model file, in one line naming the file.
     *
     * @param file the model file
     * @param problem what is wrong with it, one line (the message is "file: problem")
     */
    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * The file.
     *
     * @return the model file the problem is with
     */
    public Path file() {
        return file;
    }
}
