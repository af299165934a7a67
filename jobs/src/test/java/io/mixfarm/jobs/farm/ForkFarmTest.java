package io.mixfarm.jobs.farm;

import io.mixfarm.core.data.Dataset;
import io.mixfarm.core.data.Datasets;
import io.mixfarm.core.trial.EpochPredictions;
import io.mixfarm.core.trial.SnapshotOrigin;
import io.mixfarm.core.trial.TrialObserver;
import io.mixfarm.core.trial.TrialResult;
import io.mixfarm.core.trial.TrialRunner;
import io.mixfarm.core.trial.TrialSnapshot;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.cli.Mixfarm;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.device.Device;
import io.mixfarm.jobs.store.Checkpoint;
import io.mixfarm.jobs.store.CheckpointGc;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.TrialRecord;
import io.mixfarm.jobs.store.TrialStatus;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny local farm with a fork (docs/method.md, "Forks"): R, and P, which agrees with R for two epochs and forks
 * from R's checkpoint after epoch 2. Its life: P/0 starts from its checkpoint, P/1 fails for good (an injected fault
 * between parent and child); its checkpoint is then lost and the rerun trains P/1's shared epochs again; both equal
 * plain trials of P, and `trial --from` reproduces them; P/0's rows are deleted and the farm resumes it from the
 * checkpoint; --trials 3 adds R/2 and P/2, forked too; gc removes the checkpoints once no fork needs them. One test, in order, since each step starts from the
 * folder the last left. The trials record every 2 steps from epoch 2 too (5 steps per epoch), so the checkpoint after
 * epoch 2 carries the points inside epoch 2 and the fork records those after it.
 */
@ExtendWith(TinyFarm.LocalSpark.class)
class ForkFarmTest {

    @TempDir
    static Path dir;
    private static Path out;
    private static ExperimentConfig config;
    private static Dataset data;

    @BeforeAll
    static void setUp() {
        TinyFarm farm = TinyFarm.in(dir).with("name=forks", "epochs=4", "record-epochs=[1, 2, 3, 4]",
                "record-steps.from-epoch=2", "record-steps.every=2", "trials=2",
                "schedules=[{name = R, text = \"1: lr=0.1 wd=0.01\"},"
                        + " {name = P, text = \"1: lr=0.1 wd=0.01; 3: lr=0.01 wd=0.1\", fork = {from = R, at = 2}}]");
        out = farm.out();
        config = farm.config();
        data = Datasets.open(config.data());
    }

