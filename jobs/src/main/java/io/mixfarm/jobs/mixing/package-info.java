/**
 * The mixing-time study's analysis job, {@code mixfarm mixing --out DIR} (issue 18; docs/method.md, "Mixing time"):
 * {@link io.mixfarm.jobs.mixing.MixingJob} reads a mixing study's farm outputs into
 * {@link io.mixfarm.analysis.mixing.MixingAnalysis}'s inputs and writes its result as the tables of
 * {@link io.mixfarm.jobs.mixing.MixingTables}.
 */
package io.mixfarm.jobs.mixing;
