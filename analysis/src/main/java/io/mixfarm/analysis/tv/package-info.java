/**
 * Function-space estimators: how far apart two schedules' trials are in what they predict (docs/method.md,
 * "Estimators").
 *
 * <p>A {@link io.mixfarm.analysis.tv.PredictionMatrix} holds one schedule's predicted class of every test image
 * by every trial at one record epoch. {@link io.mixfarm.analysis.tv.TotalVariation} is the plain plug-in
 * per-image total variation between two of them (the reference implementation, written to be obviously
 * right). {@link io.mixfarm.analysis.tv.TvEstimator} adds what a single plug-in number lacks: the statistic at
 * n trials per schedule (nested and random subsets), a whole-trial permutation null (noise floor, p-value,
 * bias-corrected TV) and a 95% confidence interval for the true mean TV, as
 * {@link io.mixfarm.analysis.tv.TvSummaryRow}s. A {@link io.mixfarm.analysis.tv.Design} says whether the two sides are
 * independent trials or pairs that share a prefix (forks); {@link io.mixfarm.analysis.tv.PairedTv} is the paired
 * bootstrap and the unbiased squared distance the mixing study reads its clock from.
 * {@link io.mixfarm.analysis.tv.SyntheticPredictions} draws prediction matrices from known distributions for
 * tests and benchmarks.
 *
 * <p>All randomness is seeded, and every resample draws from its own generator derived from (seed, row key,
 * resample index), so results are identical for a seed whatever the thread count. Counts are integers and the
 * statistic is an exact integer numerator over a common denominator, so p-values compare exactly, not up to
 * rounding. Plain Java: no Spark, no DL4J.
 */
package io.mixfarm.analysis.tv;
