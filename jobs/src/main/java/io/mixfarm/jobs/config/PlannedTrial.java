package io.mixfarm.jobs.config;

import io.mixfarm.core.trial.TrialSpec;

import java.util.Objects;

/**
 * One trial an experiment will run: its key and everything the trial runner needs.
 *
 * @param key  which trial, e.g. {@code Const/7}
 * @param spec the trial's data set, model, schedule, epochs, record epochs and seeds
 */
public record PlannedTrial(TrialKey key, TrialSpec spec) {

    /** Checks that the key names the spec's schedule. */
    public PlannedTrial {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(spec, "spec");
        if (!key.schedule().equals(spec.schedule().name())) {
            throw new IllegalArgumentException("trial " + key + " has schedule \"" + spec.schedule().name()
                    + "\" in its spec");
        }
    }
}
