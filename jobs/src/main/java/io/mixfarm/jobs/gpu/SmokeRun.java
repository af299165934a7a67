package io.mixfarm.jobs.gpu;

/**
 * The outcome of the smoke trial (one epoch of one trial).
 *
 * @param completed              whether it ran to the end
 * @param trainImagesPerSecond   training images per second of the epoch (its first steps' warm-up included)
 * @param predictImagesPerSecond test images per second of the evaluation after it
 * @param trainLoss              the epoch's mean training loss
 * @param testError              the test error after the epoch
 * @param classes                classes of the data (for the chance level)
 * @param error                  what it failed with, or null
 */
public record SmokeRun(boolean completed, double trainImagesPerSecond, double predictImagesPerSecond,
                       double trainLoss, double testError, int classes, String error) {

    /** A run that finished. */
    public static SmokeRun completed(double trainImagesPerSecond, double predictImagesPerSecond, double trainLoss,
                                     double testError, int classes) {
        return new SmokeRun(true, trainImagesPerSecond, predictImagesPerSecond, trainLoss, testError, classes, null);
    }

    /** A run that threw. */
    public static SmokeRun failed(String error) {
        return new SmokeRun(false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, error);
    }

    /**
     * Whether the numbers say the kernels computed something sensible: a finite loss and a test error at least
     * 10 points under chance. One epoch of the default check (width 32, 8,000 images) gets far below that;
     * broken kernels give NaN or a constant prediction (error near {@code 1 - 1/classes}).
     */
    public boolean learned() {
        double chance = 1.0 - 1.0 / classes;
        return completed && Double.isFinite(trainLoss) && Double.isFinite(testError) && testError < chance - 0.1;
    }
}
