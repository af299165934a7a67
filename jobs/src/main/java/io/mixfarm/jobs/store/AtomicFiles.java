package io.mixfarm.jobs.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes files that appear under their final name only when complete: each is written to a fresh hidden temp
 * name in the target's folder (see {@link Layout#temporary}), then renamed. On HDFS and the local file system a
 * rename within a folder is atomic; on S3 it is a copy of a complete object, so a reader never sees a partial
 * file there either. Also reads the Parquet files back.
 */
final class AtomicFiles {

    /** What publishing does when the final name is taken already. */
    enum IfExists {
        /** Keep the existing file and drop the new one: the first complete copy wins. */
        KEEP,
        /** Replace the existing file with the new one. */
        REPLACE
    }

    /**
     * ZSTD: predictions files are smaller than with Snappy, which gains nothing on the plain {@code image} column
     * (the sizes: docs/performance.md, "Figures quoted by the code"). Its library, zstd-jni, ships with Spark. Pages
     * stay format v1, Spark's default, for the widest reader support, although v2's delta encoding would make them
     * smaller still.
     */
    private static final CompressionCodecName CODEC = CompressionCodecName.ZSTD;

    private final FileSystem fs;
    private final Configuration conf;

    AtomicFiles(FileSystem fs, Configuration conf) {
        this.fs = fs;
        this.conf = conf;
    }

