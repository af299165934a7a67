/**
 * Measuring instruments for training speed: {@link io.mixfarm.core.bench.RateMeter} times any engine's steps
 * after warm-up, {@link io.mixfarm.core.bench.FlopCount} gives the network's analytic FLOPs per image,
 * {@link io.mixfarm.core.bench.MemoryUse} reads the process's memory, and
 * {@link io.mixfarm.core.bench.TrialBench} puts them together for one trial's network on a data set.
 *
 * <p>No Spark here: {@code mixfarm bench} (jobs) prints these figures and adds the farm's, and the PyTorch
 * reference (module submit/torch-reference) times libtorch with the same meter, batches and FLOP count.
 */
package io.mixfarm.core.bench;
