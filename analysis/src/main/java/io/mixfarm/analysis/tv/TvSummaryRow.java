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
 * @param ciLow        lower end of the bootstrap 95% confidence interval of {@code tv} (resampling trials)
 * @param ciHigh       upper end of that interval
 * @param divergedA    trials of {@code a} left out because they diverged (not samples of the schedule)
 * @param divergedB    trials of {@code b} left out because they diverged
 */
public record TvSummaryRow(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv,
                           double tvRandomMean, double tvRandomSd, double baseline, double nullMean, double nullSd,
                           double pValue, double correctedTv, double ciLow, double ciHigh, int divergedA,
                           int divergedB) {

    /** An estimate as the estimator makes it, before the job counts what it left out: no diverged trials. */
    public TvSummaryRow(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv,
                        double tvRandomMean, double tvRandomSd, double baseline, double nullMean, double nullSd,
                        double pValue, double correctedTv, double ciLow, double ciHigh) {
        this(epoch, a, b, n, trialsA, trialsB, tv, tvRandomMean, tvRandomSd, baseline, nullMean, nullSd, pValue,
                correctedTv, ciLow, ciHigh, 0, 0);
    }

    /** This row with the counts of diverged trials the job left out of {@code a} and {@code b}. */
    public TvSummaryRow withDiverged(int divergedA, int divergedB) {
        return new TvSummaryRow(epoch, a, b, n, trialsA, trialsB, tv, tvRandomMean, tvRandomSd, baseline, nullMean,
                nullSd, pValue, correctedTv, ciLow, ciHigh, divergedA, divergedB);
    }
}
