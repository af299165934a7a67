package io.mixfarm.jobs.store;

import io.mixfarm.core.trial.SnapshotOrigin;
import io.mixfarm.core.trial.TrialSnapshot;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Fork;
import io.mixfarm.jobs.config.TrialKey;

import java.util.Optional;

/**
 * Where a trial starts (docs/method.md, "Forks"), the same in the farm and in {@code mixfarm trial --from}: a trial
 * of a plain schedule from its initial weights; trial k of a fork from its parent's trial k's checkpoint after the
 * fork's epoch, or, if that checkpoint is missing or damaged, from its initial weights, training the shared epochs
 * again. Both give the same trial bit for bit, since a fork takes its parent's seeds; the checkpoint only saves the
 * time. The parent is never rerun for it: its row stands, and a rerun would cost as much as training the prefix
 * here.
 *
 * <p>A checkpoint computed by another implementation or OpenMP thread count than the fork's own (or by a version that
 * did not record them) is not continued either: the fork would be a trial of two implementations, whose row names
 * one, and neither a farm nor {@code trial --from} could reproduce it bit for bit. It trains the shared epochs
 * again, as for a missing checkpoint, so that every trial is computed by the implementation its row records. That
 * is the farm's rule for resumed trials (one implementation per trial, and per experiment unless mixing is allowed)
 * applied within a trial.
 *
 * @param snapshot where the trial continues from, or {@code null} for its initial weights
 * @param how      for a fork, one line saying which it is (for logs and the trial's provenance); empty otherwise
 */
public record ForkStart(TrialSnapshot snapshot, String how) {

    private static final ForkStart PLAIN = new ForkStart(null, "");

    /**
     * Where trial {@code key} of {@code config} starts, given the checkpoints in {@code store}, in a process of
     * implementation {@code running} with {@code threads} OpenMP threads.
     */
    public static ForkStart of(ExperimentConfig config, ExperimentStore store, TrialKey key, Implementation running,
                               int threads) {
        Optional<Fork> declared = config.forkOf(key.schedule());
        if (declared.isEmpty()) {
            return PLAIN;
        }
        Fork fork = declared.get();
        String parent = new TrialKey(fork.parent(), key.trial()) + "'s checkpoint after epoch " + fork.at();
        try {
            return store.checkpoint(fork.parent(), fork.at(), key.trial())
                    .map(snapshot -> comparable(snapshot.origin(), running, threads)
                            ? new ForkStart(snapshot, "starts from " + parent)
                            : new ForkStart(null, parent + " was computed by " + snapshot.origin().describe()
                            + ", this trial by " + origin(running, threads).describe()
                            + ": trains the shared epochs again"))
                    .orElseGet(() -> new ForkStart(null, parent + " is missing: trains the shared epochs again"));
        } catch (IllegalArgumentException damaged) {
            return new ForkStart(null, parent + " is damaged (" + damaged.getMessage()
                    + "): trains the shared epochs again");
        }
    }

    /** What a checkpoint written by a process of {@code implementation} with {@code threads} records. */
    public static SnapshotOrigin origin(Implementation implementation, int threads) {
        return new SnapshotOrigin(implementation.text(), threads);
    }

    /**
     * Whether a checkpoint of {@code origin} continues bit for bit in a process of {@code running} with
     * {@code threads}: the same thread count and an implementation that {@link Implementation#matches} it.
     */
    static boolean comparable(SnapshotOrigin origin, Implementation running, int threads) {
        return origin.known() && origin.threads() == threads && running.matches(Implementation.parse(
                origin.implementation()));
    }

    /** Whether the trial continues from a checkpoint. */
    public boolean fromCheckpoint() {
        return snapshot != null;
    }
}
