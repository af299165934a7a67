package io.mixfarm.analysis.mixing;

import java.util.Arrays;

/**
 * The scaling law (docs/method.md, "Mixing time"): {@code log T = a + b log(1/lambda_e)} by least squares over
 * the study's intrinsic LRs, for either clock (the fit does not know which), with a percentile bootstrap interval
 * for the slope {@code b}: replicate r refits on replicate r of every intrinsic LR's time, each from its own
 * resample of that LR's pairs, so the resamples are independent across LRs as the trials are. The conjecture
 * says {@code b = 1}.
 *
 * <p>A replicate in which some time is NaN (a resample that did not settle) or not positive has no slope; such
 * replicates are left out of the interval and counted ({@link Law#dropped}), and the interval is NaN when more
 * than {@value #MAX_DROPPED_SHARE} of them are, since leaving out the slowest resamples biases it.
 */
public final class ScalingFit {

    /** The largest share of replicates without a slope for which the interval is still given. */
    public static final double MAX_DROPPED_SHARE = 0.025;

    private ScalingFit() {
    }

    /**
     * A fitted law.
     *
     * @param intercept {@code a}
     * @param slope     {@code b}, the exponent of {@code 1/lambda_e}
     * @param slopeLow  2.5% quantile of the replicates' slopes
     * @param slopeHigh 97.5% quantile
     * @param points    intrinsic LRs in the fit
     * @param resamples bootstrap replicates
     * @param dropped   replicates without a slope
     */
    public record Law(double intercept, double slope, double slopeLow, double slopeHigh, int points, int resamples,
                      int dropped) {
    }

    /**
     * Fits the law.
     *
     * @param lambdaE intrinsic LRs, positive and distinct, at least 2
     * @param times   the clock's estimate at each, all with the same number of resamples
     * @return the law; its slope is NaN if a point estimate is NaN or not positive
     */
    public static Law fit(double[] lambdaE, BootstrapEstimate[] times) {
        if (lambdaE.length < 2 || lambdaE.length != times.length) {
            throw new IllegalArgumentException("need a time for each of at least 2 intrinsic LRs, got "
                    + lambdaE.length + " LRs and " + times.length + " times");
        }
        int resamples = times[0].resamples();
        double[] x = new double[lambdaE.length];
        for (int i = 0; i < x.length; i++) {
            if (!(lambdaE[i] > 0) || Double.isInfinite(lambdaE[i])) {
                throw new IllegalArgumentException("intrinsic LRs must be positive and finite, got " + lambdaE[i]);
            }
            if (times[i].resamples() != resamples) {
                throw new IllegalArgumentException("every time needs the same resamples, got " + resamples + " and "
                        + times[i].resamples());
            }
            x[i] = Math.log(1 / lambdaE[i]);
        }
        double[] pointTimes = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            pointTimes[i] = times[i].value();
        }
        double[] line = line(x, pointTimes);
        double[] slopes = new double[resamples];
        int kept = 0;
        double[] t = new double[x.length];
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < x.length; i++) {
                t[i] = times[i].replicate(r);
            }
            double b = line(x, t)[1];
            if (!Double.isNaN(b)) {
                slopes[kept++] = b;
            }
        }
        int dropped = resamples - kept;
        double[] finite = Arrays.copyOf(slopes, kept);
        boolean enough = kept > 0 && dropped <= MAX_DROPPED_SHARE * resamples;
        return new Law(line[0], line[1], enough ? BootstrapEstimate.quantile(finite, BootstrapEstimate.TAIL)
                : Double.NaN, enough ? BootstrapEstimate.quantile(finite, 1 - BootstrapEstimate.TAIL) : Double.NaN,
                x.length, resamples, dropped);
    }

    /** {intercept, slope} of {@code log t} on {@code x}; NaN if a time is NaN or not positive or x is constant. */
    static double[] line(double[] x, double[] times) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            if (!(times[i] > 0) || Double.isInfinite(times[i])) {
                return new double[] {Double.NaN, Double.NaN};
            }
            mx += x[i];
            my += Math.log(times[i]);
        }
        mx /= x.length;
        my /= x.length;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (Math.log(times[i]) - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        if (sxx == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double slope = sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }
}
