package io.mixfarm.core.bench;

import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.PopulationStatistics;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.ImageBatches;
import io.mixfarm.core.trial.TrialRunner;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures this machine's training and prediction speed for a network, on random images of the data set's shape
 * (speed does not depend on pixel values), so a cost plan needs no data on disk. A timed step includes assembling
 * its minibatch (normalisation and augmentation), as a trial's step does.
 *
 * <p>It is the measurement behind {@code run --dry-run --calibrate} (jobs' {@code CostProjection}), and lives with
 * the other instruments rather than in {@code core.trial}: the trial runner does not measure itself, and this
 * package already depends on it.
 */
public final class Calibration {

    /**
     * Images per second on this machine.
     *
     * @param trainImagesPerSecond    SGD steps' images per second of wall time, after warm-up
     * @param predictImagesPerSecond  inference images per second of wall time, after warm-up
     * @param trainImagesPerCpuSecond SGD steps' images per second of this process's CPU time: on a machine shared
     *                                with other work the wall rate falls with the share of a core the trial gets,
     *                                this one much less, so it estimates the rate on a core of its own
     * @param statisticsImagesPerSecond images per second of wall time through precise BN's measurement of the
     *                                population statistics (a training-mode forward pass and the pooling, as
     *                                {@code bn-eval = recomputed} does it before each evaluation), after warm-up
     */
    public record Throughput(double trainImagesPerSecond, double predictImagesPerSecond,
                             double trainImagesPerCpuSecond, double statisticsImagesPerSecond) {
    }

    private Calibration() {
    }

    /**
     * Trains {@code steps} minibatches after {@code warmup} untimed ones, then times two prediction calls and two
     * measurements of BN's population statistics on a training batch.
     */
    public static Throughput measure(ModelSpec model, Preprocessing preprocessing, InputShape shape,
                                     Schedule schedule, int batchSize, int warmup, int steps) {
        RuntimeSetup.configure();
        ScaleInvariantNet net = Networks.build(model, shape, schedule, 1);
        net.startEpoch(1);
        ImageSet images = randomImages(shape, Math.max(batchSize, TrialRunner.EVAL_CHUNK), 1);
        ImageBatches train = ImageBatches.training(images, preprocessing.normalise().of(images),
                preprocessing.augment().create(), 1);
        int[] batch = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            batch[i] = i;
        }
        RateMeter.Rates training = RateMeter.measure(step -> {
            net.fit(train.batch(batch));
            return batchSize;
        }, warmup, steps, 1);

        INDArray features = ImageBatches.evaluation(images, preprocessing.normalise().of(images))
                .features(0, TrialRunner.EVAL_CHUNK);
        RateMeter.Rates prediction = RateMeter.measure(step -> {
            net.output(features, false);
            return TrialRunner.EVAL_CHUNK;
        }, 1, 2, 1);
        INDArray statisticsBatch = train.batch(batch).getFeatures();
        RateMeter.Rates statistics = RateMeter.measure(step -> {
            PopulationStatistics.measure(net, List.of(statisticsBatch));
            return batchSize;
        }, 1, 2, 1);
        return new Throughput(training.wall().median(), prediction.wall().median(), training.cpu().median(),
                statistics.wall().median());
    }

    private static ImageSet randomImages(InputShape shape, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * shape.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(shape.classes());
        }
        return new ImageSet(count, shape.channels(), shape.height(), shape.width(), shape.classes(), pixels, labels);
    }
}
