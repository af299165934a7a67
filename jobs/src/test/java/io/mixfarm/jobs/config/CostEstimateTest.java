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
}
