package io.mixfarm.jobs.bench;

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
 * @param soloFirstSeconds      wall time of the same trial alone outside Spark, first on a new thread
 * @param soloNextSeconds       wall time of the next such trial on that thread (its workspaces filled)
 * @param soloTrainImagesPerSecond the next lone trial's training images per second, from its epochs' train seconds
 */
public record FarmBenchResult(int trials, int epochs, int slots, double wallSeconds, double trialSeconds,
                              double overhead, double soloFirstSeconds, double soloNextSeconds,
                              double soloTrainImagesPerSecond) {

    /** Completed trials per hour of farm wall time. */
    public double trialsPerHour() {
        return trials / wallSeconds * 3600;
    }

    /** Wall time of the farm's trials run one after another on one thread, outside Spark. */
    public double sequentialSeconds() {
        return soloFirstSeconds + (trials - 1) * soloNextSeconds;
    }

    /**
     * The farm's trial throughput over running its trials one after another: everything the farm loses or gains
     * against that (ideal: the number of slots).
     */
    public double speedupOverSolo() {
        return sequentialSeconds() / wallSeconds;
    }
}
