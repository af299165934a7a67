package io.mixfarm.core.trial;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a trial stopped being a sample: after some epoch its loss or its weights were no longer finite numbers. Such
 * a trial's later predictions would be the argmax of NaN scores (class 0 everywhere), so it ends there.
 *
 * <p>The check reads only what every epoch measures anyway (the running train loss, the test loss and each weight
 * group's norm), so it adds no reduction to the hot path. A NaN or an infinity in any weight reaches its group's
 * norm, and one in any step's forward pass reaches the epoch's mean train loss; the norms are taken after the
 * epoch's last step, so the last step is covered too. A norm that overflows the weights' float precision counts as
 * diverged as well: such weights are one step from overflowing themselves.
 *
 * @param epoch the first epoch after which a measure was not finite
 * @param what  which measures, with their values, e.g. {@code train loss NaN, norm of conv1 Infinity}
 */
public record Divergence(int epoch, String what) {

    /** The divergence of an epoch's measures, or null when they are all finite. */
    public static Divergence of(EpochMetrics metrics) {
        List<String> found = new ArrayList<>();
        check(found, "train loss", metrics.trainLoss());
        check(found, "test loss", metrics.testLoss());
        for (GroupStats group : metrics.groups()) {
            check(found, "norm of " + group.group(), group.norm());
        }
        check(found, "norm", metrics.totalNorm());
        return found.isEmpty() ? null : new Divergence(metrics.epoch(), String.join(", ", found));
    }

    private static void check(List<String> found, String name, double value) {
        if (!Double.isFinite(value)) {
            found.add(name + " " + value);
        }
    }

    /** One line for a log or the {@code error} column, e.g. {@code diverged in epoch 2: norm Infinity}. */
    public String describe() {
        return "diverged in epoch " + epoch + ": " + what;
    }
}
