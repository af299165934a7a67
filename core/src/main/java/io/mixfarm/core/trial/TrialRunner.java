package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.PopulationStatistics;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.runtime.RuntimeSetup;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains one trial: build the network from the spec, then per epoch set the schedule's epoch, take the SGD steps
 * of one shuffled pass (each minibatch normalised and, for CIFAR, augmented as it is assembled), evaluate on the
 * test set, record norms, and at record epochs keep every test prediction. The update is the paper's
 * ({@code w <- (1 - eta*lambda) w - eta*grad}, or its momentum form) on the scale-invariant groups and nothing else
 * moves (see {@code io.mixfarm.core.model.UpdateRule} for how DL4J is made to do exactly that). The evaluation
 * ({@link Evaluation}) reads the trained state and leaves it as it was, so it never changes the training.
 */
public final class TrialRunner {

    /**
     * Test images per inference call. 256 predicts as fast as 1,000 on CPU and makes a trial's resident memory far
     * smaller: ND4J keeps an inference workspace per thread, sized by the chunk, and faults it in on each new task
     * thread's first evaluation (measured with {@code mixfarm bench --predict-chunk}:
     * docs/performance.md, "What was tried").
     */
    public static final int EVAL_CHUNK = 256;

    /**
     * Seed of the training batches precise BN measures on: one fixed draw for every trial of every schedule, so
     * that the recomputed evaluation is one map from weights to predictions, the same for all trials, and draws
     * nothing from a trial's own streams (docs/method.md, "Evaluation").
     */
    static final long BN_STATISTICS_SEED = 0x9e3779b97f4a7c15L;

    /**
     * Runs the trial to its last epoch, or to the first epoch after which its loss or weights are not finite
     * ({@link Divergence}): that epoch's metrics are kept, its predictions are not.
     */
    public TrialResult run(TrialSpec spec, Dataset data, TrialObserver observer) {
        long start = System.nanoTime();
        return train(spec, data, observer, build(spec, data), start);
    }

    /**
     * {@link #run} on a network built by the caller (tests train DL4J's stock layers this way and read the weights
     * after); {@code start} is when the trial's wall time starts.
     */
    TrialResult train(TrialSpec spec, Dataset data, TrialObserver observer, ScaleInvariantNet net, long start) {
        // Test images are normalised with the training set's statistics, as they would be at deployment.
        Normalisation normalisation = spec.preprocessing().normalise().of(data.train());
        ImageBatches train = ImageBatches.training(data.train(), normalisation,
                spec.preprocessing().augment().create(), spec.seed());
        ImageBatches test = ImageBatches.evaluation(data.test(), normalisation);
        RunningTrainStats trainStats = new RunningTrainStats(net.param(net.outputLayer(), WeightGroup.WEIGHTS),
                net.outputInput());
        net.setListeners(trainStats);
        MinibatchOrder order = new MinibatchOrder(train.count(), spec.batchSize(), spec.seed());

        List<EpochMetrics> epochs = new ArrayList<>(spec.epochs());
        List<EpochPredictions> predictions = new ArrayList<>(spec.recordEpochs().size());
        for (int epoch = 1; epoch <= spec.epochs(); epoch++) {
            net.startEpoch(epoch);
            trainStats.reset();
            long t0 = System.nanoTime();
            for (int[] batch : order.nextEpoch()) {
                int[] labels = new int[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    labels[i] = train.label(batch[i]);
                }
                trainStats.expect(labels);
                net.fit(train.batch(batch));
            }
            long t1 = System.nanoTime();
            TestEvaluation eval = evaluate(net, test, spec, data.train(), normalisation);
            long t2 = System.nanoTime();

            double lr = spec.schedule().lr(epoch);
            EpochMetrics metrics = metrics(net, epoch, lr, spec.schedule().wd(epoch), trainStats, eval,
                    seconds(t1 - t0), seconds(t2 - t1));
            epochs.add(metrics);
            Divergence divergence = Divergence.of(metrics);
            if (divergence == null && spec.records(epoch)) {
                predictions.add(new EpochPredictions(epoch, eval.predicted()));
            }
            observer.epochFinished(metrics);
            if (divergence != null) {
                return new TrialResult(spec, epochs, predictions, seconds(System.nanoTime() - start), divergence);
            }
        }
        return new TrialResult(spec, epochs, predictions, seconds(System.nanoTime() - start));
    }

