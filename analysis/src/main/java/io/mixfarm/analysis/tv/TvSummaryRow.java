package io.mixfarm.analysis.tv;

import java.util.ArrayList;
import java.util.List;

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
 * @param allTrials    whether this row used every trial of both schedules; the TV job writes exactly one such row
 *                     per epoch and pair, also when the schedules' counts differ (then {@code n} is the smaller)
 * @param pHolm        {@code pValue} adjusted by {@link Holm} over the all-trials rows of the run (every epoch and
 *                     pair: the tests the run's claims rest on); NaN on rows at other n, which re-use the same
 *                     trials and are read as a curve, not as tests, and before {@link #withHolm} has run
 * @param divergedA    trials of {@code a} left out because they diverged (not samples of the schedule)
 * @param divergedB    trials of {@code b} left out because they diverged
 * @param design       how the two sides were sampled: {@link Design#PAIRED} rows used the within-pair null, pair
 *                     subsets and the paired interval
 */
public record TvSummaryRow(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv,
                           double tvRandomMean, double tvRandomSd, double baseline, double nullMean, double nullSd,
                           double pValue, double correctedTv, double ciLow, double ciHigh, boolean allTrials,
                           double pHolm, int divergedA, int divergedB, Design design) {

    /** Requires a design. */
    public TvSummaryRow {
        if (design == null) {
            throw new IllegalArgumentException("design must not be null");
        }
    }

    /** A row of the unpaired design: for callers that predate {@link Design} (the jobs side, until it has the column). */
    public TvSummaryRow(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv,
                        double tvRandomMean, double tvRandomSd, double baseline, double nullMean, double nullSd,
                        double pValue, double correctedTv, double ciLow, double ciHigh, boolean allTrials,
                        double pHolm, int divergedA, int divergedB) {
        this(epoch, a, b, n, trialsA, trialsB, tv, tvRandomMean, tvRandomSd, baseline, nullMean, nullSd, pValue,
                correctedTv, ciLow, ciHigh, allTrials, pHolm, divergedA, divergedB, Design.UNPAIRED);
    }

    /** An estimate as the estimator makes it, before the job counts what it left out: no diverged trials. */
    public TvSummaryRow(int epoch, String a, String b, int n, int trialsA, int trialsB, double tv,
                        double tvRandomMean, double tvRandomSd, double baseline, double nullMean, double nullSd,
                        double pValue, double correctedTv, double ciLow, double ciHigh, boolean allTrials,
                        double pHolm) {
        this(epoch, a, b, n, trialsA, trialsB, tv, tvRandomMean, tvRandomSd, baseline, nullMean, nullSd, pValue,
                correctedTv, ciLow, ciHigh, allTrials, pHolm, 0, 0);
    }

    /**
     * The rows of one run with {@code pHolm} filled in: Holm's adjustment of the all-trials rows' p-values as one
     * family, NaN on every other row.
     *
     * @param rows every row of a run, in any order (kept)
     * @return the same rows, in the same order, with {@code pHolm} set
     */
    public static List<TvSummaryRow> withHolm(List<TvSummaryRow> rows) {
        double[] family = rows.stream().filter(TvSummaryRow::allTrials).mapToDouble(TvSummaryRow::pValue).toArray();
        double[] adjusted = Holm.adjust(family);
        List<TvSummaryRow> out = new ArrayList<>(rows.size());
        int next = 0;
        for (TvSummaryRow r : rows) {
            out.add(r.withPHolm(r.allTrials() ? adjusted[next++] : Double.NaN));
        }
        return List.copyOf(out);
    }

    private TvSummaryRow withPHolm(double adjusted) {
        return new TvSummaryRow(epoch, a, b, n, trialsA, trialsB, tv, tvRandomMean, tvRandomSd, baseline, nullMean,
                nullSd, pValue, correctedTv, ciLow, ciHigh, allTrials, adjusted, divergedA, divergedB, design);
    }

    /** This row with the counts of diverged trials the job left out of {@code a} and {@code b}. */
    public TvSummaryRow withDiverged(int divergedA, int divergedB) {
        return new TvSummaryRow(epoch, a, b, n, trialsA, trialsB, tv, tvRandomMean, tvRandomSd, baseline, nullMean,
                nullSd, pValue, correctedTv, ciLow, ciHigh, allTrials, pHolm, divergedA, divergedB, design);
    }
}
