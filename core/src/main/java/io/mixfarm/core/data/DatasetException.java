package io.mixfarm.core.data;

import java.io.Serial;

/** A data set that cannot be found, read, downloaded or trusted; the message is one line naming the file. */
public final class DatasetException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates the exception; line breaks in {@code message} are folded so it stays one line. */
    public DatasetException(String message) {
        super(oneLine(message));
    }

    /** Creates the exception with the low-level cause kept for debugging. */
    public DatasetException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The problem {@code problem} found in file (or resource, or URL) {@code file}: "file: problem". */
    static DatasetException inFile(Object file, String problem) {
        return new DatasetException(file + ": " + problem);
    }

    /** Like {@link #inFile(Object, String)}, keeping the I/O exception that revealed the problem. */
    static DatasetException inFile(Object file, String problem, Throwable cause) {
        return new DatasetException(file + ": " + problem, cause);
    }

    /** "SimpleName: message" of an exception, for messages that explain the underlying failure. */
    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank()
                ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + message;
    }

    private static String oneLine(String message) {
        // Callers print these in logs and job summaries, where one line per failure keeps them greppable.
        return message == null ? null : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
