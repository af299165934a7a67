/**
 * Measuring instruments for training speed: {@link io.mixfarm.core.bench.RateMeter} times any engine's steps
 * after warm-up, {@link io.mixfarm.core.bench.FlopCount} gives the network's analytic FLOPs per image,
 * {@link io.mixfarm.core.bench.MemoryUse} reads the process's memory, {@link io.mixfarm.core.bench.SystemLoad} the
 * machine's load, and {@link io.mixfarm.core.bench.TrialBench} puts them together for one trial's network on a data
 * set; {@link io.mixfarm.core.bench.Calibration} is the quick measurement a cost plan projects from.
 *
 * <p>Dependencies point one way: this package uses the trial runner's pieces ({@code core.trial},
 * {@code core.model}, {@code core.data}) and nothing outside it in core uses this package, so the science path
 * reads without it. No Spark here: {@code mixfarm bench} and {@code run --dry-run --calibrate} (jobs'
 * {@code io.mixfarm.jobs.bench}) print these figures and add the farm's, and the PyTorch reference (module
 * submit/torch-reference) times libtorch with the same meter, batches and FLOP count. docs/performance.md, "How to
 * measure", lists every benchmark and the class behind it.
 */
package io.mixfarm.core.bench;
