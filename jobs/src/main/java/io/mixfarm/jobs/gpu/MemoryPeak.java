package io.mixfarm.jobs.gpu;

/**
 * The most memory a measurement used, sampled while its trials ran.
 *
 * @param offheapBytes     JavaCPP's tracked off-heap allocations (ND4J's buffers and workspaces on the CPU,
 *                         host-side buffers on CUDA): what {@code org.bytedeco.javacpp.maxbytes} limits
 * @param physicalBytes    the process's resident memory: what {@code org.bytedeco.javacpp.maxphysicalbytes}
 *                         limits, and what a container's memory limit sees
 * @param deviceUsedBytes  device memory taken since the measurement started (free before minus the lowest free
 *                         seen; ND4J's CUDA allocator caches, so this is its high-water mark); -1 on the CPU
 */
public record MemoryPeak(long offheapBytes, long physicalBytes, long deviceUsedBytes) {
}
