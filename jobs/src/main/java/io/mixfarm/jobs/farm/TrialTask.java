package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.PlannedTrial;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialRecord;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Spark task: trains one trial on the executor and makes its outputs durable there, then reports back.
 *
 * <p>Failures: an attempt that throws before Spark's last attempt rethrows, so Spark retries the trial
 * (elsewhere, if the executor is gone). On the last attempt the failure becomes data: a "failed" row in
 * {@code trials/} and a failed outcome, so the farm finishes the other trials instead of aborting the job.
 */
final class TrialTask implements Function<TrialKey, TrialOutcome> {

    private static final long serialVersionUID = 1L;

    private final String config;
    private final Broadcast<Dataset> data;
    private final SerializableConfiguration hadoop;
    private final HashMap<String, String> provenance;
    private final int lastAttempt;
    private final Faults faults;
    private final LongAccumulator failedTrials;
    private final DataFingerprint dataFingerprint;

    /**
     * @param config      the rendered experiment config (re-parsed on the executor: small, and one code path)
     * @param data        the data set, broadcast once per executor
     * @param hadoop      the driver's Hadoop configuration, for the output file system
     * @param provenance  the experiment-wide provenance, extended per trial
     * @param lastAttempt Spark's last attempt number for a task ({@code maxFailures - 1})
     * @param faults      injected failures (tests)
     * @param failedTrials counts trials that failed for good, so the driver's progress can tell
     * @param dataFingerprint the data's fingerprint, taken once on the driver, for every trial's row
     */
    TrialTask(String config, Broadcast<Dataset> data, SerializableConfiguration hadoop,
              Map<String, String> provenance, int lastAttempt, Faults faults, LongAccumulator failedTrials,
              DataFingerprint dataFingerprint) {
        this.config = config;
        this.data = data;
        this.hadoop = hadoop;
        this.provenance = new HashMap<>(provenance);
        this.lastAttempt = lastAttempt;
        this.faults = faults;
        this.failedTrials = failedTrials;
        this.dataFingerprint = dataFingerprint;
    }

    @Override
    public TrialOutcome call(TrialKey key) {
        TaskContext context = TaskContext.get();
        int attempt = context.attemptNumber();
        ExperimentConfig experiment = ExperimentConfig.parse(config, List.of());
        PlannedTrial planned = experiment.planned(key);
        ExperimentStore store = new ExperimentStore(experiment.output(), hadoop.value());
        String host = hostName();
        Device device = new DeviceBinding(Nd4jDevices.ND4J).bind(resources(context), experiment.threadsPerTrial());
        Implementation implementation = Provenance.implementation(planned.spec().model());
        Map<String, String> trialProvenance = trialProvenance(planned, host, device, attempt);
        trialProvenance.put("mixfarm.implementation", implementation.text());

        long start = System.currentTimeMillis();
        try {
            faults.maybeFail(key.toString(), attempt);
            TrialResult result = new TrialRunner().run(planned.spec(), data.value(), TrialObserver.NONE);
            long end = System.currentTimeMillis();
            TrialRecord record = TrialRecord.succeeded(key.schedule(), key.trial(), result, host, device.label(),
                    attempt, start, end, implementation, dataFingerprint);
            store.writeTrial(key.schedule(), key.trial(), result, data.value().test().labels(), record,
                    trialProvenance);
            return new TrialOutcome(key.toString(), TrialRecord.SUCCEEDED, attempt, host, device.label(),
                    result.wallSeconds(), result.last().testError(), null);
        } catch (RuntimeException e) {
            if (attempt < lastAttempt) {
                throw e;
            }
            long end = System.currentTimeMillis();
            String message = e.getClass().getSimpleName() + ": " + e.getMessage();
            TrialRecord record = TrialRecord.failed(key.schedule(), key.trial(), planned.spec(), host,
                    device.label(), attempt, start, end, message, implementation, dataFingerprint);
            store.writeFailure(record, trialProvenance);
            failedTrials.add(1);
            return new TrialOutcome(key.toString(), TrialRecord.FAILED, attempt, host, device.label(),
                    record.wallSeconds(), Double.NaN, message);
        }
    }

    private Map<String, String> trialProvenance(PlannedTrial planned, String host, Device device, int attempt) {
        Map<String, String> map = new HashMap<>(provenance);
        map.put("mixfarm.schedule", planned.key().schedule());
        map.put("mixfarm.trial", Integer.toString(planned.key().trial()));
        map.put("mixfarm.seed", Long.toString(planned.spec().seed()));
        map.put("mixfarm.init_seed", Long.toString(planned.spec().initSeed()));
        map.put("mixfarm.host", host);
        map.put("mixfarm.device", device.label());
        map.put("mixfarm.attempt", Integer.toString(attempt));
        map.putAll(Provenance.runtime());
        return map;
    }

    private static Map<String, List<String>> resources(TaskContext context) {
        Map<String, List<String>> map = new HashMap<>();
        scala.jdk.javaapi.CollectionConverters.asJava(context.resources()).forEach(
                (name, info) -> map.put(name, Arrays.asList(info.addresses())));
        return map;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
