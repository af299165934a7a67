package io.mixfarm.jobs.cli;

import io.mixfarm.core.data.Preprocessing;
import io.mixfarm.core.model.ModelSpec;
import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.Divergence;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.Evaluation;
import io.mixfarm.core.trial.GroupStats;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialSpec;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTableTest {

    @Test
    void aDivergedTrialsSummarySaysWhereAndWhyItStoppedInsteadOfAFinalError() {
        TrialSpec spec = new TrialSpec("mnist-sample", ModelSpec.mnistCnn(4), Preprocessing.NONE,
                Schedule.parse("lr50", "1: lr=50 wd=0.1"), 8, 128, List.of(8), 1, 1,
                Evaluation.RUNNING);
        EpochMetrics first = new EpochMetrics(1, 50, 0.1, 2.49, 0.9, 2.3, 0.9,
                List.of(new GroupStats("conv1", Double.NaN, Double.NaN)), Double.NaN, Double.NaN, 1.0, 0.5);
        TrialResult result = new TrialResult(spec, 63, List.of(first), List.of(), List.of(), 2.0,
                Divergence.of(first));
        StringWriter text = new StringWriter();
        new MetricsTable(new PrintWriter(text)).summary(result, 8000, 2000);

        assertTrue(text.toString().startsWith("diverged in epoch 1: norm of conv1 NaN, norm NaN; the trial stopped "
                + "there (a farm records it as diverged, not as a sample); 2.0 s in all"), text.toString());
        assertFalse(text.toString().contains("final test error"), text.toString());
    }
}
