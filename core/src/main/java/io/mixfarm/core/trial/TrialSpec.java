package io.mixfarm.core.trial;

import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;

import java.util.List;

/**
 * Everything that determines one trial: with the same spec, data and thread count a trial is bitwise
 * reproducible.
 *
 * @param dataset      data set name, e.g. {@code mnist-sample} (recorded; the runner is handed the data itself)
 * @param model        the scale-invariant network
 * @param preprocessing how images become input: normalisation, and the training augmentation (drawn from
 *                     {@code seed})
 * @param schedule     learning rate and weight decay per epoch
 * @param epochs       number of epochs to train
 * @param batchSize    examples per SGD step (the last step of an epoch takes the remainder)
 * @param recordEpochs epochs after which the class of every test image is recorded, ascending, within 1..epochs
 * @param recordSteps  recording inside epochs, every k SGD steps from a given epoch on ({@link RecordSteps#OFF}:
 *                     none)
 * @param seed         the trial's seed: minibatch order, augmentation, and initial weights unless {@code initSeed}
 *                     differs
 * @param initSeed     seed of the initial weights: equal to {@code seed} for independent trials, shared by all
 *                     trials of a fixed-init experiment (figure 9)
 * @param evaluation   how the test set is evaluated after each epoch (BN's running averages or recomputed
 *                     statistics); it never changes training
 */
public record TrialSpec(String dataset, ModelSpec model, Preprocessing preprocessing, Schedule schedule, int epochs,
                        int batchSize, List<Integer> recordEpochs, RecordSteps recordSteps, long seed,
                        long initSeed, Evaluation evaluation) {

    public TrialSpec {
        recordEpochs = List.copyOf(recordEpochs);
        java.util.Objects.requireNonNull(recordSteps, "recordSteps");
        if (evaluation == null) {
            throw new IllegalArgumentException("the evaluation must be given (Evaluation.RUNNING for the paper's)");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 2) {
            // BatchNorm needs at least two examples for a batch variance.
            throw new IllegalArgumentException("batch size must be >= 2, got " + batchSize);
        }
        int previous = 0;
        for (int epoch : recordEpochs) {
            if (epoch <= previous || epoch > epochs) {
                throw new IllegalArgumentException("record epochs must be ascending within 1.." + epochs
                        + ", got " + recordEpochs);
            }
            previous = epoch;
        }
        if (recordSteps.fromEpoch() > epochs) {
            throw new IllegalArgumentException("record steps from epoch " + recordSteps.fromEpoch()
                    + " must be within 1.." + epochs);
        }
    }

    /** A trial that records only at the end of its record epochs. */
    public TrialSpec(String dataset, ModelSpec model, Preprocessing preprocessing, Schedule schedule, int epochs,
                     int batchSize, List<Integer> recordEpochs, long seed, long initSeed, Evaluation evaluation) {
        this(dataset, model, preprocessing, schedule, epochs, batchSize, recordEpochs, RecordSteps.OFF, seed,
                initSeed, evaluation);
    }

    /** Every point at which the trial predicts the test set, ordered by step ({@link RecordSteps#points}). */
    public List<RecordPoint> recordPoints(int stepsPerEpoch) {
        return recordSteps.points(epochs, recordEpochs, stepsPerEpoch);
    }
}
