package io.mixfarm.core.bench;

/**
 * What {@link TrialBench} measured.
 *
 * @param threads      ND4J's OpenMP threads in this process (fixed at process start by OMP_NUM_THREADS)
 * @param settings     what was run
 * @param train        training images per second of each timed repeat
 * @param predict      prediction images per second of each timed pass over the test set
 * @param testImages   images per prediction pass
 * @param flops        the network's analytic FLOPs per image
 * @param before       memory after the data was loaded, before the network was built
 * @param after        memory after training and prediction
 */
public record TrialBenchResult(int threads, BenchSettings settings, Samples train, Samples predict, int testImages,
                               FlopCount flops, MemoryUse before, MemoryUse after) {

    /**
     * The rise of the resident set from before the network existed to the peak since (the peak is reset first, see
     * {@link MemoryUse#resetPeak()}): one trial's memory beyond the JVM's and the data's.
     */
    public long trialRssBytes() {
        return after.peakRssBytes() - before.rssBytes();
    }

    /** Median training GFLOP/s. */
    public double trainGflops() {
        return flops.trainingGflops(train.median());
    }

    /** Median prediction GFLOP/s. */
    public double predictGflops() {
        return flops.forwardGflops(predict.median());
    }
}
