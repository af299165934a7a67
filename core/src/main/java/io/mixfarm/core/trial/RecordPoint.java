package io.mixfarm.core.trial;

/**
 * A moment at which a trial records its predictions (docs/method.md, "Record points"). One number orders all
 * record points of a trial: {@code step}.
 *
 * @param epoch the epoch in progress at the record point; for a record at an epoch's end, that epoch (1-based)
 * @param step  SGD steps taken since the start of training when the record is taken: the end of epoch {@code e} is
 *              step {@code e * S} with {@code S} steps per epoch
 */
public record RecordPoint(int epoch, long step) {

    public RecordPoint {
        if (epoch < 1 || step < 1) {
            throw new IllegalArgumentException("a record point needs epoch >= 1 and step >= 1, got epoch " + epoch
                    + ", step " + step);
        }
    }

    /** The end of {@code epoch}. */
    public static RecordPoint endOf(int epoch, int stepsPerEpoch) {
        return new RecordPoint(epoch, (long) epoch * stepsPerEpoch);
    }

    /** The point after {@code step} steps: inside epoch {@code ceil(step / S)}, or at its end. */
    public static RecordPoint at(long step, int stepsPerEpoch) {
        return new RecordPoint(Math.toIntExact((step + stepsPerEpoch - 1) / stepsPerEpoch), step);
    }

    /** Whether the point is its epoch's end. */
    public boolean isEpochEnd(int stepsPerEpoch) {
        return step == (long) epoch * stepsPerEpoch;
    }
}
