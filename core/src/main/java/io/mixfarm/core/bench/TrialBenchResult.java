package io.mixfarm.core.bench;

/**
 * What {@link TrialBench} measured.
 *
 * @param threads      ND4J's OpenMP threads in this process (fixed at process start by OMP_NUM_THREADS)
 * @param settings     what was run
 * @param train        training images per second (of wall and of CPU time) of each timed repeat
 * @param predict      prediction images per second (of wall and of CPU time) of each timed pass over the test set
 * @param testImages   images per prediction pass
 * @param flops        the network's analytic FLOPs per image
 * @param before       memory after the data was loaded, before the network was built
 * @param after        memory after training and prediction
 */
public record TrialBenchResult(int threads, BenchSettings settings, RateMeter.Rates train, RateMeter.Rates predict,
                               int testImages, FlopCount flops, MemoryUse before, MemoryUse after) {

    /**
     * The rise of the resident set from before the network existed to the peak since (the peak is reset first, see
     * {@link MemoryUse#resetPeak()}): one trial's memory beyond the JVM's and the data's.
     */
    public long trialRssBytes() {
        return after.peakRssBytes() - before.rssBytes();
    }

    /** Median training GFLOP/s (wall time). */
    public double trainGflops() {
        return flops.trainingGflops(train.wall().median());
    }

    /** Median prediction GFLOP/s (wall time). */
    public double predictGflops() {
        return flops.forwardGflops(predict.wall().median());
    }
}
