package io.mixfarm.core.trial;

/**
 * The class a trial predicted for every test image after a record epoch.
 *
 * @param epoch     the record epoch
 * @param predicted predicted class per test image, in test-set order (not copied; do not mutate)
 */
public record EpochPredictions(int epoch, byte[] predicted) {
}
