package io.github.lmworkbook.train;

import java.io.IOException;
import java.nio.file.Path;

/** A parameter file that cannot be loaded into a model: names the file and the problem. */
public final class ModelFileException extends IOException {
    private final Path file;

    /** A problem with a model file, in one line naming the file. */
    public ModelFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file. */
    public Path file() {
        return file;
    }
}
