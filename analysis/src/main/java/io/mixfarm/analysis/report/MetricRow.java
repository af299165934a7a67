package io.mixfarm.analysis.report;

import java.util.Map;

/**
 * One trial's metrics at one epoch, as the report needs them (a projection of the {@code metrics} table).
 *
 * @param schedule     the schedule
 * @param trial        the trial index
 * @param epoch        the epoch
 * @param lr           learning rate of the epoch
 * @param trainError   running training error of the epoch
 * @param testError    test error after the epoch
 * @param norm         total weight norm after the epoch
 * @param effectiveLr  {@code lr / norm^2}
 * @param groupNorms   per weight group, its norm (e.g. conv1 to 3.2)
 */
public record MetricRow(String schedule, int trial, int epoch, double lr, double trainError, double testError,
                        double norm, double effectiveLr, Map<String, Double> groupNorms) {

    public MetricRow {
        groupNorms = Map.copyOf(groupNorms);
    }
}
