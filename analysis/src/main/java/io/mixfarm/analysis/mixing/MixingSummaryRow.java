package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.Design;

/**
 * One row of {@code mixing_summary}: a mixing-time study's result at one intrinsic LR (docs/method.md, "Mixing
 * time"). Every interval is a 95% percentile bootstrap over pairs; an upper end of {@code +Infinity} means that
 * more than 2.5% of the resamples did not settle within the recorded steps.
 *
 * @param lambdaE         the intrinsic LR {@code eta * lambda} of both branches
 * @param design          how the branches' trials were sampled ({@link Design#PAIRED} for forks)
 * @param pairs           pairs of trials (trial k of both branches) used
 * @param tmix            {@link TvClock}'s {@code T_mix}, steps after the perturbation; NaN if it did not settle
 * @param tmixLow         its interval's lower end
 * @param tmixHigh        its interval's upper end
 * @param normClock       {@link NormClock}'s settling time, steps after the perturbation; NaN if it did not settle
 * @param normClockLow    its interval's lower end
 * @param normClockHigh   its interval's upper end
 * @param rateMeasured    {@link Relaxation}'s fitted relaxation rate of {@code gamma}, per step
 * @param rateLow         its interval's lower end
 * @param rateHigh        its interval's upper end
 * @param ratePredicted   equation (12)'s rate, {@code 4 lambda_e} per step
 */
public record MixingSummaryRow(double lambdaE, Design design, int pairs, double tmix, double tmixLow,
                               double tmixHigh, double normClock, double normClockLow, double normClockHigh,
                               double rateMeasured, double rateLow, double rateHigh, double ratePredicted) {

    /**
     * The row of one intrinsic LR's estimates.
     *
     * @param lambdaE the intrinsic LR
     * @param design  the sampling design
     * @param pairs   pairs used
     * @param tmix    the function-space clock
     * @param norm    the norm clock
     * @param rate    the measured relaxation rate
     * @return the row
     */
    public static MixingSummaryRow of(double lambdaE, Design design, int pairs, BootstrapEstimate tmix,
                                      BootstrapEstimate norm, BootstrapEstimate rate) {
        return new MixingSummaryRow(lambdaE, design, pairs, tmix.value(), tmix.low(), tmix.high(), norm.value(),
                norm.low(), norm.high(), rate.value(), rate.low(), rate.high(), Relaxation.predicted(lambdaE));
    }

    /** The clock's time in this row. */
    public double time(Clock clock) {
        return clock == Clock.FUNCTION_SPACE ? tmix : normClock;
    }
}
