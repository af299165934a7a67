package io.mixfarm.jobs.store;

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
 * @param snapshot where the trial continues from, or {@code null} for its initial weights
 * @param how      for a fork, one line saying which it is (for logs and the trial's provenance); empty otherwise
 */
public record ForkStart(TrialSnapshot snapshot, String how) {

    private static final ForkStart PLAIN = new ForkStart(null, "");

    /** Where trial {@code key} of {@code config} starts, given the checkpoints in {@code store}. */
    public static ForkStart of(ExperimentConfig config, ExperimentStore store, TrialKey key) {
        Optional<Fork> declared = config.forkOf(key.schedule());
        if (declared.isEmpty()) {
            return PLAIN;
        }
        Fork fork = declared.get();
        String parent = new TrialKey(fork.parent(), key.trial()) + "'s checkpoint after epoch " + fork.at();
        try {
            return store.checkpoint(fork.parent(), fork.at(), key.trial())
                    .map(snapshot -> new ForkStart(snapshot, "starts from " + parent))
                    .orElseGet(() -> new ForkStart(null, parent + " is missing: trains the shared epochs again"));
        } catch (IllegalArgumentException damaged) {
            return new ForkStart(null, parent + " is damaged (" + damaged.getMessage()
                    + "): trains the shared epochs again");
        }
    }

    /** Whether the trial continues from a checkpoint. */
    public boolean fromCheckpoint() {
        return snapshot != null;
    }
}
