package io.mixfarm.core.trial;

/** Hears about a trial's progress, e.g. to print it; called on the training thread. */
@FunctionalInterface
public interface TrialObserver {

    /** Ignores everything. */
    TrialObserver NONE = metrics -> { };

    /** Called after each epoch's evaluation. */
    void epochFinished(EpochMetrics metrics);
}
