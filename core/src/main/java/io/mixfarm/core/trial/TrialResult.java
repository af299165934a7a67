package io.mixfarm.core.trial;

import java.util.List;

/**
 * The outcome of one finished trial.
 *
 * @param spec        what was trained
 * @param epochs      metrics of every epoch, in order
 * @param predictions predictions at every record epoch, in order
 * @param wallSeconds wall time of the whole trial, data preparation included
 */
public record TrialResult(TrialSpec spec, List<EpochMetrics> epochs, List<EpochPredictions> predictions,
                          double wallSeconds) {

    public TrialResult {
        epochs = List.copyOf(epochs);
        predictions = List.copyOf(predictions);
    }

    /** The last epoch's metrics. */
    public EpochMetrics last() {
        return epochs.get(epochs.size() - 1);
    }
}
