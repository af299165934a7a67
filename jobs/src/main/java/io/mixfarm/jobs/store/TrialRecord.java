package io.mixfarm.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialSpec;
import io.mixfarm.jobs.config.TrialKey;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code trials} row of one finished trial: what ran, where, when, and how it ended.
 *
 * @param schedule        the schedule's name, also the {@code schedule=} partition directory
 * @param trial           the trial's index within its schedule, at least 0
 * @param status          how it ended
 * @param seed            the trial seed (minibatch order, and initial weights unless {@code initSeed} differs)
 * @param initSeed        the seed of the initial weights
 * @param spec            a one-line description of the {@code TrialSpec}, e.g. {@link #describe(TrialSpec)}
 * @param host            the host that ran the trial
 * @param device          what it ran on, e.g. {@code cpu:2-threads} or {@code cuda:1}
 * @param attempt         which attempt this was (as the farm counts attempts)
 * @param startMillis     start, milliseconds since the Unix epoch
 * @param endMillis       end, milliseconds since the Unix epoch, not before the start
 * @param wallSeconds     wall time of the trial
 * @param finalTrainError the last epoch's training error; null unless the trial succeeded
 * @param finalTestError  the last epoch's test error; null unless the trial succeeded
 * @param error           why the trial failed for good or diverged; null if it succeeded
 * @param implementation  what computed the trial; null if unknown (rows written before it was recorded)
 * @param data            what the trial read; null if unknown (rows written before it was recorded)
 */
public record TrialRecord(String schedule, int trial, TrialStatus status, long seed, long initSeed, String spec,
                          String host, String device, int attempt, long startMillis, long endMillis,
                          double wallSeconds, Double finalTrainError, Double finalTestError, String error,
                          Implementation implementation, DataFingerprint data) {

    /** Checks what the Parquet schema and the folder layout need; throws {@link IllegalArgumentException}. */
    public TrialRecord {
        TrialKey key = new TrialKey(schedule, trial); // checks the schedule name and the index, as every key's
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(device, "device");
        if (endMillis < startMillis) {
            throw new IllegalArgumentException("trial " + key + " ends (" + endMillis
                    + ") before it starts (" + startMillis + ")");
        }
        Objects.requireNonNull(status, "status");
        if (status.hasError() && error == null) {
            throw new IllegalArgumentException("a " + status + " trial needs its error message");
        }
        if (!status.hasError() && error != null) {
            throw new IllegalArgumentException("a " + status + " trial has no error, got: " + error);
        }
    }

    /**
     * The row of a trial that trained to its end: succeeded, with its final errors, or diverged, with why (its final
     * errors would be those of NaN scores). Seeds, spec and wall time from the result.
     */
    public static TrialRecord finished(String schedule, int trial, TrialResult result, String host, String device,
                                       int attempt, long startMillis, long endMillis, Implementation implementation,
                                       DataFingerprint data) {
        TrialSpec spec = result.spec();
        if (result.diverged()) {
            return new TrialRecord(schedule, trial, TrialStatus.DIVERGED, spec.seed(), spec.initSeed(),
                    describe(spec), host, device, attempt, startMillis, endMillis, result.wallSeconds(), null, null,
                    result.divergence().describe(), implementation, data);
        }
        return new TrialRecord(schedule, trial, TrialStatus.SUCCEEDED, spec.seed(), spec.initSeed(), describe(spec),
                host, device, attempt, startMillis, endMillis, result.wallSeconds(), result.last().trainError(),
                result.last().testError(), null, implementation, data);
    }

    /** The row of a trial that failed for good; its wall time is the span from start to end. */
    public static TrialRecord failed(String schedule, int trial, TrialSpec spec, String host, String device,
                                     int attempt, long startMillis, long endMillis, String error,
                                     Implementation implementation, DataFingerprint data) {
        return new TrialRecord(schedule, trial, TrialStatus.FAILED, spec.seed(), spec.initSeed(), describe(spec), host,
                device, attempt, startMillis, endMillis, (endMillis - startMillis) / 1000.0, null, null, error,
                implementation, data);
    }

    /**
     * A trial spec as one line of JSON, enough to rerun the trial outside the farm, e.g.
     * {@code {"dataset":"mnist-sample","normalise":"none","augment":"none","model":"mnist-cnn","width":32,
     * "bn_eps":1.0E-8,"schedule":"Const",
     * "schedule_text":"1: lr=0.1 wd=0.1; ...","epochs":200,"batch_size":128,"record_epochs":[120,200],
     * "seed":7,"init_seed":7}}.
     */
    public static String describe(TrialSpec spec) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("dataset", spec.dataset());
        fields.put("normalise", spec.preprocessing().normalise().label());
        fields.put("augment", spec.preprocessing().augment().label());
        fields.put("model", spec.model().architecture());
        fields.put("width", spec.model().width());
        fields.put("bn_eps", spec.model().bnEps());
        fields.put("schedule", spec.schedule().name());
        fields.put("schedule_text", spec.schedule().toText());
        fields.put("epochs", spec.epochs());
        fields.put("batch_size", spec.batchSize());
        fields.put("record_epochs", spec.recordEpochs());
        fields.put("seed", spec.seed());
        fields.put("init_seed", spec.initSeed());
        try {
            return new ObjectMapper().writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a trial spec as JSON", e);
        }
    }

    /** Whether the trial succeeded. */
    public boolean isSucceeded() {
        return status == TrialStatus.SUCCEEDED;
    }

    /** Which trial this row is of, e.g. {@code Const/7}: its key in {@link ExperimentStore#trials()}. */
    public TrialKey key() {
        return new TrialKey(schedule, trial);
    }
}
