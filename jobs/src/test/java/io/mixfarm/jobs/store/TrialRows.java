package io.mixfarm.jobs.store;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.jobs.store.AtomicFiles.IfExists;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Rewrites {@code trials} rows of a real farm folder, as another build or an older version would have written them. */
public final class TrialRows {

    /** The trials schema before the implementation and data fingerprints were appended. */
    static final MessageType BEFORE_FINGERPRINTS = new MessageType("trial",
            ParquetSchemas.TRIALS.getFields().subList(0, ParquetSchemas.TRIALS.getFieldCount() - 2));

    private TrialRows() {
    }

    /** Replaces the row of {@code record}'s trial with {@code record}. */
    public static void rewrite(String output, TrialRecord record) {
        write(output, record, ParquetSchemas.TRIALS);
    }

    /** Replaces the row of {@code record}'s trial with {@code record} in the schema of before the fingerprints. */
    public static void rewriteBeforeFingerprints(String output, TrialRecord record) {
        write(output, withFingerprints(record, null, null), BEFORE_FINGERPRINTS);
    }

    /** A copy of a record with other fingerprints. */
    public static TrialRecord withFingerprints(TrialRecord r, Implementation implementation,
                                               DataFingerprint data) {
        return new TrialRecord(r.schedule(), r.trial(), r.status(), r.seed(), r.initSeed(), r.spec(), r.host(),
                r.device(), r.attempt(), r.startMillis(), r.endMillis(), r.wallSeconds(), r.finalTrainError(),
                r.finalTestError(), r.error(), implementation, data);
    }

    private static void write(String output, TrialRecord record, MessageType schema) {
        Configuration conf = new Configuration();
        try {
            Path root = new Path(output);
            FileSystem fs = root.getFileSystem(conf);
            Layout layout = new Layout(fs.makeQualified(root));
            new AtomicFiles(fs, conf).writeParquet(layout.trialRow(record.schedule(), record.trial()), schema,
                    Map.of(), List.of(Rows.trial(record)), IfExists.REPLACE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
