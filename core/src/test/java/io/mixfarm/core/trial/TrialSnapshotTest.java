package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.data.SyntheticCifar;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trial snapshotted after epoch E, written to bytes, read back into a fresh network and continued equals the
 * uninterrupted trial bit for bit at every later epoch (metrics and predictions): on the fused MNIST CNN, with
 * momentum, and on the fused layers in a graph (PreResNet32) with augmentation. A fork, the snapshot of a parent
 * schedule continued under a child that agrees with it up to E, equals a plain trial of the child. The test JVM
 * runs one OpenMP thread (surefire's environment), as bitwise reproducibility needs.
 */
class TrialSnapshotTest {

    private static final int AT = 2;

    private static Dataset mnist;
    private static Dataset cifar;

    @BeforeAll
    static void load() {
        Dataset sample = EmbeddedSample.load();
        mnist = new Dataset("mnist-sample-slice", sample.train().slice(0, 600), sample.test().slice(0, 200));
        cifar = SyntheticCifar.dataset(64, 30, 3);
    }

    @Test
    void theFusedCnnContinuedFromItsSerialisedSnapshotEqualsTheUninterruptedTrial() {
        assertContinuesExactly(mnistSpec(Schedule.parse("plain", "1: lr=0.2 wd=0.05; 3: lr=0.05 wd=0.2")), mnist);
    }

    @Test
    void theFusedCnnWithMomentumContinuesExactlyFromItsVelocity() {
        TrialSpec spec = mnistSpec(Schedule.parse("momentum", "1: lr=0.05 wd=0.01 momentum=0.9; 3: lr=0.01"));
        TrialSnapshot snapshot = assertContinuesExactly(spec, mnist);
        assertTrue(nonZero(snapshot.updaterState()), "the snapshot holds the heavy-ball velocity");

        // The velocity matters: the same snapshot without it continues differently.
        TrialSnapshot noVelocity = new TrialSnapshot(snapshot.epoch(), snapshot.iterations(),
                snapshot.stepsPerEpoch(), snapshot.trial(), snapshot.schedule(), snapshot.metrics(), snapshot.steps(),
                snapshot.predictions(), snapshot.params(), new float[snapshot.updaterState().length]);
        TrialResult forgetful = new TrialRunner().run(spec, mnist, noVelocity, TrialObserver.NONE,
                SnapshotRequest.NONE);
        assertFalse(forgetful.epochs().get(AT).trainLoss() == run(spec, mnist).epochs().get(AT).trainLoss(),
                "a continuation without the velocity is not the trial");
    }

    @Test
    void fusedLayersInAGraphWithAugmentationContinueExactly() {
        TrialSpec spec = new TrialSpec("synthetic-cifar", ModelSpec.preResNet32(2), Preprocessing.CIFAR,
                Schedule.parse("momentum", "1: lr=0.1 wd=5e-4 momentum=0.9; 3: lr=0.01"), 4, 16, List.of(1, 2, 3, 4),
                11, 11, Evaluation.RUNNING);
        assertContinuesExactly(spec, cifar);
    }

    @Test
    void recordPointsInsideEpochsContinueExactlyAcrossTheSnapshot() {
        // 600 images in batches of 64: 10 steps per epoch. Every 3 steps from epoch 2 on: steps 13, 16, 19 lie
        // before the snapshot after epoch 2 (it carries them), 22, 25, 28 inside the epoch after it.
        TrialSpec plain = mnistSpec(Schedule.parse("plain", "1: lr=0.2 wd=0.05; 3: lr=0.05 wd=0.2"));
        TrialSpec spec = new TrialSpec(plain.dataset(), plain.model(), plain.preprocessing(), plain.schedule(),
                plain.epochs(), plain.batchSize(), plain.recordEpochs(), new RecordSteps(2, 3), plain.seed(),
                plain.initSeed(), plain.evaluation());
        TrialSnapshot snapshot = assertContinuesExactly(spec, mnist);

        assertEquals(10, snapshot.stepsPerEpoch());
        assertEquals(List.of(13L, 16L, 19L), snapshot.steps().stream().map(m -> m.point().step()).toList(),
                "the snapshot carries the step metrics before it");
        assertEquals(List.of(10L, 13L, 16L, 19L, 20L),
                snapshot.predictions().stream().map(EpochPredictions::step).toList(),
                "and the predictions of every record point up to it");
        TrialResult continued = new TrialRunner().run(spec, mnist, snapshot, TrialObserver.NONE,
                SnapshotRequest.NONE);
        assertEquals(List.of(13L, 16L, 19L, 22L, 25L, 28L, 31L, 34L, 37L),
                continued.steps().stream().map(m -> m.point().step()).toList(),
                "the continued trial records the points after the snapshot, and none twice");
        assertRefused(plain, new TrialSnapshot(snapshot.epoch(), snapshot.iterations(), snapshot.stepsPerEpoch(),
                snapshot.trial(), snapshot.schedule(), snapshot.metrics(), List.of(),
                snapshot.predictions().subList(0, 1), snapshot.params(), snapshot.updaterState()), "record point");
    }

    @Test
    void aForkOfTheParentsSnapshotEqualsAPlainTrialOfTheChild() {
        Schedule parent = Schedule.parse("R", "1: lr=0.2 wd=0.05");
        Schedule child = Schedule.parse("P", "1: lr=0.2 wd=0.05; 3: lr=0.02 wd=0.5");
        TrialSnapshot[] taken = new TrialSnapshot[1];
        TrialResult parentRun = new TrialRunner().run(mnistSpec(parent), mnist, null, TrialObserver.NONE,
                new SnapshotRequest(Set.of(AT), s -> taken[0] = s));

        List<EpochMetrics> heard = new ArrayList<>();
        TrialResult forked = new TrialRunner().run(mnistSpec(child), mnist,
                TrialSnapshot.fromBytes(taken[0].toBytes()), heard::add, SnapshotRequest.NONE);
        TrialResult plain = run(mnistSpec(child), mnist);

        assertSameTrial(plain, forked, 1);
        assertEquals(List.of(3, 4), heard.stream().map(EpochMetrics::epoch).toList(),
                "the observer hears the epochs trained after the fork");
        assertEquals(0.02, forked.epochs().get(AT).lr(), "the child's schedule applies after the fork");
        assertFalse(Arrays.equals(parentRun.predictions().get(3).predicted(), forked.predictions().get(3).predicted()),
                "the child differs from its parent after the fork (else the test shows nothing)");
    }

    @Test
    void aSnapshotRefusesATrialItCannotContinueInOneLine() {
        TrialSpec spec = mnistSpec(Schedule.parse("R", "1: lr=0.2 wd=0.05"));
        TrialSnapshot snapshot = snapshotAt(spec, mnist);

        TrialSpec otherSeed = new TrialSpec(spec.dataset(), spec.model(), spec.preprocessing(), spec.schedule(),
                spec.epochs(), spec.batchSize(), spec.recordEpochs(), 8, 8, spec.evaluation());
        assertRefused(otherSeed, snapshot, "another trial");
        assertRefused(mnistSpec(Schedule.parse("X", "1: lr=0.2 wd=0.05; 2: lr=0.1")), snapshot,
                "differ in epoch 2");
        assertRefused(mnistSpec(Schedule.parse("M", "1: lr=0.2 wd=0.05; 3: momentum=0.9")), snapshot,
                "uses momentum");
    }

    @Test
    void damagedOrTruncatedBytesAreRefusedInOneLine() {
        byte[] bytes = snapshotAt(mnistSpec(Schedule.parse("R", "1: lr=0.2 wd=0.05")), mnist).toBytes();
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 1;
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 100);
        byte[] future = bytes.clone();
        future[7] = 9;

        assertOneLine(assertThrows(IllegalArgumentException.class, () -> TrialSnapshot.fromBytes(flipped)), "CRC-32");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> TrialSnapshot.fromBytes(truncated)),
                "CRC-32");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> TrialSnapshot.fromBytes(future)),
                "version 9");
        assertOneLine(assertThrows(IllegalArgumentException.class, () -> TrialSnapshot.fromBytes(new byte[40])),
                "not a trial snapshot");
    }

    /**
     * Runs {@code spec} uninterrupted, snapshotting after epoch {@link #AT}; continues the snapshot, through its
     * bytes, in a fresh network; asserts the two trials equal; returns the snapshot.
     */
    private static TrialSnapshot assertContinuesExactly(TrialSpec spec, Dataset data) {
        TrialSnapshot[] taken = new TrialSnapshot[1];
        TrialResult whole = new TrialRunner().run(spec, data, null, TrialObserver.NONE,
                new SnapshotRequest(Set.of(AT), s -> taken[0] = s));
        TrialSnapshot read = TrialSnapshot.fromBytes(taken[0].toBytes());
        assertEquals(AT, read.epoch());
        assertArrayEquals(taken[0].params(), read.params(), "the parameters survive the bytes");

        TrialResult continued = new TrialRunner().run(spec, data, read, TrialObserver.NONE, SnapshotRequest.NONE);
        assertSameTrial(whole, continued, 0);
        // Training went on after the snapshot (a continuation that trained nothing would not be the trial).
        assertFalse(whole.epochs().get(AT).totalNorm() == whole.epochs().get(AT - 1).totalNorm());
        return read;
    }

    /** Every metric (but wall times, from epoch {@code timedFrom} on) and every prediction equal, bit for bit. */
    private static void assertSameTrial(TrialResult expected, TrialResult actual, int timedFrom) {
        assertEquals(expected.epochs().size(), actual.epochs().size());
        for (int i = 0; i < expected.epochs().size(); i++) {
            EpochMetrics e = expected.epochs().get(i);
            EpochMetrics a = actual.epochs().get(i);
            assertEquals(untimed(e), untimed(a), "metrics of epoch " + e.epoch());
        }
        assertEquals(expected.stepsPerEpoch(), actual.stepsPerEpoch());
        assertEquals(expected.predictions().stream().map(EpochPredictions::point).toList(),
                actual.predictions().stream().map(EpochPredictions::point).toList());
        for (int i = 0; i < expected.predictions().size(); i++) {
            assertArrayEquals(expected.predictions().get(i).predicted(), actual.predictions().get(i).predicted(),
                    "predictions at " + expected.predictions().get(i).point());
        }
        assertEquals(expected.steps().stream().map(TrialSnapshotTest::untimed).toList(),
                actual.steps().stream().map(TrialSnapshotTest::untimed).toList(), "metrics at the record steps");
    }

    private static EpochMetrics untimed(EpochMetrics m) {
        return new EpochMetrics(m.epoch(), m.lr(), m.wd(), m.trainLoss(), m.trainError(), m.testLoss(),
                m.testError(), m.groups(), m.totalNorm(), m.totalEffectiveLr(), 0, 0);
    }

    private static StepMetrics untimed(StepMetrics m) {
        return new StepMetrics(m.point(), m.lr(), m.wd(), m.testLoss(), m.testError(), m.groups(), m.totalNorm(),
                m.totalEffectiveLr(), 0);
    }

    private static TrialSnapshot snapshotAt(TrialSpec spec, Dataset data) {
        TrialSnapshot[] taken = new TrialSnapshot[1];
        new TrialRunner().run(new TrialSpec(spec.dataset(), spec.model(), spec.preprocessing(), spec.schedule(), AT,
                        spec.batchSize(), List.of(1, 2), spec.seed(), spec.initSeed(), spec.evaluation()), data, null,
                TrialObserver.NONE, new SnapshotRequest(Set.of(AT), s -> taken[0] = s));
        return taken[0];
    }

    private static void assertRefused(TrialSpec spec, TrialSnapshot snapshot, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrialRunner().run(spec, mnist, snapshot, TrialObserver.NONE, SnapshotRequest.NONE));
        assertOneLine(e, expected);
    }

    private static void assertOneLine(Exception e, String expected) {
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static TrialSpec mnistSpec(Schedule schedule) {
        return new TrialSpec("mnist-sample-slice", ModelSpec.mnistCnn(4), Preprocessing.NONE, schedule, 4, 64,
                List.of(1, 2, 3, 4), 7, 7, Evaluation.RUNNING);
    }

    private static TrialResult run(TrialSpec spec, Dataset data) {
        return new TrialRunner().run(spec, data, TrialObserver.NONE);
    }

    private static boolean nonZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }
}
