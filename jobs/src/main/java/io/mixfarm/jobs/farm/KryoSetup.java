package io.mixfarm.jobs.farm;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.jobs.config.TrialKey;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the classes the farm sends through Spark's serializer: the data set (a broadcast, once per
 * executor), the trial keys (the partitions' data) and the outcomes (the tasks' results). Kryo 4's field
 * serializer cannot rebuild records ("can't get field offset on a record class"), so each gets an explicit one.
 */
public final class KryoSetup implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ImageSet.class, new ImageSetSerializer());
        kryo.register(Dataset.class, new DatasetSerializer());
        kryo.register(byte[].class);
        kryo.register(TrialKey.class, new TrialKeySerializer());
        kryo.register(TrialOutcome.class, new TrialOutcomeSerializer());
    }

    /** Writes a trial key as its schedule and index. */
    static final class TrialKeySerializer extends Serializer<TrialKey> {

        @Override
        public void write(Kryo kryo, Output output, TrialKey key) {
            output.writeString(key.schedule());
            output.writeInt(key.trial(), true);
        }

        @Override
        public TrialKey read(Kryo kryo, Input input, Class<TrialKey> type) {
            return new TrialKey(input.readString(), input.readInt(true));
        }
    }

    /** Writes an outcome field by field. */
    static final class TrialOutcomeSerializer extends Serializer<TrialOutcome> {

        @Override
        public void write(Kryo kryo, Output output, TrialOutcome outcome) {
            output.writeString(outcome.key());
            output.writeString(outcome.status());
            output.writeInt(outcome.attempt(), true);
            output.writeString(outcome.host());
            output.writeString(outcome.device());
            output.writeDouble(outcome.wallSeconds());
            output.writeDouble(outcome.testError());
            output.writeString(outcome.error());
        }

        @Override
        public TrialOutcome read(Kryo kryo, Input input, Class<TrialOutcome> type) {
            return new TrialOutcome(input.readString(), input.readString(), input.readInt(true), input.readString(),
                    input.readString(), input.readDouble(), input.readDouble(), input.readString());
        }
    }

    /** Writes an image set as its shape and its two byte arrays. */
    static final class ImageSetSerializer extends Serializer<ImageSet> {

        @Override
        public void write(Kryo kryo, Output output, ImageSet images) {
            output.writeInt(images.count(), true);
            output.writeInt(images.channels(), true);
            output.writeInt(images.height(), true);
            output.writeInt(images.width(), true);
            output.writeInt(images.classes(), true);
            output.writeInt(images.pixels().length, true);
            output.writeBytes(images.pixels());
            output.writeInt(images.labels().length, true);
            output.writeBytes(images.labels());
        }

        @Override
        public ImageSet read(Kryo kryo, Input input, Class<ImageSet> type) {
            int count = input.readInt(true);
            int channels = input.readInt(true);
            int height = input.readInt(true);
            int width = input.readInt(true);
            int classes = input.readInt(true);
            byte[] pixels = input.readBytes(input.readInt(true));
            byte[] labels = input.readBytes(input.readInt(true));
            return new ImageSet(count, channels, height, width, classes, pixels, labels);
        }
    }

    /** Writes a data set as its name and its two image sets. */
    static final class DatasetSerializer extends Serializer<Dataset> {

        @Override
        public void write(Kryo kryo, Output output, Dataset data) {
            output.writeString(data.name());
            kryo.writeObject(output, data.train());
            kryo.writeObject(output, data.test());
        }

        @Override
        public Dataset read(Kryo kryo, Input input, Class<Dataset> type) {
            String name = input.readString();
            ImageSet train = kryo.readObject(input, ImageSet.class);
            ImageSet test = kryo.readObject(input, ImageSet.class);
            return new Dataset(name, train, test);
        }
    }
}
