package io.mixfarm.analysis.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The metrics of one schedule at one epoch, summarised over its trials: what figures 3a and 4 plot.
 *
 * @param schedule    the schedule
 * @param epoch       the epoch
 * @param trials      number of trials with a row at this epoch
 * @param trainError  training error over the trials
 * @param testError   test error over the trials
 * @param norm        total weight norm over the trials
 * @param effectiveLr effective learning rate {@code lr / norm^2} over the trials
 */
public record EpochAggregate(String schedule, int epoch, int trials, Spread trainError, Spread testError, Spread norm,
                             Spread effectiveLr) {

    /** Summaries of {@code rows} per schedule and epoch, ordered by schedule name and then by epoch. */
    public static List<EpochAggregate> of(List<MetricRow> rows) {
        // A sorted map gives the output order for free and does not depend on the order rows were read in.
        Map<String, Map<Integer, List<MetricRow>>> groups = new TreeMap<>();
        for (MetricRow row : rows) {
            groups.computeIfAbsent(row.schedule(), s -> new TreeMap<>())
                    .computeIfAbsent(row.epoch(), e -> new ArrayList<>())
                    .add(row);
        }
        List<EpochAggregate> out = new ArrayList<>();
        groups.forEach((schedule, byEpoch) -> byEpoch.forEach((epoch, group) -> out.add(new EpochAggregate(
                schedule, epoch, group.size(),
                spread(group, MetricRow::trainError), spread(group, MetricRow::testError),
                spread(group, MetricRow::norm), spread(group, MetricRow::effectiveLr)))));
        return List.copyOf(out);
    }

    private static Spread spread(List<MetricRow> group, ToDoubleFunction<MetricRow> field) {
        return Spread.of(group.stream().mapToDouble(field).toArray());
    }
}
