package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.jobs.config.ConfigException;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.PlannedTrial;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.store.ExperimentStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trial farm: plans an experiment's trials, skips those already complete in its output folder, and runs
 * the rest as one Spark task per trial; each task makes its trial's Parquet outputs durable on the executor.
 * The master comes from spark-submit or the launcher, never from here.
 */
public final class FarmJob {

    private static final String JOB_GROUP = "mixfarm-farm";
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:\\s*,\\s*(\\d+))?]|local");
    /** glibc settings of every training JVM (see the launcher and README). */
    static final String GLIBC_TUNABLES =
            "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296:glibc.malloc.top_pad=268435456";

    private final PrintStream out;

    public FarmJob(PrintStream out) {
        this.out = out;
    }

    /** Runs what is missing of the experiment and reports what happened. */
    public FarmReport run(ExperimentConfig config, FarmOptions options) {
        ExperimentStore store = new ExperimentStore(config.output(), new Configuration());
        claimOutputFolder(store, config, options.force());
        ExperimentConfig selected = options.schedules().isEmpty() ? config : config.withSchedules(options.schedules());
        List<TrialKey> pending = pendingTrials(selected, store);
        int planned = selected.plan().size();
        if (pending.isEmpty()) {
            out.printf("all %d trials of %s are complete in %s%n", planned, config.name(), config.output());
            return new FarmReport(planned, planned, List.of(), 0, 0);
        }
        Dataset data = Datasets.open(config.data());
        out.printf("mixfarm farm %s: %d trials planned, %d complete, %d to run; output %s%n", config.name(),
                planned, planned - pending.size(), pending.size(), config.output());

        SparkSession spark = startSpark(config);
        try {
            return runTrials(spark, config, store, data, pending, options.faults(), planned);
        } finally {
            spark.stop();
        }
    }

    /**
     * The folder must be empty or hold this experiment, in the current layout; {@code --force} clears another
     * experiment's outputs, or predictions of the earlier per-epoch layout (a resume would mix two layouts in one
     * dataset, which Spark refuses to read, and the version that wrote them trained with other code anyway).
     */
    static void claimOutputFolder(ExperimentStore store, ExperimentConfig config, boolean force) {
        Optional<String> manifest = store.readManifest();
        if (manifest.isEmpty()) {
            return;
        }
        if (store.hasPerEpochPredictions()) {
            if (!force) {
                throw new FarmException(config.output() + " holds predictions in the per-epoch layout of an earlier "
                        + "mixfarm (predictions/schedule=S/epoch=E/), which this version reads but does not extend; "
                        + "choose another output folder, or --force to delete its outputs and start afresh");
            }
            store.deleteOutputs();
            return;
        }
        String theirs = Manifest.identityHash(manifest.get());
        String ours = identityHash(config);
        if (theirs.equals(ours) || identityToday(manifest.get()).equals(ours)) {
            return;
        }
        if (!force) {
            throw new FarmException(config.output() + " holds another experiment (identity " + abbrev(theirs)
                    + ", this config " + abbrev(ours) + "); choose another output folder, or --force to delete "
                    + "its outputs and start afresh");
        }
        store.deleteOutputs();
    }

    /**
     * The identity of the experiment a manifest records, as this version reads its config: keys added since it was
     * written take their defaults, which reproduce what older versions did (e.g. {@code normalise} and
     * {@code augment} "none"), so a farm started before such a key existed can still be resumed. Empty if the
     * recorded config no longer parses.
     */
    private static String identityToday(String manifest) {
        try {
            return identityHash(ExperimentConfig.parse(Manifest.config(manifest), List.of()));
        } catch (ConfigException e) {
            return "";
        }
    }

    /** The config recorded in an output folder's {@code experiment.json}. */
    public static ExperimentConfig recordedConfig(ExperimentStore store) {
        String manifest = store.readManifest().orElseThrow(() -> new FarmException(store.output()
                + " holds no experiment (no experiment.json)"));
        return ExperimentConfig.parse(Manifest.config(manifest), List.of());
    }

    /** The number of classes recorded in an output folder's {@code experiment.json}. */
    public static int recordedClasses(ExperimentStore store) {
        String manifest = store.readManifest().orElseThrow(() -> new FarmException(store.output()
                + " holds no experiment (no experiment.json)"));
        return Manifest.classes(manifest);
    }

    /**
     * The hash of what makes trials comparable: the config without its output folder and trial count, so a
     * moved folder still matches and more trials can be added to an experiment.
     */
    static String identityHash(ExperimentConfig config) {
        return config.withOutput("(any)").withTrials(1).hash();
    }

    private static List<TrialKey> pendingTrials(ExperimentConfig config, ExperimentStore store) {
        Set<String> done = store.succeeded();
        return config.plan().stream().map(PlannedTrial::key).filter(key -> !done.contains(key.toString())).toList();
    }

    private static SparkSession startSpark(ExperimentConfig config) {
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
        return builder.getOrCreate();
    }

    private static void setIfAbsent(SparkSession.Builder builder, SparkConf conf, String key, String value) {
        if (!conf.contains(key)) {
            builder.config(key, value);
        }
    }

    private FarmReport runTrials(SparkSession spark, ExperimentConfig config, ExperimentStore store, Dataset data,
                                 List<TrialKey> pending, Faults faults, int planned) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Map<String, String> provenance = Provenance.experiment(config.render(), config.hash(), identityHash(config),
                jsc.sc().applicationId(), jsc.version());
        Map<String, String> manifest = new java.util.LinkedHashMap<>(provenance);
        manifest.putAll(Provenance.driverRuntime());
        manifest.put("spark.master", jsc.master());
        // The analysis needs the number of classes and should not have to read the data set again for it.
        manifest.put("mixfarm.classes", Integer.toString(data.test().classes()));
        store.writeManifest(Manifest.update(store.readManifest(), config.name(), manifest));

        int slots = Math.max(1, jsc.defaultParallelism() / Integer.parseInt(jsc.getConf().get("spark.task.cpus", "1")));
        FarmProgress progress = new FarmProgress(JOB_GROUP, pending, slots, out, System.console() != null);
        jsc.sc().addSparkListener(progress);
        try {
            Broadcast<Dataset> broadcast = jsc.broadcast(data);
            LongAccumulator failed = jsc.sc().longAccumulator(FarmProgress.FAILED_ACCUMULATOR);
            TrialTask task = new TrialTask(config.render(), broadcast, new SerializableConfiguration(
                    jsc.hadoopConfiguration()), provenance, lastAttempt(jsc.getConf()), faults, failed);
            jsc.setJobGroup(JOB_GROUP, String.format("mixfarm %s: %d trials (%s)", config.name(), pending.size(),
                    String.join(", ", config.scheduleNames())), false);
            long start = System.nanoTime();
            List<TrialOutcome> outcomes = jsc.parallelize(pending, pending.size())
                    .setName("trials of " + config.name())
                    .map(task)
                    .collect();
            double wall = (System.nanoTime() - start) / 1e9;
            return new FarmReport(planned, planned - pending.size(), outcomes, wall, slots);
        } finally {
            jsc.sc().removeSparkListener(progress);
        }
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

    private static String abbrev(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }
}
