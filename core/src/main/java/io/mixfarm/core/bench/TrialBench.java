package io.mixfarm.core.bench;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.runtime.RuntimeSetup;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.TrialRunner;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * One trial's speed on this machine and thread count: steady-state SGD steps of the trial's network on real
 * minibatches, then warm prediction passes over the whole test set, and the memory it took.
 *
 * <p>The steps are {@code network.fit(batch)} on pre-built batches, which is the trial runner's step without its
 * per-step row gathering and running-statistics listener (both O(batch), well under 1% of a step); the farm's
 * figures in {@code mixfarm bench} time the real trial runner.
 */
public final class TrialBench {

    /** The schedule every benchmark trains with (Const's first phase); speed does not depend on lr and wd. */
    public static final Schedule SCHEDULE = Schedule.parse("bench", "1: lr=0.1 wd=0.1");

    /** Test images per inference call: the trial runner's, so that the bench times what trials do. */
    public static final int PREDICT_CHUNK = TrialRunner.EVAL_CHUNK;

    private TrialBench() {
    }

    /** Measures the trial's network of {@code settings} on {@code data}. */
    public static TrialBenchResult run(Dataset data, BenchSettings settings) {
        RuntimeSetup.configure();
        InputShape shape = shape(data.train());
        int batchesNeeded = settings.warmupSteps() + settings.timedSteps() * settings.repeats();
        List<DataSet> batches = Minibatches.of(data.train(), settings.batchSize(), batchesNeeded, settings.seed());
        INDArray test = Minibatches.features(data.test());

        MemoryUse.resetPeak();
        MemoryUse before = MemoryUse.now();
        MultiLayerNetwork network = (MultiLayerNetwork) MnistCnn.build(settings.model(), shape, SCHEDULE,
                settings.seed()).network();
        network.setEpochCount(0);
        RateMeter.Rates train = RateMeter.measure(training(network, batches), settings.warmupSteps(),
                settings.timedSteps(), settings.repeats());
        RateMeter.Rates predict = RateMeter.measure(prediction(network, test, settings.predictChunk()), 1, 1,
                settings.repeats());
        MemoryUse after = MemoryUse.now();
        return new TrialBenchResult(RuntimeSetup.threads(), settings, train, predict, data.test().count(),
                FlopCount.mnistCnn(settings.model(), shape), before, after);
    }

    /** One SGD step per call, cycling through {@code batches}. */
    public static RateMeter.Workload training(MultiLayerNetwork network, List<DataSet> batches) {
        return step -> {
            DataSet batch = batches.get(step % batches.size());
            network.fit(batch);
            return batch.numExamples();
        };
    }

    /** One inference pass over all of {@code images} per call, BN in inference mode, in trial-sized chunks. */
    public static RateMeter.Workload prediction(MultiLayerNetwork network, INDArray images) {
        return prediction(network, images, PREDICT_CHUNK);
    }

    /** One inference pass over all of {@code images} per call, {@code chunk} images per call of the network. */
    public static RateMeter.Workload prediction(MultiLayerNetwork network, INDArray images, int chunk) {
        int n = images.rows();
        return step -> {
            for (int from = 0; from < n; from += chunk) {
                INDArray rows = images.get(NDArrayIndex.interval(from, Math.min(n, from + chunk)),
                        NDArrayIndex.all());
                network.output(rows, false);
            }
            return n;
        };
    }

    /** The network input shape of an image set. */
    public static InputShape shape(ImageSet images) {
        return new InputShape(images.channels(), images.height(), images.width(), images.classes());
    }
}
