package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.Design;

import java.io.Serializable;

/**
 * One estimate the TV job makes: schedules {@code a} and {@code b} (a before b in the config's order) at one
 * record point.
 *
 * @param point    the record point
 * @param a        first schedule
 * @param b        second schedule
 * @param baseline the sum of the two schedules' mean test errors at that point (figure 3b's dashed line)
 * @param curve    whether to estimate the TV against n too ({@link CurveEpochs}), or only over all trials
 * @param design   how the two schedules' trials are sampled ({@code ExperimentConfig.design}): a
 *                 {@link Design#PAIRED} comparison uses the trial indices that are samples of both
 *                 ({@link TvJob#pairs}), as pairs
 */
record Comparison(TvJob.Point point, String a, String b, double baseline, boolean curve, Design design)
        implements Serializable {

    /** At the end of a record epoch of a folder without steps, of independent trials. */
    Comparison(int epoch, String a, String b, double baseline, boolean curve) {
        this(new TvJob.Point(epoch, null, true), a, b, baseline, curve, Design.UNPAIRED);
    }

    /** The record point's epoch. */
    int epoch() {
        return point.epoch();
    }
}
