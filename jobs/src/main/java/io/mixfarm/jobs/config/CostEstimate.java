package io.mixfarm.jobs.config;

import java.util.Locale;

/**
 * How much work an experiment is, counted in images, to print before a farm starts.
 *
 * @param trials          trials in the experiment: schedules times trials per schedule
 * @param trialEpochs     epochs trained, summed over all trials (a fork trains only those after its checkpoint)
 * @param trainImages     training images passed forward and backward, over all trials and epochs
 * @param predictedImages test images predicted, over all trials and epochs (the trial runner evaluates the
 *                        whole test set after every epoch, not only at record epochs)
 * @param sharedEpochs    trial-epochs forks do not train because they start from their parent's checkpoint
 */
public record CostEstimate(long trials, long trialEpochs, long trainImages, long predictedImages, long sharedEpochs) {

    /** The cost of an experiment without forks. */
    public CostEstimate(long trials, long trialEpochs, long trainImages, long predictedImages) {
        this(trials, trialEpochs, trainImages, predictedImages, 0);
    }

    /**
     * The cost of {@code config} on a data set of {@code trainCount} training and {@code testCount} test images.
     *
     * @throws IllegalArgumentException if a count is negative
     * @throws ArithmeticException      if a total does not fit in a {@code long}
     */
    public static CostEstimate of(ExperimentConfig config, int trainCount, int testCount) {
        if (trainCount < 0 || testCount < 0) {
            throw new IllegalArgumentException("image counts must be >= 0, got " + trainCount + " train and "
                    + testCount + " test");
        }
        long trials = Math.multiplyExact((long) config.schedules().size(), config.trials());
        long shared = 0;
        for (String schedule : config.scheduleNames()) {
            // A fork trains only the epochs after its parent's checkpoint.
            shared = Math.addExact(shared,
                    Math.multiplyExact((long) config.trials(), config.forkOf(schedule).map(Fork::at).orElse(0)));
        }
        long trialEpochs = Math.multiplyExact(trials, config.epochs()) - shared;
        return new CostEstimate(trials, trialEpochs, Math.multiplyExact(trialEpochs, trainCount),
                Math.multiplyExact(trialEpochs, testCount), shared);
    }

    /**
     * Compute time of the whole experiment in trial-seconds (one trial's thread count busy for one second), at
     * the given training and prediction rates of one trial.
     */
    public double trialSeconds(double trainImagesPerSecond, double predictImagesPerSecond) {
        return trainImages / trainImagesPerSecond + predictedImages / predictImagesPerSecond;
    }

    /**
     * One paragraph for people, e.g. {@code 12 trials x 8 epochs = 96 trial-epochs, training on 768,000 images
     * and predicting 192,000 test images (8,000 train and 2,000 test images per trial-epoch).}
     */
    public String describe() {
        String perEpoch = trialEpochs == 0 ? ""
                : String.format(Locale.ROOT, " (%,d train and %,d test images per trial-epoch)",
                        trainImages / trialEpochs, predictedImages / trialEpochs);
        long epochsPerTrial = trials == 0 ? 0 : (trialEpochs + sharedEpochs) / trials;
        String shared = sharedEpochs == 0 ? ""
                : String.format(Locale.ROOT, " - %,d shared by forks", sharedEpochs);
        return String.format(Locale.ROOT,
                "%,d trials x %,d epochs%s = %,d trial-epochs, training on %,d images and predicting %,d test"
                        + " images%s.",
                trials, epochsPerTrial, shared, trialEpochs, trainImages, predictedImages, perEpoch);
    }
}
