package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Normalisation;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.model.WeightGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * A trial between two epochs, in memory: its network (parameters and updater state), its random streams (the
 * minibatch order and the augmentation draws), the epochs trained so far and what they measured. Made fresh
 * ({@link #start}) or from a snapshot ({@link #resume}); either way the next epoch trains exactly as it would
 * have in one uninterrupted trial.
 */
final class TrialState {

    final TrialSpec spec;
    final ScaleInvariantNet net;
    final ImageBatches train;
    final ImageBatches test;
    final RunningTrainStats trainStats;
    final MinibatchOrder order;
    final List<EpochMetrics> epochs;
    final List<EpochPredictions> predictions;

    private TrialState(TrialSpec spec, Dataset data) {
        this.spec = spec;
        this.net = TrialRunner.build(spec, data);
        // Test images are normalised with the training set's statistics, as they would be at deployment.
        Normalisation normalisation = spec.preprocessing().normalise().of(data.train());
        this.train = ImageBatches.training(data.train(), normalisation, spec.preprocessing().augment().create(),
                spec.seed());
        this.test = ImageBatches.evaluation(data.test(), normalisation);
        this.trainStats = new RunningTrainStats(net.param(net.outputLayer(), WeightGroup.WEIGHTS),
                net.outputInput());
        net.setListeners(trainStats);
        this.order = new MinibatchOrder(train.count(), spec.batchSize(), spec.seed());
        this.epochs = new ArrayList<>(spec.epochs());
        this.predictions = new ArrayList<>(spec.recordEpochs().size());
    }

    /** The trial before its first epoch: initial weights, streams at their seeds. */
    static TrialState start(TrialSpec spec, Dataset data) {
        return new TrialState(spec, data);
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
        TrialState state = new TrialState(spec, data);
        state.net.setFlatParams(snapshot.params());
        state.net.setUpdaterState(snapshot.updaterState());
        state.net.setIterations(snapshot.iterations());
        for (int epoch = 1; epoch <= snapshot.epoch(); epoch++) {
            for (int[] batch : state.order.nextEpoch()) {
                state.train.replay(batch);
            }
        }
        state.epochs.addAll(snapshot.metrics());
        for (EpochPredictions p : snapshot.predictions()) {
            if (spec.records(p.epoch())) {
                state.predictions.add(p);
            }
        }
        return state;
    }

    /** The last epoch trained, 0 before the first. */
    int epoch() {
        return epochs.size();
    }

    /** This state as a snapshot (copies of the arrays, so training on does not change it). */
    TrialSnapshot snapshot() {
        return new TrialSnapshot(epoch(), net.iterations(), TrialSnapshot.trialOf(spec), spec.schedule(), epochs,
                predictions, net.flatParams(), net.updaterState());
    }
}
