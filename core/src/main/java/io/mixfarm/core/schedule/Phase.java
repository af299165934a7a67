package io.mixfarm.core.schedule;

/**
 * One constant piece of a {@link Schedule}: the learning rate and weight decay from an epoch on.
 *
 * @param firstEpoch the first epoch (1-based, inclusive) of this phase; it lasts until the next
 *     phase's first epoch, or to the end of training for the last phase
 * @param lr the learning rate eta, finite and {@code >= 0}
 * @param wd the weight decay lambda, finite and {@code >= 0}
 */
public record Phase(int firstEpoch, double lr, double wd) {

    /** Validates the values and folds {@code -0.0} into {@code 0.0}. */
    public Phase {
        if (firstEpoch < 1) {
            throw new IllegalArgumentException("firstEpoch must be >= 1, got " + firstEpoch);
        }
        requireRate("lr", lr);
        requireRate("wd", wd);
        // -0.0 passes ">= 0" but record equality (Double.compare) and toText would keep its sign;
        // adding 0.0 turns it into +0.0 so that equal settings compare and print equal.
        lr = lr + 0.0;
        wd = wd + 0.0;
    }

    /** The intrinsic learning rate {@code lambda_e = eta * lambda} of this phase. */
    public double intrinsicLr() {
        return lr * wd;
    }

    private static void requireRate(String key, double value) {
        // "!(value >= 0)" also rejects NaN, which every comparison answers with false.
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + " must be finite and >= 0, got " + value);
        }
    }
}
