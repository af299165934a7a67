package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.PairedTv;
import java.util.stream.IntStream;

/**
 * The norm clock (docs/method.md, "Mixing time"), the paper's way of timing equilibrium: the first time after the
 * perturbation at which the perturbed branch's mean effective LR {@code eta / ||w||^2} is within {@value #TOLERANCE}
 * (relative) of the reference branch's level, interpolated linearly between the last record point outside the band
 * and the first inside ({@link Settling#entry}), with a percentile bootstrap over pairs (the same pairs for both
 * branches' means).
 *
 * <p>Two choices make it a stable reading of a noisy curve. The reference's level is its mean over the pairs and
 * over all record points, not its mean at each point: the reference is at equilibrium throughout (the study's
 * premise, which {@link Relaxation} takes for its {@code gamma_inf} too), so averaging over the points removes its
 * sampling noise from the gap, where it doubled the variance of the ratio of two means. And the clock is the
 * return into the band, not the last exit from it: the relaxation approaches the reference's level monotonically
 * (equation (12)), so on the branches' true mean curves the two are the same time, but on estimated curves the
 * last exit depends on every point of the tail, each a few standard deviations inside the band (a trial's effective
 * LR fluctuates by about {@code sqrt(lambda_e) / 2}, relative, so at {@code lambda_e = 0.04} and 64 pairs the band
 * is about 3 to 4 standard deviations of the mean), and one excursion among 20-odd tail points moved the clock far
 * later in some studies and in some bootstrap resamples (an sd of 30 steps over studies for a clock near 42, and a
 * slope interval that covered 47 of 100; docs/intervals.md, "Mixing time"). The return is read where the curve is
 * steep, from the two points around the crossing.
 */
public final class NormClock {

    /** The relative distance from the reference's mean effective LR that counts as returned. */
    public static final double TOLERANCE = 0.05;

    private NormClock() {
    }

    /**
     * The norm clock of the perturbed branch's mean curve against the reference's level: NaN if the gap is above
     * {@link #TOLERANCE} at every point.
     *
     * @param steps     record points, steps after the perturbation, strictly increasing
     * @param perturbed the perturbed branch's mean effective LR at each point
     * @param reference the reference branch's mean effective LR at equilibrium, positive
     * @return the settling time, in steps
     */
    public static double crossing(double[] steps, double[] perturbed, double reference) {
        Settling.requireTimes(steps);
        if (!(reference > 0) || Double.isInfinite(reference)) {
            throw new IllegalArgumentException("the reference's effective LR must be positive and finite, got "
                    + reference);
        }
        double[] gap = new double[steps.length];
        for (int j = 0; j < gap.length; j++) {
            gap[j] = Math.abs(perturbed[j] / reference - 1);
        }
        return Settling.entry(steps, gap, TOLERANCE);
    }

    /**
     * The norm clock and its bootstrap over pairs.
     *
     * @param steps     record points, steps after the perturbation
     * @param perturbed {@code perturbed[pair][point]}: the perturbed trial's effective LR
     * @param reference {@code reference[pair][point]}: the reference trial of the same pair
     * @param resamples bootstrap resamples of the pairs
     * @param seed      seed of the resamples
     * @return the estimate
     */
    public static BootstrapEstimate estimate(double[] steps, double[][] perturbed, double[][] reference,
                                             int resamples, long seed) {
        Series.require(steps, perturbed, reference);
        int pairs = perturbed.length;
        double value = crossing(steps, perturbed, reference, PairedTv.identity(pairs));
        double[] replicates = IntStream.range(0, resamples)
                .mapToDouble(r -> crossing(steps, perturbed, reference, PairedTv.resample(pairs, seed, r)))
                .toArray();
        return new BootstrapEstimate(value, replicates);
    }

    /** The clock of one draw of the pairs. */
    private static double crossing(double[] steps, double[][] perturbed, double[][] reference, int[] draw) {
        return crossing(steps, Series.mean(perturbed, draw), Series.level(reference, draw));
    }
}
