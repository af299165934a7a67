package io.mixfarm.jobs.gpu;

/**
 * One CUDA device as ND4J reports it.
 *
 * @param index       ND4J's (and CUDA's) device number, after {@code CUDA_VISIBLE_DEVICES}
 * @param name        the device name, e.g. "NVIDIA A100-SXM4-40GB"
 * @param capability  its compute capability
 * @param totalBytes  device memory
 * @param freeBytes   device memory free when asked
 */
public record GpuDevice(int index, String name, ComputeCapability capability, long totalBytes, long freeBytes) {
}
