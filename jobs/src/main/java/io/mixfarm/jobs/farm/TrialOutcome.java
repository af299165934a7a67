package io.mixfarm.jobs.farm;

import io.mixfarm.jobs.store.TrialStatus;

import java.io.Serializable;

/**
 * What a farm task reports back to the driver about its trial.
 *
 * @param key         "schedule/trial", e.g. {@code Const/7}
 * @param status      how it ended (failed: for good, after Spark's last attempt)
 * @param attempt     Spark's attempt number of the attempt that reported (0 for the first)
 * @param host        the executor's host name
 * @param device      the device it ran on, e.g. {@code cpu:1-threads}
 * @param wallSeconds the trial's wall time
 * @param testError   final test error, NaN unless it succeeded
 * @param error       why it failed or diverged, null if it succeeded
 */
public record TrialOutcome(String key, TrialStatus status, int attempt, String host, String device, double wallSeconds,
                           double testError, String error) implements Serializable {

    /** Whether the trial finished and its outputs are complete. */
    public boolean succeeded() {
        return status == TrialStatus.SUCCEEDED;
    }
}
