package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.TvSummaryRow;

/**
 * One row of {@code mixing_summary}: a mixing-time study's result at one intrinsic LR (docs/method.md, "Mixing
 * time"). Every interval is a 95% percentile bootstrap over pairs. A resample whose time did not settle within the
 * recorded steps counts as later than every recorded time, so an end of the interval that falls among such
 * resamples is no time the data give: it is NaN (an empty field in the CSV), and the {@code *Settled} share says
 * how many resamples settled. {@code [low, NaN]} reads "from low to beyond the recorded steps"; {@code [NaN, NaN]},
 * "fewer than 2.5% of the resamples settled".
 *
 * @param lambdaE          the intrinsic LR {@code eta * lambda} of both branches
 * @param design           how the branches' trials were sampled ({@link Design#PAIRED} for forks)
 * @param pairs            pairs of trials (trial k of both branches) used
 * @param tmix             {@link TvClock}'s {@code T_mix}, steps after the perturbation; NaN if it did not settle
 * @param tmixLow          its interval's lower end
 * @param tmixHigh         its interval's upper end
 * @param tmixSettled      the share of the resamples whose {@code T_mix} settled, in [0, 1]; NaN without resamples
 * @param normClock        {@link NormClock}'s settling time, steps after the perturbation; NaN if it did not settle
 * @param normClockLow     its interval's lower end
 * @param normClockHigh    its interval's upper end
 * @param normClockSettled the share of the resamples whose norm clock settled
 * @param rateMeasured     {@link Relaxation}'s fitted relaxation rate of {@code gamma}, per step
 * @param rateLow          its interval's lower end
 * @param rateHigh         its interval's upper end
 * @param ratePredicted    equation (12)'s rate, {@code 4 lambda_e} per step
 * @param equilibriumTv    the equilibrium check ({@link Equilibrium}): the mean TV between the reference trials at the
 *                         end of the prefix and the same trials at the end of training; NaN if either is not recorded
 * @param equilibriumFloor its noise floor, the mean of the paired null (the two times swapped within each trial)
 * @param equilibriumP     its permutation p-value; {@link Equilibrium#of} reads the verdict off it
 */
public record MixingSummaryRow(double lambdaE, Design design, int pairs, double tmix, double tmixLow,
                               double tmixHigh, double tmixSettled, double normClock, double normClockLow,
                               double normClockHigh, double normClockSettled, double rateMeasured, double rateLow,
                               double rateHigh, double ratePredicted, double equilibriumTv, double equilibriumFloor,
                               double equilibriumP) {

    /** A row without the settled shares and the equilibrium check (NaN), e.g. for a chart's test. */
    public MixingSummaryRow(double lambdaE, Design design, int pairs, double tmix, double tmixLow, double tmixHigh,
                            double normClock, double normClockLow, double normClockHigh, double rateMeasured,
                            double rateLow, double rateHigh, double ratePredicted) {
        this(lambdaE, design, pairs, tmix, tmixLow, tmixHigh, Double.NaN, normClock, normClockLow, normClockHigh,
                Double.NaN, rateMeasured, rateLow, rateHigh, ratePredicted, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * The row of one intrinsic LR's estimates.
     *
     * @param lambdaE     the intrinsic LR
     * @param design      the sampling design
     * @param pairs       pairs used
     * @param tmix        the function-space clock
     * @param norm        the norm clock
     * @param rate        the measured relaxation rate
     * @param equilibrium the equilibrium check's all-trials row ({@link Equilibrium#estimate}), or null when it could
     *                    not be run (an end of the comparison not recorded)
     * @return the row
     */
    public static MixingSummaryRow of(double lambdaE, Design design, int pairs, BootstrapEstimate tmix,
                                      BootstrapEstimate norm, BootstrapEstimate rate, TvSummaryRow equilibrium) {
        return new MixingSummaryRow(lambdaE, design, pairs, tmix.value(), known(tmix.low()), known(tmix.high()),
                settled(tmix), norm.value(), known(norm.low()), known(norm.high()), settled(norm), rate.value(),
                known(rate.low()), known(rate.high()), Relaxation.predicted(lambdaE),
                equilibrium == null ? Double.NaN : equilibrium.tv(),
                equilibrium == null ? Double.NaN : equilibrium.nullMean(),
                equilibrium == null ? Double.NaN : equilibrium.pValue());
    }

    /** An interval's end as the table writes it: NaN where it falls among resamples that did not settle. */
    private static double known(double end) {
        return Double.isInfinite(end) ? Double.NaN : end;
    }

    /** The share of resamples that settled (a NaN replicate did not); NaN without resamples. */
    private static double settled(BootstrapEstimate estimate) {
        return estimate.resamples() == 0 ? Double.NaN
                : 1 - (double) estimate.unsettled() / estimate.resamples();
    }

    /** The clock's time in this row. */
    public double time(Clock clock) {
        return clock == Clock.FUNCTION_SPACE ? tmix : normClock;
    }

    /** What the equilibrium check says of this intrinsic LR's reference branch. */
    public Equilibrium equilibrium() {
        return Equilibrium.of(equilibriumP);
    }
}
