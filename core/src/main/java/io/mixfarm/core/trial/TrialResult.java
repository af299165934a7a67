package io.mixfarm.core.trial;

import java.util.List;

/**
 * The outcome of one finished trial: trained to its last epoch, or ended early because it diverged.
 *
 * @param spec        what was trained
 * @param epochs      metrics of every epoch, in order, up to and including the one it diverged in
 * @param predictions predictions at every record epoch, in order; none from the epoch it diverged in onwards
 * @param wallSeconds wall time of the whole trial, data preparation included
 * @param divergence  why it ended early, or null if it trained to its last epoch
 */
public record TrialResult(TrialSpec spec, List<EpochMetrics> epochs, List<EpochPredictions> predictions,
                          double wallSeconds, Divergence divergence) {

    public TrialResult {
        epochs = List.copyOf(epochs);
        predictions = List.copyOf(predictions);
        if (divergence != null && (epochs.isEmpty() || last(epochs).epoch() != divergence.epoch())) {
            throw new IllegalArgumentException("a trial that diverged in epoch " + divergence.epoch()
                    + " ends with that epoch's metrics");
        }
    }

    /** A trial that trained to its last epoch. */
    public TrialResult(TrialSpec spec, List<EpochMetrics> epochs, List<EpochPredictions> predictions,
                       double wallSeconds) {
        this(spec, epochs, predictions, wallSeconds, null);
    }

    /** Whether the trial ended early because its loss or weights stopped being finite. */
    public boolean diverged() {
        return divergence != null;
    }

    /** The last epoch's metrics. */
    public EpochMetrics last() {
        return last(epochs);
    }

    private static EpochMetrics last(List<EpochMetrics> epochs) {
        return epochs.get(epochs.size() - 1);
    }
}
