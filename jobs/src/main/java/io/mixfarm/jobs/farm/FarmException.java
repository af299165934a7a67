package io.mixfarm.jobs.farm;

/** A farm cannot start or continue; the message is one line naming the problem. */
public final class FarmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FarmException(String message) {
        super(message);
    }

    public FarmException(String message, Throwable cause) {
        super(message, cause);
    }
}
