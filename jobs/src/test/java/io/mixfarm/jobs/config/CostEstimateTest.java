package io.mixfarm.jobs.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CostEstimateTest {

    @Test
    void countsTheSampleFarm() {
        ExperimentConfig config = ExperimentConfig.load(ExperimentConfigLoadTest.CONF.resolve("mnist-sample.conf"),
                List.of());
        CostEstimate cost = CostEstimate.of(config, 8_000, 2_000);
        // 3 schedules x 4 trials; x 8 epochs; x 8,000 train and 2,000 test images per epoch.
        assertEquals(new CostEstimate(12, 96, 768_000, 192_000), cost);
        assertEquals("12 trials x 8 epochs = 96 trial-epochs, training on 768,000 images and predicting 192,000 "
                + "test images (8,000 train and 2,000 test images per trial-epoch).", cost.describe());
    }

    @Test
    void paperScaleDoesNotOverflow() {
        CostEstimate cost = CostEstimate.of(ExperimentConfig.load(null, List.of()), 60_000, 10_000);
        assertEquals(1_500, cost.trials());
        assertEquals(300_000, cost.trialEpochs());
        assertEquals(18_000_000_000L, cost.trainImages());
        assertEquals(3_000_000_000L, cost.predictedImages());
    }

    @Test
    void rejectsNegativeCounts() {
        ExperimentConfig config = ExperimentConfig.load(null, List.of());
        assertThrows(IllegalArgumentException.class, () -> CostEstimate.of(config, -1, 10));
    }

    @Test
    void recordPointsInsideEpochsAddTheirEvaluations() {
        // 8,000 images in batches of 128: 63 steps per epoch. Every 21 steps from the start of epoch 7 of 8: steps
        // 378 (epoch 6's end), 399, 420, 441 (epoch 7's end), 462, 483, 504 (epoch 8's end): 4 points inside epochs.
        ExperimentConfig config = ExperimentConfig.parse("", List.of("epochs=8", "trials=4",
                "schedules=[Const, LR-decay, WD-decay]", "record-steps.from-epoch=7", "record-steps.every=21"));
        CostEstimate cost = CostEstimate.of(config, 8_000, 2_000);
        assertEquals(12L * (8 + 4) * 2_000, cost.predictedImages());
        assertEquals(768_000, cost.trainImages(), "training is the same");
    }

    @Test
    void aForkEvaluatesOnlyTheRecordPointsAfterItsCheckpoint() {
        // 63 steps per epoch, every 21 steps from epoch 6 of 8: points inside epochs at steps 336, 357 (epoch 6),
        // 399, 420 (epoch 7), 462, 483 (epoch 8). R evaluates 8 epoch ends and 6 inner points; P, forked after
        // epoch 6, the ends of epochs 7 and 8 and the 4 inner points after its checkpoint.
        ExperimentConfig config = ExperimentConfig.parse("""
                experiment {
                  epochs = 8, trials = 4, record-steps { from-epoch = 6, every = 21 }
                  schedules = [
                    { name = R, text = "1: lr=0.1 wd=0.1" }
                    { name = P, text = "1: lr=0.1 wd=0.1; 7: lr=0.01 wd=1", fork = { from = R, at = 6 } }
                  ]
                }
                """, List.of());
        CostEstimate cost = CostEstimate.of(config, 8_000, 2_000);
        assertEquals(4L * 6, cost.sharedEpochs());
        assertEquals(4L * ((8 + 6) + (2 + 4)) * 2_000, cost.predictedImages());
    }

    @Test
    void aRecomputedEvaluationPassesItsStatisticsBatchesForwardAtEveryEvaluation() {
        // 63 steps per epoch; every 21 steps from epoch 7 of 8: 4 points inside epochs, so 12 trials x (8 + 4)
        // evaluations, each after 16 full batches of 128 training images through the network in training mode.
        List<String> recordSteps = List.of("epochs=8", "trials=4", "schedules=[Const, LR-decay, WD-decay]",
                "record-steps.from-epoch=7", "record-steps.every=21");
        CostEstimate running = CostEstimate.of(ExperimentConfig.parse("", recordSteps), 8_000, 2_000);
        List<String> recomputed = new java.util.ArrayList<>(recordSteps);
        recomputed.addAll(List.of("bn-eval=recomputed", "bn-eval-batches=16"));
        CostEstimate cost = CostEstimate.of(ExperimentConfig.parse("", recomputed), 8_000, 2_000);

        assertEquals(0, running.statisticsImages(), "running averages need no statistics pass");
        assertEquals(12L * (8 + 4) * 16 * 128, cost.statisticsImages());
        assertEquals(running.predictedImages(), cost.predictedImages(), "the test set is predicted as before");
        assertEquals(running.trainImages(), cost.trainImages(), "training is the same");
        assertEquals("12 trials x 8 epochs = 96 trial-epochs, training on 768,000 images, passing 294,912 training "
                + "images forward for BN's recomputed statistics and predicting 288,000 test images (8,000 train, "
                + "3,072 BN-statistics and 3,000 test images per trial-epoch).", cost.describe());
        // At 1,000 images per second of each kind, the statistics pass adds its images' seconds to the trial time.
        assertEquals((768_000 + 294_912 + 288_000) / 1_000.0, cost.trialSeconds(1_000, 1_000, 1_000), 1e-9);
        assertEquals((768_000 + 288_000) / 1_000.0, running.trialSeconds(1_000, 0, 1_000), 1e-9,
                "without statistics their rate is not read");
    }

    @Test
    void aTrainingSetOfFewerBatchesThanAskedGivesWhatItHolds() {
        // 1,000 images hold 7 full batches of 128: 16 asked, 7 measured per evaluation; 100 images: one short batch.
        CostEstimate fewer = CostEstimate.of(ExperimentConfig.parse("", List.of("epochs=4", "trials=1",
                "schedules=[Const]", "bn-eval=recomputed", "bn-eval-batches=16")), 1_000, 100);
        assertEquals(4L * 7 * 128, fewer.statisticsImages());
        CostEstimate tiny = CostEstimate.of(ExperimentConfig.parse("", List.of("epochs=4", "trials=1",
                "schedules=[Const]", "bn-eval=recomputed", "bn-eval-batches=16")), 100, 10);
        assertEquals(4L * 100, tiny.statisticsImages());
    }
}
