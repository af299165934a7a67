/**
 * The mixing-time study's statistics (docs/method.md, "Mixing time"): after a perturbation that leaves the
 * intrinsic LR unchanged, how long the perturbed schedule's trials take to return to the reference's equilibrium,
 * timed by two clocks, and how that time scales with the intrinsic LR.
 *
 * <p>{@link io.mixfarm.analysis.mixing.TvClock} times the return in function space (the bias-corrected TV curve
 * between the branches, {@code T_mix}); {@link io.mixfarm.analysis.mixing.NormClock} times the effective LR's
 * return; {@link io.mixfarm.analysis.mixing.Relaxation} fits the relaxation rate of the squared inverse effective
 * LR against the paper's prediction; {@link io.mixfarm.analysis.mixing.ScalingFit} fits the scaling law
 * {@code log T = a + b log(1/lambda_e)} for either clock; {@link io.mixfarm.analysis.mixing.Equilibrium} checks
 * that the reference was at equilibrium when the perturbation came; {@link io.mixfarm.analysis.mixing.Perturbation}
 * places the perturbation on the step axis, from which every clock counts. Every interval is a percentile bootstrap
 * over pairs (trial k of both branches), the independent units of a forked study, and every draw is seeded.
 * {@link io.mixfarm.analysis.mixing.MixingAnalysis} runs all of it on a study's inputs and returns
 * {@link io.mixfarm.analysis.mixing.MixingSummaryRow}s (per intrinsic LR) and
 * {@link io.mixfarm.analysis.mixing.MixingStudyRow}s (per clock). Plain Java: no Spark, no DL4J.
 */
package io.mixfarm.analysis.mixing;
