package io.mixfarm.jobs.farm;

/**
 * What {@link FarmBench} measured.
 *
 * @param trials                trials in the farm
 * @param epochs                epochs per trial
 * @param slots                 trials Spark ran at once
 * @param wallSeconds           wall time of the farm's Spark job (session start excluded)
 * @param trialSeconds          sum of the farm's trials' own wall times
 * @param overhead              {@code wall / (trial time / slots) - 1}: scheduling, output writing and uneven
 *                              packing, but not the slowdown of trials sharing the machine
 * @param soloSeconds           wall time of the same trial alone, outside Spark
 * @param soloTrainImagesPerSecond the lone trial's training images per second, from its epochs' train seconds
 */
public record FarmBenchResult(int trials, int epochs, int slots, double wallSeconds, double trialSeconds,
                              double overhead, double soloSeconds, double soloTrainImagesPerSecond) {

    /** Completed trials per hour of farm wall time. */
    public double trialsPerHour() {
        return trials / wallSeconds * 3600;
    }

    /**
     * The farm's trial throughput over a lone trial's: everything the farm loses or gains against running trials one
     * after another (ideal: the number of slots).
     */
    public double speedupOverSolo() {
        return trials * soloSeconds / wallSeconds;
    }
}
