package io.mixfarm.analysis.tv;

/**
 * How two schedules' trials were sampled, which decides what the estimator may resample (docs/method.md,
 * "Paired design").
 */
public enum Design {
    /** Independent trials on each side: the null relabels whole trials of the pooled sample. */
    UNPAIRED,
    /**
     * Trial k of a and trial k of b share a prefix (a fork): the pairs are the independent units, so the null
     * swaps the two branches within each pair and resampling draws pairs. Both sides have the same trial ids.
     */
    PAIRED
}
