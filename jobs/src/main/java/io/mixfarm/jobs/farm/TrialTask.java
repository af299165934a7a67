package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.trial.SnapshotRequest;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.PlannedTrial;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.device.Device;
import io.mixfarm.jobs.device.DeviceBinding;
import io.mixfarm.jobs.device.Nd4jDevices;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.ForkStart;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Spark task: trains one trial on the executor and makes its outputs durable there, then reports its
 * {@code trials} row back to the driver. A trial that diverges is a result like any other: its outputs and a
 * "diverged" row are written and reported.
 *
 * <p>Failures: an attempt that throws before Spark's last attempt rethrows, so Spark retries the trial
 * (elsewhere, if the executor is gone). On the last attempt the failure becomes data: a "failed" row in
 * {@code trials/}, reported like any other, so the farm finishes the other trials instead of aborting the job. Errors
 * that leave the JVM usable count as failures of the trial too: {@link OutOfMemoryError} (ND4J's memory limit,
 * {@code org.bytedeco.javacpp.maxphysicalbytes}, throws it by design, before the allocation), {@link
 * StackOverflowError}, ND4J's native {@code BlasException} and a {@link LinkageError} of natives that do not load.
 * Before the last attempt they are rethrown as an exception that carries their message and stack trace but not the
 * error itself: Spark's executor exits when a task throws an error or an exception caused by one (it searches the
 * cause chain, {@code spark.executor.killOnFatalError.depth}), and in local mode that ends the whole run. Other
 * {@link VirtualMachineError}s ({@link InternalError}, {@link UnknownError}) pass through untouched: the JVM itself
 * is broken.
 *
 * <p>An attempt that Spark killed (a job cancelled, or a copy that lost a race) ends as killed, whatever it threw,
 * and never writes a failed row. Speculative copies would count as attempts too ({@link TaskContext#attemptNumber()}
 * does not tell a retry from a copy, and nothing else in the task context does), so a failing copy could take the
 * last-attempt path while the original still trains and, returning first, end the trial as failed: the farm turns
 * speculation off ({@link FarmJob}).
 */
final class TrialTask implements Function<TrialKey, TrialRecord> {

    private static final long serialVersionUID = 1L;

    private final String config;
    private final Broadcast<Dataset> data;
    private final SerializableConfiguration hadoop;
    private final HashMap<String, String> provenance;
    private final int lastAttempt;
    private final Faults faults;
    private final EnumMap<TrialStatus, LongAccumulator> endings;
    private final DataFingerprint dataFingerprint;
    private final HashMap<TrialKey, List<Integer>> checkpointEpochs;

    /**
     * @param config      the rendered experiment config (re-parsed on the executor: small, and one code path)
     * @param data        the data set, broadcast once per executor
     * @param hadoop      the driver's Hadoop configuration, for the output file system
     * @param provenance  the experiment-wide provenance, extended per trial
     * @param lastAttempt Spark's last attempt number for a task ({@code maxFailures - 1})
     * @param faults      injected failures (tests)
     * @param endings     counts trials that failed for good or diverged, per status, so the driver's progress can
     *                    tell
     * @param dataFingerprint the data's fingerprint, taken once on the driver, for every trial's row
     * @param checkpointEpochs per trial key, the epochs after which the trial writes its checkpoint for the forks
     *                        that will start from it (none for a key not in the map)
     */
    TrialTask(String config, Broadcast<Dataset> data, SerializableConfiguration hadoop,
              Map<String, String> provenance, int lastAttempt, Faults faults,
              Map<TrialStatus, LongAccumulator> endings, DataFingerprint dataFingerprint,
              Map<TrialKey, List<Integer>> checkpointEpochs) {
        this.config = config;
        this.data = data;
        this.hadoop = hadoop;
        this.provenance = new HashMap<>(provenance);
        this.lastAttempt = lastAttempt;
        this.faults = faults;
        this.endings = new EnumMap<>(endings);
        this.dataFingerprint = dataFingerprint;
        this.checkpointEpochs = new HashMap<>();
        checkpointEpochs.forEach((key, epochs) -> this.checkpointEpochs.put(key, List.copyOf(epochs)));
    }

    @Override
    public TrialRecord call(TrialKey key) {
        TaskContext context = TaskContext.get();
        int attempt = context.attemptNumber();
        ExperimentConfig experiment = ExperimentConfig.parse(config, List.of());
        PlannedTrial planned = experiment.planned(key);
        ExperimentStore store = new ExperimentStore(experiment.output(), hadoop.value());
        String host = hostName();
        // The row records the threads the trial really ran with (its results depend on them), which is the
        // process's OpenMP count: the config's threads-per-trial reaches executors as their OMP_NUM_THREADS, but a
        // local farm runs with whatever its launcher started the JVM with.
        Device device = new DeviceBinding(Nd4jDevices.ND4J).bind(resources(context), RuntimeSetup.openMpThreads());
        Implementation implementation = Provenance.implementation(planned.spec().model());
        Map<String, String> trialProvenance = trialProvenance(planned, host, device, attempt);
        trialProvenance.put("mixfarm.implementation", implementation.text());

        long start = System.currentTimeMillis();
        try {
            faults.maybeFail(key, attempt);
            int threads = RuntimeSetup.openMpThreads();
            ForkStart fork = ForkStart.of(experiment, store, key, implementation, threads);
            if (!fork.how().isEmpty()) {
                trialProvenance.put("mixfarm.fork", fork.how());
            }
            Set<Integer> snapshotEpochs = Set.copyOf(checkpointEpochs.getOrDefault(key, List.of()));
            SnapshotRequest snapshots = snapshotEpochs.isEmpty() ? SnapshotRequest.NONE : new SnapshotRequest(
                    snapshotEpochs, snapshot -> store.writeCheckpoint(key.schedule(), key.trial(),
                    snapshot.withOrigin(ForkStart.origin(implementation, threads))));
            TrialResult result = new TrialRunner().run(planned.spec(), data.value(), fork.snapshot(),
                    TrialObserver.NONE, snapshots);
            long end = System.currentTimeMillis();
            TrialRecord record = TrialRecord.finished(key.schedule(), key.trial(), result, host, device.label(),
                    attempt, start, end, implementation, dataFingerprint);
            store.writeTrial(key.schedule(), key.trial(), result, data.value().test().labels(), record,
                    trialProvenance);
            count(record.status());
            return record;
        } catch (Throwable e) {
            if (isFatal(e)) {
                throw e;
            }
            context.killTaskIfInterrupted(); // Spark's TaskKilledException: neither a failure nor an executor exit
            String message = describe(e);
            if (attempt < lastAttempt) {
                throw e instanceof RuntimeException runtime && !causedByError(runtime) ? runtime
                        : new TrialAttemptFailed(message, e);
            }
            long end = System.currentTimeMillis();
            TrialRecord record = TrialRecord.failed(key.schedule(), key.trial(), planned.spec(), host,
                    device.label(), attempt, start, end, message, implementation, dataFingerprint);
            store.writeFailure(record, trialProvenance);
            count(TrialStatus.FAILED);
            return record;
        }
    }

    /**
     * Whether an error leaves the JVM unusable, so it must end the executor rather than one trial: a
     * {@link VirtualMachineError} other than running out of heap, native memory or stack.
     */
    static boolean isFatal(Throwable e) {
        return e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError || e instanceof StackOverflowError);
    }

    /** Whether an error is in the cause chain of an exception (e.g. ND4J wrapping JavaCPP's OutOfMemoryError). */
    static boolean causedByError(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            if (cause instanceof Error) {
                return true;
            }
        }
        return false;
    }

    /** The error as the {@code error} column keeps it: its class and message. */
    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void count(TrialStatus status) {
        LongAccumulator accumulator = endings.get(status);
        if (accumulator != null) {
            accumulator.add(1);
        }
    }

    /**
     * An error of one attempt, as an exception without the error as its cause: Spark retries the task instead of
     * ending the executor.
     */
    static final class TrialAttemptFailed extends RuntimeException {

        private static final long serialVersionUID = 1L;

        TrialAttemptFailed(String message, Throwable error) {
            super(message);
            setStackTrace(error.getStackTrace());
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
