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
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The predictions layout mixfarm wrote before one file per trial, kept only here so tests can produce such a
 * folder: {@code predictions/schedule=S/epoch=E/trial-KKKKK.parquet}, one file per trial and record epoch with
 * columns {@code trial, image, predicted, label} (epoch only in the folder name), ZSTD, one row per image in
 * image order, the trial's provenance in the footer.
 */
public final class PerEpochLayout {

    /** The schema of a per-epoch predictions file, as the earlier ParquetSchemas.PREDICTIONS had it. */
    static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.INT32).named("trial")
            .required(PrimitiveTypeName.INT32).named("image")
            .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)).named("predicted")
            .required(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(8, true)).named("label")
            .named("prediction");

    private PerEpochLayout() {
    }

    /**
     * Rewrites every per-trial predictions file under {@code out/predictions} into per-epoch files of the earlier
     * layout, with the same rows and footer metadata, and deletes the per-trial file.
     */
    public static void rewrite(Path out) {
        Configuration conf = new Configuration();
        try (Stream<Path> files = Files.walk(out.resolve(Layout.PREDICTIONS))) {
            for (Path file : files.filter(p -> Layout.trialOf(p.getFileName().toString()) >= 0).toList()) {
                org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
                Map<String, String> metadata;
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
                    metadata = reader.getFooter().getFileMetaData().getKeyValueMetaData();
                }
                TreeMap<Integer, List<Group>> byEpoch = new TreeMap<>();
                try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path)
                        .withConf(conf).build()) {
                    for (Group row = reader.read(); row != null; row = reader.read()) {
                        byEpoch.computeIfAbsent(row.getInteger("epoch", 0), e -> new java.util.ArrayList<>()).add(row);
                    }
                }
                SimpleGroupFactory factory = new SimpleGroupFactory(SCHEMA);
                for (Map.Entry<Integer, List<Group>> epoch : byEpoch.entrySet()) {
                    Path target = file.getParent().resolve(Layout.EPOCH_KEY + "=" + epoch.getKey())
                            .resolve(file.getFileName());
                    Files.createDirectories(target.getParent());
                    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(
                                    new org.apache.hadoop.fs.Path(target.toUri()))
                            .withConf(conf).withType(SCHEMA).withExtraMetaData(metadata)
                            .withCompressionCodec(CompressionCodecName.ZSTD).build()) {
                        for (Group row : epoch.getValue()) {
                            Group old = factory.newGroup();
                            for (String column : List.of("trial", "image", "predicted", "label")) {
                                old.add(column, row.getInteger(column, 0));
                            }
                            writer.write(old);
                        }
                    }
                }
                Files.delete(file);
                Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
