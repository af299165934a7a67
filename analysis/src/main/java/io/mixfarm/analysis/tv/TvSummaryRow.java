package io.mixfarm.analysis.tv;

/**
 * One row of the {@code tv_summary} table: how far apart schedules {@code a} and {@code b} are in function space
 * at one record epoch, estimated from {@code n} trials per schedule.
 *
 * @param epoch        the record epoch
 * @param a            first schedule (alphabetically first of the pair)
 * @param b            second schedule
 * @param n            trials per schedule used by {@code tv} (nested: the first n by trial index); for the row that
 *                     uses every trial, {@code min(trialsA, trialsB)}
 * @param trialsA      trials of {@code a} this row used
 * @param trialsB      trials of {@code b} this row used
 * @param tv           plug-in mean over test images of the per-image total variation
 * @param tvRandomMean mean of the same statistic over random n-subsets of each schedule's trials
 * @param tvRandomSd   its standard deviation over those subsets
 * @param baseline     the paper's figure 3b baseline: the sum of the two schedules' mean test errors
 * @param nullMean     mean of the statistic under permutations of whole-trial labels (the noise floor)
 * @param nullSd       its standard deviation
 * @param pValue       permutation p-value of {@code tv}: {@code (1 + #{null >= tv}) / (1 + permutations)}
 * @param correctedTv  {@code tv - nullMean}, the bias-corrected estimate
 * @param ciLow        lower end of a 95% confidence interval for the true mean TV between the two schedules'
 *                     prediction distributions (not for {@code tv}, which overstates it): {@code TvBracket}'s
 *                     interval over whole trials; NaN below 4 trials per schedule
 * @param ciHigh       upper end of that interval
 */
public record TvSummaryRow(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv,
                           double tvRandomMean, double tvRandomSd, double baseline, double nullMean, double nullSd,
                           double pValue, double correctedTv, double ciLow, double ciHigh) {
}
