package io.mixfarm.core.trial;

import java.util.List;

/**
 * What one trial measured in one epoch.
 *
 * @param epoch             1-based epoch
 * @param lr                learning rate eta applied in this epoch
 * @param wd                weight decay lambda applied in this epoch
 * @param trainLoss         mean cross-entropy over the epoch's minibatches, each measured in the forward pass of
 *                          its own SGD step (before the update, BN in training mode): free, as in most train loops
 * @param trainError        fraction of misclassified training examples, measured the same way
 * @param testLoss          mean cross-entropy on the test set after the epoch (BN in inference mode)
 * @param testError         fraction of misclassified test images after the epoch
 * @param groups            per-group weight norm and effective learning rate after the epoch
 * @param totalNorm         norm of all groups' weights together
 * @param totalEffectiveLr  {@code eta / totalNorm^2}
 * @param trainSeconds      wall time of the epoch's SGD steps
 * @param evalSeconds       wall time of the test-set evaluation after it
 */
public record EpochMetrics(int epoch, double lr, double wd, double trainLoss, double trainError,
                           double testLoss, double testError, List<GroupStats> groups, double totalNorm,
                           double totalEffectiveLr, double trainSeconds, double evalSeconds) {

    public EpochMetrics {
        groups = List.copyOf(groups);
    }
}
