/**
 * The GPU check a user runs on one cluster node before a long farm ({@code mixfarm gpu-check}, wrapped by
 * {@code submit/gpu-smoke.sh}): what ND4J sees ({@link io.mixfarm.jobs.gpu.Nd4jProbe}), one short trial on it
 * ({@link io.mixfarm.jobs.gpu.GpuSmoke}), and a plain verdict ({@link io.mixfarm.jobs.gpu.Verdict}). The verdict
 * logic takes plain records, so it is tested with fake devices on a machine without a GPU.
 */
package io.mixfarm.jobs.gpu;
