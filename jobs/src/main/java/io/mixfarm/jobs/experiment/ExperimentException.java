package io.mixfarm.jobs.experiment;

/**
 * An experiment cannot start, continue or be read: a foreign or broken output folder, a resume that would mix data or
 * implementations, a data set that cannot be opened. The message is one line naming the problem, which the CLI
 * prints as it is.
 */
public final class ExperimentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
