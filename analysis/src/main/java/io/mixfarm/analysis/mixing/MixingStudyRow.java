package io.mixfarm.analysis.mixing;

/**
 * The scaling law of one clock over a study's intrinsic LRs: {@code log T = intercept + slope log(1/lambda_e)}
 * ({@link ScalingFit}; the conjecture says slope 1).
 *
 * @param clock     which time was fitted
 * @param intercept {@code a}
 * @param slope     {@code b}
 * @param slopeLow  lower end of its 95% bootstrap interval (NaN if too many resamples did not settle)
 * @param slopeHigh upper end
 * @param points    intrinsic LRs in the fit
 * @param resamples bootstrap replicates
 * @param dropped   replicates without a slope (some time did not settle)
 */
public record MixingStudyRow(Clock clock, double intercept, double slope, double slopeLow, double slopeHigh,
                             int points, int resamples, int dropped) {

    /** The row of a fitted law. */
    public static MixingStudyRow of(Clock clock, ScalingFit.Law law) {
        return new MixingStudyRow(clock, law.intercept(), law.slope(), law.slopeLow(), law.slopeHigh(), law.points(),
                law.resamples(), law.dropped());
    }
}
