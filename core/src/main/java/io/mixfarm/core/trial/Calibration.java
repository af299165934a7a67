package io.mixfarm.core.trial;

import io.mixfarm.core.bench.RateMeter;
import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedule;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures this machine's training and prediction speed for a network, on random images of the data set's shape
 * (speed does not depend on pixel values), so a cost plan needs no data on disk. A quick reading with the
 * instruments of {@link io.mixfarm.core.bench}; {@code mixfarm bench} takes the careful one.
 */
public final class Calibration {

    /** Images per timed prediction call, as the trial runner's evaluation uses. */
    private static final int PREDICT_BATCH = TrialBench.PREDICT_CHUNK;

    /**
     * Images per second on this machine.
     *
     * @param trainImagesPerSecond SGD steps' images per second, after warm-up
     * @param predictImagesPerSecond inference images per second, after warm-up
     */
    public record Throughput(double trainImagesPerSecond, double predictImagesPerSecond) {
    }

    private Calibration() {
    }

    /** Trains {@code steps} minibatches after {@code warmup} untimed ones, then times two prediction calls. */
    public static Throughput measure(ModelSpec model, InputShape shape, Schedule schedule, int batchSize, int warmup,
                                     int steps) {
        RuntimeSetup.configure();
        MultiLayerNetwork network = MnistCnn.build(model, shape, schedule, 1).network();
        network.setEpochCount(0);
        List<DataSet> batch = List.of(randomBatch(shape, batchSize, 1));
        double train = RateMeter.measure(TrialBench.training(network, batch), warmup, steps, 1).wall().median();
        INDArray images = randomBatch(shape, PREDICT_BATCH, 2).getFeatures();
        double predict = RateMeter.measure(TrialBench.prediction(network, images), 1, 2, 1).wall().median();
        return new Throughput(train, predict);
    }

    private static DataSet randomBatch(InputShape shape, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[size * shape.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(256) / 255f;
        }
        float[] labels = new float[size * shape.classes()];
        for (int i = 0; i < size; i++) {
            labels[i * shape.classes() + random.nextInt(shape.classes())] = 1f;
        }
        return new DataSet(Nd4j.create(pixels, new long[] {size, shape.size()}, 'c'),
                Nd4j.create(labels, new long[] {size, shape.classes()}, 'c'));
    }
}
