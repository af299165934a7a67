package io.mixfarm.analysis.tv;

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
