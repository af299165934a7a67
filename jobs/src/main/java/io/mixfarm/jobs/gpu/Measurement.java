package io.mixfarm.jobs.gpu;

/**
 * One measurement of the GPU check: {@code trials} trials trained at the same time on one device.
 *
 * @param trials          concurrent trials
 * @param imagesPerSecond training images per second of all of them together
 * @param run             the first trial's outcome, or the first failure among them
 * @param memory          the memory they used together
 */
public record Measurement(int trials, double imagesPerSecond, SmokeRun run, MemoryPeak memory) {
}
