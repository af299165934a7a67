package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.PairedTv;
import java.util.stream.IntStream;

/**
 * The norm clock (docs/method.md, "Mixing time"), the paper's way of timing equilibrium: the first time after the
 * perturbation from which the perturbed branch's mean effective LR {@code eta / ||w||^2} stays within
 * {@value #TOLERANCE} (relative) of the reference branch's, interpolated linearly between record points, with a
 * percentile bootstrap over pairs (the same pairs for both branches' means).
 */
public final class NormClock {

    /** The relative distance from the reference's mean effective LR that counts as returned. */
    public static final double TOLERANCE = 0.05;

    private NormClock() {
    }

    /**
     * The norm clock of two mean curves: NaN if the gap is above {@link #TOLERANCE} at the last point.
     *
     * @param steps     record points, steps after the perturbation, strictly increasing
     * @param perturbed the perturbed branch's mean effective LR at each point
     * @param reference the reference branch's, positive
     * @return the settling time, in steps
     */
    public static double crossing(double[] steps, double[] perturbed, double[] reference) {
        Settling.requireTimes(steps);
        double[] gap = new double[steps.length];
        for (int j = 0; j < gap.length; j++) {
            if (!(reference[j] > 0)) {
                throw new IllegalArgumentException("the reference's effective LR must be positive, got "
                        + reference[j] + " at step " + steps[j]);
            }
            gap[j] = Math.abs(perturbed[j] / reference[j] - 1);
        }
        return Settling.time(steps, gap, TOLERANCE, 0);
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
        double value = crossing(steps, Series.mean(perturbed, PairedTv.identity(pairs)),
                Series.mean(reference, PairedTv.identity(pairs)));
        double[] replicates = IntStream.range(0, resamples).mapToDouble(r -> {
            int[] draw = PairedTv.resample(pairs, seed, r);
            return crossing(steps, Series.mean(perturbed, draw), Series.mean(reference, draw));
        }).toArray();
        return new BootstrapEstimate(value, replicates);
    }
}