    @Test
    void forksRunAfterTheirParentsResumeAndEqualPlainTrialsOfTheirSchedule() {
        ExperimentStore store = new ExperimentStore(out.toString(), new Configuration());

        // 1. The first run: R writes the checkpoints, P/0 starts from R/0's once R's job is done; P/1 fails for good
        //    (an injected fault between parent and child; local[2] gives one attempt), and still needs R/1's.
        FarmReport first = farm(Faults.parse("P/1=always"));
        assertEquals(List.of("P/1"), first.failed().stream().map(r -> r.key().toString()).toList());
        assertEquals(TrialStatus.SUCCEEDED, store.trials().get(new TrialKey("R", 1)).status());
        assertEquals(List.of(new Checkpoint("R", 2, 0), new Checkpoint("R", 2, 1)), store.checkpoints());
        assertEquals("starts from R/0's checkpoint after epoch 2", forkProvenance("P", 0));
        assertEqualsPlainTrial(store, "P", 0);
        assertEqualsPlainTrial(store, "R", 0);
        assertEquals(Set.of(new Checkpoint("R", 2, 1)), CheckpointGc.needed(config, store.trials()),
                "only the unfinished fork's checkpoint is still needed");
        TrialRecord parent = store.trials().get(new TrialKey("R", 1));
        assertEquals(new SnapshotOrigin(parent.implementation().text(), Device.parse(parent.device()).threads()),
                store.checkpoint("R", 2, 1).orElseThrow().origin(), "a checkpoint records what computed it");

        // 2. Its checkpoint lost too: the rerun runs P/1 only, which trains the shared epochs again from R/1's seed
        //    and is the plain trial of P all the same.
        store.deleteCheckpoint(new Checkpoint("R", 2, 1));
        FarmReport second = farm(Faults.NONE);
        assertEquals(List.of("P/1"), second.outcomes().stream().map(r -> r.key().toString()).toList());
        assertEquals(List.of(), second.failed());
        assertEquals("R/1's checkpoint after epoch 2 is missing: trains the shared epochs again",
                forkProvenance("P", 1));
        assertEqualsPlainTrial(store, "P", 1);

        // 2b. `mixfarm trial --from` reruns a forked trial outside the farm as the farm started it, bit for bit.
        for (int trial : List.of(0, 1)) {
            String said = mixfarm("trial", "--from", out.toString(), "--schedule", "P", "--trial",
                    Integer.toString(trial));
            assertTrue(said.contains(trial == 0 ? "P/0: starts from R/0's checkpoint after epoch 2"
                    : "P/1: R/1's checkpoint after epoch 2 is missing: trains the shared epochs again"), said);
            for (String point : List.of("epoch 2, step 7", "epoch 3", "epoch 3, step 13", "epoch 4")) {
                assertTrue(said.contains(point + ": predictions identical to the farm's (100 images)"), said);
            }
        }

        // 3. Resume after deleting the child's rows: only P/0 runs, from the checkpoint, with the same outputs.
        store.deleteTrial("P", 0);
        FarmReport third = farm(Faults.NONE);
        assertEquals(List.of("P/0"), third.outcomes().stream().map(r -> r.key().toString()).toList());
        assertEquals("starts from R/0's checkpoint after epoch 2", forkProvenance("P", 0));
        assertEqualsPlainTrial(store, "P", 0);

        // 3b. A checkpoint computed with another thread count is not continued: P/0 trains the shared epochs again
        //     and is still the plain trial of P.
        SnapshotOrigin ours = store.checkpoint("R", 2, 0).orElseThrow().origin();
        SnapshotOrigin other = new SnapshotOrigin(ours.implementation(), ours.threads() + 1);
        TrialSnapshot stamped = store.checkpoint("R", 2, 0).orElseThrow().withOrigin(other);
        store.deleteCheckpoint(new Checkpoint("R", 2, 0)); // the store keeps a first complete copy over a rewrite
        store.writeCheckpoint("R", 0, stamped);
        store.deleteTrial("P", 0);
        FarmReport again = farm(Faults.NONE);
        assertEquals(List.of("P/0"), again.outcomes().stream().map(r -> r.key().toString()).toList());
        assertEquals("R/0's checkpoint after epoch 2 was computed by " + other.describe() + ", this trial by "
                + ours.describe() + ": trains the shared epochs again", forkProvenance("P", 0));
        assertEqualsPlainTrial(store, "P", 0);

        // 4. --trials 3 extends the experiment: R/2 writes its checkpoint and P/2 starts from it.
        FarmReport fourth = farm(config.withTrials(3), Faults.NONE);
        assertEquals(List.of("P/2", "R/2"), fourth.outcomes().stream().map(r -> r.key().toString()).sorted().toList());
        assertEquals("starts from R/2's checkpoint after epoch 2", forkProvenance("P", 2));
        assertEqualsPlainTrial(store, "P", 2);

        // 5. Every fork finished: gc (the README's command) deletes the remaining checkpoints and says so.
        String said = mixfarm("gc", "--out", out.toString());
        assertTrue(said.contains("deleted ") && said.contains("checkpoints/schedule=R/epoch=2/trial-00000.snapshot")
                && said.contains("checkpoints/schedule=R/epoch=2/trial-00002.snapshot"), said);
        assertTrue(said.contains("gc: deleted 2 checkpoints, kept 0"), said);
        assertEquals(List.of(), store.checkpoints());
    }

    /** The farm's predictions of a trial equal those of a plain trial of its planned spec (the parent's seeds). */
    private static void assertEqualsPlainTrial(ExperimentStore store, String schedule, int trial) {
        // Seeds do not depend on the trial count, so the extended config plans every trial the farm ran.
        TrialResult plain = new TrialRunner().run(config.withTrials(3).planned(new TrialKey(schedule, trial)).spec(),
                data, TrialObserver.NONE);
        for (EpochPredictions mine : plain.predictions()) {
            assertArrayEquals(mine.predicted(), store.predictions(schedule, trial, mine.point()).orElseThrow(),
                    schedule + "/" + trial + " at " + mine.point());
        }
        // The ends of epochs 1..4 (steps 5, 10, 15, 20) and every 2 steps from the start of epoch 2 (5, 7, .., 19).
        assertEquals(List.of(5L, 7L, 9L, 10L, 11L, 13L, 15L, 17L, 19L, 20L),
                plain.predictions().stream().map(EpochPredictions::step).toList());
    }

    /** The {@code mixfarm.fork} line in the footer of a trial's metrics file, or "none". */
    private static String forkProvenance(String schedule, int trial) {
        List<List<String>> rows = Duck.query(String.format("SELECT decode(value) FROM parquet_kv_metadata("
                + "'%s/metrics/schedule=%s/trial-%05d.parquet') WHERE decode(key) = 'mixfarm.fork'", out, schedule,
                trial));
        return rows.isEmpty() ? "none" : rows.get(0).get(0);
    }

    /** Runs a {@code mixfarm} command in this JVM (one OpenMP thread, as the farm's); returns what it printed. */
    private static String mixfarm(String... args) {
        StringWriter printed = new StringWriter();
        StringWriter errors = new StringWriter();
        CommandLine cli = Mixfarm.commandLine();
        cli.setOut(new PrintWriter(printed));
        cli.setErr(new PrintWriter(errors));
        assertEquals(0, cli.execute(args), printed + "\n" + errors);
        return printed.toString();
    }


    private static FarmReport farm(Faults faults) {
        return farm(config, faults);
    }

    private static FarmReport farm(ExperimentConfig experiment, Faults faults) {
        return TinyFarm.run(experiment, new FarmOptions(false, List.of(), faults, false, false));
    }
}
