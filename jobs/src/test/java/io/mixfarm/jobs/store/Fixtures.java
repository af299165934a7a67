package io.mixfarm.jobs.store;

import io.mixfarm.core.data.DataFingerprint;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedules;
import io.mixfarm.core.trial.Divergence;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.GroupStats;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.core.trial.RecordSteps;
import io.mixfarm.core.trial.StepMetrics;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-made trials, so store tests need no training. */
final class Fixtures {

    /** Test images in the fake test set. */
    static final int IMAGES = 50;
    static final int EPOCHS = 4;
    static final List<Integer> RECORD_EPOCHS = List.of(2, 4);
    /** SGD steps per epoch of the hand-made trials: the end of epoch e is step 10 e. */
    static final int STEPS_PER_EPOCH = 10;
    static final List<String> GROUPS = List.of("conv1", "conv2", "fc1");
    static final long START = 1_700_000_000_123L;
    static final long END = START + 61_500L;
    static final Map<String, String> PROVENANCE = Map.of("mixfarm.config.hash", "abc123",
            "mixfarm.version", "0.1.0-SNAPSHOT", "spark.app.id", "local-1");

    /** What "computed" the hand-made trials. */
    static final Implementation IMPLEMENTATION = new Implementation("0.1.0-SNAPSHOT",
            "6b9cd0a1f2e3d4c5b6a79881726354453627180a", "fused", "CPU");
    /** What they "read". */
    static final DataFingerprint DATA = new DataFingerprint("0123456789abcdef".repeat(4));

    private Fixtures() {
    }

    /** True class of image i: i mod 10. */
    static byte[] labels() {
        byte[] labels = new byte[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = (byte) (i % 10);
        }
        return labels;
    }

    /** The class trial {@code trial} predicts for image i after {@code epoch}: distinct per trial and epoch. */
    static int predicted(int trial, int epoch, int image) {
        return (image * 7 + trial + epoch) % 10;
    }

    static TrialSpec spec(String schedule, long seed) {
        return new TrialSpec("mnist-sample", ModelSpec.mnistCnn(8), Preprocessing.NONE,
                Schedules.named(schedule, EPOCHS), EPOCHS, 32, RECORD_EPOCHS, seed, seed + 1000,
                Evaluation.RUNNING);
    }

    /** A fake result whose every number encodes trial, epoch and column, so read-back can check each value. */
    static TrialResult result(String schedule, int trial) {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 1; e <= EPOCHS; e++) {
            List<GroupStats> groups = new ArrayList<>();
            for (int g = 0; g < GROUPS.size(); g++) {
                groups.add(new GroupStats(GROUPS.get(g), 10 * e + g, 0.01 * e + g));
            }
            epochs.add(new EpochMetrics(e, 0.1, 0.01 * e, 2.0 / e, 0.5 / e, 2.5 / e, 0.6 / e, groups, 100.0 + e,
                    1e-4 * e, 1.5 * e, 0.25 * e));
        }
        List<EpochPredictions> predictions = new ArrayList<>();
        for (int epoch : RECORD_EPOCHS) {
            byte[] predicted = new byte[IMAGES];
            for (int i = 0; i < IMAGES; i++) {
                predicted[i] = (byte) predicted(trial, epoch, i);
            }
            predictions.add(new EpochPredictions(RecordPoint.endOf(epoch, STEPS_PER_EPOCH), predicted));
        }
        return new TrialResult(spec(schedule, 40 + trial), STEPS_PER_EPOCH, epochs, List.of(), predictions, 61.5);
    }

    /** Step recording of {@link #stepped}: every 4 steps from the start of epoch 3 (step 20). */
    static final RecordSteps RECORD_STEPS = new RecordSteps(3, 4);

    /**
     * A fake result recording inside epochs ({@link #RECORD_STEPS}): points at steps 20 (epoch 2's end), 24, 28
     * (inside epoch 3), 32, 36 (inside epoch 4) and 40 (epoch 4's end); the class of image i at step s is
     * {@code predicted(trial, s, i)}, and the numbers of the step metrics encode the step.
     */
    static TrialResult stepped(String schedule, int trial) {
        TrialResult plain = result(schedule, trial);
        TrialSpec spec = new TrialSpec("mnist-sample", ModelSpec.mnistCnn(8), Preprocessing.NONE,
                Schedules.named(schedule, EPOCHS), EPOCHS, 32, RECORD_EPOCHS, RECORD_STEPS, 40 + trial,
                1040 + trial, Evaluation.RUNNING);
        List<EpochPredictions> predictions = new ArrayList<>();
        List<StepMetrics> steps = new ArrayList<>();
        for (RecordPoint point : spec.recordPoints(STEPS_PER_EPOCH)) {
            byte[] predicted = new byte[IMAGES];
            for (int i = 0; i < IMAGES; i++) {
                predicted[i] = (byte) predicted(trial, (int) point.step(), i);
            }
            predictions.add(new EpochPredictions(point, predicted));
            if (!point.isEpochEnd(STEPS_PER_EPOCH)) {
                long s = point.step();
                List<GroupStats> groups = new ArrayList<>();
                for (int g = 0; g < GROUPS.size(); g++) {
                    groups.add(new GroupStats(GROUPS.get(g), s + g, 0.001 * s + g));
                }
                steps.add(new StepMetrics(point, 0.1, 0.001 * s, 3.0 / s, 0.7 / s, groups, 200.0 + s, 1e-5 * s,
                        0.01 * s));
            }
        }
        return new TrialResult(spec, STEPS_PER_EPOCH, plain.epochs(), steps, predictions, plain.wallSeconds());
    }

    /**
     * The same trial as {@link #result}, but its loss turned NaN in epoch 3: metrics of epochs 1-3, predictions of
     * record epoch 2 only.
     */
    static TrialResult diverged(String schedule, int trial) {
        TrialResult full = result(schedule, trial);
        List<EpochMetrics> epochs = new ArrayList<>(full.epochs().subList(0, 2));
        EpochMetrics third = full.epochs().get(2);
        epochs.add(new EpochMetrics(3, third.lr(), third.wd(), Double.NaN, third.trainError(), third.testLoss(),
                third.testError(), third.groups(), third.totalNorm(), third.totalEffectiveLr(), third.trainSeconds(),
                third.evalSeconds()));
        return new TrialResult(full.spec(), STEPS_PER_EPOCH, epochs, List.of(), full.predictions().subList(0, 1),
                full.wallSeconds(), Divergence.of(epochs.get(2)));
    }

    static TrialRecord succeeded(String schedule, int trial, String host) {
        return TrialRecord.finished(schedule, trial, result(schedule, trial), host, "cpu:2-threads", 1, START, END,
                IMPLEMENTATION, DATA);
    }

    static TrialRecord failed(String schedule, int trial, String error) {
        return TrialRecord.failed(schedule, trial, spec(schedule, 40 + trial), "host-f", "cpu:2-threads", 1, START,
                END, error, IMPLEMENTATION, DATA);
    }
}
