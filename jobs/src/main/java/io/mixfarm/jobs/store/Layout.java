package io.mixfarm.jobs.store;

import io.mixfarm.jobs.config.ScheduleName;
import org.apache.hadoop.fs.Path;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where every file of an experiment folder lives: the one place that knows its paths and file names. */
final class Layout {

    static final String PREDICTIONS = "predictions";
    static final String METRICS = "metrics";
    static final String TRIALS = "trials";
    static final String MANIFEST = "experiment.json";
    /** Trial snapshots that forks start from (docs/method.md, "Forks"); no dataset, never read by Spark. */
    static final String CHECKPOINTS = "checkpoints";
    /** The partition key of the per-epoch predictions folders of the earlier layout. */
    static final String EPOCH_KEY = "epoch";

    private static final Pattern TRIAL_FILE = Pattern.compile("trial-(\\d+)\\.parquet");
    private static final Pattern CHECKPOINT_FILE = Pattern.compile("trial-(\\d+)\\.snapshot");

    /**
     * Temp names need both ends. The leading dot hides them from Spark, which reads every file of a folder except
     * names starting with {@code .} or {@code _}. The {@code .tmp} ending hides them from DuckDB: its glob skips
     * neither prefix ({@code **}{@code /*.parquet} matches {@code .x.parquet} and {@code _x.parquet}; checked with
     * DuckDB 1.4.4), so a temp name must not end in {@code .parquet}.
     */
    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path root;

    Layout(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** A dataset's folder, e.g. {@code OUT/trials}. */
    Path dataset(String name) {
        return new Path(root, name);
    }

    /** A schedule's partition folder in a dataset, e.g. {@code OUT/metrics/schedule=Const}. */
    Path schedule(String dataset, String schedule) {
        return new Path(dataset(dataset), "schedule=" + requireScheduleName(schedule));
    }

    /** A trial's predictions at every record epoch, e.g. {@code OUT/predictions/schedule=Const/trial-00007.parquet}. */
    Path predictions(String schedule, int trial) {
        return new Path(schedule(PREDICTIONS, schedule), fileName(trial));
    }

    /**
     * A trial's predictions at one record epoch in the layout written before the per-trial file, e.g.
     * {@code OUT/predictions/schedule=Const/epoch=120/trial-00007.parquet}: still read, no longer written.
     */
    Path perEpochPredictions(String schedule, int epoch, int trial) {
        return new Path(new Path(schedule(PREDICTIONS, schedule), EPOCH_KEY + "=" + epoch), fileName(trial));
    }

    Path metrics(String schedule, int trial) {
        return new Path(schedule(METRICS, schedule), fileName(trial));
    }

    Path trialRow(String schedule, int trial) {
        return new Path(schedule(TRIALS, schedule), fileName(trial));
    }

    Path manifest() {
        return new Path(root, MANIFEST);
    }

    /**
     * A trial's snapshot after an epoch, e.g. {@code OUT/checkpoints/schedule=R/epoch=8/trial-00007.snapshot}; the
     * bytes are {@code io.mixfarm.core.trial.TrialSnapshot}'s.
     */
    Path checkpoint(String schedule, int epoch, int trial) {
        return new Path(new Path(schedule(CHECKPOINTS, schedule), EPOCH_KEY + "=" + epoch),
                String.format(Locale.ROOT, "trial-%05d.snapshot", trial));
    }

    /** The trial index of a checkpoint's file name such as {@code trial-00007.snapshot}, or -1 for any other name. */
    static int trialOfCheckpoint(String fileName) {
        Matcher m = CHECKPOINT_FILE.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Zero-padded so that listings sort by trial up to 99999 trials; larger indices just get longer names. */
    static String fileName(int trial) {
        return String.format(Locale.ROOT, "trial-%05d.parquet", trial);
    }

    /** The trial index of a final file name such as {@code trial-00007.parquet}, or -1 for any other name. */
    static int trialOf(String fileName) {
        Matcher m = TRIAL_FILE.matcher(fileName);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The value of a {@code key=value} partition folder name, or null if the name is not one for this key. */
    static String partitionValue(String folderName, String key) {
        String prefix = key + "=";
        return folderName.startsWith(prefix) ? folderName.substring(prefix.length()) : null;
    }

    /** A fresh temp name beside {@code target}; unique per call, so concurrent attempts never share one. */
    static Path temporary(Path target) {
        return new Path(target.getParent(), TEMP_PREFIX + target.getName() + "." + UUID.randomUUID() + TEMP_SUFFIX);
    }

    /** Whether a file name is a temp file of {@code targetName}, e.g. left behind by a crashed attempt. */
    static boolean isTemporaryOf(String fileName, String targetName) {
        return fileName.startsWith(TEMP_PREFIX + targetName + ".") && fileName.endsWith(TEMP_SUFFIX);
    }

    /** The name, if {@link ScheduleName} allows it as a partition folder. */
    static String requireScheduleName(String schedule) {
        Objects.requireNonNull(schedule, "schedule");
        String problem = ScheduleName.problem(schedule);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return schedule;
    }
}
