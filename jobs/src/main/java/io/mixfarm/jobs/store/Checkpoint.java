package io.mixfarm.jobs.store;

import io.mixfarm.jobs.config.TrialKey;

import java.util.Comparator;

/**
 * One trial snapshot in an experiment folder: trial {@code trial} of {@code schedule} after {@code epoch}, which the
 * trials of the schedules forking from it there start from.
 *
 * @param schedule the schedule of the snapshotted trial (the forks' parent)
 * @param epoch    the epoch after which it was taken
 * @param trial    the trial's index
 */
public record Checkpoint(String schedule, int epoch, int trial) {

    /** Schedule, then epoch, then trial: the order of the folder. */
    public static final Comparator<Checkpoint> ORDER = Comparator.comparing(Checkpoint::schedule)
            .thenComparingInt(Checkpoint::epoch).thenComparingInt(Checkpoint::trial);

    /** {@code R/3 after epoch 8}. */
    @Override
    public String toString() {
        return new TrialKey(schedule, trial) + " after epoch " + epoch;
    }
}
