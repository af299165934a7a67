package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.schedule.Schedules;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trials on the embedded MNIST sample: learning, reproducibility, fixed init, and the metrics they report. */
class TrialRunnerTest {

    private static Dataset sample;
    private static Dataset slice;

    @BeforeAll
    static void load() {
        sample = EmbeddedSample.load();
        slice = new Dataset("mnist-sample-slice", sample.train().slice(0, 1000), sample.test().slice(0, 300));
    }

    @Test
    void aShortTrialOnTheEmbeddedSampleGetsTestErrorUnderFivePercent() {
        TrialSpec spec = new TrialSpec("mnist-sample", ModelSpec.mnistCnn(16), Preprocessing.NONE,
                Schedule.parse("short", "1: lr=0.4 wd=0.001; 3: lr=0.04 wd=0"), 3, 128, List.of(3), 1, 1,
                Evaluation.RUNNING);
        List<EpochMetrics> seen = new ArrayList<>();
        TrialResult result = new TrialRunner().run(spec, sample, seen::add);

        assertEquals(result.epochs(), seen, "the observer hears every epoch, in order");
        assertTrue(result.last().testError() < 0.05, "test error " + result.last().testError());
        assertTrue(result.last().trainError() < result.epochs().get(0).trainError(), "training error fell");
        byte[] predicted = result.predictions().get(0).predicted();
        int wrong = 0;
        for (int i = 0; i < predicted.length; i++) {
            wrong += predicted[i] == sample.test().label(i) ? 0 : 1;
        }
        assertEquals(result.last().testError(), (double) wrong / predicted.length, 1e-12,
                "recorded predictions agree with the reported test error");
    }

    @Test
    void theSameSeedGivesBitwiseIdenticalResultsAndAnotherSeedDoesNot() {
        TrialResult a = tiny(7, 7);
        TrialResult b = tiny(7, 7);
        TrialResult c = tiny(8, 8);

        for (int i = 0; i < a.predictions().size(); i++) {
            assertArrayEquals(a.predictions().get(i).predicted(), b.predictions().get(i).predicted());
            assertFalse(Arrays.equals(a.predictions().get(i).predicted(), c.predictions().get(i).predicted()),
                    "another seed predicted every image the same at epoch " + a.predictions().get(i).epoch());
        }
        for (int i = 0; i < a.epochs().size(); i++) {
            assertEquals(a.epochs().get(i).trainLoss(), b.epochs().get(i).trainLoss(), 0.0);
            assertEquals(a.epochs().get(i).totalNorm(), b.epochs().get(i).totalNorm(), 0.0);
        }
    }

    @Test
    void fixedInitTrialsShareTheirInitialWeightsButNotTheirMinibatchOrder() {
        Model first = TrialRunner.build(spec(1, 42), slice).network();
        Model second = TrialRunner.build(spec(2, 42), slice).network();
        Model independent = TrialRunner.build(spec(2, 2), slice).network();

        assertEquals(first.params(), second.params(), "fixed-init trials start from the same w0");
        assertNotEquals(first.params(), independent.params(), "independent trials start from different w0");
        assertFalse(Arrays.equals(tiny(1, 42).predictions().get(0).predicted(),
                tiny(2, 42).predictions().get(0).predicted()), "their minibatch orders differ");
    }

    @Test
    void metricsReportTheScheduleAndTheEffectiveLearningRateOfEveryGroup() {
        TrialResult result = tiny(3, 3);
        Schedule schedule = result.spec().schedule();
        assertEquals(List.of(2, 4), result.predictions().stream().map(EpochPredictions::epoch).toList());
        for (EpochMetrics m : result.epochs()) {
            assertEquals(schedule.lr(m.epoch()), m.lr());
            assertEquals(schedule.wd(m.epoch()), m.wd());
            assertEquals(List.of("conv1", "conv2", "fc1"), m.groups().stream().map(GroupStats::group).toList());
            double squares = 0;
            for (GroupStats g : m.groups()) {
                assertEquals(m.lr() / (g.norm() * g.norm()), g.effectiveLr(), 1e-12 * g.effectiveLr());
                squares += g.norm() * g.norm();
            }
            assertEquals(Math.sqrt(squares), m.totalNorm(), 1e-9);
            assertTrue(m.trainError() >= 0 && m.trainError() <= 1 && m.testError() >= 0 && m.testError() <= 1);
            assertTrue(m.trainLoss() > 0 && m.testLoss() > 0);
        }
        // Weight decay at eta*lambda = 0.01 per step shrinks the norms while it is on (8 steps per epoch here).
        assertTrue(result.epochs().get(1).totalNorm() < result.epochs().get(0).totalNorm());
    }

