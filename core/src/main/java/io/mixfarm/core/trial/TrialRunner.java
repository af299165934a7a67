package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Networks;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.WeightGroup;
import io.mixfarm.core.runtime.RuntimeSetup;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains one trial: build the network from the spec, then per epoch set the schedule's epoch, take the SGD steps
 * of one shuffled pass (each minibatch normalised and, for CIFAR, augmented as it is assembled), evaluate on the
 * test set, record norms, and at record epochs keep every test prediction. The update is the paper's
 * ({@code w <- (1 - eta*lambda) w - eta*grad}, or its momentum form) on the scale-invariant groups and nothing else
 * moves (see {@code io.mixfarm.core.model.UpdateRule} for how DL4J is made to do exactly that).
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
     * Runs the trial to its last epoch, or to the first epoch after which its loss or weights are not finite
     * ({@link Divergence}): that epoch's metrics are kept, its predictions are not.
     */
    public TrialResult run(TrialSpec spec, Dataset data, TrialObserver observer) {
        return run(spec, data, null, observer, SnapshotRequest.NONE);
    }

    /**
     * Runs the trial as {@link #run(TrialSpec, Dataset, TrialObserver)} does, but from {@code from} if given, and
     * hands {@code snapshots} the trial's snapshot after each epoch it asks for (a finite one: a trial that
     * diverged has nothing to continue). A trial continued from its own snapshot, or from a snapshot of a trial
     * whose schedule agrees with its own up to that epoch, gives the uninterrupted trial's results bit for bit
     * (docs/method.md, "Forks"); its observer hears only the epochs trained here, its result has all of them.
     *
     * @param from      the trial after some epoch, or {@code null} to start from the initial weights
     * @param snapshots which epochs to snapshot, and where to
     * @throws IllegalArgumentException with one line if {@code from} cannot continue this trial
     */
    public TrialResult run(TrialSpec spec, Dataset data, TrialSnapshot from, TrialObserver observer,
                           SnapshotRequest snapshots) {
        long start = System.nanoTime();
        TrialState state = from == null ? TrialState.start(spec, data) : TrialState.resume(spec, data, from);
        ScaleInvariantNet net = state.net;
        List<EpochMetrics> epochs = state.epochs;
        List<EpochPredictions> predictions = state.predictions;
        for (int epoch = state.epoch() + 1; epoch <= spec.epochs(); epoch++) {
            net.startEpoch(epoch);
            state.trainStats.reset();
            long t0 = System.nanoTime();
            for (int[] batch : state.order.nextEpoch()) {
                int[] labels = new int[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    labels[i] = state.train.label(batch[i]);
                }
                state.trainStats.expect(labels);
                net.fit(state.train.batch(batch));
            }
            long t1 = System.nanoTime();
            TestEvaluation eval = evaluate(net, state.test);
            long t2 = System.nanoTime();

            double lr = spec.schedule().lr(epoch);
            EpochMetrics metrics = metrics(net, epoch, lr, spec.schedule().wd(epoch), state.trainStats, eval,
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
            if (snapshots.epochs().contains(epoch)) {
                snapshots.sink().accept(state.snapshot());
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
