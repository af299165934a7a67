package io.mixfarm.analysis.mixing;

import java.util.Arrays;
import java.util.Locale;

/**
 * A statistic of a sample of pairs and its values on bootstrap resamples of the pairs, with a 95% percentile
 * interval whose ends are the replicates' type-6 quantiles: of {@code B} replicates, the k-th smallest has expected
 * distribution function {@code k / (B + 1)}, so ends at positions {@code (B + 1) 0.025} and {@code (B + 1) 0.975}
 * hold 95% of the statistic's bootstrap distribution on average at any {@code B}, where the type-7 quantiles
 * (positions {@code 1 + (B - 1) q}) held 93.1% at 100 resamples and 94.85% at 1,000. A replicate may be NaN: for a settling time, the resample did not settle within the recorded points
 * ("unsettled"); the interval counts such replicates as later than every recorded time, so an upper end that
 * lands on them is {@code +Infinity} (the data do not bound the time), never a number that hides them.
 */
public final class BootstrapEstimate {

    /** Each end of the interval leaves this share of the replicates outside. */
    static final double TAIL = 0.025;

    private final double value;
    private final double[] replicates;

    /**
     * @param value      the statistic on the sample itself (NaN if it did not settle)
     * @param replicates its value on each resample, in resample order (copied)
     */
    public BootstrapEstimate(double value, double[] replicates) {
        this.value = value;
        this.replicates = replicates.clone();
    }

    /** The statistic on the sample. */
    public double value() {
        return value;
    }

    /** Number of resamples. */
    public int resamples() {
        return replicates.length;
    }

    /** The statistic on resample {@code r}. */
    public double replicate(int r) {
        return replicates[r];
    }

    /** Resamples whose statistic is NaN (did not settle). */
    public int unsettled() {
        return (int) Arrays.stream(replicates).filter(Double::isNaN).count();
    }

    /** The 2.5% quantile of the replicates (type 6; NaN as {@code +Infinity}); NaN without resamples. */
    public double low() {
        return quantile(TAIL);
    }

    /** The 97.5% quantile of the replicates (type 6; NaN as {@code +Infinity}); NaN without resamples. */
    public double high() {
        return quantile(1 - TAIL);
    }

    private double quantile(double q) {
        return quantile(replicates, q);
    }

    /**
     * The type-6 quantile of {@code values} with NaN read as {@code +Infinity}: position {@code (n + 1) q} (from 1)
     * in the sorted values, interpolated linearly, clamped to the smallest and the largest; NaN for no values.
     */
    static double quantile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        for (int i = 0; i < sorted.length; i++) {
            if (Double.isNaN(sorted[i])) {
                sorted[i] = Double.POSITIVE_INFINITY;
            }
        }
        Arrays.sort(sorted);
        double h = (sorted.length + 1) * q - 1;
        if (h <= 0) {
            return sorted[0];
        }
        if (h >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        int lo = (int) Math.floor(h);
        int hi = lo + 1;
        if (sorted[hi] == Double.POSITIVE_INFINITY) {
            return h == lo ? sorted[lo] : Double.POSITIVE_INFINITY;
        }
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.4g [%.4g, %.4g] (%d resamples, %d unsettled)", value, low(),
                high(), resamples(), unsettled());
    }
}
