package io.mixfarm.jobs.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * A schedule that shares its first epochs with another (docs/method.md, "Forks"): trial k of {@code child} starts
 * from the snapshot of trial k of {@code parent} after epoch {@code at}, and takes the parent's seeds, so it is
 * exactly the trial a plain run of the child would train. Declared in the child's schedule entry as
 * {@code fork = { from = "R", at = 8 }}; {@link ExperimentConfig} checks it against the schedules.
 *
 * @param child  the schedule that forks
 * @param parent the schedule it forks from
 * @param at     the last epoch the two share, {@code >= 1}
 */
public record Fork(String child, String parent, int at) implements Serializable {

    public Fork {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
    }

    /** {@code child <- parent@at}, as {@code --dry-run} prints it. */
    public String describe() {
        return child + " forks from " + parent + " after epoch " + at;
    }
}
