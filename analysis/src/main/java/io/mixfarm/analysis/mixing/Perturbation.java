package io.mixfarm.analysis.mixing;

/**
 * Where a mixing-time study's perturbation falls on the SGD-step axis (docs/method.md, "Mixing-time study"): both
 * branches share the first {@code T0} epochs, so the perturbation is at step {@code T0 * S}, and a record point's
 * time is its steps after it. The one rule for the mixing job's clocks and the report's curves.
 *
 * @param prefixEpochs  {@code T0}, the epochs both schedules share, at least 1
 * @param stepsPerEpoch {@code S}, SGD steps per epoch, at least 1
 */
public record Perturbation(int prefixEpochs, int stepsPerEpoch) {

    public Perturbation {
        if (prefixEpochs < 1 || stepsPerEpoch < 1) {
            throw new IllegalArgumentException("need prefixEpochs >= 1 and stepsPerEpoch >= 1, got " + prefixEpochs
                    + " and " + stepsPerEpoch);
        }
    }

    /** The step at which the perturbation starts, the end of epoch {@code T0}: {@code T0 * S}. */
    public long step() {
        return (long) prefixEpochs * stepsPerEpoch;
    }

    /** SGD steps after the perturbation of the point at {@code step} ({@code step - T0 * S}; negative before it). */
    public double stepsAfter(long step) {
        return step - step();
    }
}
