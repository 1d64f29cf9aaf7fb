package io.github.lmworkbook.data;

/** A data set could not be provided: unknown name, missing mirror file, failed download or wrong checksum. */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A data-set problem described in one line.
     *
     * @param message the line, naming the file, data set or checksum concerned
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * A data-set problem described in one line, caused by another exception.
     *
     * @param message the line, naming the file, data set or checksum concerned
     * @param cause the exception behind it (e.g. an I/O error)
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
