package io.mixfarm.analysis.report;

import java.util.Arrays;

/**
 * One quantity summarised over the trials of a schedule at one epoch: its mean and the band from the 10th to the 90th
 * percentile. The band shows how far single trials stray from the mean, which is what a reader of figure 3a wants to
 * know; it is not a confidence interval of the mean (with 500 trials that would be far narrower).
 *
 * @param count number of trials with a finite value (NaN values are left out, not counted as zero)
 * @param mean  mean over those trials; NaN when {@code count == 0}
 * @param p10   10th percentile over those trials; NaN when {@code count == 0}
 * @param p90   90th percentile over those trials; NaN when {@code count == 0}
 */
public record Spread(int count, double mean, double p10, double p90) {

    /** The lower end of the band, as a percentile. */
    public static final double LOW = 0.10;
    /** The upper end of the band, as a percentile. */
    public static final double HIGH = 0.90;

    /** The spread of the finite values among {@code values}; the array is not modified. */
    public static Spread of(double[] values) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (finite.length == 0) {
            return new Spread(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Arrays.stream(finite).sum() / finite.length;
        return new Spread(finite.length, mean, quantile(finite, LOW), quantile(finite, HIGH));
    }

    /**
     * The {@code p}-quantile of sorted values by linear interpolation between order statistics (Hyndman and Fan's type
     * 7, the default of R and NumPy), so the band can be checked by hand and against either tool.
     */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }
}
