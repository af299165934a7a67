package io.mixfarm.core.model;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Small networks of every architecture and random batches of their input shape, for model-level tests. */
final class TinyNets {

    static final InputShape MNIST = new InputShape(1, 28, 28, 10);
    static final InputShape CIFAR = new InputShape(3, 32, 32, 10);

    private TinyNets() {
    }

    /** A narrow network of the architecture: width 4 for the MNIST CNN, 2 for the CIFAR nets (fast, still BN'd). */
    static ScaleInvariantNet build(String architecture, Schedule schedule, long seed) {
        return switch (architecture) {
            case ModelSpec.MNIST_CNN -> Networks.build(ModelSpec.mnistCnn(4), MNIST, schedule, seed);
            case ModelSpec.PRERESNET32 -> Networks.build(ModelSpec.preResNet32(2), CIFAR, schedule, seed);
            case ModelSpec.VGG16 -> Networks.build(ModelSpec.vgg16(2), CIFAR, schedule, seed);
            default -> throw new IllegalArgumentException(architecture);
        };
    }

    static ScaleInvariantNet build(Schedule schedule, long seed) {
        return build(ModelSpec.MNIST_CNN, schedule, seed);
    }

    static ScaleInvariantNet build(long seed) {
        return build(Schedules.named("Const", 200), seed);
    }

    static InputShape shape(String architecture) {
        return ModelSpec.MNIST_CNN.equals(architecture) ? MNIST : CIFAR;
    }

    /** A batch of uniform-noise MNIST-shaped images with random labels. */
    static DataSet randomBatch(int size, long seed) {
        return randomBatch(MNIST, size, seed);
    }

    /** A batch of uniform-noise images with random labels, flattened CHW as the trial runner feeds them. */
    static DataSet randomBatch(InputShape shape, int size, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[size * shape.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        INDArray labels = Nd4j.zeros(DataType.FLOAT, size, shape.classes());
        for (int i = 0; i < size; i++) {
            labels.putScalar(i, random.nextInt(shape.classes()), 1f);
        }
        return new DataSet(Nd4j.create(pixels, new long[] {size, shape.size()}, 'c'), labels);
    }
}
