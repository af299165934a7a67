package io.mixfarm.analysis.tv;

import java.util.Arrays;

/** Summaries of resampled statistics, each an exact numerator over one common denominator. */
final class SampleStats {

    private SampleStats() {
    }

    /**
     * Mean of {@code numerators[r] / denominator}; NaN when there are none. The sum is exact, so R copies of
     * one value average to exactly that value.
     */
    static double mean(long[] numerators, double denominator) {
        if (numerators.length == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (long v : numerators) {
            sum = Math.addExact(sum, v);
        }
        return (double) sum / (numerators.length * denominator);
    }

    /** Sample standard deviation (divisor R - 1) of {@code numerators[r] / denominator}; NaN when R < 2. */
    static double sd(long[] numerators, double denominator) {
        if (numerators.length < 2) {
            return Double.NaN;
        }
        double mean = mean(numerators, denominator);
        double squares = 0;
        for (long v : numerators) {
            double d = v / denominator - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / (numerators.length - 1));
    }

    /**
     * The {@code q}-quantile of {@code numerators[r] / denominator} by linear interpolation between order
     * statistics (Hyndman and Fan's type 7, R's default): position {@code q (R - 1)} in the sorted values.
     */
    static double quantile(long[] numerators, double denominator, double q) {
        if (numerators.length == 0) {
            return Double.NaN;
        }
        long[] sorted = numerators.clone();
        Arrays.sort(sorted);
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, sorted.length - 1);
        double fraction = position - low;
        return (sorted[low] + fraction * (sorted[high] - sorted[low])) / denominator;
    }

    /** {@code #{v >= observed}}: ties count against the observation, which keeps the p-value valid. */
    static int atLeast(long[] numerators, long observed) {
        int count = 0;
        for (long v : numerators) {
            if (v >= observed) {
                count++;
            }
        }
        return count;
    }
}
