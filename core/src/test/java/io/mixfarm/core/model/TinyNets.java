package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Small networks and random MNIST-shaped batches for model-level tests. */
final class TinyNets {

    static final InputShape MNIST = new InputShape(1, 28, 28, 10);

    private TinyNets() {
    }

    static ScaleInvariantNet build(Schedule schedule, long seed) {
        return MnistCnn.build(ModelSpec.mnistCnn(4), MNIST, schedule, seed);
    }

    static ScaleInvariantNet build(long seed) {
        return build(Schedules.named("Const", 200), seed);
    }

    /** A batch of uniform-noise images with random labels. */
    static DataSet randomBatch(int size, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[size * MNIST.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        INDArray labels = Nd4j.zeros(DataType.FLOAT, size, MNIST.classes());
        for (int i = 0; i < size; i++) {
            labels.putScalar(i, random.nextInt(MNIST.classes()), 1f);
        }
        return new DataSet(Nd4j.create(pixels, new long[] {size, MNIST.size()}, 'c'), labels);
    }
}
