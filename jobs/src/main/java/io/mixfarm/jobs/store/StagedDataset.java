package io.mixfarm.jobs.store;

import io.mixfarm.jobs.store.AtomicFiles.IfExists;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A new version of a dataset that one job writes as a whole and its next run replaces as a whole (the TV job's
 * tables, {@code OUT/tv_summary/} and {@code OUT/tv_by_image/}), unlike the farm's datasets, which grow trial by
 * trial. Its files go to a hidden staging folder beside the dataset ({@code OUT/.tv_by_image.<uuid>.tmp/}, each
 * file itself written to a temp name and renamed, so a retried task replaces its file whole), and
 * {@link #publish()} swaps the folder in: the old folder is renamed away, the staging folder renamed to the
 * dataset's name, and the old one deleted. So a reader sees the previous version complete, then for the instant
 * between the two renames no dataset (as before the first run), then the new version complete; never a half-written
 * or mixed one. A run that dies before {@link #publish()} leaves the previous version untouched and its staging
 * folder hidden (the leading dot hides it from Spark, the {@code .tmp} ending from DuckDB's {@code *.parquet} glob;
 * see {@link Layout#temporary}); the next publish of the dataset deletes such leftovers.
 *
 * <p>On HDFS and the local file system a folder rename is atomic; on S3 it is a copy, object by object, so there
 * the dataset can be incomplete while it is being published.
 *
 * <p>{@link Serializable}, so Spark tasks can write their files into it from the executors; {@link #publish()}
 * and {@link #discard()} belong to the driver, after every task has finished.
 */
public final class StagedDataset implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The farm's datasets grow trial by trial and are never replaced as a whole. */
    private static final Set<String> PER_TRIAL = Set.of(Layout.PREDICTIONS, Layout.METRICS, Layout.TRIALS,
            Layout.CHECKPOINTS);

    private final ExperimentStore store;
    private final String dataset;
    private final String staging;

    private StagedDataset(ExperimentStore store, String dataset, String staging) {
        this.store = store;
        this.dataset = dataset;
        this.staging = staging;
    }

    /**
     * Starts a new version of {@code dataset} in {@code store}'s folder: creates its (empty) staging folder.
     *
     * @param dataset the dataset's folder name, e.g. {@code tv_summary}; not one of the farm's
     */
    public static StagedDataset begin(ExperimentStore store, String dataset) {
        Objects.requireNonNull(store, "store");
        if (PER_TRIAL.contains(dataset) || !dataset.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("\"" + dataset + "\" cannot be written as a whole dataset");
        }
        Path folder = Layout.temporary(store.layout().dataset(dataset));
        StagedDataset staged = new StagedDataset(store, dataset, folder.getName());
        try {
            if (!store.fs().mkdirs(folder)) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder + ": " + e.getMessage(), e);
        }
        return staged;
    }

    /**
     * Writes one Parquet file of the new version (replacing a file of that name a failed attempt wrote before).
     *
     * @param fileName e.g. {@code epoch-00012.parquet}
     * @param metadata key-value metadata for the footer
     * @param rows     the rows, read once, in order
     */
    public void write(String fileName, MessageType schema, Map<String, String> metadata, Iterable<Group> rows) {
        Path file = new Path(folder(), fileName);
        try {
            store.files().writeParquet(file, schema, new LinkedHashMap<>(metadata), rows, IfExists.REPLACE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the dataset with the files written; see the class description for what a reader sees. */
    public void publish() {
        Path target = store.layout().dataset(dataset);
        try {
            store.files().replaceFolder(folder(), target);
            deleteLeftovers(store.fs(), target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the staging folder and what was written into it; nothing after {@link #publish()}. */
    public void discard() {
        try {
            store.fs().delete(folder(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder() + ": " + e.getMessage(), e);
        }
    }

    private Path folder() {
        return new Path(store.layout().root(), staging);
    }

    /**
     * Hidden folders of this dataset beside it that runs which died left behind: their staging folders, or a
     * previous version they had moved aside. Two runs publishing the same dataset at once is not supported: the
     * later one deletes the other's staging folder, whose publish then fails.
     */
    private void deleteLeftovers(FileSystem fs, Path target) throws IOException {
        for (FileStatus status : fs.listStatus(target.getParent())) {
            if (Layout.isTemporaryOf(status.getPath().getName(), dataset)) {
                fs.delete(status.getPath(), true);
            }
        }
    }

    @Override
    public String toString() {
        return "StagedDataset[" + folder() + "]";
    }
}