    /** Builds the trial's network with its initial weights; exposed so tests can inspect {@code w0}. */
    public static ScaleInvariantNet build(TrialSpec spec, Dataset data) {
        RuntimeSetup.configure();
        ImageSet train = data.train();
        InputShape shape = new InputShape(train.channels(), train.height(), train.width(), train.classes());
        return Networks.build(spec.model(), shape, spec.schedule(), spec.initSeed());
    }

    /** The test evaluation the spec asks for, leaving the network as it found it. */
    private static TestEvaluation evaluate(ScaleInvariantNet net, ImageBatches test, TrialSpec spec, ImageSet train,
                                           Normalisation normalisation) {
        Evaluation evaluation = spec.evaluation();
        if (evaluation.bn() == BnEval.RUNNING) {
            return evaluate(net, test);
        }
        List<INDArray> batches = statisticsBatches(train, normalisation, spec, evaluation.bnBatches());
        return PopulationStatistics.evaluate(net, batches, () -> evaluate(net, test));
    }

    /**
     * The training batches precise BN measures on: the first {@code count} full batches of a permutation of the
     * training set drawn from {@link #BN_STATISTICS_SEED}, augmented (for CIFAR) by draws from the same fixed seed,
     * assembled afresh at each evaluation, so they are the same every time and cost no memory between evaluations.
     * Full batches only, of the trial's batch size, since BN's batch statistics depend on it; all of the training
     * set if it is smaller than one batch.
     */
    static List<INDArray> statisticsBatches(ImageSet train, Normalisation normalisation, TrialSpec spec, int count) {
        ImageBatches source = ImageBatches.training(train, normalisation, spec.preprocessing().augment().create(),
                BN_STATISTICS_SEED);
        List<int[]> order = new MinibatchOrder(train.count(), spec.batchSize(), BN_STATISTICS_SEED).nextEpoch();
        List<INDArray> batches = new ArrayList<>(count);
        for (int[] batch : order) {
            if (batches.size() == count || (batch.length < spec.batchSize() && !batches.isEmpty())) {
                break;
            }
            batches.add(source.batch(batch).getFeatures());
        }
        return batches;
    }

    /** Test loss, error and predicted classes of the network as it stands, BN in inference mode. */
    static TestEvaluation evaluate(ScaleInvariantNet net, ImageBatches test) {
        int n = test.count();
        byte[] predicted = new byte[n];
        double lossSum = 0;
        int errors = 0;
        for (int from = 0; from < n; from += EVAL_CHUNK) {
            int to = Math.min(n, from + EVAL_CHUNK);
            ClassScores probabilities = ClassScores.of(net.output(test.features(from, to), false));
            for (int i = 0; i < probabilities.count(); i++) {
                int label = test.label(from + i);
                int guess = probabilities.argmax(i);
                predicted[from + i] = (byte) guess;
                // Clamp as DL4J's MCXENT does, so a saturated softmax gives a large finite loss, not infinity.
                lossSum -= Math.log(Math.max(probabilities.value(i, label), 1e-10));
                if (guess != label) {
                    errors++;
                }
            }
        }
        return new TestEvaluation(lossSum / n, (double) errors / n, predicted);
    }

    private static EpochMetrics metrics(ScaleInvariantNet net, int epoch, double lr, double wd,
                                        RunningTrainStats train, TestEvaluation test,
                                        double trainSeconds, double evalSeconds) {
        List<GroupStats> groups = new ArrayList<>(net.groups().size());
        double totalSquared = 0;
        for (WeightGroup group : net.groups()) {
            double norm = net.norm(group);
            totalSquared += norm * norm;
            groups.add(new GroupStats(group.name(), norm, lr / (norm * norm)));
        }
        return new EpochMetrics(epoch, lr, wd, train.meanLoss(), train.errorRate(), test.loss(), test.error(),
                groups, Math.sqrt(totalSquared), lr / totalSquared, trainSeconds, evalSeconds);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The result of one pass over the test set. */
    record TestEvaluation(double loss, double error, byte[] predicted) {
    }
}
