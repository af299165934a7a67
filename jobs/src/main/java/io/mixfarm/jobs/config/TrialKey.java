package io.mixfarm.jobs.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Names one trial of an experiment, e.g. {@code Const/7}: small and serializable, so it is what a farm ships to
 * executors and keys results by; {@link ExperimentConfig#planned(TrialKey)} gives the trial's full spec.
 *
 * @param schedule the schedule's name, valid by {@link ScheduleName}
 * @param trial    the trial's 0-based index within its schedule
 */
public record TrialKey(String schedule, int trial) implements Serializable {

    /** Checks the schedule name and the index. */
    public TrialKey {
        Objects.requireNonNull(schedule, "schedule");
        String problem = ScheduleName.problem(schedule);
        if (problem != null) {
            throw new ConfigException("trial key: " + problem);
        }
        if (trial < 0) {
            throw new ConfigException("trial key: trial index must be >= 0, got " + trial);
        }
    }

    /**
     * Reads {@code schedule/trial}, the form {@link #toString()} writes.
     *
     * @throws ConfigException naming the text if it is not of that form
     */
    public static TrialKey parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.lastIndexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new ConfigException("trial key \"" + text + "\": expected SCHEDULE/TRIAL, e.g. Const/7");
        }
        String index = text.substring(slash + 1);
        // Digits only: Integer.parseInt would also take "+7", which toString never writes.
        if (!index.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ConfigException("trial key \"" + text + "\": trial \"" + index
                    + "\" is not a whole number >= 0");
        }
        try {
            return new TrialKey(text.substring(0, slash), Integer.parseInt(index));
        } catch (NumberFormatException e) {
            throw new ConfigException("trial key \"" + text + "\": trial " + index + " is too large", e);
        }
    }

    /** {@code schedule/trial}, e.g. {@code Const/7}. */
    @Override
    public String toString() {
        return schedule + "/" + trial;
    }
}
