package io.mixfarm.analysis.mixing;

import io.mixfarm.analysis.tv.Design;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvEstimator;
import io.mixfarm.analysis.tv.TvSummaryRow;

/**
 * The equilibrium check of a study's reference branch (docs/method.md, "Mixing time"): a mixing time measures the
 * return to an equilibrium, so the reference must be there when the perturbation comes. The check compares the
 * reference trials' predictions at the end of the prefix (epoch T0) with the same trials' at the end of training
 * (epoch T0 + T1) by the TV job's estimator under the {@link Design#PAIRED} design, each trial being a pair of two
 * times: the null swaps the two times within each trial, the interval is over trials. At equilibrium the
 * prediction distribution does not move, so that TV is on its noise floor.
 */
public enum Equilibrium {
    /** The TV between the two times cannot be told from its floor: the reference was at equilibrium by T0. */
    REACHED,
    /** The TV is above its floor ({@code p < }{@value #ALPHA}): the reference still moved after T0. */
    NOT_REACHED,
    /** No p-value: an end of the comparison is not recorded, or no swaps were drawn. */
    NOT_CHECKED;

    /**
     * The level below which a p-value says "moved". Per intrinsic LR, not adjusted over the study's LRs: the check
     * guards the study, and a family-wise adjustment would let more references through as the study adds LRs.
     */
    public static final double ALPHA = 0.05;

    /** The names the estimator's row carries for the two times (they seed its draws, with the epoch). */
    private static final String AT_PREFIX = "reference-at-prefix";
    private static final String AT_END = "reference-at-end";

    /** The verdict of a check's p-value (NaN: {@link #NOT_CHECKED}). */
    public static Equilibrium of(double pValue) {
        if (Double.isNaN(pValue)) {
            return NOT_CHECKED;
        }
        return pValue < ALPHA ? NOT_REACHED : REACHED;
    }

    /**
     * The check's estimate.
     *
     * @param atPrefix     the reference trials' predictions at the end of the prefix
     * @param atEnd        the same trials' predictions (same ids, same order) at the end of training
     * @param lastEpoch    the last epoch, the row's epoch
     * @param permutations within-trial swaps behind the floor and the p-value
     * @param seed         seed of the swaps
     * @return the all-trials row: {@code tv}, {@code nullMean} (the floor), {@code pValue}
     */
    public static TvSummaryRow estimate(PredictionMatrix atPrefix, PredictionMatrix atEnd, int lastEpoch,
                                        int permutations, long seed) {
        return new TvEstimator(seed, 1, permutations).estimate(lastEpoch, AT_PREFIX, AT_END, atPrefix, atEnd,
                Double.NaN, Design.PAIRED);
    }
}
