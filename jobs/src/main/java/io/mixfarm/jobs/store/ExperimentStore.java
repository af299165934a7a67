package io.mixfarm.jobs.store;

import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialSnapshot;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.store.AtomicFiles.IfExists;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.util.HadoopInputFile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Parquet output of one experiment folder (layout in the {@linkplain io.mixfarm.jobs.store package
 * description}), written trial by trial from Spark executors.
 *
 * <p>Durability rules:
 * <ul>
 *   <li>Every file is written to a temp name in its own folder ({@code .trial-00007.parquet.<uuid>.tmp}: the dot
 *       hides it from Spark, the ending from DuckDB's {@code *.parquet} glob) and renamed into place when
 *       complete, so Spark, DuckDB and {@link #trials()} never see a partial file, nor a crashed attempt's.
 *   <li>A trial writes its predictions and metrics first and its {@code trials} row last: a trial is complete
 *       iff its row says {@code succeeded} ({@link #succeeded()}). A diverged trial writes the same files (metrics
 *       up to the epoch it diverged in, predictions before it) and a {@code diverged} row.
 *   <li>Writing a trial again (speculative execution, a retried task, a resumed experiment) is harmless:
 *       a predictions or metrics file that exists already is kept and the new copy dropped (a trial is
 *       bitwise reproducible for a seed and thread count, so the copies agree); once a trial has a final row
 *       (succeeded or diverged, {@link TrialStatus#isFinal()}), {@link #writeTrial} and {@link #writeFailure}
 *       leave it alone. A failed row, however, is replaced by the next row written for that trial, so resume can
 *       rerun failed trials.
 * </ul>
 * Without a lock, two attempts finishing at the same instant can still both pass the existence check; every file
 * stays complete, and the worst outcome is a failed row overwriting a concurrent success, which a resume reruns.
 *
 * <p>Thread-safe and {@link Serializable} (the Hadoop configuration travels with it), so Spark closures may
 * capture it. I/O errors surface as {@link UncheckedIOException}s naming the experiment folder.
 */
public final class ExperimentStore implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String output;
    private final transient Configuration hadoop;
    private final transient FileSystem fs;
    private final transient Layout layout;
    private final transient AtomicFiles files;

    /**
     * @param output the experiment folder: a local path, or a URI such as {@code hdfs://nn/x} or
     *               {@code s3a://bucket/x}; a bare path resolves against {@code fs.defaultFS}, as Spark's do
     * @param hadoop the Hadoop configuration that gives the file system (and its credentials)
     */
    public ExperimentStore(String output, Configuration hadoop) {
        this.output = Objects.requireNonNull(output, "output");
        this.hadoop = Objects.requireNonNull(hadoop, "hadoop");
        Path path = new Path(output);
        try {
            this.fs = InProcessLocalFileSystem.of(path.getFileSystem(hadoop), hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + output, e);
        }
        this.layout = new Layout(fs.makeQualified(path));
        this.files = new AtomicFiles(fs, hadoop);
    }

    /** The experiment folder as given. */
    public String output() {
        return output;
    }

    /**
     * Writes a trial that trained to its end: its predictions at every record epoch it reached (one file, one row
     * group per epoch; none if it reached none), its metrics, then its {@code trials} row. Does nothing if the trial
     * has a final row already.
     *
     * @param schedule   the schedule's name, the {@code schedule=} partition
     * @param trial      the trial's index within the schedule
     * @param result     what the trial measured
     * @param testLabels the true class of every test image, in test-set order ({@code ImageSet.labels()})
     * @param record     the trial's row, same schedule and trial, status {@code diverged} if the result diverged
     *                   and {@code succeeded} otherwise
     * @param provenance key-value metadata for every file's footer (config hash, versions, seeds, app id)
     */
    public void writeTrial(String schedule, int trial, TrialResult result, byte[] testLabels, TrialRecord record,
                           Map<String, String> provenance) {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(testLabels, "testLabels");
        Objects.requireNonNull(record, "record");
        if (!record.schedule().equals(schedule) || record.trial() != trial) {
            throw new IllegalArgumentException("trial " + new TrialKey(schedule, trial) + " was given the row of "
                    + record.key());
        }
        TrialStatus expected = result.diverged() ? TrialStatus.DIVERGED : TrialStatus.SUCCEEDED;
        if (record.status() != expected) {
            throw new IllegalArgumentException("writeTrial needs a " + expected + " row for this result, got status "
                    + record.status() + (record.status() == TrialStatus.FAILED ? "; use writeFailure" : ""));
        }
        Map<String, String> metadata = metadata(provenance);
        // Everything is checked before the first file is written, so a rejected trial leaves nothing behind.
        Rows.checkPredictions(trial, result.predictions(), testLabels);
        // One row group per record epoch, epochs ascending: rows sorted by (epoch, image).
        List<PredictionRows> predictions = result.predictions().stream()
                .sorted(Comparator.comparingInt(EpochPredictions::epoch))
                .map(p -> new PredictionRows(trial, p.epoch(), p.predicted(), testLabels))
                .toList();
        List<String> groups = Rows.groupNames(result.epochs());
        List<Group> metrics = Rows.metrics(trial, result.epochs(), groups);
        try {
            if (hasFinalRow(record)) {
                return;
            }
            if (!predictions.isEmpty()) {
                files.writePredictions(layout.predictions(schedule, trial), predictions, metadata, IfExists.KEEP);
            }
            files.writeParquet(layout.metrics(schedule, trial), ParquetSchemas.metrics(groups), metadata, metrics,
                    IfExists.KEEP);
            writeRow(record, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trial " + record.key() + " to " + output, e);
        }
    }

    /**
     * Writes the row of a trial that failed for good. Replaces an earlier failed row; does nothing if the trial
     * has a final row already.
     *
     * @param record     the trial's row, status {@code failed}, with its error
     * @param provenance key-value metadata for the file's footer
     */
    public void writeFailure(TrialRecord record, Map<String, String> provenance) {
        Objects.requireNonNull(record, "record");
        if (record.status() != TrialStatus.FAILED) {
            throw new IllegalArgumentException("writeFailure needs a failed row, got status " + record.status());
        }
        Map<String, String> metadata = metadata(provenance);
        try {
            writeRow(record, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the failure of trial " + record.key() + " to " + output, e);
        }
    }

    /** Every {@code trials} row by its trial's key, in key order (schedule, then trial). */
    public Map<TrialKey, TrialRecord> trials() {
        List<TrialRecord> records = new ArrayList<>();
        try {
            for (Path folder : scheduleFolders(Layout.TRIALS)) {
                String schedule = Layout.partitionValue(folder.getName(), "schedule");
                for (FileStatus file : fs.listStatus(folder)) {
                    if (file.isFile() && Layout.trialOf(file.getPath().getName()) >= 0) {
                        records.add(readRow(schedule, file.getPath()));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trials of " + output, e);
        }
        records.sort(Comparator.comparing(TrialRecord::key));
        Map<TrialKey, TrialRecord> byKey = new LinkedHashMap<>();
        for (TrialRecord record : records) {
            byKey.put(record.key(), record);
        }
        return Collections.unmodifiableMap(byKey);
    }

    /**
     * The class one trial predicted for every test image after a record epoch, indexed by image (e.g. to check a
     * rerun against the farm, or for the TV job); empty if the trial has no predictions for that epoch. Reads only
     * that epoch's row group of the trial's file, or the epoch's own file in a folder of the earlier per-epoch
     * layout.
     */
    public Optional<byte[]> predictions(String schedule, int trial, int epoch) {
        try {
            FileStatus file = statusOrNull(layout.predictions(schedule, trial));
            if (file == null) {
                file = statusOrNull(layout.perEpochPredictions(schedule, epoch, trial));
            }
            return file == null ? Optional.empty()
                    : EpochReader.read(HadoopInputFile.fromStatus(file, hadoop), epoch, hadoop);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the predictions of trial " + new TrialKey(schedule, trial)
                    + " after epoch " + epoch + " from " + output + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the folder holds predictions in the per-epoch layout written before the per-trial file
     * ({@code predictions/schedule=S/epoch=E/}). Readers read it; the farm does not write into it, because
     * Spark's partition discovery refuses a dataset that mixes the two layouts.
     */
    public boolean hasPerEpochPredictions() {
        try {
            for (Path folder : scheduleFolders(Layout.PREDICTIONS)) {
                for (FileStatus status : fs.listStatus(folder)) {
                    if (status.isDirectory()
                            && Layout.partitionValue(status.getPath().getName(), Layout.EPOCH_KEY) != null) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the predictions of " + output, e);
        }
    }

    /** The trials of the folder by schedule and status, from one read of {@code trials/}. */
    public TrialCensus census() {
        return TrialCensus.of(trials().values());
    }

    /**
     * The keys of the complete trials, those whose row says {@code succeeded}: the samples
     * ({@link TrialStatus#isSample()}), in key order.
     */
    public Set<TrialKey> succeeded() {
        Set<TrialKey> keys = new LinkedHashSet<>();
        for (TrialRecord record : trials().values()) {
            if (record.status().isSample()) {
                keys.add(record.key());
            }
        }
        return Collections.unmodifiableSet(keys);
    }

    /**
     * Removes a trial's files from all three datasets, its row first so that it never looks complete without its
     * data, and any temp files its attempts left behind.
     */
    public void deleteTrial(String schedule, int trial) {
        Layout.requireScheduleName(schedule);
        try {
            deleteWithTemps(layout.trialRow(schedule, trial));
            deleteWithTemps(layout.metrics(schedule, trial));
            deleteWithTemps(layout.predictions(schedule, trial));
            Path predictions = layout.schedule(Layout.PREDICTIONS, schedule);
            if (fs.exists(predictions)) {
                for (FileStatus epoch : fs.listStatus(predictions)) {
                    if (epoch.isDirectory()
                            && Layout.partitionValue(epoch.getPath().getName(), Layout.EPOCH_KEY) != null) {
                        deleteWithTemps(new Path(epoch.getPath(), Layout.fileName(trial)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete trial " + new TrialKey(schedule, trial) + " from " + output,
                    e);
        }
    }

    /**
     * Writes a trial's snapshot as its checkpoint after the snapshot's epoch, atomically: a reader finds the whole
     * snapshot under its final name or nothing ({@link AtomicFiles}). A copy there already (an earlier attempt's)
     * is kept: the trial is deterministic, so the two are the same.
     */
    public void writeCheckpoint(String schedule, int trial, TrialSnapshot snapshot) {
        Path target = layout.checkpoint(schedule, snapshot.epoch(), trial);
        try {
            files.writeBytes(target, snapshot.toBytes(), IfExists.KEEP);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    /**
     * A trial's checkpoint after an epoch, if the folder has it.
     *
     * @throws IllegalArgumentException with one line naming the file if it is not a whole snapshot (damaged)
     */
    public Optional<TrialSnapshot> checkpoint(String schedule, int epoch, int trial) {
        Path path = layout.checkpoint(schedule, epoch, trial);
        try {
            if (!fs.exists(path)) {
                return Optional.empty();
            }
            try (FSDataInputStream in = fs.open(path)) {
                return Optional.of(TrialSnapshot.fromBytes(in.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + path, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** Every checkpoint in the folder, in {@link Checkpoint#ORDER}; temp files of unfinished writes are not. */
    public List<Checkpoint> checkpoints() {
        List<Checkpoint> found = new ArrayList<>();
        try {
            for (Path folder : scheduleFolders(Layout.CHECKPOINTS)) {
                String schedule = Layout.partitionValue(folder.getName(), "schedule");
                for (FileStatus epochFolder : fs.listStatus(folder)) {
                    String epoch = Layout.partitionValue(epochFolder.getPath().getName(), Layout.EPOCH_KEY);
                    if (!epochFolder.isDirectory() || epoch == null || !epoch.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    for (FileStatus file : fs.listStatus(epochFolder.getPath())) {
                        int trial = Layout.trialOfCheckpoint(file.getPath().getName());
                        if (trial >= 0) {
                            found.add(new Checkpoint(schedule, Integer.parseInt(epoch), trial));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints of " + output, e);
        }
        found.sort(Checkpoint.ORDER);
        return found;
    }

    /** Where a checkpoint lives, for people: the full path. */
    public String path(Checkpoint checkpoint) {
        return layout.checkpoint(checkpoint.schedule(), checkpoint.epoch(), checkpoint.trial()).toString();
    }

    /** Deletes a checkpoint and any temp files its writers left behind. */
    public void deleteCheckpoint(Checkpoint checkpoint) {
        try {
            deleteWithTemps(layout.checkpoint(checkpoint.schedule(), checkpoint.epoch(), checkpoint.trial()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint " + checkpoint + " from " + output, e);
        }
    }

    /** The content of {@code experiment.json}, if the folder has one. */
    public Optional<String> readManifest() {
        Path manifest = layout.manifest();
        try {
            if (!fs.exists(manifest)) {
                return Optional.empty();
            }
            try (FSDataInputStream in = fs.open(manifest)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
    }

    /** Writes {@code experiment.json} (UTF-8), replacing any earlier one atomically. */
    public void writeManifest(String json) {
        Objects.requireNonNull(json, "json");
        try {
            files.writeBytes(layout.manifest(), json.getBytes(StandardCharsets.UTF_8), IfExists.REPLACE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + layout.manifest(), e);
        }
    }

    /**
     * Writes a file at the root of the folder, e.g. {@code tv_summary.csv}, replacing any earlier one atomically
     * (on HDFS and object stores with a moment without the file, see {@link AtomicFiles}).
     *
     * @param name a file name, no folder
     */
    public void writeRootFile(String name, byte[] content) {
        Objects.requireNonNull(content, "content");
        Path file = new Path(layout.root(), name);
        if (!file.getParent().equals(layout.root()) || name.startsWith(".") || name.equals(Layout.MANIFEST)) {
            throw new IllegalArgumentException("\"" + name + "\" is not a file name for the root of " + output);
        }
        try {
            files.writeBytes(file, content, IfExists.REPLACE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Deletes {@code trials/} (first, so nothing looks complete), {@code predictions/}, {@code metrics/},
     * {@code checkpoints/} and {@code experiment.json} with its temp files; anything else in the folder stays.
     */
    public void deleteOutputs() {
        try {
            for (String dataset : List.of(Layout.TRIALS, Layout.PREDICTIONS, Layout.METRICS, Layout.CHECKPOINTS)) {
                fs.delete(layout.dataset(dataset), true);
            }
            deleteWithTemps(layout.manifest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the outputs of " + output, e);
        }
    }

    /** The Hadoop configuration the store was opened with (or deserialised with). */
    Configuration hadoop() {
        return hadoop;
    }

    /** The file system, paths and atomic writes of the folder, for the whole datasets ({@link StagedDataset}). */
    FileSystem fs() {
        return fs;
    }

    Layout layout() {
        return layout;
    }

    AtomicFiles files() {
        return files;
    }

    @Override
    public String toString() {
        return "ExperimentStore[" + output + "]";
    }

    /** Writes a trial's row unless it has a final one; a failed row is replaced. */
    private void writeRow(TrialRecord record, Map<String, String> metadata) throws IOException {
        // Checked again right before the row is written, to keep the window for a concurrent attempt short.
        if (hasFinalRow(record)) {
            return;
        }
        List<Group> row = List.of(Rows.trial(record));
        files.writeParquet(layout.trialRow(record.schedule(), record.trial()), ParquetSchemas.TRIALS, metadata, row,
                IfExists.REPLACE);
    }

    /** Whether the trial of {@code record} has a final (succeeded or diverged) row already. */
    private boolean hasFinalRow(TrialRecord record) throws IOException {
        Path row = layout.trialRow(record.schedule(), record.trial());
        return fs.exists(row) && readRow(record.schedule(), row).status().isFinal();
    }

    private TrialRecord readRow(String schedule, Path file) throws IOException {
        List<Group> rows = files.readParquet(file);
        if (rows.size() != 1) {
            throw new IOException(file + " holds " + rows.size() + " rows, a trials file holds one");
        }
        try {
            return Rows.trial(schedule, rows.get(0));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds an invalid trials row: " + e.getMessage(), e);
        }
    }

    /** The {@code schedule=S} folders of a dataset; none if the dataset has no folder yet. */
    private List<Path> scheduleFolders(String dataset) throws IOException {
        Path folder = layout.dataset(dataset);
        List<Path> folders = new ArrayList<>();
        if (fs.exists(folder)) {
            for (FileStatus status : fs.listStatus(folder)) {
                if (status.isDirectory() && Layout.partitionValue(status.getPath().getName(), "schedule") != null) {
                    folders.add(status.getPath());
                }
            }
        }
        return folders;
    }

    /** A file's status, or null if there is no such file. */
    private FileStatus statusOrNull(Path file) throws IOException {
        try {
            return fs.getFileStatus(file);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    /** Deletes a file and the temp files of its name beside it. */
    private void deleteWithTemps(Path target) throws IOException {
        fs.delete(target, false);
        Path folder = target.getParent();
        if (fs.exists(folder)) {
            for (FileStatus status : fs.listStatus(folder)) {
                if (Layout.isTemporaryOf(status.getPath().getName(), target.getName())) {
                    fs.delete(status.getPath(), false);
                }
            }
        }
    }

    /** The footer metadata: an ordered copy, with nulls rejected because a Parquet footer cannot hold them. */
    private static Map<String, String> metadata(Map<String, String> provenance) {
        Objects.requireNonNull(provenance, "provenance");
        Map<String, String> copy = new LinkedHashMap<>();
        provenance.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "provenance key"),
                Objects.requireNonNull(value, () -> "provenance value of " + key)));
        return copy;
    }

    /** Serialised as its folder and Hadoop configuration (which is not {@link Serializable} itself). */
    private Object writeReplace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            hadoop.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the Hadoop configuration", e);
        }
        return new SerializedForm(output, bytes.toByteArray());
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("an ExperimentStore is deserialised through its serialised form");
    }

    /** What travels to executors: the folder and the configuration's properties. */
    private static final class SerializedForm implements Serializable {

        private static final long serialVersionUID = 1L;

        private final String output;
        private final byte[] hadoop;

        SerializedForm(String output, byte[] hadoop) {
            this.output = output;
            this.hadoop = hadoop;
        }

        private Object readResolve() throws IOException {
            // false: the properties read back are the complete set, defaults included, as written.
            Configuration conf = new Configuration(false);
            conf.readFields(new DataInputStream(new ByteArrayInputStream(hadoop)));
            return new ExperimentStore(output, conf);
        }
    }
}
