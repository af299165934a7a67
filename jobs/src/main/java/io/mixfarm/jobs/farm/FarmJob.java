package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.DatasetSpec;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.data.DigestCache;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.PlannedTrial;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.BuildInfo;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.experiment.Provenance;
import io.mixfarm.jobs.spark.KryoSetup;
import io.mixfarm.jobs.store.Checkpoint;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The trial farm: plans an experiment's trials, skips those already complete in its output folder, and runs
 * the rest as one Spark task per trial; each task makes its trial's Parquet outputs durable on the executor.
 * The master comes from spark-submit or the launcher, never from here.
 */
public final class FarmJob {

    private static final String JOB_GROUP = "mixfarm-farm";
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:\\s*,\\s*(\\d+))?]|local");
    /**
     * glibc settings of every training JVM: submit/lib.sh's {@code mf_glibc_default}, copied for executors that no
     * launcher script starts ({@code MallocSettingsTest} keeps the copy equal).
     */
    static final String GLIBC_TUNABLES =
            "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456";

    private final PrintStream out;

    public FarmJob(PrintStream out) {
        this.out = out;
    }

    /** Runs what is missing of the experiment and reports what happened. */
    public FarmReport run(ExperimentConfig config, FarmOptions options) {
        ExperimentFolder folder = ExperimentFolder.at(config.output(), new Configuration());
        folder.claim(config, options.force());
        ExperimentStore store = folder.store();
        ExperimentConfig selected = options.schedules().isEmpty() ? config : config.withSchedules(options.schedules());
        Map<TrialKey, TrialRecord> rows = store.trials();
        List<TrialKey> pending = pendingTrials(selected, rows, options.retryDiverged());
        int planned = selected.plan().size();
        long diverged = selected.plan().stream().map(p -> rows.get(p.key()))
                .filter(row -> row != null && row.status() == TrialStatus.DIVERGED).count();
        String keptDiverged = diverged == 0 || options.retryDiverged() ? ""
                : String.format(" (%d diverged, kept: --retry-diverged reruns them)", diverged);
        if (pending.isEmpty()) {
            out.printf("all %d trials of %s are complete in %s%s%n", planned, config.name(), config.output(),
                    keptDiverged);
            return new FarmReport(planned, planned, List.of(), 0, 0);
        }
        DataFingerprint fingerprint = DataFingerprint.of(DatasetSpec.parse(config.data()), DigestCache.user());
        checkFingerprints(rows.values(), fingerprint, driverImplementation(config),
                options.allowMixedImplementations(), config.output(), out);
        Dataset data = Datasets.open(config.data());
        out.printf("mixfarm farm %s: %d trials planned, %d complete%s, %d to run; output %s%n", config.name(),
                planned, planned - pending.size(), keptDiverged, pending.size(), config.output());
        for (TrialKey key : pending) {
            TrialRecord row = rows.get(key);
            if (row != null && row.status() == TrialStatus.DIVERGED) {
                // Its metrics and predictions would be kept over the rerun's (a file that exists is kept).
                store.deleteTrial(key.schedule(), key.trial());
            }
        }

        SparkSession spark = startSpark(config, out);
        try {
            return runTrials(spark, config, folder, data, fingerprint, pending, options.faults(), planned);
        } finally {
            spark.stop();
        }
    }

    /**
     * Refuses to add trials to a folder whose finished trials read other data, or, unless {@code allowMixed}, were
     * computed by another implementation: one experiment, one implementation, one data set. Rows written before
     * the fingerprints were recorded have neither: their data is taken on trust (said in one line), while their
     * implementation is certainly an older one, so it counts as another.
     *
     * @param ours the implementation this run's trials will record, as far as the driver can tell
     */
    static void checkFingerprints(Collection<TrialRecord> trials, DataFingerprint data, Implementation ours,
                                  boolean allowMixed, String output, PrintStream out) {
        List<TrialRecord> finished = trials.stream().filter(TrialRecord::isSucceeded).toList();
        Map<String, Long> otherData = finished.stream().filter(r -> r.data() != null && !r.data().equals(data))
                .collect(Collectors.groupingBy(r -> r.data().abbreviated(), TreeMap::new, Collectors.counting()));
        if (!otherData.isEmpty()) {
            throw new ExperimentException(output + ": its finished trials read other data ("
                    + Implementation.inTrials(otherData) + "; the data now is " + data.abbreviated()
                    + "): restore the data they read, or run into another output folder");
        }
        long unknownData = finished.stream().filter(r -> r.data() == null).count();
        if (unknownData > 0) {
            out.printf("%s: %d finished %s data fingerprints; their data cannot be checked%n", output, unknownData,
                    unknownData == 1 ? "trial predates" : "trials predate");
        }
        Map<String, Long> others = finished.stream().filter(r -> !ours.matches(r.implementation()))
                .collect(Collectors.groupingBy(r -> Implementation.label(r.implementation()), TreeMap::new,
                        Collectors.counting()));
        if (others.isEmpty()) {
            return;
        }
        String message = output + ": finished trials were computed by another implementation ("
                + Implementation.inTrials(others) + "; this run: " + ours.text() + ")";
        if (!allowMixed) {
            throw new ExperimentException(message + "; run into another output folder, or pass "
                    + "--allow-mixed-implementations to mix them knowingly");
        }
        out.println("mixing implementations, as allowed: " + message);
    }

    /**
     * The implementation this run's trials will record, as far as the driver can tell: a driver that cannot load
     * the jar's ND4J backend (the CUDA jar on a login node) leaves the backend {@link Implementation#UNKNOWN_BACKEND}.
     */
    private static Implementation driverImplementation(ExperimentConfig config) {
        try {
            return Provenance.implementation(config.model());
        } catch (RuntimeException | LinkageError e) {
            BuildInfo build = BuildInfo.current();
            return new Implementation(build.version(), build.commit(), Networks.kernels(config.model()).label(),
                    Implementation.UNKNOWN_BACKEND);
        }
    }

    /**
     * The planned trials without a final row (succeeded or diverged); with {@code retryDiverged} the diverged
     * ones too.
     */
    static List<TrialKey> pendingTrials(ExperimentConfig config, Map<TrialKey, TrialRecord> rows,
                                        boolean retryDiverged) {
        return config.plan().stream().map(PlannedTrial::key).filter(key -> {
            TrialRecord row = rows.get(key);
            return row == null || !row.status().isFinal() || retryDiverged && row.status() == TrialStatus.DIVERGED;
        }).toList();
    }

    private static SparkSession startSpark(ExperimentConfig config, PrintStream out) {
        SparkConf defaults = new SparkConf();
        String threads = Integer.toString(config.threadsPerTrial());
        SparkSession.Builder builder = SparkSession.builder().appName("mixfarm " + config.name())
                .config("spark.serializer", KryoSerializer.class.getName())
                .config("spark.kryo.registrator", KryoSetup.class.getName());
        // Executors inherit these at launch: OpenMP threads per trial (results depend on it) and glibc's malloc
        // settings; a user's own spark-submit --conf wins.
        setIfAbsent(builder, defaults, "spark.executorEnv.OMP_NUM_THREADS", threads);
        setIfAbsent(builder, defaults, "spark.executorEnv.GLIBC_TUNABLES", GLIBC_TUNABLES);
        setIfAbsent(builder, defaults, "spark.task.cpus", threads);
        // A task cannot tell a speculative copy from a retry (TrialTask), so a failing copy could record its trial
        // as failed while the original still trains; copies of a deterministic trial would only repeat it anyway.
        if (defaults.getBoolean("spark.speculation", false)) {
            out.println("spark.speculation=true ignored: the farm runs one copy of each trial at a time");
        }
        builder.config("spark.speculation", "false");
        SparkSession spark = builder.getOrCreate();
        int openMp = RuntimeSetup.openMpThreads();
        if (spark.sparkContext().isLocal() && openMp != config.threadsPerTrial()) {
            // OpenMP reads its thread count once, when the JVM starts: a local farm cannot change it.
            out.printf("threads-per-trial = %d, but this local farm's trials run with the %d OpenMP threads this JVM "
                    + "started with (set MIXFARM_THREADS=%d to match); their rows record %d%n",
                    config.threadsPerTrial(), openMp, config.threadsPerTrial(), openMp);
        }
        return spark;
    }

    private static void setIfAbsent(SparkSession.Builder builder, SparkConf conf, String key, String value) {
        if (!conf.contains(key)) {
            builder.config(key, value);
        }
    }

    private FarmReport runTrials(SparkSession spark, ExperimentConfig config, ExperimentFolder folder, Dataset data,
                                 DataFingerprint fingerprint, List<TrialKey> pending, Faults faults, int planned) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, String> provenance = Provenance.experiment(config.render(), config.hash(),
                ExperimentFolder.identityHash(config),
                jsc.sc().applicationId(), jsc.version());
        Map<String, String> manifest = new java.util.LinkedHashMap<>(provenance);
        manifest.putAll(Provenance.driverRuntime());
        manifest.put("spark.master", jsc.master());
        // The analysis needs the number of classes and should not have to read the data set again for it.
        manifest.put("mixfarm.classes", Integer.toString(data.test().classes()));
        manifest.put("mixfarm.data_fingerprint", fingerprint.text());
        folder.recordRun(config.name(), manifest);

        int slots = Math.max(1, jsc.defaultParallelism() / Integer.parseInt(jsc.getConf().get("spark.task.cpus", "1")));
        List<List<TrialKey>> generations = generations(config, pending);
        FarmProgress progress = new FarmProgress(JOB_GROUP, generations, slots, out, System.console() != null);
        jsc.sc().addSparkListener(progress);
        try {
            Broadcast<Dataset> broadcast = jsc.broadcast(data);
            Map<TrialStatus, LongAccumulator> endings = new EnumMap<>(TrialStatus.class);
            for (TrialStatus status : FarmProgress.COUNTED) {
                endings.put(status, jsc.sc().longAccumulator(FarmProgress.accumulator(status)));
            }
            TrialTask task = new TrialTask(config.render(), broadcast, new SerializableConfiguration(
                    jsc.hadoopConfiguration()), provenance, lastAttempt(jsc.getConf()), faults, endings, fingerprint,
                    checkpointEpochs(config, pending, folder.store()));
            long start = System.nanoTime();
            List<TrialRecord> outcomes = new ArrayList<>(pending.size());
            // One job per generation: a fork's trials start once every checkpoint they start from is written. Tasks
            // that waited for their parent instead would hold a slot doing nothing; and since the shared prefix is
            // usually most of a trial, the short tail of a generation costs less than that.
            for (int generation = 0; generation < generations.size(); generation++) {
                List<TrialKey> keys = generations.get(generation);
                if (keys.isEmpty()) {
                    continue;
                }
                jsc.setLocalProperty(FarmProgress.GENERATION, Integer.toString(generation));
                jsc.setJobGroup(JOB_GROUP, String.format("mixfarm %s: %d trials (%s)%s", config.name(), keys.size(),
                        keys.stream().map(TrialKey::schedule).distinct().collect(Collectors.joining(", ")),
                        generations.size() == 1 ? "" : ", fork generation " + generation), false);
                outcomes.addAll(jsc.parallelize(keys, keys.size())
                        .setName("trials of " + config.name())
                        .map(task)
                        .collect());
            }
            double wall = (System.nanoTime() - start) / 1e9;
            return new FarmReport(planned, planned - pending.size(), outcomes, wall, slots);
        } finally {
            jsc.sc().removeSparkListener(progress);
        }
    }

    /**
     * The pending trials by generation, in plan order within each: plain schedules first, then the schedules forking
     * from them, then those forking from those.
     */
    static List<List<TrialKey>> generations(ExperimentConfig config, List<TrialKey> pending) {
        List<List<TrialKey>> generations = new ArrayList<>();
        for (TrialKey key : pending) {
            int generation = config.generation(key.schedule());
            while (generations.size() <= generation) {
                generations.add(new ArrayList<>());
            }
            generations.get(generation).add(key);
        }
        return generations.stream().map(List::copyOf).toList();
    }

    /**
     * Per pending trial, the epochs after which it writes a checkpoint: trial k of a parent writes one at a fork's
     * epoch when trial k of that fork is pending too and the checkpoint is not in the folder yet. A pending fork
     * whose parent already finished without leaving its checkpoint trains the shared epochs itself
     * ({@link io.mixfarm.jobs.store.ForkStart}).
     */
    static Map<TrialKey, List<Integer>> checkpointEpochs(ExperimentConfig config, List<TrialKey> pending,
                                                         ExperimentStore store) {
        Set<TrialKey> running = Set.copyOf(pending);
        Set<Checkpoint> present = Set.copyOf(store.checkpoints());
        Map<TrialKey, List<Integer>> epochs = new TreeMap<>();
        for (TrialKey key : pending) {
            config.forkOf(key.schedule()).ifPresent(fork -> {
                TrialKey parent = new TrialKey(fork.parent(), key.trial());
                Checkpoint checkpoint = new Checkpoint(fork.parent(), fork.at(), key.trial());
                if (running.contains(parent) && !present.contains(checkpoint)) {
                    epochs.computeIfAbsent(parent, k -> new ArrayList<>()).add(fork.at());
                }
            });
        }
        return epochs;
    }

    /**
     * Spark's last attempt number of a task. Local mode allows {@code F} attempts only when the master says
     * {@code local[N,F]} (plain {@code local[N]} gives one); elsewhere {@code spark.task.maxFailures} counts.
     */
    static int lastAttempt(SparkConf conf) {
        Matcher local = LOCAL.matcher(conf.get("spark.master", "local[*]").trim());
        if (local.matches()) {
            return local.group(2) == null ? 0 : Integer.parseInt(local.group(2)) - 1;
        }
        return conf.getInt("spark.task.maxFailures", 4) - 1;
    }

}
