package io.mixfarm.core.trial;

/**
 * The class a trial predicted for every test image at a record point.
 *
 * @param point     the record point: the end of a record epoch, or a step inside an epoch ({@link RecordSteps})
 * @param predicted predicted class per test image, in test-set order (not copied; do not mutate)
 */
public record EpochPredictions(RecordPoint point, byte[] predicted) {

    /** The epoch in progress at the record point. */
    public int epoch() {
        return point.epoch();
    }

    /** SGD steps since the start of training at the record point. */
    public long step() {
        return point.step();
    }
}
