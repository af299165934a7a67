package io.mixfarm.core.schedule;

/**
 * One constant piece of a {@link Schedule}: the learning rate, weight decay and momentum from an epoch on.
 *
 * <p>With momentum {@code beta} the update is the paper's appendix C.1 form (heavy ball, not Nesterov, weight decay
 * inside the velocity, the learning rate outside it): {@code v <- beta*v + grad + lambda*w; w <- w - eta*v}. With
 * {@code beta = 0} that is plain SGD with weight decay, {@code w <- (1 - eta*lambda) w - eta*grad}.
 *
 * @param firstEpoch the first epoch (1-based, inclusive) of this phase; it lasts until the next
 *     phase's first epoch, or to the end of training for the last phase
 * @param lr the learning rate eta, finite and {@code >= 0}
 * @param wd the weight decay lambda, finite and {@code >= 0}
 * @param momentum the momentum factor beta, in {@code [0, 1)}; 0 is plain SGD
 */
public record Phase(int firstEpoch, double lr, double wd, double momentum) {

    /** Validates the values and folds {@code -0.0} into {@code 0.0}. */
    public Phase {
        if (firstEpoch < 1) {
            throw new IllegalArgumentException("firstEpoch must be >= 1, got " + firstEpoch);
        }
        requireRate("lr", lr);
        requireRate("wd", wd);
        // "!(x >= 0)" also rejects NaN; beta = 1 would never forget a gradient.
        if (!(momentum >= 0) || !(momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        // -0.0 passes ">= 0" but record equality (Double.compare) and toText would keep its sign;
        // adding 0.0 turns it into +0.0 so that equal settings compare and print equal.
        lr = lr + 0.0;
        wd = wd + 0.0;
        momentum = momentum + 0.0;
    }

    /** A plain-SGD phase (momentum 0), as every MNIST schedule and table 1 of the paper use. */
    public Phase(int firstEpoch, double lr, double wd) {
        this(firstEpoch, lr, wd, 0.0);
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
