package io.mixfarm.jobs.config;

import io.mixfarm.core.trial.MinibatchOrder;

import java.util.Locale;

/**
 * How much work an experiment is, counted in images, to print before a farm starts.
 *
 * @param trials          trials in the experiment: schedules times trials per schedule
 * @param trialEpochs     epochs trained, summed over all trials (a fork trains only those after its checkpoint)
 * @param trainImages     training images passed forward and backward, over all trials and epochs
 * @param predictedImages test images predicted, over all trials and epochs (the trial runner evaluates the
 *                        whole test set after every epoch, not only at record epochs, and at every record point
 *                        inside an epoch; a fork neither, before its checkpoint)
 * @param sharedEpochs    trial-epochs forks do not train because they start from their parent's checkpoint
 * @param statisticsImages training images passed forward (in training mode, without a backward pass) to measure
 *                        BN's population statistics, over all trials and evaluations: with {@code bn-eval =
 *                        recomputed}, the statistics batches before every evaluation ({@code
 *                        Evaluation.statisticsImages}); 0 with {@code running}
 */
public record CostEstimate(long trials, long trialEpochs, long trainImages, long predictedImages, long sharedEpochs,
                           long statisticsImages) {

    /** The cost of an experiment without forks, evaluating with BN's running averages. */
    public CostEstimate(long trials, long trialEpochs, long trainImages, long predictedImages) {
        this(trials, trialEpochs, trainImages, predictedImages, 0, 0);
    }

    /** The cost of an experiment evaluating with BN's running averages. */
    public CostEstimate(long trials, long trialEpochs, long trainImages, long predictedImages, long sharedEpochs) {
        this(trials, trialEpochs, trainImages, predictedImages, sharedEpochs, 0);
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
        int stepsPerEpoch = trainCount > 0 ? MinibatchOrder.stepsPerEpoch(trainCount, config.batchSize()) : 0;
        long shared = 0;
        long inside = 0;
        for (String schedule : config.scheduleNames()) {
            // A fork trains only the epochs after its parent's checkpoint, and evaluates only the record points
            // inside them: those before come with the checkpoint.
            int at = config.forkOf(schedule).map(Fork::at).orElse(0);
            shared = Math.addExact(shared, Math.multiplyExact((long) config.trials(), at));
            if (config.recordSteps().on() && stepsPerEpoch > 0) {
                long points = config.recordSteps().points(config.epochs(), config.recordEpochs(), stepsPerEpoch)
                        .stream().filter(p -> !p.isEpochEnd(stepsPerEpoch) && p.epoch() > at).count();
                inside = Math.addExact(inside, Math.multiplyExact((long) config.trials(), points));
            }
        }
        long trialEpochs = Math.multiplyExact(trials, config.epochs()) - shared;
        long evaluations = Math.addExact(trialEpochs, inside);
        long statisticsPerEvaluation = config.evaluation().statisticsImages(trainCount, config.batchSize());
        return new CostEstimate(trials, trialEpochs, Math.multiplyExact(trialEpochs, trainCount),
                Math.multiplyExact(evaluations, testCount), shared,
                Math.multiplyExact(evaluations, statisticsPerEvaluation));
    }

    /**
     * Compute time of the whole experiment in trial-seconds (one trial's thread count busy for one second), at
     * the given rates of one trial: SGD steps' images, images through the measurement of BN's statistics (not read
     * when there is none), and test images predicted.
     */
    public double trialSeconds(double trainImagesPerSecond, double statisticsImagesPerSecond,
                               double predictImagesPerSecond) {
        double statistics = statisticsImages == 0 ? 0 : statisticsImages / statisticsImagesPerSecond;
        return trainImages / trainImagesPerSecond + statistics + predictedImages / predictImagesPerSecond;
    }

    /**
     * One paragraph for people, e.g. {@code 12 trials x 8 epochs = 96 trial-epochs, training on 768,000 images
     * and predicting 192,000 test images (8,000 train and 2,000 test images per trial-epoch).}; with recomputed BN
     * statistics it names the training images passed forward for them too.
     */
    public String describe() {
        String perEpoch = trialEpochs == 0 ? ""
                : statisticsImages == 0
                ? String.format(Locale.ROOT, " (%,d train and %,d test images per trial-epoch)",
                        trainImages / trialEpochs, predictedImages / trialEpochs)
                : String.format(Locale.ROOT, " (%,d train, %,d BN-statistics and %,d test images per trial-epoch)",
                        trainImages / trialEpochs, statisticsImages / trialEpochs, predictedImages / trialEpochs);
        long epochsPerTrial = trials == 0 ? 0 : (trialEpochs + sharedEpochs) / trials;
        String shared = sharedEpochs == 0 ? ""
                : String.format(Locale.ROOT, " - %,d shared by forks", sharedEpochs);
        String statistics = statisticsImages == 0 ? ""
                : String.format(Locale.ROOT, ", passing %,d training images forward for BN's recomputed statistics",
                        statisticsImages);
        return String.format(Locale.ROOT,
                "%,d trials x %,d epochs%s = %,d trial-epochs, training on %,d images%s and predicting %,d test"
                        + " images%s.",
                trials, epochsPerTrial, shared, trialEpochs, trainImages, statistics, predictedImages, perEpoch);
    }
}
