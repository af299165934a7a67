package io.mixfarm.analysis.mixing;

import java.util.Arrays;

/**
 * The one rule by which both clocks read a settling time off a curve: the time after which the curve stays at or
 * below a threshold, interpolated linearly between the last record point above it and the next one.
 */
final class Settling {

    private Settling() {
    }

    /**
     * The settling time of {@code values} at {@code threshold}, searching from index {@code from}.
     *
     * @param times     record times, strictly increasing
     * @param values    the curve at those times
     * @param threshold the level the curve must fall to and stay at or below
     * @param from      first index considered (e.g. the curve's peak)
     * @return {@code times[from]} if the curve is at or below the threshold from {@code from} on; the interpolated
     *         crossing after the last point above it; NaN if the last point is above it (not settled in the window)
     */
    static double time(double[] times, double[] values, double threshold, int from) {
        int last = values.length - 1;
        if (values[last] > threshold) {
            return Double.NaN;
        }
        int above = -1;
        for (int j = last; j >= from; j--) {
            if (values[j] > threshold) {
                above = j;
                break;
            }
        }
        if (above < 0) {
            return times[from];
        }
        double fraction = (values[above] - threshold) / (values[above] - values[above + 1]);
        return times[above] + fraction * (times[above + 1] - times[above]);
    }

    /** Checks that {@code times} has at least two finite, strictly increasing entries. */
    static void requireTimes(double[] times) {
        if (times == null || times.length < 2) {
            throw new IllegalArgumentException("need at least 2 record points, got "
                    + (times == null ? 0 : times.length));
        }
        for (int j = 0; j < times.length; j++) {
            if (!Double.isFinite(times[j]) || (j > 0 && times[j] <= times[j - 1])) {
                throw new IllegalArgumentException("record steps must be finite and strictly increasing, got "
                        + Arrays.toString(times));
            }
        }
    }
}
