package io.mixfarm.core.trial;

import java.util.List;

/**
 * The outcome of one finished trial: trained to its last epoch, or ended early because it diverged.
 *
 * @param spec          what was trained
 * @param stepsPerEpoch SGD steps in one epoch, which turns an epoch's end into a step ({@link RecordPoint})
 * @param epochs        metrics of every epoch, in order, up to and including the one it diverged in
 * @param steps         metrics at the record points inside epochs ({@link RecordSteps}), in order; empty when the
 *                      trial records only at epoch ends
 * @param predictions   predictions at every record point, in order; none from the epoch it diverged in onwards
 * @param wallSeconds   wall time of the whole trial, data preparation included
 * @param divergence    why it ended early, or null if it trained to its last epoch
 */
public record TrialResult(TrialSpec spec, int stepsPerEpoch, List<EpochMetrics> epochs, List<StepMetrics> steps,
                          List<EpochPredictions> predictions, double wallSeconds, Divergence divergence) {

    public TrialResult {
        epochs = List.copyOf(epochs);
        steps = List.copyOf(steps);
        predictions = List.copyOf(predictions);
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        }
        if (divergence != null && (epochs.isEmpty() || last(epochs).epoch() != divergence.epoch())) {
            throw new IllegalArgumentException("a trial that diverged in epoch " + divergence.epoch()
                    + " ends with that epoch's metrics");
        }
    }

    /** A trial that trained to its last epoch. */
    public TrialResult(TrialSpec spec, int stepsPerEpoch, List<EpochMetrics> epochs, List<StepMetrics> steps,
                       List<EpochPredictions> predictions, double wallSeconds) {
        this(spec, stepsPerEpoch, epochs, steps, predictions, wallSeconds, null);
    }

    /** Whether the trial ended early because its loss or weights stopped being finite. */
    public boolean diverged() {
        return divergence != null;
    }

    /** The last epoch's metrics. */
    public EpochMetrics last() {
        return last(epochs);
    }

    /** The step at the end of {@code epoch}. */
    public long stepAtEnd(int epoch) {
        return (long) epoch * stepsPerEpoch;
    }

    private static EpochMetrics last(List<EpochMetrics> epochs) {
        return epochs.get(epochs.size() - 1);
    }
}
