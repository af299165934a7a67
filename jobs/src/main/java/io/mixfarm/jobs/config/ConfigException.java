package io.mixfarm.jobs.config;

import java.io.Serial;

/**
 * A config that cannot be read or is invalid: unknown key, wrong type, bad value or HOCON syntax error.
 *
 * <p>The message is one line that starts with the file name when the config came from a file, then names the
 * key, e.g. {@code conf/x.conf: experiment.trials: must be >= 1, got 0}, because it ends up in terminals and job
 * logs where a stack trace helps nobody.
 */
public final class ConfigException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Creates the exception; line breaks in {@code message} are folded so that it stays one line. */
    public ConfigException(String message) {
        super(oneLine(message));
    }

    /** Creates the exception, keeping the underlying failure for debugging. */
    public ConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** This failure with {@code source: } (a file name) put in front of the message. */
    ConfigException in(String source) {
        return source == null ? this : new ConfigException(source + ": " + getMessage(), this);
    }

    private static String oneLine(String message) {
        return message == null ? null : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
