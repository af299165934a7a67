package io.mixfarm.jobs.store;

import io.mixfarm.core.trial.RecordPoint;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import java.util.Map;

/**
 * Writes one record point's rows of {@link ParquetSchemas#PREDICTIONS} straight from the trial's arrays: the
 * record written is the image index, and no row object is built (a trial of 200 record epochs writes two million
 * rows, which as example {@code Group}s cost several objects each). Arguments are checked by
 * {@link Rows#checkPredictions} before anything is written.
 */
final class PredictionRows extends WriteSupport<Integer> {

    private static final MessageType SCHEMA = ParquetSchemas.PREDICTIONS;
    private static final int TRIAL = SCHEMA.getFieldIndex("trial");
    private static final int EPOCH = SCHEMA.getFieldIndex("epoch");
    private static final int STEP = SCHEMA.getFieldIndex(ParquetSchemas.STEP);
    private static final int IMAGE = SCHEMA.getFieldIndex("image");
    private static final int PREDICTED = SCHEMA.getFieldIndex("predicted");
    private static final int LABEL = SCHEMA.getFieldIndex("label");

    private final int trial;
    private final int epoch;
    private final long step;
    private final byte[] predicted;
    private final byte[] labels;
    private RecordConsumer out;

    /**
     * @param point     the record point
     * @param predicted the class predicted for each test image at {@code point}
     * @param labels    true class per test image, unsigned bytes as in {@code ImageSet}
     */
    PredictionRows(int trial, RecordPoint point, byte[] predicted, byte[] labels) {
        this.trial = trial;
        this.epoch = point.epoch();
        this.step = point.step();
        this.predicted = predicted;
        this.labels = labels;
    }

    /** Rows to write: one per test image, in image order (the sort order within a record point). */
    int rows() {
        return predicted.length;
    }

    // Parquet 1.16 deprecates the Hadoop-typed variant but keeps it abstract, so it must be implemented.
    @Override
    @SuppressWarnings("deprecation")
    public WriteContext init(Configuration configuration) {
        return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(Integer image) {
        out.startMessage();
        field("trial", TRIAL, trial);
        field("epoch", EPOCH, epoch);
        out.startField(ParquetSchemas.STEP, STEP);
        out.addLong(step);
        out.endField(ParquetSchemas.STEP, STEP);
        field("image", IMAGE, image);
        field("predicted", PREDICTED, predicted[image]);
        field("label", LABEL, labels[image] & 0xFF);
        out.endMessage();
    }

    private void field(String name, int index, int value) {
        out.startField(name, index);
        out.addInteger(value);
        out.endField(name, index);
    }
}
