package io.mixfarm.jobs.store;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The layout mixfarm wrote before record points had steps, kept only here so tests can produce such a folder: the
 * same per-trial files, but without the {@code step} column in {@code predictions} and {@code metrics}, and without
 * the steps per epoch in the footer. Rows and the rest of the footer stay as written.
 */
public final class EpochOnlyLayout {

    private EpochOnlyLayout() {
    }

    /** Rewrites every predictions and metrics file under {@code out} without its step column. */
    public static void rewrite(Path out) {
        Configuration conf = new Configuration();
        for (String dataset : List.of(Layout.PREDICTIONS, Layout.METRICS)) {
            try (Stream<Path> files = Files.walk(out.resolve(dataset))) {
                for (Path file : files.filter(p -> Layout.trialOf(p.getFileName().toString()) >= 0).toList()) {
                    rewrite(file, conf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void rewrite(Path file, Configuration conf) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        MessageType schema;
        Map<String, String> metadata;
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
            schema = reader.getFooter().getFileMetaData().getSchema();
            metadata = new HashMap<>(reader.getFooter().getFileMetaData().getKeyValueMetaData());
        }
        metadata.remove(ParquetSchemas.STEPS_PER_EPOCH);
        // Set by the example writer itself, which refuses to be given it.
        metadata.remove("writer.model.name");
        List<Type> kept = schema.getFields().stream().filter(f -> !f.getName().equals(ParquetSchemas.STEP)).toList();
        MessageType old = new MessageType(schema.getName(), kept);
        List<Group> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
            for (Group row = reader.read(); row != null; row = reader.read()) {
                rows.add(row);
            }
        }
        Files.delete(file);
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        SimpleGroupFactory factory = new SimpleGroupFactory(old);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(path).withConf(conf).withType(old)
                .withExtraMetaData(metadata).withCompressionCodec(CompressionCodecName.ZSTD).build()) {
            for (Group row : rows) {
                Group copy = factory.newGroup();
                for (Type field : kept) {
                    String name = field.getName();
                    switch (field.asPrimitiveType().getPrimitiveTypeName()) {
                        case INT32 -> copy.add(name, row.getInteger(name, 0));
                        case DOUBLE -> copy.add(name, row.getDouble(name, 0));
                        default -> throw new IllegalStateException("unexpected column " + field);
                    }
                }
                writer.write(copy);
            }
        }
    }
}
