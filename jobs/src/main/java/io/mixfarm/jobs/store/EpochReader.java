package io.mixfarm.jobs.store;

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
 * Reads one record epoch's predicted classes from a predictions file, decoding only the row groups whose
 * footer statistics admit that epoch and only the columns {@code epoch}, {@code image} and {@code predicted}.
 * Column readers, not row objects: the TV job reads 10,000 rows per trial and epoch.
 *
 * <p>Reads both layouts: a trial's file of all record epochs ({@code epoch} a column, one row group per epoch),
 * and the per-epoch files written before it, which have no {@code epoch} column: there every row is the epoch's.
 */
final class EpochReader {

    private static final String EPOCH = "epoch";
    private static final String IMAGE = "image";
    private static final String PREDICTED = "predicted";

    private EpochReader() {
    }

    /**
     * The class predicted for every test image after {@code epoch}, indexed by image; empty if the file holds no
     * row of that epoch.
     *
     * @param conf the configuration the reader's options come from
     * @throws IOException if the file cannot be read, or its rows of the epoch are not images 0..n-1 once each
     */
    static Optional<byte[]> read(InputFile file, int epoch, Configuration conf) throws IOException {
        // Options from the store's configuration: the default ones build and parse a new Hadoop configuration
        // per file, which took most of the time of reading 1,500 files.
        try (ParquetFileReader reader = ParquetFileReader.open(file, HadoopReadOptions.builder(conf).build())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            boolean perTrial = schema.containsField(EPOCH);
            List<String> columns = perTrial ? List.of(EPOCH, IMAGE, PREDICTED) : List.of(IMAGE, PREDICTED);
            MessageType projection = new MessageType(schema.getName(), columns.stream().map(schema::getType).toList());
            reader.setRequestedSchema(projection);
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            List<BlockMetaData> blocks = reader.getRowGroups();
            IntPairs rows = new IntPairs();
            for (int g = 0; g < blocks.size(); g++) {
                Match match = perTrial ? match(blocks.get(g), epoch) : Match.ALL;
                if (match == Match.NONE) {
                    continue;
                }
                PageReadStore pages = reader.readRowGroup(g);
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                        new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
                // Decoded only where the statistics leave it open: the store writes one epoch per row group.
                ColumnReader epochs = match == Match.SOME ? store.getColumnReader(column(projection, EPOCH)) : null;
                ColumnReader images = store.getColumnReader(column(projection, IMAGE));
                ColumnReader predicted = store.getColumnReader(column(projection, PREDICTED));
                for (long r = 0, count = pages.getRowCount(); r < count; r++) {
                    boolean mine = true;
                    if (epochs != null) {
                        mine = epochs.getInteger() == epoch;
                        epochs.consume();
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
            return rows.size() == 0 ? Optional.empty() : Optional.of(rows.byImage(file.toString(), epoch));
        } catch (RuntimeException e) {
            // Parquet reports a damaged file (bad magic, truncated footer) as a RuntimeException.
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Which of a row group's rows can be of one epoch, as far as its footer statistics tell. */
    private enum Match {
        /** None: the epoch is outside the group's min..max. */
        NONE,
        /** All: the group's min and max are the epoch. */
        ALL,
        /** Some or none: the rows' epoch column decides. */
        SOME
    }

    /** What a row group's {@code epoch} statistics say about {@code epoch}; SOME when it has none. */
    private static Match match(BlockMetaData block, int epoch) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
            if (chunk.getPath().toDotString().equals(EPOCH)) {
                Statistics<?> stats = chunk.getStatistics();
                if (stats == null || stats.isEmpty() || !stats.hasNonNullValue()) {
                    return Match.SOME;
                }
                int min = (Integer) stats.genericGetMin();
                int max = (Integer) stats.genericGetMax();
                if (epoch < min || epoch > max) {
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
        byte[] byImage(String file, int epoch) throws IOException {
            byte[] predicted = new byte[size];
            boolean[] seen = new boolean[size];
            for (int k = 0; k < size; k++) {
                int image = images[k];
                if (image < 0 || image >= size || seen[image]) {
                    throw new IOException(file + " does not hold images 0.." + (size - 1) + " once each for epoch "
                            + epoch + " (image " + image + ")");
                }
                seen[image] = true;
                predicted[image] = classes[k];
            }
            return predicted;
        }
    }
}
