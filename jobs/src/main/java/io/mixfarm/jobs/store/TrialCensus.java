package io.mixfarm.jobs.store;

import io.mixfarm.jobs.config.TrialKey;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The trials of an experiment folder by schedule and status: which are samples (what TV, the baseline and the report
 * read, by {@link TrialStatus#isSample()}) and how many were left out, and why.
 */
public final class TrialCensus {

    private final Map<String, TreeSet<Integer>> samples = new TreeMap<>();
    private final Map<TrialStatus, Map<String, Integer>> counts = new EnumMap<>(TrialStatus.class);

    private TrialCensus(Collection<TrialRecord> records) {
        for (TrialStatus status : TrialStatus.values()) {
            counts.put(status, new TreeMap<>());
        }
        for (TrialRecord record : records) {
            counts.get(record.status()).merge(record.schedule(), 1, Integer::sum);
            if (record.status().isSample()) {
                samples.computeIfAbsent(record.schedule(), s -> new TreeSet<>()).add(record.trial());
            }
        }
    }

    /** The census of these rows, e.g. {@code ExperimentStore.trials().values()}. */
    public static TrialCensus of(Collection<TrialRecord> records) {
        return new TrialCensus(records);
    }

    /** The sample trials of a schedule, ascending; empty if it has none. */
    public List<Integer> samples(String schedule) {
        TreeSet<Integer> trials = samples.get(schedule);
        return trials == null ? List.of() : List.copyOf(trials);
    }

    /** Whether the trial is a sample. */
    public boolean isSample(TrialKey key) {
        TreeSet<Integer> trials = samples.get(key.schedule());
        return trials != null && trials.contains(key.trial());
    }

    /** How many trials of a schedule have a row with this status. */
    public int count(TrialStatus status, String schedule) {
        return counts.get(status).getOrDefault(schedule, 0);
    }

    /** Per schedule with at least one such trial, by name, how many rows say {@code status}. */
    public Map<String, Integer> counts(TrialStatus status) {
        return Collections.unmodifiableMap(counts.get(status));
    }

    /** How many rows say {@code status}, over all schedules. */
    public int total(TrialStatus status) {
        return counts.get(status).values().stream().mapToInt(Integer::intValue).sum();
    }
}
