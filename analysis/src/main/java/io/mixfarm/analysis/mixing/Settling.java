package io.mixfarm.analysis.mixing;

import java.util.Arrays;

/**
 * How a settling time is read off a curve at record points, interpolated linearly between the two record points
 * around the crossing: {@link #entry}, the first time the curve is at or below a threshold (the norm clock), and
 * {@link #time}, the time after which it stays there (the norm clock's rule until it was found fragile at large
 * intrinsic LRs, and the corrected-TV threshold that {@code MixingBenchmark} compares {@link TvClock} with).
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

    /**
     * The first time {@code values} is at or below {@code threshold}.
     *
     * @param times     record times, strictly increasing
     * @param values    the curve at those times
     * @param threshold the level the curve must fall to
     * @return {@code times[0]} if the curve starts at or below the threshold; the interpolated crossing between the
     *         last point above it and the first at or below it; NaN if every point is above it (not settled in the
     *         window)
     */
    static double entry(double[] times, double[] values, double threshold) {
        int first = 0;
        while (first < values.length && values[first] > threshold) {
            first++;
        }
        if (first == values.length) {
            return Double.NaN;
        }
        if (first == 0) {
            return times[0];
        }
        double fraction = (values[first - 1] - threshold) / (values[first - 1] - values[first]);
        return times[first - 1] + fraction * (times[first] - times[first - 1]);
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
