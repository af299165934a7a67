package io.mixfarm.jobs.config;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * Names one trial of an experiment, e.g. {@code Const/7}: the one key type of a trial, in the plan, the farm (what
 * it ships to executors and keys results by), the store's maps and every message. {@link #toString()} writes its
 * text form and {@link #parse(String)} reads it back; nothing else spells it. {@link
 * ExperimentConfig#planned(TrialKey)} gives the trial's full spec.
 *
 * <p>It lives in {@code config}, the lowest package of {@code jobs} (it imports no other), because the plan makes
 * keys and the store, farm, TV job and CLI all depend on {@code config}, never the other way.
 *
 * @param schedule the schedule's name, valid by {@link ScheduleName}
 * @param trial    the trial's 0-based index within its schedule
 */
public record TrialKey(String schedule, int trial) implements Serializable, Comparable<TrialKey> {

    /** The separator of the text form; a schedule name never holds it ({@link ScheduleName}). */
    private static final char SEPARATOR = '/';
    private static final Comparator<TrialKey> ORDER =
            Comparator.comparing(TrialKey::schedule).thenComparingInt(TrialKey::trial);

    /**
     * Checks the schedule name and the index.
     *
     * @throws IllegalArgumentException naming the key and what is wrong with it, in one line
     */
    public TrialKey {
        Objects.requireNonNull(schedule, "schedule");
        String problem = ScheduleName.problem(schedule);
        if (problem != null) {
            throw new IllegalArgumentException("trial key " + text(schedule, trial) + ": " + problem);
        }
        if (trial < 0) {
            throw new IllegalArgumentException("trial key " + text(schedule, trial) + ": the trial index must be "
                    + ">= 0");
        }
    }

    /**
     * Reads {@code schedule/trial}, the form {@link #toString()} writes, e.g. as a user types it.
     *
     * @throws IllegalArgumentException one line quoting the text and saying what is wrong with it
     */
    public static TrialKey parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.lastIndexOf(SEPARATOR);
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException(malformed(text, "expected SCHEDULE" + SEPARATOR + "TRIAL, e.g. Const"
                    + SEPARATOR + "7"));
        }
        String schedule = text.substring(0, slash);
        String problem = ScheduleName.problem(schedule);
        if (problem != null) {
            throw new IllegalArgumentException(malformed(text, problem));
        }
        int index;
        try {
            index = parseIndex(text.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(malformed(text, e.getMessage()), e);
        }
        return new TrialKey(schedule, index);
    }

    /**
     * Reads a trial index as a user types it beside a schedule name (e.g. {@code --schedule S --trial K}).
     *
     * @throws IllegalArgumentException one line saying the index is not a whole number >= 0
     */
    public static int parseIndex(String index) {
        Objects.requireNonNull(index, "index");
        // Digits only: Integer.parseInt would also take "+7" or "-0", which toString never writes.
        if (index.isEmpty() || !index.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("trial index \"" + index + "\" is not a whole number >= 0");
        }
        try {
            return Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("trial index " + index + " is too large", e);
        }
    }

    /** {@code schedule/trial}, e.g. {@code Const/7}: the one text form of a trial key, read by {@link #parse}. */
    @Override
    public String toString() {
        return text(schedule, trial);
    }

    /** By schedule name, then by index: the order of the store's listings. */
    @Override
    public int compareTo(TrialKey other) {
        return ORDER.compare(this, other);
    }

    private static String text(String schedule, int trial) {
        return schedule + SEPARATOR + trial;
    }

    private static String malformed(String text, String problem) {
        return "trial key \"" + text + "\": " + problem;
    }
}
