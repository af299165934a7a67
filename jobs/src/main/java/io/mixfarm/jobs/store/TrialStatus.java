package io.mixfarm.jobs.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a trial ended, as its {@code trials} row says. Stored as {@link #stored()} (lowercase, e.g.
 * {@code status = 'succeeded'} in SQL); this enum is the one place that spelling lives.
 */
public enum TrialStatus {

    /** Trained to its last epoch and all its outputs are written: a sample for TV, the baseline and the report. */
    SUCCEEDED,
    /** Failed for good (its last attempt threw); the row keeps the error, and resume reruns it. */
    FAILED,
    /**
     * Its loss or weights stopped being finite: metrics up to that epoch are written, predictions before it, and
     * the row says why. Not a sample; resume does not rerun it (a trial is deterministic), {@code --retry-diverged}
     * does.
     */
    DIVERGED;

    /** The value of the {@code status} column. */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status a {@code status} column holds; throws {@link IllegalArgumentException} naming the valid ones. */
    public static TrialStatus parse(String stored) {
        for (TrialStatus status : values()) {
            if (status.stored().equals(stored)) {
                return status;
            }
        }
        throw new IllegalArgumentException("status must be one of " + Arrays.stream(values())
                .map(s -> "\"" + s.stored() + "\"").collect(Collectors.joining(", ")) + ", got \"" + stored + "\"");
    }

    /**
     * Whether the trial is one of the samples the estimates are made of. The one rule of what TV, the baseline and
     * the report read: only trials whose row says succeeded.
     */
    public boolean isSample() {
        return this == SUCCEEDED;
    }

    /** Whether the row carries an error message (why it failed or diverged). */
    boolean hasError() {
        return this != SUCCEEDED;
    }

    /**
     * Whether the row is final: never replaced by a later attempt's row, and not rerun by resume. A failure may be
     * transient, so a failed row is not; a trial is deterministic, so a diverged row is (only
     * {@code --retry-diverged} reruns it, deleting it first).
     */
    public boolean isFinal() {
        return this != FAILED;
    }

    @Override
    public String toString() {
        return stored();
    }
}
