package io.mixfarm.jobs.gpu;

import java.util.List;

/**
 * What the GPU check trains: one epoch of the paper's CNN on the embedded MNIST sample (no download).
 *
 * @param device      the CUDA device to bind the trials to (ignored on the CPU)
 * @param width       the CNN's width (32: the paper's network)
 * @param trainImages training images of the epoch (at most the sample's 8,000)
 * @param testImages  test images evaluated after it (at most the sample's 2,000)
 * @param batchSize   minibatch size
 * @param concurrency numbers of trials to run at the same time on the device, one measurement each
 * @param seed        the first trial's seed (concurrent trials take the following ones)
 */
public record SmokeOptions(int device, int width, int trainImages, int testImages, int batchSize,
                           List<Integer> concurrency, long seed) {

    public SmokeOptions {
        concurrency = List.copyOf(concurrency);
        if (device < 0) {
            throw new IllegalArgumentException("--device must be >= 0, got " + device);
        }
        if (width < 1) {
            throw new IllegalArgumentException("--width must be >= 1, got " + width);
        }
        if (trainImages < 2 || testImages < 1) {
            throw new IllegalArgumentException("--train-images must be >= 2 and --test-images >= 1, got "
                    + trainImages + " and " + testImages);
        }
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException("--concurrent takes positive trial counts, got " + concurrency);
        }
    }
}
