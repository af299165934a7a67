package io.mixfarm.core.trial;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Recording inside epochs: a trial predicts the test set every {@code every} SGD steps from the start of epoch
 * {@code fromEpoch} on, besides the ends of its record epochs. An epoch is too coarse a clock to time mixing
 * (docs/method.md, "Record points"). {@link #OFF} records nothing inside epochs.
 *
 * @param fromEpoch the first epoch recorded inside (1-based), 0 when off
 * @param every     SGD steps between two record points, 0 when off
 */
public record RecordSteps(int fromEpoch, int every) {

    /** No recording inside epochs: the trial records only at the end of its record epochs. */
    public static final RecordSteps OFF = new RecordSteps(0, 0);

    public RecordSteps {
        if (!(fromEpoch == 0 && every == 0) && (fromEpoch < 1 || every < 1)) {
            throw new IllegalArgumentException("record steps need from-epoch >= 1 and every >= 1 (or both 0, off), got"
                    + " from-epoch " + fromEpoch + ", every " + every);
        }
    }

    /** Whether the trial records inside epochs. */
    public boolean on() {
        return every > 0;
    }

    /**
     * Every record point of a trial, ordered by step (the one rule, used by the runner and by the TV job): the end of
     * every record epoch, and when on, the steps {@code (fromEpoch - 1) * S + j * every} for {@code j >= 0} (from the
     * start of epoch {@code fromEpoch}, i.e. the end of the epoch before it, unless that is the start of training) up
     * to the last step. A step point that falls on an epoch's end is that epoch's end point.
     *
     * @param epochs        epochs of training
     * @param recordEpochs  the epochs recorded at their end, ascending
     * @param stepsPerEpoch SGD steps in one epoch, {@code S}
     */
    public List<RecordPoint> points(int epochs, List<Integer> recordEpochs, int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
        if (on() && fromEpoch > epochs) {
            throw new IllegalArgumentException("record steps from epoch " + fromEpoch + " of a " + epochs
                    + "-epoch trial");
        }
        TreeMap<Long, RecordPoint> points = new TreeMap<>();
        for (int epoch : recordEpochs) {
            RecordPoint end = RecordPoint.endOf(epoch, stepsPerEpoch);
            points.put(end.step(), end);
        }
        if (on()) {
            long last = (long) epochs * stepsPerEpoch;
            long start = (long) (fromEpoch - 1) * stepsPerEpoch;
            for (long step = start == 0 ? every : start; step <= last; step += every) {
                points.putIfAbsent(step, RecordPoint.at(step, stepsPerEpoch));
            }
        }
        return List.copyOf(new ArrayList<>(points.values()));
    }
}
