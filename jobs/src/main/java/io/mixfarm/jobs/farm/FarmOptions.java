package io.mixfarm.jobs.farm;

import java.util.List;

/**
 * How to run a farm, beyond the experiment config.
 *
 * @param force     start afresh in an output folder that holds another experiment (its outputs are deleted)
 * @param schedules run only the trials of these schedules (empty: all); the folder's identity is still the
 *                  whole experiment's, so runs of different subsets fill one folder
 * @param faults    injected trial failures, for tests
 * @param retryDiverged rerun the trials whose row says diverged (resume leaves them alone: a trial is
 *                  deterministic, so only a change of code or machine can end it differently)
 * @param allowMixedImplementations resume into a folder whose finished trials another implementation computed
 *                  (another version, commit, kernels or backend); refused otherwise
 */
public record FarmOptions(boolean force, List<String> schedules, Faults faults, boolean retryDiverged,
                          boolean allowMixedImplementations) {

    /**
     * The defaults: refuse a foreign folder and mixed implementations, all schedules, no injected failures, diverged
     * trials stay.
     */
    public static final FarmOptions DEFAULT = new FarmOptions(false, List.of(), Faults.NONE, false, false);

    public FarmOptions {
        schedules = List.copyOf(schedules);
    }

    /** The defaults with injected failures. */
    public static FarmOptions withFaults(Faults faults) {
        return new FarmOptions(false, List.of(), faults, false, false);
    }
}
