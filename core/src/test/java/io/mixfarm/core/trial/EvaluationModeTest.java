package io.mixfarm.core.trial;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.data.ImageSet;
import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.InputShape;
import io.mixfarm.core.model.Kernels;
import io.mixfarm.core.model.MnistCnn;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.model.ScaleInvariantNet;
import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluation mode changes what a trial reports about its test set and nothing of its training: the same trial
 * trained with {@code bn-eval = running} and {@code recomputed} has the same train losses, norms and final
 * parameters, bit for bit, on DL4J's BN layers and on the fused ones.
 */
class EvaluationModeTest {

    private static Dataset slice;

    @BeforeAll
    static void load() {
        Dataset sample = EmbeddedSample.load();
        slice = new Dataset("mnist-sample-slice", sample.train().slice(0, 1000), sample.test().slice(0, 300));
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void aTrialTrainsBitIdenticallyWhicheverModeItEvaluatesWith(Kernels kernels) {
        Trained running = train(Evaluation.RUNNING, kernels);
        Trained recomputed = train(Evaluation.recomputed(3), kernels);

        List<EpochMetrics> a = running.result().epochs();
        List<EpochMetrics> b = recomputed.result().epochs();
        assertEquals(a.size(), b.size());
        boolean testDiffers = false;
        for (int i = 0; i < a.size(); i++) {
            String epoch = kernels + " epoch " + a.get(i).epoch();
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 0.0, epoch + " train loss");
            assertEquals(a.get(i).trainError(), b.get(i).trainError(), 0.0, epoch + " train error");
            assertEquals(a.get(i).totalNorm(), b.get(i).totalNorm(), 0.0, epoch + " norm");
            for (int g = 0; g < a.get(i).groups().size(); g++) {
                assertEquals(a.get(i).groups().get(g).norm(), b.get(i).groups().get(g).norm(), 0.0,
                        epoch + " norm of " + a.get(i).groups().get(g).group());
            }
            testDiffers |= a.get(i).testLoss() != b.get(i).testLoss();
        }
        assertEquals(running.params(), recomputed.params(), kernels + ": final parameters (weights and running"
                + " averages) bit for bit");
        // Without this the test could pass with a recomputed mode that recomputes nothing.
        assertTrue(testDiffers, kernels + ": the two modes reported the same test loss at every epoch");
    }

    @Test
    void recomputedPredictionsAgreeWithTheTestErrorTheyAreReportedWith() {
        TrialResult result = train(Evaluation.recomputed(2), Kernels.FUSED).result();
        for (EpochPredictions predictions : result.predictions()) {
            byte[] predicted = predictions.predicted();
            int wrong = 0;
            for (int i = 0; i < predicted.length; i++) {
                wrong += predicted[i] == slice.test().label(i) ? 0 : 1;
            }
            assertEquals(result.epochs().get(predictions.epoch() - 1).testError(), (double) wrong / predicted.length,
                    1e-12, "epoch " + predictions.epoch());
        }
    }

    @Test
    void statisticsBatchesAreFullFixedBatchesOfTheTrainingSetWhateverTheTrialSeed() {
        TrialSpec one = spec(Evaluation.recomputed(5), 1);
        TrialSpec other = spec(Evaluation.recomputed(5), 2);
        ImageSet train = slice.train();
        var normalisation = one.preprocessing().normalise().of(train);
        List<INDArray> a = TrialRunner.statisticsBatches(train, normalisation, one, 5);
        List<INDArray> b = TrialRunner.statisticsBatches(train, normalisation, other, 5);

        assertEquals(5, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(one.batchSize(), a.get(i).size(0), "batch " + i + " is full");
            assertEquals(a.get(i), b.get(i), "batch " + i + " does not depend on the trial");
        }
        assertFalse(a.get(0).equals(a.get(1)), "batches differ");
        // 1,000 images hold 7 full batches of 128: asking for more gives those 7.
        assertEquals(7, TrialRunner.statisticsBatches(train, normalisation, one, 50).size());
    }

    @Test
    void aTrialBuildsItsStatisticsBatchesOnceAndEvaluatingLeavesThemAsTheyWere() {
        TrialSpec spec = spec(Evaluation.recomputed(3), 5);
        ImageSet train = slice.train();
        TrialState state = TrialState.start(spec, slice);
        List<INDArray> expected = TrialRunner.statisticsBatches(train, spec.preprocessing().normalise().of(train),
                spec, 3);
        assertEquals(3, state.statisticsBatches.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).data().asFloat(), state.statisticsBatches.get(i).data().asFloat(),
                    "batch " + i + " is the rule's");
        }
        int[] step = state.order.nextEpoch().get(0);
        int[] labels = new int[step.length];
        for (int i = 0; i < step.length; i++) {
            labels[i] = state.train.label(step[i]);
        }
        state.trainStats.expect(labels);
        state.net.fit(state.train.batch(step)); // one step, so the running averages and the batches' statistics differ

        TrialRunner.TestEvaluation first = TrialRunner.evaluate(state);
        TrialRunner.TestEvaluation second = TrialRunner.evaluate(state);

        // Reused at every evaluation, so nothing may write into them: the forward pass reads its input only.
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).data().asFloat(), state.statisticsBatches.get(i).data().asFloat(),
                    "batch " + i + " after two evaluations");
        }
        assertArrayEquals(first.predicted(), second.predicted(), "the same weights, the same predictions");
        assertEquals(first.loss(), second.loss(), 0.0);
        assertTrue(TrialState.start(spec(Evaluation.RUNNING, 5), slice).statisticsBatches.isEmpty(),
                "running keeps no batches");
    }

    @Test
    void recomputedStatisticsNeedAtLeastOneBatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Evaluation.recomputed(0));
        assertEquals("BN statistics batches must be >= 1, got 0", e.getMessage());
        assertEquals(BnEval.RECOMPUTED, BnEval.parse(" Recomputed "));
        assertEquals("unknown BN evaluation mode \"precise\"; known: running, recomputed",
                assertThrows(IllegalArgumentException.class, () -> BnEval.parse("precise")).getMessage());
    }

    private record Trained(TrialResult result, INDArray params) {
    }

    private static Trained train(Evaluation evaluation, Kernels kernels) {
        TrialSpec spec = spec(evaluation, 5);
        ImageSet train = slice.train();
        InputShape shape = new InputShape(train.channels(), train.height(), train.width(), train.classes());
        ScaleInvariantNet net = MnistCnn.build(spec.model(), shape, spec.schedule(), spec.initSeed(), kernels);
        TrialResult result = new TrialRunner().train(spec, slice, m -> { }, net, System.nanoTime());
        return new Trained(result, net.network().params().dup());
    }

    /** Three epochs at a high effective LR (the running averages lag most there), recording every epoch. */
    private static TrialSpec spec(Evaluation evaluation, long seed) {
        return new TrialSpec("mnist-sample-slice", ModelSpec.mnistCnn(4), Preprocessing.NONE,
                Schedule.parse("hot", "1: lr=0.4 wd=0.1"), 3, 128, List.of(1, 2, 3), seed, seed, evaluation);
    }
}