    @Test
    void aTrialWhoseWeightsOverflowEndsDivergedKeepingItsMetricsButNoLaterPredictions() {
        // eta*lambda = 100: every step multiplies the weights by (1 - 100) = -99, so they overflow within 2 epochs.
        TrialSpec spec = new TrialSpec("mnist-sample-slice", ModelSpec.mnistCnn(4), Preprocessing.NONE,
                Schedule.parse("blowup", "1: lr=1000 wd=0.1"), 6, 128, List.of(1, 2, 3, 4, 5, 6), 5, 5,
                Evaluation.RUNNING);
        List<EpochMetrics> seen = new ArrayList<>();
        TrialResult result = new TrialRunner().run(spec, slice, seen::add);

        assertTrue(result.diverged(), "a trial whose norm overflows diverges");
        int epoch = result.divergence().epoch();
        assertTrue(epoch > 1 && epoch < 6, "diverged in epoch " + epoch);
        assertEquals(epoch, result.epochs().size(), "training stops in the epoch it diverged in");
        assertEquals(result.epochs(), seen, "the observer heard the same epochs");
        assertEquals(Divergence.of(result.last()), result.divergence());
        assertTrue(result.divergence().what().contains("norm"), result.divergence().what());
        for (EpochMetrics m : result.epochs().subList(0, epoch - 1)) {
            assertEquals(null, Divergence.of(m), "epochs before the divergence are finite: " + m);
        }
        assertEquals(java.util.stream.IntStream.range(1, epoch).boxed().toList(),
                result.predictions().stream().map(EpochPredictions::epoch).toList(),
                "predictions of the finite epochs only");
        assertFalse(tiny(3, 3).diverged(), "an ordinary trial does not");
    }

