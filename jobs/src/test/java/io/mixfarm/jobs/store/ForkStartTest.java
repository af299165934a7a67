package io.mixfarm.jobs.store;

import io.mixfarm.core.schedule.Schedule;
import io.mixfarm.core.trial.EpochMetrics;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.GroupStats;
import io.mixfarm.core.trial.RecordPoint;
import io.mixfarm.core.trial.TrialSnapshot;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.TrialKey;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fork continues its parent's checkpoint only when the checkpoint was computed as the fork will be: by an
 * implementation that matches its own and with its OpenMP thread count; otherwise it trains the shared epochs again
 * and says why in one line.
 */
class ForkStartTest {

    private static final Implementation OURS = new Implementation("0.1.0", "abc", "fused", "CPU");
    private static final TrialKey FORK = new TrialKey("P", 0);

    @TempDir
    Path out;
    private ExperimentStore store;
    private ExperimentConfig config;

    @BeforeEach
    void setUp() {
        store = new ExperimentStore(out.toString(), new Configuration());
        config = ExperimentConfig.load(null, List.of("epochs=4", "trials=1", "schedules=[{name = R, text = "
                + "\"1: lr=0.1 wd=0.01\"}, {name = P, text = \"1: lr=0.1 wd=0.01; 3: lr=0.01 wd=0.1\", fork = {from = R,"
                + " at = 2}}]", "output=\"" + out + "\""));
    }

    @Test
    void aCheckpointOfTheSameImplementationAndThreadsIsContinued() {
        store.writeCheckpoint("R", 0, snapshot().withOrigin(ForkStart.origin(OURS, 1)));
        ForkStart start = ForkStart.of(config, store, FORK, OURS, 1);
        assertTrue(start.fromCheckpoint());
        assertEquals("starts from R/0's checkpoint after epoch 2", start.how());
    }

    @Test
    void anotherThreadCountTrainsTheSharedEpochsAgain() {
        store.writeCheckpoint("R", 0, snapshot().withOrigin(ForkStart.origin(OURS, 1)));
        ForkStart start = ForkStart.of(config, store, FORK, OURS, 2);
        assertFalse(start.fromCheckpoint());
        assertEquals("R/0's checkpoint after epoch 2 was computed by mixfarm=0.1.0 commit=abc kernels=fused nd4j=CPU "
                + "with 1 OpenMP thread, this trial by mixfarm=0.1.0 commit=abc kernels=fused nd4j=CPU with 2 OpenMP "
                + "threads: trains the shared epochs again", start.how());
    }

    @Test
    void anotherImplementationTrainsTheSharedEpochsAgain() {
        Implementation older = new Implementation("0.1.0", "0ld", "fused", "CPU");
        store.writeCheckpoint("R", 0, snapshot().withOrigin(ForkStart.origin(older, 1)));
        ForkStart start = ForkStart.of(config, store, FORK, OURS, 1);
        assertFalse(start.fromCheckpoint());
        assertTrue(start.how().startsWith("R/0's checkpoint after epoch 2 was computed by mixfarm=0.1.0 commit=0ld "),
                start.how());
    }

    @Test
    void aCheckpointThatDoesNotSayWhatComputedItTrainsTheSharedEpochsAgain() {
        store.writeCheckpoint("R", 0, snapshot()); // as version 2 wrote them: no origin
        ForkStart start = ForkStart.of(config, store, FORK, OURS, 1);
        assertFalse(start.fromCheckpoint());
        assertEquals("R/0's checkpoint after epoch 2 was computed by an unknown implementation (written before "
                + "snapshots recorded it), this trial by mixfarm=0.1.0 commit=abc kernels=fused nd4j=CPU with 1 "
                + "OpenMP thread: trains the shared epochs again", start.how());
    }

    private static TrialSnapshot snapshot() {
        List<EpochMetrics> metrics = Stream.iterate(1, e -> e + 1).limit(2)
                .map(e -> new EpochMetrics(e, 0.1, 0.01, 2.0 / e, 0.5, 2.1, 0.6,
                        List.of(new GroupStats("conv1", 3.0, 0.1 / 9)), 3.0, 0.1 / 9, 1.5, 0.5))
                .toList();
        return new TrialSnapshot(2, 40, 20, "data=x seed=1", Schedule.parse("R", "1: lr=0.1 wd=0.01"), metrics,
                List.of(), List.of(new EpochPredictions(RecordPoint.endOf(2, 20), new byte[] {1, 2, 3})),
                new float[] {1f, -2f}, new float[0]);
    }
}
