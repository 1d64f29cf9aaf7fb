package io.github.lmworkbook.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * Standard output for results streamed as they are made ({@code sample}), telling a reader that stopped reading (a
 * closed pipe, {@code | head}: stop quietly) from a failed write ({@code > /dev/full}: an error). {@link PrintStream}
 * keeps only a flag; this keeps the first exception. Only a command line started by {@link Main#main} writes to the
 * process's standard output directly; otherwise ({@link Main#run} in a test that captures {@code System.out}) it is
 * used as it is and only the flag is known.
 */
final class StandardOutput {
    /** Set by {@link Main#main}: System.out is the process's standard output. */
    static volatile boolean processOutput;

    private final PrintStream stream;
    private final Recorder recorder;

    private StandardOutput(PrintStream stream, Recorder recorder) {
        this.stream = stream;
        this.recorder = recorder;
    }

    static StandardOutput open() {
        if (!processOutput) return new StandardOutput(System.out, null);
        String enc = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        Charset cs;
        try {
            cs = enc != null ? Charset.forName(enc) : Charset.defaultCharset();
        } catch (RuntimeException e) {
            cs = Charset.defaultCharset();
        }
        System.out.flush();
        Recorder r = new Recorder(new FileOutputStream(FileDescriptor.out));
        return new StandardOutput(new PrintStream(new BufferedOutputStream(r, 8192), true, cs), r);
    }

    PrintStream stream() {
        return stream;
    }

    /** True once a write failed (the reader went away, or the output cannot take more): stop writing. */
    boolean stopped() {
        return stream.checkError();
    }

    /**
     * Flushes; a failed write that was not a closed pipe is an error.
     *
     * @throws IOException "cannot write to standard output: &lt;the reason&gt;"
     */
    void finish() throws IOException {
        stream.flush();
        boolean failed = stream.checkError();
        IOException e = recorder == null ? null : recorder.first;
        if (failed && e != null && !closedPipe(e)) {
            throw new IOException("cannot write to standard output: " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName()));
        }
    }

    /** The reader went away: "Broken pipe" on Linux and macOS, "The pipe is being closed" on Windows. */
    static boolean closedPipe(IOException e) {
        String m = e.getMessage();
        return m != null && m.toLowerCase(Locale.ROOT).contains("pipe");
    }

    /** Passes everything on and keeps the first exception. */
    private static final class Recorder extends FilterOutputStream {
        IOException first;

        Recorder(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                if (first == null) first = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                if (first == null) first = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                if (first == null) first = e;
                throw e;
            }
        }
    }
}
