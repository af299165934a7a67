package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.PairedTv;
import io.mixfarm.analysis.tv.PredictionMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code T_mix}, the function-space clock (docs/method.md, "Mixing time"). From the unbiased squared L2 distance
 * {@code D_t} between the perturbed and the reference branch's prediction distributions at record points
 * {@code t} (steps after the perturbation; {@link PairedTv#squaredDistance}), fit {@code D_t = A exp(-2 (t - t*) /
 * tau) + B} by least squares over the points from the curve's peak {@code t*} on, and report
 * {@code T_mix = t* + tau ln(1 / FRACTION)}: the time at which the fitted distance's excess over its final level,
 * in the scale of {@code sqrt(D)}, is {@value #FRACTION} of its value at the peak (for a relaxation by mixture,
 * {@code P_t = (1 - w_t) R + w_t Q}, the TV and {@code sqrt(D)} are both proportional to {@code w_t}, so this is
 * also where the TV is at a tenth of its peak). The level {@code B} is fitted, not fixed at 0, because the same
 * trials are recorded at every point: their sampling noise persists from point to point, so the tail of an
 * estimated curve sits at a level that is 0 only on average over samples, and a fit forced to 0 would bend its
 * rate to reach it.
 *
 * <p>Why this and not a threshold on the bias-corrected TV or "the first time p > 0.05": both of those move with
 * the number of trials. A p-value crosses later as trials add power; {@code corrected_tv}'s downward bias is
 * nearly quadratic in the true TV where that is small against the sampling noise, so its curve falls to a
 * fraction of its peak earlier with fewer trials. {@code D}'s estimate is unbiased at every trial count, so a
 * least-squares fit on the linear scale has the same target at 20 trials as at 500 and only its spread shrinks;
 * fitting all points after the peak, rather than reading one crossing, averages the noise of the tail, where a
 * threshold near 0 is crossed and re-crossed by noise. docs/intervals.md, "Mixing time", measures the three on
 * known relaxations at 20, 100 and 500 pairs.
 *
 * <p>NaN ("unsettled") when the peak is not positive, fewer than 3 points follow it, the fit does not decay, or
 * {@code T_mix} lies beyond the last record point (the data do not time it). The interval is a percentile
 * bootstrap over pairs: resample r draws the pairs once ({@link PairedTv#resample}) for every point.
 */
public final class TvClock {

    /** The fraction of its peak that the fitted distance falls to at {@code T_mix}. */
    public static final double FRACTION = 0.1;
    /** Decay rates tried per decade in the fit's grid before the golden-section refinement. */
    private static final int GRID_PER_DECADE = 20;
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private TvClock() {
    }

    /**
     * {@code T_mix} of a distance curve.
     *
     * @param steps    record points, steps after the perturbation, strictly increasing
     * @param distance the unbiased squared distance at each
     * @return {@code T_mix} in steps, or NaN (unsettled)
     */
    public static double crossing(double[] steps, double[] distance) {
        Settling.requireTimes(steps);
        if (distance.length != steps.length) {
            throw new IllegalArgumentException(distance.length + " distances for " + steps.length + " record points");
        }
        int peak = 0;
        for (int j = 1; j < distance.length; j++) {
            if (distance[j] > distance[peak]) {
                peak = j;
            }
        }
        int points = distance.length - peak;
        if (!(distance[peak] > 0) || points < 3) {
            return Double.NaN;
        }
        double[] s = new double[points];
        double[] d = Arrays.copyOfRange(distance, peak, distance.length);
        for (int j = 0; j < points; j++) {
            s[j] = steps[peak + j] - steps[peak];
        }
        double span = s[points - 1];
        double rate = decayRate(s, d, 1 / (10 * span), 10 / s[1]);
        if (!(rate > 0)) {
            return Double.NaN;
        }
        // D decays at 2 / tau when the distance sqrt(D) decays at 1 / tau.
        double tmix = steps[peak] + 2 / rate * Math.log(1 / FRACTION);
        return tmix <= steps[steps.length - 1] ? tmix : Double.NaN;
    }

    /**
     * The rate k minimising {@code sum_j (d_j - A(k) exp(-k s_j) - B(k))^2}, with {@code A(k), B(k)} its
     * least-squares amplitude and level, over {@code [low, high]}: a log-spaced grid, then golden-section search
     * around the best grid point. NaN if the best amplitude is not positive or the best rate is the grid's lowest
     * (no decay within the window).
     */
    static double decayRate(double[] s, double[] d, double low, double high) {
        int grid = (int) Math.ceil(GRID_PER_DECADE * Math.log10(high / low)) + 1;
        double step = Math.log(high / low) / (grid - 1);
        int best = 0;
        double bestError = Double.POSITIVE_INFINITY;
        for (int g = 0; g < grid; g++) {
            double error = fit(s, d, low * Math.exp(g * step))[2];
            if (error < bestError) {
                bestError = error;
                best = g;
            }
        }
        if (best == 0 || fit(s, d, low * Math.exp(best * step))[0] <= 0) {
            return Double.NaN;
        }
        double a = Math.log(low) + (best - 1) * step;
        double b = Math.log(low) + Math.min(grid - 1, best + 1) * step;
        for (int i = 0; i < 60; i++) {
            double c = b - GOLDEN * (b - a);
            double e = a + GOLDEN * (b - a);
            if (fit(s, d, Math.exp(c))[2] < fit(s, d, Math.exp(e))[2]) {
                b = e;
            } else {
                a = c;
            }
        }
        return Math.exp((a + b) / 2);
    }

    /** {A, B, squared error} of the least-squares fit of {@code d} by {@code A exp(-rate s) + B}. */
    private static double[] fit(double[] s, double[] d, double rate) {
        int n = s.length;
        double se = 0;
        double see = 0;
        double sd = 0;
        double sde = 0;
        for (int j = 0; j < n; j++) {
            double e = Math.exp(-rate * s[j]);
            se += e;
            see += e * e;
            sd += d[j];
            sde += d[j] * e;
        }
        double det = n * see - se * se;
        double amplitude = (n * sde - se * sd) / det;
        double level = (sd - amplitude * se) / n;
        double error = 0;
        for (int j = 0; j < n; j++) {
            double r = d[j] - amplitude * Math.exp(-rate * s[j]) - level;
            error += r * r;
        }
        return new double[] {amplitude, level, error};
    }

    /**
     * {@code T_mix} and its bootstrap over pairs.
     *
     * @param steps     record points, steps after the perturbation, strictly increasing
     * @param perturbed the perturbed branch's predictions at each point
     * @param reference the reference branch's, with the same trial ids as {@code perturbed} at every point
     * @param resamples bootstrap resamples of the pairs
     * @param seed      seed of the resamples
     * @return the estimate; its replicates are the resampled curves' {@code T_mix}
     */
    public static BootstrapEstimate estimate(double[] steps, List<PredictionMatrix> perturbed,
                                             List<PredictionMatrix> reference, int resamples, long seed) {
        Settling.requireTimes(steps);
        if (perturbed.size() != steps.length || reference.size() != steps.length) {
            throw new IllegalArgumentException("need predictions of both branches at each of the " + steps.length
                    + " record points, got " + perturbed.size() + " and " + reference.size());
        }
        if (resamples < 0) {
            throw new IllegalArgumentException("resamples must be >= 0, got " + resamples);
        }
        List<PairedTv> points = new ArrayList<>(steps.length);
        for (int j = 0; j < steps.length; j++) {
            if (!Arrays.equals(perturbed.get(j).trialIds(), perturbed.get(0).trialIds())) {
                throw new IllegalArgumentException("record point " + j + " has other trials than point 0: a curve"
                        + " over pairs needs the same pairs at every point");
            }
            points.add(PairedTv.of(perturbed.get(j), reference.get(j)));
        }
        int pairs = points.get(0).pairs();
        double value = crossing(steps, curve(points, PairedTv.identity(pairs)));
        double[] replicates = IntStream.range(0, resamples).parallel()
                .mapToDouble(r -> {
                    int[] draw = PairedTv.resample(pairs, seed, r);
                    // One distinct pair drawn has no unbiased distance, so it times nothing: unsettled, as a
                    // resample whose curve never settles (likely only at a handful of pairs).
                    return Arrays.stream(draw).filter(m -> m > 0).count() < 2 ? Double.NaN
                            : crossing(steps, curve(points, draw));
                })
                .toArray();
        return new BootstrapEstimate(value, replicates);
    }

    /** The distance curve of one draw of the pairs. */
    static double[] curve(List<PairedTv> points, int[] multiplicity) {
        return points.stream().mapToDouble(p -> p.squaredDistance(multiplicity)).toArray();
    }
}
