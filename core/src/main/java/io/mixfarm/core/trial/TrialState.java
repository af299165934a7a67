package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.WeightGroup;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A trial between two epochs, in memory: its network (parameters and updater state), its random streams (the
 * minibatch order and the augmentation draws), the epochs trained so far and what they measured (with the record
 * points passed and the queue of those still due, {@link RecordSteps}). Made fresh
 * ({@link #start}) or from a snapshot ({@link #resume}); either way the next epoch trains exactly as it would
 * have in one uninterrupted trial.
 */
final class TrialState {

    final TrialSpec spec;
    final ScaleInvariantNet net;
    final ImageBatches train;
    final ImageBatches test;
    /** The training set's input scaling, which test images and precise BN's batches take too. */
    final Normalisation normalisation;
    /**
     * With {@code bn-eval = recomputed}, the training batches precise BN measures on ({@link
     * TrialRunner#statisticsBatches}): the same at every evaluation by design, so built once (their memory is in
     * docs/performance.md, "The cost of an evaluation"); empty with {@code running}.
     */
    final List<INDArray> statisticsBatches;
    final RunningTrainStats trainStats;
    final MinibatchOrder order;
    final int stepsPerEpoch;
    final List<EpochMetrics> epochs;
    final List<StepMetrics> steps;
    final List<EpochPredictions> predictions;
    /** The record points after the last epoch trained, in step order. */
    final ArrayDeque<RecordPoint> due;

    private TrialState(TrialSpec spec, Dataset data, ScaleInvariantNet net) {
        this.spec = spec;
        this.net = net;
        // Test images are normalised with the training set's statistics, as they would be at deployment.
        this.normalisation = spec.preprocessing().normalise().of(data.train());
        this.train = ImageBatches.training(data.train(), normalisation, spec.preprocessing().augment().create(),
                spec.seed());
        this.test = ImageBatches.evaluation(data.test(), normalisation);
        Evaluation evaluation = spec.evaluation();
        this.statisticsBatches = evaluation.bn() == BnEval.RECOMPUTED
                ? TrialRunner.statisticsBatches(data.train(), normalisation, spec, evaluation.bnBatches()) : List.of();
        this.trainStats = new RunningTrainStats(net.param(net.outputLayer(), WeightGroup.WEIGHTS),
                net.outputInput());
        net.setListeners(trainStats);
        this.order = new MinibatchOrder(train.count(), spec.batchSize(), spec.seed());
        this.stepsPerEpoch = order.stepsPerEpoch();
        this.epochs = new ArrayList<>(spec.epochs());
        this.steps = new ArrayList<>();
        this.due = new ArrayDeque<>(spec.recordPoints(stepsPerEpoch));
        this.predictions = new ArrayList<>(due.size());
    }

    /** The trial before its first epoch: initial weights, streams at their seeds. */
    static TrialState start(TrialSpec spec, Dataset data) {
        return new TrialState(spec, data, TrialRunner.build(spec, data));
    }

    /** The trial before its first epoch, on a network the caller built (e.g. with DL4J's stock layers). */
    static TrialState start(TrialSpec spec, Dataset data, ScaleInvariantNet net) {
        return new TrialState(spec, data, net);
    }

    /**
     * The trial of {@code spec} after the snapshot's epoch: the network built from the spec and filled in from the
     * snapshot, the random streams moved past the snapshot's epochs by replaying their draws.
     *
     * @throws IllegalArgumentException with one line if the snapshot cannot continue this trial
     *                                  ({@link TrialSnapshot#problemContinuing})
     */
    static TrialState resume(TrialSpec spec, Dataset data, TrialSnapshot snapshot) {
        String problem = snapshot.problemContinuing(spec);
        if (problem != null) {
            throw new IllegalArgumentException("cannot continue trial " + spec.schedule().name() + " from its "
                    + "snapshot after epoch " + snapshot.epoch() + ": " + problem);
        }
        TrialState state = new TrialState(spec, data, TrialRunner.build(spec, data));
        state.net.setFlatParams(snapshot.params());
        state.net.setUpdaterState(snapshot.updaterState());
        state.net.setIterations(snapshot.iterations());
        for (int epoch = 1; epoch <= snapshot.epoch(); epoch++) {
            for (int[] batch : state.order.nextEpoch()) {
                state.train.replay(batch);
            }
        }
        state.epochs.addAll(snapshot.metrics());
        // The spec's own record points up to the snapshot (problemContinuing checked the snapshot has them all),
        // and those after it still due.
        long passed = (long) snapshot.epoch() * state.stepsPerEpoch;
        List<RecordPoint> recorded = new ArrayList<>();
        while (!state.due.isEmpty() && state.due.peek().step() <= passed) {
            recorded.add(state.due.poll());
        }
        for (EpochPredictions p : snapshot.predictions()) {
            if (recorded.contains(p.point())) {
                state.predictions.add(p);
            }
        }
        for (StepMetrics m : snapshot.steps()) {
            if (recorded.contains(m.point())) {
                state.steps.add(m);
            }
        }
        return state;
    }

    /**
     * Frees what the trial held off-heap for its whole length, its network's parameters, gradients and updater state
     * and precise BN's batches, once it has ended; the state is unusable after. Its Java objects outlive many
     * collections, so without this the arrays would wait for the heap's next full marking, and malloc would keep
     * their space meanwhile (docs/performance.md, "The sample mixing study").
     */
    void release() {
        statisticsBatches.forEach(INDArray::close);
        net.release();
    }

    /** The last epoch trained, 0 before the first. */
    int epoch() {
        return epochs.size();
    }

    /** This state as a snapshot (copies of the arrays, so training on does not change it). */
    TrialSnapshot snapshot() {
        return new TrialSnapshot(epoch(), net.iterations(), stepsPerEpoch, TrialSnapshot.trialOf(spec),
                spec.schedule(), epochs, steps, predictions, net.flatParams(), net.updaterState());
    }
}