    /**
     * Writes rows as a Parquet file at {@code target}.
     *
     * @param metadata key-value metadata for the footer
     * @return whether {@code target} now holds these rows (false: {@link IfExists#KEEP} found a file there)
     */
    boolean writeParquet(Path target, MessageType schema, Map<String, String> metadata, Iterable<Group> rows,
                         IfExists ifExists) throws IOException {
        Path temp = Layout.temporary(target);
        try {
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new FileSystemOutputFile(fs, temp))
                    .withConf(conf)
                    .withType(schema)
                    .withExtraMetaData(metadata)
                    .withCompressionCodec(CODEC)
                    .withWriteMode(ParquetFileWriter.Mode.CREATE)
                    .build()) {
                for (Group row : rows) {
                    writer.write(row);
                }
            }
            return publish(temp, target, ifExists);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    /**
     * Writes a trial's predictions as a Parquet file at {@code target} with exactly one row group per record epoch,
     * in the given order, so that a reader of one epoch can skip the others by the footer. Parquet's
     * {@link ParquetWriter} cuts row groups by size only; here each epoch is encoded as a one-row-group file in
     * memory (a few kilobytes) and the final file is their raw concatenation ({@link ParquetFileWriter#appendFile}),
     * which copies row groups and their statistics without decoding them.
     *
     * @param epochs   each record epoch's rows
     * @param metadata key-value metadata for the footer
     * @return whether {@code target} now holds these rows (false: {@link IfExists#KEEP} found a file there)
     */
    boolean writePredictions(Path target, List<PredictionRows> epochs, Map<String, String> metadata,
                             IfExists ifExists) throws IOException {
        List<MemoryFile> parts = new ArrayList<>(epochs.size());
        for (PredictionRows rows : epochs) {
            MemoryFile part = new MemoryFile();
            try (ParquetWriter<Integer> writer = new SupportBuilder<>(part, rows).withConf(conf)
                    .withCompressionCodec(CODEC).withWriteMode(ParquetFileWriter.Mode.CREATE)
                    .withRowGroupSize(Long.MAX_VALUE).build()) {
                for (int image = 0, count = rows.rows(); image < count; image++) {
                    writer.write(image);
                }
            }
            parts.add(part);
        }
        Path temp = Layout.temporary(target);
        try {
            ParquetFileWriter writer = new ParquetFileWriter(new FileSystemOutputFile(fs, temp),
                    ParquetSchemas.PREDICTIONS, ParquetFileWriter.Mode.CREATE, ParquetWriter.DEFAULT_BLOCK_SIZE,
                    ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, ParquetProperties.builder().build());
            writer.start();
            for (MemoryFile part : parts) {
                writer.appendFile(part);
            }
            writer.end(metadata);
            return publish(temp, target, ifExists);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    /** Writes bytes as the file {@code target}; see {@link #writeParquet} for the return value. */
    boolean writeBytes(Path target, byte[] content, IfExists ifExists) throws IOException {
        Path temp = Layout.temporary(target);
        try {
            try (FSDataOutputStream out = fs.create(temp, false)) {
                out.write(content);
            }
            return publish(temp, target, ifExists);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    /**
     * Replaces the folder {@code target} with the complete folder {@code staged} beside it: the old folder is renamed
     * away, {@code staged} renamed to {@code target}, the old one deleted. No file system renames a folder onto an
     * existing one (Hadoop's rename would move it inside), so readers see no folder between the two renames, which
     * they take as "not written yet"; never a mix of the two.
     */
    void replaceFolder(Path staged, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = Layout.temporary(target);
            if (!rename(target, old)) {
                throw new IOException("cannot move the previous " + target + " aside to " + old);
            }
        }
        if (!rename(staged, target)) {
            IOException failed = new IOException("cannot rename " + staged + " to " + target);
            if (old != null && !rename(old, target)) {
                failed.addSuppressed(new IOException("cannot move the previous version back from " + old));
            }
            throw failed;
        }
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** A writer of any {@link WriteSupport}; Parquet's builder leaves that one method to subclasses. */
    private static final class SupportBuilder<T> extends ParquetWriter.Builder<T, SupportBuilder<T>> {

        private final WriteSupport<T> support;

        SupportBuilder(OutputFile file, WriteSupport<T> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected SupportBuilder<T> self() {
            return this;
        }

        // Parquet 1.16 deprecates the Hadoop-typed variant but keeps it abstract, so it must be implemented.
        @Override
        @SuppressWarnings("deprecation")
        protected WriteSupport<T> getWriteSupport(Configuration configuration) {
            return support;
        }
    }

    /** Every row of a Parquet file. */
    List<Group> readParquet(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = new GroupReaderBuilder(HadoopInputFile.fromPath(file, conf)).build()) {
            for (Group row = reader.read(); row != null; row = reader.read()) {
                rows.add(row);
            }
        } catch (RuntimeException e) {
            // Parquet reports a damaged file (bad magic, truncated footer) as a RuntimeException.
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /**
     * Moves a complete temp file to its final name. Checking for an existing target and renaming are two steps,
     * so two attempts publishing at the same instant may both rename; each file is complete either way, and on
     * the local file system the later rename replaces the earlier file atomically.
     */
    private boolean publish(Path temp, Path target, IfExists ifExists) throws IOException {
        if (ifExists == IfExists.KEEP && fs.exists(target)) {
            fs.delete(temp, false);
            return false;
        }
        if (rename(temp, target)) {
            return true;
        }
        if (!fs.exists(target)) {
            throw new IOException("cannot rename " + temp + " to " + target);
        }
        if (ifExists == IfExists.KEEP) {
            fs.delete(temp, false);
            return false;
        }
        // HDFS and object stores refuse to rename onto an existing file (POSIX rename replaces it atomically):
        // delete first, leaving a moment without the file, which readers take as "not written yet".
        fs.delete(target, false);
        if (!rename(temp, target)) {
            throw new IOException("cannot rename " + temp + " to " + target + " after deleting the old file");
        }
        return true;
    }

    /** Hadoop's rename; the contract lets a file system throw instead of returning false for a taken name. */
    private boolean rename(Path from, Path to) throws IOException {
        try {
            return fs.rename(from, to);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /**
     * Reads with the configuration of the input file. {@code ParquetReader.builder(ReadSupport, Path)} would
     * build and parse a fresh Hadoop configuration per file, which made reading a trials row several times slower
     * (docs/performance.md, "Figures quoted by the code").
     */
    private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {

        GroupReaderBuilder(InputFile file) {
            super(file);
        }

        @Override
        protected ReadSupport<Group> getReadSupport() {
            return new GroupReadSupport();
        }
    }

    /** Best-effort removal of a temp file after a failure, which stays the exception that is thrown. */
    private void deleteQuietly(Path temp, Exception cause) {
        try {
            fs.delete(temp, false);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
