package io.mixfarm.jobs.tv;

import java.io.Serializable;

/**
 * One estimate the TV job makes: schedules {@code a} and {@code b} (a before b in the config's order) at one
 * record epoch.
 *
 * @param epoch    the record epoch
 * @param a        first schedule
 * @param b        second schedule
 * @param baseline the sum of the two schedules' mean test errors at that epoch (figure 3b's dashed line)
 * @param curve    whether to estimate the TV against n too ({@link CurveEpochs}), or only over all trials
 */
record Comparison(int epoch, String a, String b, double baseline, boolean curve) implements Serializable {
}
