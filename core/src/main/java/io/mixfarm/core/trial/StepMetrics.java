package io.mixfarm.core.trial;

import java.util.List;

/**
 * What a trial measured at a record point inside an epoch ({@link RecordSteps}): the cheap numbers a mixing clock
 * needs, with the test loss and error of the predictions recorded there. No train loss: inside an epoch it would be
 * the mean over part of a pass only.
 *
 * @param point            where in training
 * @param lr               learning rate eta of the epoch in progress
 * @param wd               weight decay lambda of the epoch in progress
 * @param testLoss         mean cross-entropy on the test set at the point (BN in inference mode)
 * @param testError        fraction of misclassified test images at the point
 * @param groups           per-group weight norm and effective learning rate at the point
 * @param totalNorm        norm of all groups' weights together
 * @param totalEffectiveLr {@code eta / totalNorm^2}
 * @param evalSeconds      wall time of the test-set evaluation
 */
public record StepMetrics(RecordPoint point, double lr, double wd, double testLoss, double testError,
                          List<GroupStats> groups, double totalNorm, double totalEffectiveLr, double evalSeconds) {

    public StepMetrics {
        groups = List.copyOf(groups);
    }
}
