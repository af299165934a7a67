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
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains one trial: build the network from the spec, then per epoch set the schedule's epoch, take the SGD steps
 * of one shuffled pass (each minibatch normalised and, for CIFAR, augmented as it is assembled), evaluate on the
 * test set, record norms, and at record points (the ends of record epochs, and every k steps from a given epoch on:
 * {@link RecordSteps}) keep every test prediction. The update is the paper's
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
        try {
            return train(state, observer, snapshots, start);
        } finally {
            state.release();
        }
    }

    /**
     * {@link #run} on a network built by the caller (tests train DL4J's stock layers this way and read the weights
     * after); {@code start} is when the trial's wall time starts.
     */
    TrialResult train(TrialSpec spec, Dataset data, TrialObserver observer, ScaleInvariantNet net, long start) {
        return train(TrialState.start(spec, data, net), observer, SnapshotRequest.NONE, start);
    }

    private TrialResult train(TrialState state, TrialObserver observer, SnapshotRequest snapshots, long start) {
        TrialSpec spec = state.spec;
        ScaleInvariantNet net = state.net;
        List<EpochMetrics> epochs = state.epochs;
        List<StepMetrics> steps = state.steps;
        List<EpochPredictions> predictions = state.predictions;
        int stepsPerEpoch = state.stepsPerEpoch;
        // Record points still due, in step order; the next one due is at the head.
        ArrayDeque<RecordPoint> due = state.due;
        long step = (long) state.epoch() * stepsPerEpoch;
        for (int epoch = state.epoch() + 1; epoch <= spec.epochs(); epoch++) {
            net.startEpoch(epoch);
            state.trainStats.reset();
            double lr = spec.schedule().lr(epoch);
            double wd = spec.schedule().wd(epoch);
            long trainNanos = 0;
            long t0 = System.nanoTime();
            for (int[] batch : state.order.nextEpoch()) {
                int[] labels = new int[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    labels[i] = state.train.label(batch[i]);
                }
                state.trainStats.expect(labels);
                DataSet examples = state.train.batch(batch);
                net.fit(examples);
                release(examples);
                step++;
                if (!due.isEmpty() && due.peek().step() == step && !due.peek().isEpochEnd(stepsPerEpoch)) {
                    // Inside the epoch: evaluating only reads the weights (BN in inference mode), so training goes
                    // on exactly as without the record (TrialRunnerTest checks it bit for bit).
                    RecordPoint point = due.poll();
                    long t1 = System.nanoTime();
                    trainNanos += t1 - t0;
                    TestEvaluation eval = evaluate(state);
                    t0 = System.nanoTime();
                    steps.add(stepMetrics(net, point, lr, wd, eval, seconds(t0 - t1)));
                    predictions.add(new EpochPredictions(point, eval.predicted()));
                }
            }
            long t1 = System.nanoTime();
            trainNanos += t1 - t0;
            TestEvaluation eval = evaluate(state);
            long t2 = System.nanoTime();

            EpochMetrics metrics = metrics(net, epoch, lr, wd, state.trainStats, eval, seconds(trainNanos),
                    seconds(t2 - t1));
            epochs.add(metrics);
            Divergence divergence = Divergence.of(metrics);
            if (!due.isEmpty() && due.peek().step() == step) {
                RecordPoint point = due.poll();
                if (divergence == null) {
                    predictions.add(new EpochPredictions(point, eval.predicted()));
                }
            }
            observer.epochFinished(metrics);
            if (divergence != null) {
                // Predictions inside the epoch it diverged in may already be of non-finite weights: none are kept.
                int diverged = epoch;
                predictions.removeIf(p -> p.epoch() == diverged);
                return new TrialResult(spec, stepsPerEpoch, epochs, steps, predictions,
                        seconds(System.nanoTime() - start), divergence);
            }
            if (snapshots.epochs().contains(epoch)) {
                snapshots.sink().accept(state.snapshot());
            }
        }
        return new TrialResult(spec, stepsPerEpoch, epochs, steps, predictions, seconds(System.nanoTime() - start));
    }

    /** Builds the trial's network with its initial weights; exposed so tests can inspect {@code w0}. */
    public static ScaleInvariantNet build(TrialSpec spec, Dataset data) {
        RuntimeSetup.configure();
        ImageSet train = data.train();
        InputShape shape = new InputShape(train.channels(), train.height(), train.width(), train.classes());
        return Networks.build(spec.model(), shape, spec.schedule(), spec.initSeed());
    }

    /** The test evaluation the spec asks for, leaving the network as it found it. */
    static TestEvaluation evaluate(TrialState state) {
        if (state.spec.evaluation().bn() == BnEval.RUNNING) {
            return evaluate(state.net, state.test);
        }
        return PopulationStatistics.evaluate(state.net, state.statisticsBatches,
                () -> evaluate(state.net, state.test));
    }

    /**
     * The training batches precise BN measures on: the first full batches of the trial's batch size
     * ({@link Evaluation#statisticsBatches} says how many) of a permutation of the training set drawn from
     * {@link #BN_STATISTICS_SEED}, augmented (for CIFAR) by draws from the same fixed seed, so they are the same for
     * every evaluation of every trial, and a trial builds them once ({@link TrialState}). Full batches, since BN's
     * batch statistics depend on the batch size; all of the training set if it is smaller than one batch.
     */
    static List<INDArray> statisticsBatches(ImageSet train, Normalisation normalisation, TrialSpec spec, int count) {
        ImageBatches source = ImageBatches.training(train, normalisation, spec.preprocessing().augment().create(),
                BN_STATISTICS_SEED);
        List<int[]> order = new MinibatchOrder(train.count(), spec.batchSize(), BN_STATISTICS_SEED).nextEpoch();
        int wanted = Evaluation.statisticsBatches(count, train.count(), spec.batchSize());
        List<INDArray> batches = new ArrayList<>(wanted);
        for (int[] batch : order.subList(0, wanted)) {
            batches.add(source.batch(batch).getFeatures());
        }
        return List.copyOf(batches);
    }

    /** Test loss, error and predicted classes of the network as it stands, BN in inference mode. */
    static TestEvaluation evaluate(ScaleInvariantNet net, ImageBatches test) {
        int n = test.count();
        byte[] predicted = new byte[n];
        double lossSum = 0;
        int errors = 0;
        for (int from = 0; from < n; from += EVAL_CHUNK) {
            int to = Math.min(n, from + EVAL_CHUNK);
            ClassScores probabilities;
            // Released at once, as a step's batch is (release(DataSet)).
            try (INDArray features = test.features(from, to); INDArray output = net.output(features, false)) {
                probabilities = ClassScores.of(output);
            }
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

    /**
     * Frees a step's batch once the step has read it. ND4J frees an array outside a workspace only when a garbage
     * collection finds its small Java object; a trial makes one such batch per step and one per evaluation chunk,
     * and between collections they piled up off-heap, where malloc then kept the space (docs/performance.md, "The
     * sample mixing study").
     */
    private static void release(DataSet examples) {
        examples.getFeatures().close();
        examples.getLabels().close();
    }

    private static EpochMetrics metrics(ScaleInvariantNet net, int epoch, double lr, double wd,
                                        RunningTrainStats train, TestEvaluation test,
                                        double trainSeconds, double evalSeconds) {
        Norms norms = norms(net, lr);
        return new EpochMetrics(epoch, lr, wd, train.meanLoss(), train.errorRate(), test.loss(), test.error(),
                norms.groups(), Math.sqrt(norms.squared()), lr / norms.squared(), trainSeconds, evalSeconds);
    }

    private static StepMetrics stepMetrics(ScaleInvariantNet net, RecordPoint point, double lr, double wd,
                                           TestEvaluation test, double evalSeconds) {
        Norms norms = norms(net, lr);
        return new StepMetrics(point, lr, wd, test.loss(), test.error(), norms.groups(), Math.sqrt(norms.squared()),
                lr / norms.squared(), evalSeconds);
    }

    /** Every group's norm and effective learning rate, and the squared norm of all groups together. */
    private static Norms norms(ScaleInvariantNet net, double lr) {
        List<GroupStats> groups = new ArrayList<>(net.groups().size());
        double totalSquared = 0;
        for (WeightGroup group : net.groups()) {
            double norm = net.norm(group);
            totalSquared += norm * norm;
            groups.add(new GroupStats(group.name(), norm, lr / (norm * norm)));
        }
        return new Norms(groups, totalSquared);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private record Norms(List<GroupStats> groups, double squared) {
    }

    /** The result of one pass over the test set. */
    record TestEvaluation(double loss, double error, byte[] predicted) {
    }
}
