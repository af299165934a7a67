/**
 * The benchmarks that need Spark or an experiment config, apart from the science path (config, plan, farm, store,
 * TV, report), which never calls into this package. Two entry points, each called by one CLI command:
 * {@link io.mixfarm.jobs.bench.BenchJob} ({@code mixfarm bench}: one trial through {@code core.bench}, then a small
 * local farm through {@link io.mixfarm.jobs.bench.FarmBench}) and {@link io.mixfarm.jobs.bench.CostProjection}
 * ({@code run --dry-run --calibrate}: {@code core.bench.Calibration} and the plan's cost). The TV job's benchmark at
 * paper scale is test code of this package ({@code TvBench}, run by {@code submit/bench-tv}). docs/performance.md,
 * "How to measure", lists every benchmark and the class behind it.
 */
package io.mixfarm.jobs.bench;
