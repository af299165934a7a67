package io.mixfarm.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.analysis.tv.TvSummaryRow;
import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.store.Implementation;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.spark.serializer.KryoRegistrator;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Kryo for mixfarm's records: the data set (the farm's broadcast, once per executor), trial keys (the farm's
 * partition data), trials rows (task results) and the TV job's prediction matrices and summary rows. Kryo 4's field
 * serializer cannot rebuild a record ("can't get field offset on a record class"), so every record, registered
 * or not, goes through {@link RecordSerializer}: its components in order, back through the canonical constructor
 * (which also re-validates them).
 */
public final class KryoSetup implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, RecordSerializer.class);
        for (Class<?> type : new Class<?>[] {ImageSet.class, Dataset.class, TrialKey.class, TrialRecord.class,
                TrialStatus.class, Implementation.class, DataFingerprint.class, PredictionMatrix.class,
                TvSummaryRow.class}) {
            kryo.register(type);
        }
        kryo.register(byte[].class);
        kryo.register(int[].class);
    }

    /** Serializes any record by its components. */
    public static final class RecordSerializer<T extends Record> extends Serializer<T> {

        private final RecordComponent[] components;
        private final Constructor<T> constructor;

        /** Kryo creates one per record class through this constructor. */
        public RecordSerializer(Kryo kryo, Class<T> type) {
            this.components = type.getRecordComponents();
            try {
                this.constructor = type.getDeclaredConstructor(
                        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
                this.constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new KryoException("no canonical constructor in " + type.getName(), e);
            }
        }

        @Override
        public void write(Kryo kryo, Output output, T record) {
            for (RecordComponent component : components) {
                try {
                    Method accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    kryo.writeClassAndObject(output, accessor.invoke(record));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new KryoException("cannot read " + component.getName() + " of " + record.getClass(), e);
                }
            }
        }

        @Override
        public T read(Kryo kryo, Input input, Class<T> type) {
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = kryo.readClassAndObject(input);
            }
            try {
                return constructor.newInstance(values);
            } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new KryoException("cannot rebuild " + type.getName(), e);
            }
        }
    }
}
