package io.github.lmworkbook.data;

/** A data set could not be provided: unknown name, missing mirror file, failed download or wrong checksum. */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