    @Test
    void recordingEveryKStepsRecordsAtThoseStepsAndLeavesTrainingBitForBitUnchanged() {
        TrialResult plain = tiny(3, 3);
        TrialSpec stepped = withSteps(spec(3, 3), new RecordSteps(2, 3));
        TrialResult result = new TrialRunner().run(stepped, slice, TrialObserver.NONE);

        // 1,000 training images in batches of 128: 8 steps per epoch.
        assertEquals(8, result.stepsPerEpoch());
        List<RecordPoint> expected = List.of(new RecordPoint(1, 8), new RecordPoint(2, 11), new RecordPoint(2, 14),
                new RecordPoint(2, 16), new RecordPoint(3, 17), new RecordPoint(3, 20), new RecordPoint(3, 23),
                new RecordPoint(4, 26), new RecordPoint(4, 29), new RecordPoint(4, 32));
        assertEquals(expected, result.predictions().stream().map(EpochPredictions::point).toList());
        assertEquals(expected.stream().filter(p -> !p.isEpochEnd(8)).toList(),
                result.steps().stream().map(StepMetrics::point).toList(), "metrics at every point inside an epoch");
        assertTrue(plain.steps().isEmpty());

        for (int i = 0; i < plain.epochs().size(); i++) {
            EpochMetrics a = plain.epochs().get(i);
            EpochMetrics b = result.epochs().get(i);
            assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "train loss of epoch " + a.epoch());
            assertEquals(a.trainError(), b.trainError(), 0.0);
            assertEquals(a.testLoss(), b.testLoss(), 0.0);
            assertEquals(a.testError(), b.testError(), 0.0);
            assertEquals(a.groups(), b.groups(), "norms and effective learning rates of epoch " + a.epoch());
        }
        for (EpochPredictions p : plain.predictions()) {
            EpochPredictions same = result.predictions().stream().filter(q -> q.point().equals(p.point()))
                    .findFirst().orElseThrow();
            assertArrayEquals(p.predicted(), same.predicted(), "predictions at the end of epoch " + p.epoch());
        }
        for (StepMetrics m : result.steps()) {
            byte[] predicted = result.predictions().stream().filter(q -> q.point().equals(m.point())).findFirst()
                    .orElseThrow().predicted();
            int wrong = 0;
            for (int i = 0; i < predicted.length; i++) {
                wrong += predicted[i] == slice.test().label(i) ? 0 : 1;
            }
            assertEquals(m.testError(), (double) wrong / predicted.length, 1e-12, "test error at " + m.point());
            assertEquals(stepped.schedule().lr(m.point().epoch()), m.lr());
            double squares = 0;
            for (GroupStats g : m.groups()) {
                squares += g.norm() * g.norm();
            }
            assertEquals(Math.sqrt(squares), m.totalNorm(), 1e-9);
        }
        assertNotEquals(result.steps().get(0).totalNorm(), result.steps().get(1).totalNorm(),
                "the weights move between two record points");
    }

    @Test
    void divergenceNamesEveryMeasureThatIsNotFinite() {
        EpochMetrics finite = new EpochMetrics(3, 0.1, 0.1, 2.3, 0.9, 2.3, 0.9,
                List.of(new GroupStats("conv1", 4.0, 0.1 / 16)), 4.0, 0.1 / 16, 1, 1);
        assertEquals(null, Divergence.of(finite));
        EpochMetrics nan = new EpochMetrics(3, 0.1, 0.1, Double.NaN, 0.9, 2.3, 0.9,
                List.of(new GroupStats("conv1", Double.POSITIVE_INFINITY, 0)), Double.POSITIVE_INFINITY, 0, 1, 1);
        assertEquals(new Divergence(3, "train loss NaN, norm of conv1 Infinity, norm Infinity"), Divergence.of(nan));
        assertEquals("diverged in epoch 3: train loss NaN, norm of conv1 Infinity, norm Infinity",
                Divergence.of(nan).describe());
    }

    @Test
    void aResNetTrialOnSyntheticCifarIsReproducibleAugmentedAndReportsItsGroups() {
        Dataset cifar = SyntheticCifar.dataset(64, 30, 3);
        Schedule schedule = Schedule.parse("momentum", "1: lr=0.1 wd=5e-4 momentum=0.9; 2: lr=0.01");
        TrialResult a = new TrialRunner().run(cifarSpec(Preprocessing.CIFAR, schedule), cifar, TrialObserver.NONE);
        TrialResult b = new TrialRunner().run(cifarSpec(Preprocessing.CIFAR, schedule), cifar, TrialObserver.NONE);
        TrialResult plain = new TrialRunner().run(cifarSpec(new Preprocessing(Preprocessing.Normalise.PER_CHANNEL,
                Preprocessing.Augment.NONE), schedule), cifar, TrialObserver.NONE);

        for (int i = 0; i < a.epochs().size(); i++) {
            assertEquals(a.epochs().get(i).trainLoss(), b.epochs().get(i).trainLoss(), 0.0, "bitwise reproducible");
            assertEquals(a.epochs().get(i).totalNorm(), b.epochs().get(i).totalNorm(), 0.0);
        }
        assertArrayEquals(a.predictions().get(0).predicted(), b.predictions().get(0).predicted());
        assertNotEquals(a.epochs().get(0).trainLoss(), plain.epochs().get(0).trainLoss(),
                "the augmentation changes what the trial trains on");

        EpochMetrics last = a.last();
        assertEquals(List.of("stream", "inner1", "inner2", "inner3"),
                last.groups().stream().map(GroupStats::group).toList());
        double squares = 0;
        for (GroupStats g : last.groups()) {
            assertEquals(last.lr() / (g.norm() * g.norm()), g.effectiveLr(), 1e-12 * g.effectiveLr());
            squares += g.norm() * g.norm();
        }
        assertEquals(Math.sqrt(squares), last.totalNorm(), 1e-9);
        assertEquals(0.01, last.lr());
        assertEquals(30, a.predictions().get(0).predicted().length);
        assertTrue(last.trainLoss() > 0 && last.testLoss() > 0 && last.testError() <= 1);
    }

    private static TrialSpec cifarSpec(Preprocessing preprocessing, Schedule schedule) {
        return new TrialSpec("synthetic-cifar", ModelSpec.preResNet32(2), preprocessing, schedule, 2, 32,
                List.of(2), 11, 11, Evaluation.RUNNING);
    }

    private static TrialSpec spec(long seed, long initSeed) {
        return new TrialSpec("mnist-sample-slice", ModelSpec.mnistCnn(4), Preprocessing.NONE,
                Schedules.named("LR-decay", 4), 4, 128,
                List.of(2, 4), seed, initSeed, Evaluation.RUNNING);
    }

    private static TrialSpec withSteps(TrialSpec s, RecordSteps steps) {
        return new TrialSpec(s.dataset(), s.model(), s.preprocessing(), s.schedule(), s.epochs(), s.batchSize(),
                s.recordEpochs(), steps, s.seed(), s.initSeed(), s.evaluation());
    }

    private static TrialResult tiny(long seed, long initSeed) {
        return new TrialRunner().run(spec(seed, initSeed), slice, TrialObserver.NONE);
    }
}
