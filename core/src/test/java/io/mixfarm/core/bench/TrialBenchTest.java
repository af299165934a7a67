package io.mixfarm.core.bench;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.EmbeddedSample;
import io.mixfarm.core.model.ModelSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialBenchTest {

    @Test
    void measuresTrainingPredictionAndMemoryOfATinyNetworkOnRealImages() {
        Dataset sample = EmbeddedSample.load();
        Dataset data = new Dataset("slice", sample.train().slice(0, 256), sample.test().slice(0, 1500));
        BenchSettings settings = new BenchSettings(ModelSpec.mnistCnn(2), 32, 1, 2, 3, 400, 4);
        TrialBenchResult result = TrialBench.run(data, settings);

        assertEquals(3, result.train().wall().values().size());
        assertEquals(3, result.predict().cpu().values().size());
        RateMeter.Rates all = result.train().concat(result.predict());
        for (double rate : all.wall().concat(all.cpu()).values()) {
            assertTrue(rate > 0 && Double.isFinite(rate), result.toString());
        }
        assertEquals(1500, result.testImages());
        assertEquals(1, result.threads(), "surefire runs with OMP_NUM_THREADS=1");
        assertTrue(result.after().workspaceBytes() > 0, "DL4J trains in workspaces: " + result.after());
        assertTrue(result.trialRssBytes() >= 0 && result.after().peakRssBytes() >= result.after().rssBytes(),
                result.toString());
        assertEquals(result.flops().trainingGflops(result.train().wall().median()), result.trainGflops());
    }
}
