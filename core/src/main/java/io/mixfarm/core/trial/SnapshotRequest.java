package io.mixfarm.core.trial;

import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which snapshots a trial hands out while it trains: after each of {@code epochs}, its {@link TrialSnapshot} goes to
 * {@code sink} (on the training thread, before the next epoch starts).
 *
 * @param epochs the epochs after which to snapshot; an epoch beyond the trial's last, or one it diverges in, gives
 *               none
 * @param sink   receives the snapshots, in epoch order
 */
public record SnapshotRequest(Set<Integer> epochs, Consumer<TrialSnapshot> sink) {

    /** No snapshots. */
    public static final SnapshotRequest NONE = new SnapshotRequest(Set.of(), snapshot -> { });

    public SnapshotRequest {
        epochs = Set.copyOf(epochs);
        Objects.requireNonNull(sink, "sink");
    }
}
