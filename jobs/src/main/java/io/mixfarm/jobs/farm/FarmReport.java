package io.mixfarm.jobs.farm;

import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;

import java.util.List;

/**
 * The result of one farm run over an experiment folder.
 *
 * @param planned      trials in the experiment (after any --schedules/--trials selection)
 * @param skipped      trials already complete in the output folder, not rerun
 * @param outcomes     the {@code trials} row of each trial run now, as its task reported it
 * @param wallSeconds  wall time of the Spark job (session start excluded)
 * @param slots        trials Spark could run at once
 */
public record FarmReport(int planned, int skipped, List<TrialRecord> outcomes, double wallSeconds, int slots) {

    public FarmReport {
        outcomes = List.copyOf(outcomes);
    }

    /** The trials that failed for good. */
    public List<TrialRecord> failed() {
        return withStatus(TrialStatus.FAILED);
    }

    /** The trials that diverged: a result, not a failure. */
    public List<TrialRecord> diverged() {
        return withStatus(TrialStatus.DIVERGED);
    }

    private List<TrialRecord> withStatus(TrialStatus status) {
        return outcomes.stream().filter(o -> o.status() == status).toList();
    }

    /** Sum of the trials' own wall times. */
    public double trialSeconds() {
        return outcomes.stream().mapToDouble(TrialRecord::wallSeconds).sum();
    }

    /**
     * Farm overhead: wall time against the ideal {@code sum(trial times) / slots}, minus one (0.05 = 5% slower
     * than perfect packing). NaN when nothing ran.
     */
    public double overhead() {
        if (outcomes.isEmpty()) {
            return Double.NaN;
        }
        double ideal = trialSeconds() / Math.min(slots, outcomes.size());
        return wallSeconds / ideal - 1;
    }
}
