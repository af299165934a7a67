package io.mixfarm.core.trial;

import java.util.Objects;

/**
 * What computed a {@link TrialSnapshot}: the implementation and the OpenMP thread count, the two things besides the
 * spec that a trial's bits depend on. A trial continued from a snapshot is the trial it continues, bit for bit, only
 * when both are the continuing process's too (docs/method.md, "Forks").
 *
 * @param implementation the implementation as a farm's {@code trials} row records it ({@code mixfarm=V commit=C
 *                       kernels=K nd4j=B}); empty if unknown
 * @param threads        the process's OpenMP threads; 0 if unknown
 */
public record SnapshotOrigin(String implementation, int threads) {

    /** A snapshot written before snapshots recorded their origin (format version 2). */
    public static final SnapshotOrigin UNKNOWN = new SnapshotOrigin("", 0);

    public SnapshotOrigin {
        Objects.requireNonNull(implementation, "implementation");
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0: unknown), got " + threads);
        }
        if (implementation.isEmpty() != (threads == 0)) {
            throw new IllegalArgumentException("a snapshot's implementation and threads are known together, got \""
                    + implementation + "\" and " + threads);
        }
    }

    /** Whether the snapshot recorded its origin. */
    public boolean known() {
        return threads > 0;
    }

    /** For messages, e.g. {@code mixfarm=0.1.0 commit=abc kernels=fused nd4j=CPU with 1 OpenMP thread}. */
    public String describe() {
        return known() ? implementation + " with " + threads + " OpenMP thread" + (threads == 1 ? "" : "s")
                : "an unknown implementation (written before snapshots recorded it)";
    }
}
