package io.mixfarm.jobs.store;

import io.mixfarm.core.trial.RecordPoint;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads one record point's predicted classes from a predictions file, decoding only the row groups whose
 * footer statistics admit that point and only the key column, {@code image} and {@code predicted}.
 * Column readers, not row objects: the TV job reads 10,000 rows per trial and record point.
 *
 * <p>Reads every layout: a trial's file of all record points ({@code step} a column, one row group per point,
 * found by {@code step}); the same written before steps were recorded ({@code epoch} but no {@code step}: only
 * epoch ends, found by {@code epoch}); and the per-epoch files written before that, with neither column: there
 * every row is the epoch's.
 */
final class EpochReader {

    private static final String EPOCH = "epoch";
    private static final String STEP = ParquetSchemas.STEP;
    private static final String IMAGE = "image";
    private static final String PREDICTED = "predicted";

    private EpochReader() {
    }

    /**
     * The class predicted for every test image at a record point, indexed by image; empty if the file holds no row
     * of it.
     *
     * @param epoch the point's epoch
     * @param step  the point's step, or null for the end of {@code epoch}: in a file with steps, step
     *              {@code epoch * S}, {@code S} read from the file's footer ({@link ParquetSchemas#STEPS_PER_EPOCH}).
     *              A file without steps holds epoch ends only, so there the epoch alone decides
     * @param conf  the configuration the reader's options come from
     * @throws IOException if the file cannot be read, or its rows of the point are not images 0..n-1 once each
     */
    static Optional<byte[]> read(InputFile file, int epoch, Long step, Configuration conf) throws IOException {
        // Options from the store's configuration: the default ones build and parse a new Hadoop configuration
        // per file, which took most of the time of reading 1,500 files.
        try (ParquetFileReader reader = ParquetFileReader.open(file, HadoopReadOptions.builder(conf).build())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            String key = schema.containsField(STEP) ? STEP : schema.containsField(EPOCH) ? EPOCH : null;
            long wanted = STEP.equals(key) ? (step != null ? step : endOf(reader, file, epoch)) : epoch;
            List<String> columns = key == null ? List.of(IMAGE, PREDICTED) : List.of(key, IMAGE, PREDICTED);
            MessageType projection = new MessageType(schema.getName(), columns.stream().map(schema::getType).toList());
            reader.setRequestedSchema(projection);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            List<BlockMetaData> blocks = reader.getRowGroups();
            IntPairs rows = new IntPairs();
            for (int g = 0; g < blocks.size(); g++) {
                Match match = key == null ? Match.ALL : match(blocks.get(g), key, wanted);
                if (match == Match.NONE) {
                    continue;
                }
                PageReadStore pages = reader.readRowGroup(g);
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                        new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
                // Decoded only where the statistics leave it open: the store writes one point per row group.
                ColumnReader keys = match == Match.SOME ? store.getColumnReader(column(projection, key)) : null;
                ColumnReader images = store.getColumnReader(column(projection, IMAGE));
                ColumnReader predicted = store.getColumnReader(column(projection, PREDICTED));
                for (long r = 0, count = pages.getRowCount(); r < count; r++) {
                    boolean mine = true;
                    if (keys != null) {
                        mine = (STEP.equals(key) ? keys.getLong() : keys.getInteger()) == wanted;
                        keys.consume();
                    }
                    int image = images.getInteger();
                    images.consume();
                    int c = predicted.getInteger();
                    predicted.consume();
                    if (mine) {
                        rows.add(image, c);
                    }
                }
            }
            String point = "epoch " + epoch + (STEP.equals(key) ? ", step " + wanted : "");
            return rows.size() == 0 ? Optional.empty() : Optional.of(rows.byImage(file.toString(), point));
        } catch (RuntimeException e) {
            // Parquet reports a damaged file (bad magic, truncated footer) as a RuntimeException.
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The step at the end of {@code epoch}, from the steps per epoch in the file's footer. */
    private static long endOf(ParquetFileReader reader, InputFile file, int epoch) throws IOException {
        String perEpoch = reader.getFooter().getFileMetaData().getKeyValueMetaData()
                .get(ParquetSchemas.STEPS_PER_EPOCH);
        if (perEpoch == null) {
            throw new IOException(file + " has a step column but no " + ParquetSchemas.STEPS_PER_EPOCH
                    + " in its footer, so the end of epoch " + epoch + " is unknown");
        }
        return RecordPoint.endOf(epoch, Integer.parseInt(perEpoch)).step();
    }

    /** Which of a row group's rows can be of one record point, as far as its footer statistics tell. */
    private enum Match {
        /** None: the point is outside the group's min..max. */
        NONE,
        /** All: the group's min and max are the point. */
        ALL,
        /** Some or none: the rows' key column decides. */
        SOME
    }

    /** What a row group's statistics of {@code column} say about {@code value}; SOME when it has none. */
    private static Match match(BlockMetaData block, String column, long value) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            if (chunk.getPath().toDotString().equals(column)) {
                Statistics<?> stats = chunk.getStatistics();
                if (stats == null || stats.isEmpty() || !stats.hasNonNullValue()) {
                    return Match.SOME;
                }
                long min = ((Number) stats.genericGetMin()).longValue();
                long max = ((Number) stats.genericGetMax()).longValue();
                if (value < min || value > max) {
                    return Match.NONE;
                }
                return min == max ? Match.ALL : Match.SOME;
            }
        }
        return Match.SOME;
    }

    private static ColumnDescriptor column(MessageType schema, String name) {
        return schema.getColumnDescription(new String[] {name});
    }

    /** (image, class) pairs without boxing. */
    private static final class IntPairs {
        private int[] images = new int[1024];
        private byte[] classes = new byte[1024];
        private int size;

        void add(int image, int c) {
            if (size == images.length) {
                images = Arrays.copyOf(images, 2 * size);
                classes = Arrays.copyOf(classes, 2 * size);
            }
            images[size] = image;
            classes[size++] = (byte) c;
        }

        int size() {
            return size;
        }

        /** The classes indexed by image; the images must be 0..size-1, once each. */
        byte[] byImage(String file, String point) throws IOException {
            byte[] predicted = new byte[size];
            boolean[] seen = new boolean[size];
            for (int k = 0; k < size; k++) {
                int image = images[k];
                if (image < 0 || image >= size || seen[image]) {
                    throw new IOException(file + " does not hold images 0.." + (size - 1) + " once each for "
                            + point + " (image " + image + ")");
                }
                seen[image] = true;
                predicted[image] = classes[k];
            }
            return predicted;
        }
    }
}
