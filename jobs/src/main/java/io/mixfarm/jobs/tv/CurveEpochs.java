package io.mixfarm.jobs.tv;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.jobs.experiment.ExperimentException;

import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The record epochs at which the TV job computes the TV-against-n curve, its most expensive statistic (about ten
 * times the all-trials row's cost); the all-trials TV, noise floor, p-value and interval come at every record
 * epoch. The default is the last record epoch of each phase and the last record epoch: where a phase ends, the
 * schedules have had longest to mix under that phase's settings.
 *
 * <p>A <em>phase</em> of an experiment is a run of epochs in which no schedule changes its learning rate, weight
 * decay or momentum: its change points are the union of the schedules' phase boundaries at which something
 * changes (the paper's MNIST schedules change at epochs 41, 81 and 121, so its phases end at 40, 80, 120, 200).
 */
final class CurveEpochs {

    private CurveEpochs() {
    }

    /**
     * The requested epochs, checked against the record epochs, or the default if none were requested.
     *
     * @throws ExperimentException one line naming an epoch that is not a record epoch
     */
    static List<Integer> resolve(List<Integer> requested, List<Schedule> schedules, List<Integer> recordEpochs,
                                 String experiment) {
        if (requested.isEmpty()) {
            return defaults(schedules, recordEpochs);
        }
        for (int epoch : requested) {
            if (!recordEpochs.contains(epoch)) {
                throw new ExperimentException("--n-epochs " + epoch + " is not a record epoch of " + experiment
                        + " (record epochs " + recordEpochs + ")");
            }
        }
        return List.copyOf(new TreeSet<>(requested));
    }

    /** The last record epoch of each phase of the schedules, and the last record epoch, ascending. */
    static List<Integer> defaults(List<Schedule> schedules, List<Integer> recordEpochs) {
        TreeSet<Integer> changes = changePoints(schedules);
        // Phase of an epoch = number of change points at or before it; the last record epoch per phase wins.
        TreeMap<Integer, Integer> lastOfPhase = new TreeMap<>();
        for (int epoch : recordEpochs) {
            lastOfPhase.merge(changes.headSet(epoch, true).size(), epoch, Math::max);
        }
        TreeSet<Integer> epochs = new TreeSet<>(lastOfPhase.values());
        if (!recordEpochs.isEmpty()) {
            epochs.add(recordEpochs.stream().mapToInt(Integer::intValue).max().orElseThrow());
        }
        return List.copyOf(epochs);
    }

    /** Epochs at which some schedule's learning rate, weight decay or momentum differs from the epoch before. */
    static TreeSet<Integer> changePoints(List<Schedule> schedules) {
        TreeSet<Integer> changes = new TreeSet<>();
        for (Schedule schedule : schedules) {
            for (int epoch : schedule.boundaries()) {
                if (schedule.lr(epoch) != schedule.lr(epoch - 1) || schedule.wd(epoch) != schedule.wd(epoch - 1)
                        || schedule.momentum(epoch) != schedule.momentum(epoch - 1)) {
                    changes.add(epoch);
                }
            }
        }
        return changes;
    }
}
